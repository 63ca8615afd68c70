// tests/parquet/test_writer_oracles.mjs — reads the files kinetl's Parquet
// writer produces with three independent readers (DuckDB, Polars, and
// arrow-rs via parquet-wasm + apache-arrow) and checks them against values
// recomputed here from the same row formula the C generator uses
// (tests/unit/test_parquet_write_oracle.c: keep rowValue() in sync).
//
// Checks: every value (doubles bit-exact incl. NaN and -0.0, nulls in place,
// int64 extremes, timestamps to the microsecond, UTF-8 strings), logical
// types, row-group and page layout, column statistics (min/max/null_count
// with the spec's ordering rules), encodings (dictionary, fallback to
// PLAIN), codecs, key-value metadata and created_by.
//
// Oracles are loaded through tests/lib/oracles.mjs. Prints "PASS name" /
// "FAIL name: why" lines; exit code 1 on any failure. Needs
// build/tests/test_parquet_write_oracle (make test builds it) or
// KT_WRITER_ORACLE_BIN.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeReporter, oracleRequire, repoRoot as repo } from '../lib/oracles.mjs';

const { pass, fail, checkSync: check, check: checkAsync, exitCode } = makeReporter({ thrown: 'threw ' });

// ---- the row formula (mirror of push_row in test_parquet_write_oracle.c) ----
const INT64_MAX = 9223372036854775807n, INT64_MIN = -9223372036854775808n;
function rowValue(i) {
  const bi = BigInt(i);
  return {
    b: i % 7 === 3 ? null : i % 3 === 0,
    i32: ((i * 7919) % 20001) - 10000,
    i64: i % 11 === 5 ? null : i === 1 ? INT64_MAX : i === 2 ? INT64_MIN
      : (bi * 1000000007n - 3000000000000n) * (i % 2 ? -1n : 1n),
    d: i % 13 === 7 ? null : i % 97 === 5 ? NaN : i === 10 ? -0
      : i * 0.37 - (i % 17) * 123.456 + 1.0 / (i + 1),
    s: i % 5 === 4 ? null : i % 37 === 0 ? '' : `v${i % 37}`,
    ts: i === 3 ? -1000001n : 1669236000444000n + bi * 10000n + BigInt(i % 3),
    u: i % 50 === 0 ? `ünïcødé-${i}` : `row-${i}-${'x'.repeat(i % 5)}`,
  };
}
const COLS = ['b', 'i32', 'i64', 'd', 's', 'ts', 'u'];

// Normalises a value for comparison: bigint/number ints as decimal strings.
function same(col, got, want) {
  if (want === null || got === null || got === undefined) return want === null && (got === null || got === undefined);
  if (col === 'd') return Object.is(Number(got), want);
  if (col === 'i64' || col === 'ts') return BigInt(got) === want;
  return got === want;
}
function compareColumn(col, values, nrows) {
  if (values.length !== nrows) return `${col}: ${values.length} values, expected ${nrows}`;
  for (let i = 0; i < nrows; i++) {
    const want = rowValue(i)[col];
    if (!same(col, values[i], want)) return `${col} row ${i}: got ${String(values[i])}, expected ${String(want)}`;
  }
  return null;
}

// Expected statistics of rows [lo, hi) of one column, per the spec's orders.
function bytesLess(a, b) { return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')) < 0; }
function expectedStats(col, lo, hi) {
  let nulls = 0, min = null, max = null;
  for (let i = lo; i < hi; i++) {
    const v = rowValue(i)[col];
    if (v === null) { nulls++; continue; }
    if (col === 'd' && Number.isNaN(v)) continue;
    if (min === null) { min = max = v; continue; }
    if (col === 'u' || col === 's') {
      if (bytesLess(v, min)) min = v;
      if (bytesLess(max, v)) max = v;
    } else {
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  if (col === 'd' && min === 0) min = -0;
  if (col === 'd' && max === 0) max = 0;
  if (col === 'b' && min !== null) { min = String(min); max = String(max); }
  return { nulls, min, max };
}

// ---- a small thrift-compact reader, only to walk page headers ----
function readPageHeader(buf, pos) {
  let p = pos;
  const varint = () => { let r = 0n, s = 0n; for (;;) { const b = buf[p++]; r |= BigInt(b & 0x7f) << s; s += 7n; if (!(b & 0x80)) return r; } };
  const zigzag = () => { const v = varint(); return Number((v >> 1n) ^ -(v & 1n)); };
  function skip(type) {
    if (type === 1 || type === 2) return;              // bool in the field header
    if (type === 3) { p++; return; }
    if (type >= 4 && type <= 6) { varint(); return; }
    if (type === 7) { p += 8; return; }
    if (type === 8) { const n = Number(varint()); p += n; return; }
    if (type === 9 || type === 10) {
      const h = buf[p++]; let n = h >> 4; const et = h & 15; if (n === 15) n = Number(varint());
      for (let k = 0; k < n; k++) skip(et); return;
    }
    if (type === 12) { readStruct(() => skip); return; }
    throw new Error(`thrift type ${type} at ${p}`);
  }
  function readStruct(onField) {
    const out = {}; let last = 0;
    for (;;) {
      const h = buf[p++]; if (h === 0) return out;
      const type = h & 15; const delta = h >> 4;
      const id = delta ? last + delta : zigzag(); last = id;
      const handler = onField(id, type);
      if (typeof handler === 'function' && handler !== skip) out[id] = handler(type);
      else skip(type);
    }
  }
  const i32 = () => zigzag();
  const binary = () => { const n = Number(varint()); const b = buf.subarray(p, p + n); p += n; return b; };
  const statsReader = () => readStruct((id) => (id === 3 ? () => Number(varint() >> 1n) : id === 5 || id === 6 ? binary : null));
  const dataHeader = () => readStruct((id) => (id <= 4 ? i32 : id === 5 ? statsReader : null));
  const dictHeader = () => readStruct((id) => (id <= 2 ? i32 : null));
  const hdr = readStruct((id) => (id <= 3 ? i32 : id === 5 ? dataHeader : id === 7 ? dictHeader : null));
  return { type: hdr[1], uncompressed: hdr[2], compressed: hdr[3], data: hdr[5], dict: hdr[7], size: p - pos };
}

// Walks the pages of a column chunk; returns { dataPages, dictPages, values, encodings } or throws.
function walkChunk(buf, start, totalCompressed) {
  let p = start, dataPages = 0, dictPages = 0, values = 0, pageNulls = 0;
  const encodings = new Set();
  while (p < start + totalCompressed) {
    const h = readPageHeader(buf, p);
    if (h.type === 2) {
      if (dataPages) throw new Error('dictionary page after a data page');
      dictPages++;
    } else if (h.type === 0) {
      dataPages++;
      values += h.data[1];
      encodings.add(h.data[2]);
      if (!h.data[5] || h.data[5][3] === undefined) throw new Error(`data page ${dataPages} has no null_count statistic`);
      pageNulls += h.data[5][3];
      if (h.data[3] !== 3) throw new Error(`definition level encoding ${h.data[3]} is not RLE`);
    } else throw new Error(`unexpected page type ${h.type}`);
    p += h.size + h.compressed;
  }
  if (p !== start + totalCompressed) throw new Error(`pages end at ${p}, chunk at ${start + totalCompressed}`);
  return { dataPages, dictPages, values, encodings, pageNulls };
}

// ---- run the generator ----
const bin = process.env.KT_WRITER_ORACLE_BIN || join(repo, 'build', 'tests', 'test_parquet_write_oracle');
const dir = mkdtempSync(join(tmpdir(), 'kt-writer-oracle-'));
const gen = spawnSync(bin, [], { env: { ...process.env, KT_PQ_ORACLE_DIR: dir }, encoding: 'utf8' });
if (gen.status !== 0) {
  fail('writer_oracles/generate', `${bin} exited ${gen.status}: ${(gen.stdout || '') + (gen.stderr || '') || gen.error}`);
  process.exit(1);
}
pass('writer_oracles/generate');

const CODECS = { zstd: 'ZSTD', snappy: 'SNAPPY', none: 'UNCOMPRESSED', gzip: 'GZIP', lz4_raw: 'LZ4_RAW', brotli: 'BROTLI' };
const FILES = [
  ...Object.keys(CODECS).map((c) => ({ name: `types_${c}`, rows: 30000, rg: 12000, codec: CODECS[c], fallback: true, dict: true, pages: true })),
  { name: 'defaults', rows: 100000, rg: 100000, codec: 'ZSTD', fallback: true, dict: true },
  { name: 'nodict', rows: 5000, rg: 5000, codec: 'ZSTD', dict: false },
  // DOUBLE pages as BYTE_STREAM_SPLIT (what every kinetl Delta table writes)
  { name: 'bss', rows: 30000, rg: 12000, codec: 'ZSTD', fallback: true, dict: true, pages: true, bss: true },
];
const path = (name) => join(dir, `${name}.parquet`);

// ---- DuckDB ----
async function duckdbChecks() {
  let duck;
  try {
    duck = oracleRequire('@duckdb/node-api');
  } catch (e) { fail('duckdb/load', String(e.message).split('\n')[0]); return; }
  const inst = await duck.DuckDBInstance.create(':memory:');
  const con = await inst.connect();
  const rows = async (sql) => (await con.runAndReadAll(sql)).getRowObjects();
  const wantTypes = { b: 'BOOLEAN', i32: 'INTEGER', i64: 'BIGINT', d: 'DOUBLE', s: 'VARCHAR', ts: 'TIMESTAMP WITH TIME ZONE', u: 'VARCHAR' };
  for (const f of [...FILES, { name: 'empty', rows: 0 }]) {
    const p = path(f.name);
    await checkAsync(`duckdb/${f.name}/types`, async () => {
      const got = await rows(`DESCRIBE SELECT * FROM read_parquet('${p}')`);
      for (const r of got) if (wantTypes[r.column_name] !== r.column_type) return `${r.column_name} is ${r.column_type}`;
      return got.length === 7 ? null : `${got.length} columns`;
    });
    await checkAsync(`duckdb/${f.name}/values`, async () => {
      const got = await rows(`SELECT b, i32, i64, d, s, epoch_us(ts) AS ts, u FROM read_parquet('${p}', file_row_number = true) ORDER BY file_row_number`);
      for (const c of COLS) {
        const why = compareColumn(c, got.map((r) => r[c]), f.rows);
        if (why) return why;
      }
      return null;
    });
    if (!f.rows) continue;
    const meta = await rows(`SELECT row_group_id, row_group_num_rows, path_in_schema, num_values, compression, encodings,
        stats_null_count, stats_min_value, stats_max_value, dictionary_page_offset, data_page_offset, total_compressed_size,
        CASE WHEN path_in_schema = 'ts' THEN epoch_us(stats_min_value::TIMESTAMPTZ)::VARCHAR END AS ts_min,
        CASE WHEN path_in_schema = 'ts' THEN epoch_us(stats_max_value::TIMESTAMPTZ)::VARCHAR END AS ts_max
        FROM parquet_metadata('${p}') ORDER BY row_group_id, column_id`);
    check(`duckdb/${f.name}/row_groups`, () => {
      const groups = Math.ceil(f.rows / f.rg);
      if (meta.length !== groups * 7) return `${meta.length} chunks, expected ${groups * 7}`;
      for (const m of meta) {
        const g = Number(m.row_group_id);
        const n = Math.min(f.rg, f.rows - g * f.rg);
        if (Number(m.row_group_num_rows) !== n || Number(m.num_values) !== n) return `row group ${g} has ${m.row_group_num_rows} rows / ${m.num_values} values, expected ${n}`;
        if (m.compression !== f.codec) return `compression ${m.compression}, expected ${f.codec}`;
      }
      return null;
    });
    check(`duckdb/${f.name}/statistics`, () => {
      for (const m of meta) {
        const g = Number(m.row_group_id), col = m.path_in_schema;
        const e = expectedStats(col, g * f.rg, Math.min(f.rows, (g + 1) * f.rg));
        const where = `row group ${g} column ${col}`;
        if (Number(m.stats_null_count) !== e.nulls) return `${where}: null_count ${m.stats_null_count}, expected ${e.nulls}`;
        let min = m.stats_min_value, max = m.stats_max_value;
        if (col === 'ts') { min = m.ts_min; max = m.ts_max; }
        if (e.min === null) { if (min !== null || max !== null) return `${where}: min/max present for no values`; continue; }
        const eq = (got, want) => (col === 'd' ? Object.is(parseFloat(got), want)
          : col === 'i64' || col === 'ts' ? BigInt(got) === want
            : col === 'i32' ? Number(got) === want : got === want);
        if (!eq(min, e.min) || !eq(max, e.max)) return `${where}: min/max ${min}/${max}, expected ${String(e.min)}/${String(e.max)}`;
      }
      return null;
    });
    check(`duckdb/${f.name}/encodings`, () => {
      for (const m of meta) {
        const enc = m.encodings.split(', ');
        const isString = m.path_in_schema === 's' || m.path_in_schema === 'u';
        const where = `row group ${m.row_group_id} column ${m.path_in_schema}`;
        if (isString && f.dict) {
          if (!enc.includes('RLE_DICTIONARY') || m.dictionary_page_offset === null) return `${where}: not dictionary-encoded (${m.encodings})`;
        } else if (enc.includes('RLE_DICTIONARY') || m.dictionary_page_offset !== null) return `${where}: unexpected dictionary (${m.encodings})`;
        if (f.bss && m.path_in_schema === 'd') {
          if (!enc.includes('BYTE_STREAM_SPLIT') || enc.includes('PLAIN')) return `${where}: not BYTE_STREAM_SPLIT (${m.encodings})`;
        } else if (!enc.includes('PLAIN')) return `${where}: PLAIN missing from ${m.encodings}`;
        const nullable = ['b', 'i64', 'd', 's'].includes(m.path_in_schema);
        if (nullable !== enc.includes('RLE')) return `${where}: RLE (levels) listed=${enc.includes('RLE')} for nullable=${nullable}`;
      }
      return null;
    });
    check(`pages/${f.name}/layout`, () => {
      const buf = readFileSync(p);
      for (const m of meta) {
        const start = Number(m.dictionary_page_offset ?? m.data_page_offset);
        const w = walkChunk(buf, start, Number(m.total_compressed_size));
        const where = `row group ${m.row_group_id} column ${m.path_in_schema}`;
        if (w.values !== Number(m.num_values)) return `${where}: pages hold ${w.values} values, metadata says ${m.num_values}`;
        if (w.dictPages !== (m.dictionary_page_offset === null ? 0 : 1)) return `${where}: ${w.dictPages} dictionary pages`;
        if (w.pageNulls !== Number(m.stats_null_count)) return `${where}: page null counts add up to ${w.pageNulls}, chunk says ${m.stats_null_count}`;
        if (f.pages && ['i32', 'i64', 'd', 'ts', 'u'].includes(m.path_in_schema) && w.dataPages < 2) return `${where}: only ${w.dataPages} data page(s) with page_bytes=4096`;
        // The fallback column must switch from RLE_DICTIONARY (8) to PLAIN (0) pages.
        if (f.fallback && m.path_in_schema === 'u' && !(w.encodings.has(8) && w.encodings.has(0))) return `${where}: no dictionary-then-PLAIN fallback (page encodings ${[...w.encodings]})`;
        if (m.path_in_schema === 's' && f.dict && w.encodings.has(0)) return `${where}: low-cardinality column fell back to PLAIN`;
      }
      return null;
    });
  }
  await checkAsync('duckdb/types_zstd/kv_metadata', async () => {
    const kv = await rows(`SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata('${path('types_zstd')}') ORDER BY k`);
    const got = JSON.stringify(kv.map((r) => [r.k, r.v]));
    return got === JSON.stringify([['kinetl.novalue', null], ['kinetl.test', 'hello']]) || got === JSON.stringify([['kinetl.novalue', ''], ['kinetl.test', 'hello']]) ? null : `kv ${got}`;
  });
  await checkAsync('duckdb/types_zstd/schema', async () => {
    const s = await rows(`SELECT name, type, converted_type, logical_type, repetition_type FROM parquet_schema('${path('types_zstd')}')`);
    const by = Object.fromEntries(s.map((r) => [r.name, r]));
    if (by.s.converted_type !== 'UTF8' || !/String/.test(by.s.logical_type)) return `s: ${JSON.stringify(by.s)}`;
    if (by.ts.type !== 'INT64' || by.ts.converted_type !== 'TIMESTAMP_MICROS' || !/isAdjustedToUTC=1/.test(by.ts.logical_type) || !/MICROS=MicroSeconds/.test(by.ts.logical_type)) return `ts: ${JSON.stringify(by.ts)}`;
    const reps = { b: 'OPTIONAL', i32: 'REQUIRED', i64: 'OPTIONAL', d: 'OPTIONAL', s: 'OPTIONAL', ts: 'REQUIRED', u: 'REQUIRED' };
    for (const [k, v] of Object.entries(reps)) if (by[k].repetition_type !== v) return `${k} is ${by[k].repetition_type}`;
    return null;
  });
  await checkAsync('duckdb/stats/edge_cases', async () => {
    const m = await rows(`SELECT path_in_schema AS c, stats_null_count AS n, stats_min_value AS lo, stats_max_value AS hi FROM parquet_metadata('${path('stats')}')`);
    const by = Object.fromEntries(m.map((r) => [r.c, r]));
    const want = {
      nan_only: [1, null, null], zero_min: [0, -0, 2], zero_max: [0, -2, 0], all_null: [4, null, null],
      neg_i32: [0, '-2147483648', '7'], strs: [0, '', 'é'], bools: [0, 'false', 'true'], all_true: [0, 'true', 'true'],
      null_str: [4, null, null],
    };
    for (const [c, [n, lo, hi]] of Object.entries(want)) {
      const r = by[c];
      if (Number(r.n) !== n) return `${c}: null_count ${r.n}, expected ${n}`;
      const eq = (got, w) => (typeof w === 'number' ? got !== null && Object.is(parseFloat(got), w) : got === w);
      if (!eq(r.lo, lo) || !eq(r.hi, hi)) return `${c}: min/max ${r.lo}/${r.hi}, expected ${String(lo)}/${String(hi)}`;
    }
    return null;
  });
  await checkAsync('duckdb/stats/values', async () => {
    const r = await rows(`SELECT nan_only::VARCHAR AS a, strs, neg_i32 FROM read_parquet('${path('stats')}', file_row_number = true) ORDER BY file_row_number`);
    const got = JSON.stringify(r.map((x) => [x.a, x.strs, x.neg_i32]));
    const want = JSON.stringify([['nan', 'z', -5], [null, '', -100], ['nan', 'é', 7], ['nan', 'a', -2147483648]]);
    return got === want ? null : `${got}`;
  });
}

// ---- Polars ----
function polarsChecks() {
  let pl;
  try {
    pl = oracleRequire('nodejs-polars');
  } catch (e) { fail('polars/load', `cannot load nodejs-polars (is its native binding installed?): ${String(e.message).split('\n')[0]}`); return; }
  const wantTypes = { b: 'Bool', i32: 'Int32', i64: 'Int64', d: 'Float64', s: 'String', ts: 'Datetime(us,UTC)', u: 'String' };
  for (const f of [...FILES, { name: 'empty', rows: 0 }]) {
    check(`polars/${f.name}`, () => {
      const df = pl.readParquet(path(f.name));
      if (df.height !== f.rows) return `height ${df.height}, expected ${f.rows}`;
      for (const c of COLS) {
        const dt = String(df.getColumn(c).dtype).replace(/^DataType\((.*)\)$/, '$1').replace(/\s/g, '');
        if (dt !== wantTypes[c].replace(/\s/g, '')) return `${c} has dtype ${dt}`;
        let s = df.getColumn(c);
        if (c === 'ts') s = s.cast(pl.Int64);
        if (c === 'i64' || c === 'ts') s = s.cast(pl.Utf8);
        const why = compareColumn(c, s.toArray(), f.rows);
        if (why) return why;
      }
      return null;
    });
  }
}

// ---- parquet-wasm (arrow-rs) + apache-arrow ----
function arrowColumnValues(table, col) {
  const v = table.getChild(col);
  if (col !== 'ts') return v.toArray ? Array.from({ length: v.length }, (_, i) => v.get(i)) : [];
  const out = [];   // raw microseconds: Vector.get() would round to milliseconds
  for (const d of v.data) {
    const raw = d.values;
    for (let i = 0; i < d.length; i++) {
      if (d.nullBitmap && d.nullCount && !((d.nullBitmap[(d.offset + i) >> 3] >> ((d.offset + i) & 7)) & 1)) { out.push(null); continue; }
      out.push(raw instanceof BigInt64Array ? raw[d.offset + i] : BigInt(raw[2 * (d.offset + i)] >>> 0) + (BigInt(raw[2 * (d.offset + i) + 1]) << 32n));
    }
  }
  return out;
}

async function wasmChecks() {
  let wasm, arrow;
  try {
    wasm = oracleRequire('parquet-wasm/node');
    arrow = oracleRequire('apache-arrow');
  } catch (e) { fail('parquet-wasm/load', String(e.message).split('\n')[0]); return; }
  const wantTypes = { b: 'Bool', i32: 'Int32', i64: 'Int64', d: 'Float64', s: 'Utf8', ts: 'Timestamp<MICROSECOND, UTC>', u: 'Utf8' };
  for (const f of [...FILES, { name: 'empty', rows: 0 }]) {
    check(`parquet-wasm/${f.name}`, () => {
      const table = arrow.tableFromIPC(wasm.readParquet(new Uint8Array(readFileSync(path(f.name)))).intoIPCStream());
      if (table.numRows !== f.rows) return `numRows ${table.numRows}, expected ${f.rows}`;
      for (const c of COLS) {
        const field = table.schema.fields.find((x) => x.name === c);
        if (!field || String(field.type) !== wantTypes[c]) return `${c} has type ${field && field.type}`;
        const why = compareColumn(c, arrowColumnValues(table, c), f.rows);
        if (why) return why;
      }
      return null;
    });
  }
  await checkAsync('parquet-wasm/types_zstd/metadata', async () => {
    const file = await wasm.ParquetFile.fromFile(new Blob([readFileSync(path('types_zstd'))]));
    const md = file.metadata();
    const fm = md.fileMetadata();
    if (fm.createdBy() !== 'kinetl version 0.1.0' && !/^kinetl version \d+\.\d+\.\d+/.test(fm.createdBy() || '')) return `created_by ${fm.createdBy()}`;
    const kv = fm.keyValueMetadata();
    if (kv.get('kinetl.test') !== 'hello') return `kv ${JSON.stringify([...kv])}`;
    if (fm.numRows() !== 30000) return `num_rows ${fm.numRows()}`;
    const rgs = md.rowGroups();
    if (rgs.length !== 3) return `${rgs.length} row groups`;
    if (rgs.map((g) => g.numRows()).join() !== '12000,12000,6000') return `row group sizes ${rgs.map((g) => g.numRows())}`;
    return null;
  });
}

await duckdbChecks();
polarsChecks();
await wasmChecks();
rmSync(dir, { recursive: true, force: true });
process.exit(exitCode());
