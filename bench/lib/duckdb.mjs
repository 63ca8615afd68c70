// bench/lib/duckdb.mjs — opens the DuckDB peer used by every benchmark.
// The npm oracles live in tests/oracle/node_modules (CommonJS), so they are
// loaded with a require() anchored at tests/oracle/package.json: no
// NODE_PATH needed, and benchmarks use exactly the versions tests use.
import { createRequire } from 'node:module';

const require = createRequire(new URL('../../tests/oracle/package.json', import.meta.url));
const { DuckDBInstance } = require('@duckdb/node-api');

// A fresh in-memory DuckDB limited to one thread. The external file cache is
// off so repeated reads go through the OS page cache, as kinetl's do (it has
// no cross-open cache); everything else stays at DuckDB's defaults.
export async function openDuckDB({ threads = 1 } = {}) {
  const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
  const conn = await instance.connect();
  try {
    await conn.run('SET enable_external_file_cache = false');
  } catch {
    // older DuckDB without the setting: nothing to turn off
  }
  const version = (await conn.runAndReadAll('SELECT version() AS v')).getRowObjectsJson()[0].v;
  return { instance, conn, version };
}

// Runs sql and returns its rows as JSON-safe objects (big integers as strings).
export async function rows(conn, sql) {
  return (await conn.runAndReadAll(sql)).getRowObjectsJson();
}

// Single-quoted SQL string literal.
export function sqlString(s) {
  return `'${String(s).replaceAll("'", "''")}'`;
}
