// tests/interop/test_parquet_interop.mjs — the Parquet interop matrix.
//
// 1. Every file of make_matrix.mjs (written by DuckDB, Polars, parquet-wasm
//    with every codec, dictionary on/off, data page v2, DELTA_* and
//    BYTE_STREAM_SPLIT) is read with `kinetl parquet cat --format json`; every
//    value must equal the generating formula's (dataset.mjs compareJson).
// 2. A representative subset is re-encoded with `kinetl parquet cat --format
//    parquet --out`, then read back by DuckDB, Polars and parquet-wasm: same
//    values, and the logical types kinetl's writer promises.
// Prints `PASS interop/<case>` or `FAIL interop/<case>: <why>`; exits 1 on any
// failure. KINETL names the binary (default build/kinetl).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { compareJson, reencoded } from './dataset.mjs';
import { parseObjectLine, splitLines } from './jsonl.mjs';
import { buildCases, fileNameOf, reencodeCases } from './make_matrix.mjs';
import { loadErrors, pl } from './oracles.mjs';
import { EXPECTED_TYPE_NAMES, readWithDuckDB, readWithParquetWasm, readWithPolars } from './readers.mjs';

const KINETL = resolve(process.env.KINETL || 'build/kinetl');
let failures = 0;
const pass = (name) => console.log(`PASS interop/${name}`);
const fail = (name, why) => { failures++; console.log(`FAIL interop/${name}: ${why}`); };

function kinetl(args) {
  const r = spawnSync(KINETL, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.error) throw r.error;
  return r;
}

function oneLine(stderr) {
  return stderr.trim().split('\n')[0].slice(0, 300);
}

// ---------------------------------------------------------------- oracle files -> kinetl

function checkKinetlJson(c, path) {
  const r = kinetl(['parquet', 'cat', '--format', 'json', path]);
  if (r.status !== 0) return `exit ${r.status}: ${oneLine(r.stderr)}`;
  const lines = splitLines(r.stdout);
  const n = c.cols[0].values.length;
  if (lines.length !== n) return `${lines.length} rows, expected ${n}`;
  const problems = [];
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const fields = parseObjectLine(lines[i]);
    if (fields.length !== c.cols.length || fields.some(([k], j) => k !== c.cols[j].name))
      return `row ${i}: keys ${fields.map(([k]) => k).join(',')} != ${c.cols.map((x) => x.name).join(',')}`;
    c.cols.forEach((col, j) => {
      const why = compareJson(col.ty, col.values[i], fields[j][1]);
      if (why) { bad++; if (problems.length < 4) problems.push(`${col.name} row ${i}: ${why}`); }
    });
  }
  return bad ? `${bad} values differ; ${problems.join('; ')}` : null;
}

// ---------------------------------------------------------------- kinetl files -> oracles

const READERS = {
  duckdb: readWithDuckDB,
  polars: (p) => { if (!pl) throw new Error(`nodejs-polars not loaded: ${loadErrors['nodejs-polars']}`); return readWithPolars(p); },
  'parquet-wasm': readWithParquetWasm,
};

async function checkOracleReads(oracle, cols, path) {
  const got = await READERS[oracle](path);
  const names = cols.map((c) => c.name);
  if (got.names.join(',') !== names.join(',')) return `columns ${got.names.join(',')} != ${names.join(',')}`;
  const problems = [];
  const maps = cols.map((c) => reencoded(c.ty));
  cols.forEach((c, j) => {
    const want = EXPECTED_TYPE_NAMES[oracle][maps[j].type];
    if (got.types[c.name] !== want) problems.push(`${c.name}: type ${got.types[c.name]}, expected ${want}`);
  });
  const n = cols[0].values.length;
  if (got.rows.length !== n) problems.push(`${got.rows.length} rows, expected ${n}`);
  let bad = 0;
  for (let i = 0; i < Math.min(n, got.rows.length); i++) {
    cols.forEach((c, j) => {
      const want = maps[j].value(c.values[i]);
      if (got.rows[i][j] !== want) { bad++; if (problems.length < 4) problems.push(`${c.name} row ${i}: ${got.rows[i][j]} != ${want}`); }
    });
  }
  if (bad) problems.unshift(`${bad} values differ`);
  return problems.length ? problems.join('; ') : null;
}

function checkU64Overflow(tmp, casesByName) {
  const name = 'kinetl-writer/uint64_above_int64_is_an_error';
  const src = casesByName.get('duckdb/all_types_zstd');
  const out = join(tmp, 'u64.kinetl.parquet');
  const r = kinetl(['parquet', 'cat', '--format', 'parquet', '--columns', 'u64', '--out', out, src.path]);
  const lines = r.stderr.trim().split('\n');
  if (r.status !== 1) return fail(name, `exit ${r.status}, expected 1 (stderr: ${oneLine(r.stderr)})`);
  if (lines.length !== 1 || !/u64/.test(lines[0])) return fail(name, `stderr should be one line naming u64: ${r.stderr.trim()}`);
  const left = readdirSync(tmp).filter((f) => f.startsWith('u64.kinetl.parquet'));
  if (left.length) return fail(name, `left behind: ${left.join(', ')}`);
  return pass(name);
}

// ---------------------------------------------------------------- main

async function main() {
  if (!existsSync(KINETL)) {
    fail('setup', `no kinetl binary at ${KINETL} (run make, or set KINETL)`);
    return;
  }
  for (const [mod, why] of Object.entries(loadErrors)) fail(`oracle-load/${mod}`, why);
  const tmp = mkdtempSync(join(tmpdir(), 'kinetl-interop-'));
  try {
    const casesByName = new Map();
    for (const c of buildCases()) {
      c.path = join(tmp, fileNameOf(c.name));
      try {
        await c.write(c.path);
      } catch (e) {
        fail(c.name, `the oracle could not write it: ${String(e.message ?? e).split('\n')[0]}`);
        continue;
      }
      casesByName.set(c.name, c);
      let why;
      try { why = checkKinetlJson(c, c.path); } catch (e) { why = `harness: ${e.message}`; }
      if (why) fail(c.name, why); else pass(c.name);
    }

    for (const rc of reencodeCases()) {
      let cols; let src;
      if (rc.source) {
        const base = casesByName.get(rc.source);
        if (!base) { fail(`kinetl-writer/${rc.name}`, `source case ${rc.source} missing`); continue; }
        cols = base.cols.filter((c) => !(rc.exclude ?? []).includes(c.name));
        src = base.path;
      } else {
        cols = rc.cols;
        src = join(tmp, fileNameOf(rc.name) + '.src.parquet');
        await rc.write(src);
      }
      const out = join(tmp, fileNameOf(rc.name) + '.kinetl.parquet');
      const args = ['parquet', 'cat', '--format', 'parquet', '--out', out];
      if (rc.exclude) args.push('--columns', cols.map((c) => c.name).join(','));
      const r = kinetl([...args, src]);
      if (r.status !== 0 || !existsSync(out) || statSync(out).size === 0) {
        fail(`kinetl-writer/${rc.name}`, `kinetl exit ${r.status}: ${oneLine(r.stderr)}`);
        continue;
      }
      for (const oracle of Object.keys(READERS)) {
        const name = `kinetl-writer/${rc.name}/read-by-${oracle}`;
        let why;
        try { why = await checkOracleReads(oracle, cols, out); } catch (e) { why = `${oracle} could not read it: ${String(e.message ?? e).split('\n')[0]}`; }
        if (why) fail(name, why); else pass(name);
      }
    }
    checkU64Overflow(tmp, casesByName);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
process.exit(failures ? 1 : 0);
