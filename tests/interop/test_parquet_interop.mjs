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

import { base64, compareJson, reencoded, roundHalf, uuidText } from './dataset.mjs';
import { parseJsonRaw, parseObjectLine, splitLines, tokenOf } from './jsonl.mjs';
import { buildCases, fileNameOf, reencodeCases } from './make_matrix.mjs';
import { makeReporter } from '../lib/oracles.mjs';
import { loadErrors, pl } from './oracles.mjs';
import { EXPECTED_TYPE_NAMES, readWithDuckDB, readWithParquetWasm, readWithPolars } from './readers.mjs';

const KINETL = resolve(process.env.KINETL || 'build/kinetl');
const { pass, fail, exitCode } = makeReporter({ prefix: 'interop/' });

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

// ---------------------------------------------------------------- statistics (kinetl parquet meta)

const utf8 = (s) => Buffer.from(s, 'utf8');

// The bytes a statistic of this type orders by (unsigned, lexicographic).
function orderBytes(ty, v) {
  if (ty.k === 'string') return utf8(v);
  if (ty.k === 'uuid') return utf8(uuidText(v));
  return Buffer.from(v);
}

function tokenBytes(ty, tok) {
  if (tok.t !== 'str') return null;
  return ty.k === 'string' || ty.k === 'uuid' ? utf8(tok.v) : Buffer.from(tok.v, 'base64');
}

const BYTEWISE = new Set(['string', 'binary', 'fixed', 'uuid']);

function less(ty, a, b) {
  if (BYTEWISE.has(ty.k)) return Buffer.compare(orderBytes(ty, a), orderBytes(ty, b)) < 0;
  if (ty.k === 'bool') return !a && b;
  return a < b;
}

// min, max (NaN excluded) and null count of a row group's slice of values.
function sliceStats(ty, values) {
  let min; let max; let nulls = 0;
  for (const v of values) {
    if (v === null) { nulls++; continue; }
    if (ty.k === 'float' && Number.isNaN(v)) continue;
    if (min === undefined || less(ty, v, min)) min = v;
    if (max === undefined || less(ty, max, v)) max = v;
  }
  return { min, max, nulls };
}

function tokenNumber(tok) {
  if (tok.t === 'num') return Number(tok.raw);
  return { NaN, Infinity, '-Infinity': -Infinity }[tok.v] ?? NaN;
}

// Compares a reported min or max with the true one; null when acceptable.
// Byte-ordered statistics may be truncated by writers: min <= true min, max >= true max.
function checkBound(ty, want, tok, isMax) {
  if (want === undefined) return null;
  if (BYTEWISE.has(ty.k)) {
    const got = tokenBytes(ty, tok);
    if (!got) return `not a string: ${JSON.stringify(tok)}`;
    const c = Buffer.compare(got, orderBytes(ty, want));
    return (isMax ? c >= 0 : c <= 0) ? null
      : `${isMax ? 'max' : 'min'} ${JSON.stringify(tok.v)} is ${isMax ? 'below' : 'above'} the data's ${JSON.stringify(ty.k === 'string' ? want : base64(orderBytes(ty, want)))}`;
  }
  if (ty.k === 'float') {
    const got = tokenNumber(tok);
    const round = ty.bits === 64 ? (x) => x : ty.bits === 32 ? Math.fround : roundHalf;
    if (want === 0 && round(got) === 0) return null;  // -0/+0: writers may widen either way
    // Polars writes NaN as a FLOAT16 chunk's min and max; meta shows the file as it is.
    if (ty.bits === 16 && Number.isNaN(got)) return null;
    return round(got) === want ? null : `${isMax ? 'max' : 'min'} ${tok.raw ?? tok.v}, data has ${want}`;
  }
  const why = compareJson(ty, want, tok);
  return why ? `${isMax ? 'max' : 'min'}: ${why}` : null;
}

function checkKinetlStats(c, path) {
  const r = kinetl(['parquet', 'meta', '--json', path]);
  if (r.status !== 0) return `meta exit ${r.status}: ${oneLine(r.stderr)}`;
  const meta = parseJsonRaw(r.stdout);
  const problems = [];
  let start = 0;
  let checked = 0;
  meta.row_groups.forEach((rg, g) => {
    const n = Number(rg.num_rows.raw);
    rg.columns.forEach((chunk, j) => {
      const col = c.cols[j];
      const st = chunk.statistics;
      if (!st) return;
      const want = sliceStats(col.ty, col.values.slice(start, start + n));
      const where = `row group ${g} ${col.name}`;
      if (st.null_count && Number(st.null_count.raw) !== want.nulls)
        problems.push(`${where}: null_count ${st.null_count.raw}, data has ${want.nulls}`);
      if ('min' in st) {
        for (const [tok, w, isMax] of [[tokenOf(st.min), want.min, false], [tokenOf(st.max), want.max, true]]) {
          const why = checkBound(col.ty, w, tok, isMax);
          if (why) problems.push(`${where}: ${why}`);
        }
        checked++;
      }
    });
    start += n;
  });
  if (start !== c.cols[0].values.length) problems.push(`row groups hold ${start} rows`);
  if (checked === 0) problems.push('no statistics at all');
  return problems.length ? `${problems.length} problems; ${problems.slice(0, 4).join('; ')}` : null;
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
      if (c.skipStats) continue;
      try { why = checkKinetlStats(c, c.path); } catch (e) { why = `harness: ${e.message}`; }
      if (why) fail(`${c.name}/statistics`, why); else pass(`${c.name}/statistics`);
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
process.exit(exitCode());
