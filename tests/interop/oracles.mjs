// tests/interop/oracles.mjs — loads the npm test oracles installed in
// tests/oracle/node_modules (pinned by tests/oracle/package.json). Scripts
// under tests/ import them through this module: no NODE_PATH needed.
// An oracle that fails to load is null here and its reason is in
// `loadErrors`, so the tests report it as a failure instead of crashing.
import { pathToFileURL } from 'node:url';

import { oracleRequire as require } from '../lib/oracles.mjs';

export const loadErrors = {};

async function load(name) {
  try {
    return await import(pathToFileURL(require.resolve(name)).href);
  } catch (e) {
    loadErrors[name] = String(e.message ?? e).split('\n')[0];
    return null;
  }
}

export const arrow = await load('apache-arrow');
export const duckdb = await load('@duckdb/node-api');
const polarsModule = await load('nodejs-polars');
export const pl = polarsModule ? (polarsModule.default ?? polarsModule) : null;
export const pqwasm = await load('parquet-wasm');
