// tests/interop/make_matrix.mjs — the interop matrix: which oracle writes
// which data with which options. Each case names its oracle, the columns it
// holds (types as the oracle writes them: see adapt*) and a write(path)
// function. Standalone: `node tests/interop/make_matrix.mjs DIR [NAME...]`
// writes every case's file (or the named cases') into DIR as
// <oracle>__<case>.parquet (tests/cli uses it for fixtures).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { allTypes, specSource, uuidBytes } from './dataset.mjs';
import { duckdbCanWrite, writeWithDuckDB, writeWithParquetWasm, writeWithPolars } from './writers.mjs';

export const ROWS = 1000;

// parquet-wasm (arrow-rs) writes a FixedSizeBinary(16) without the UUID
// logical type: the column is plain fixed-length binary there.
function adaptForParquetWasm(cols) {
  return cols.map((c) => (c.ty.k === 'uuid'
    ? { ...c, ty: { k: 'fixed', len: 16 }, values: c.values.map((v) => (v === null ? null : uuidBytes(v))) }
    : c));
}

// Polars holds fixed-size binary as Binary, times in nanoseconds, and writes
// every column OPTIONAL.
function adaptForPolars(cols) {
  return cols.map((c) => {
    if (c.ty.k === 'uuid') return { ...c, ty: { k: 'binary' }, values: c.values.map((v) => (v === null ? null : uuidBytes(v))) };
    if (c.ty.k === 'fixed') return { ...c, ty: { k: 'binary' } };
    if (c.ty.k === 'time') return { ...c, ty: { k: 'time', unit: 'ns' }, values: c.values.map((v) => (v === null ? null : v * 1000n)) };
    return c;
  });
}

// DuckDB has no float16, no fixed-size binary and no UTC ms/ns timestamps.
function adaptForDuckDB(cols) {
  return cols.filter((c) => duckdbCanWrite(c.ty));
}

const INT_COLUMNS = ['i8', 'i16', 'i32', 'i64', 'u8', 'u16', 'u32', 'u64', 'ts_ms_utc', 'ts_ms', 'ts_us_utc', 'ts_us',
  'ts_ns_utc', 'ts_ns', 'date', 'time_us', 'dec9_2', 'dec18_4', 'all_null', 'req_i64'];

function encodingsFor(names, enc) {
  return Object.fromEntries(names.map((n) => [n, enc]));
}

// Byte sequences no writer will put in a STRING column (they validate
// UTF-8), and one valid one with control characters. The file is written with
// same-length ASCII markers, uncompressed and without dictionary, then the
// markers are replaced in place. The expected text is WHATWG TextDecoder's,
// which replaces each maximal invalid subpart with one U+FFFD, as kinetl does.
const INVALID_UTF8 = [[0x61, 0xff, 0x62], [0xe2, 0x82, 0x41], [0xf0, 0x9f, 0x98, 0x80], [0xed, 0xa0, 0x80],
  [0xc0, 0xaf, 0x22], [0xf4, 0x90, 0x80, 0x80], [0x41, 0xe2, 0x82], [0x5c, 0x01, 0x7f]];

function invalidUtf8Case() {
  const markers = INVALID_UTF8.map((b, i) => `#${String.fromCharCode(65 + i)}${'~'.repeat(b.length - 2)}`);
  const n = INVALID_UTF8.length * 2;
  const decoder = new TextDecoder('utf-8');
  const cols = [
    { name: 'id', ty: { k: 'int', bits: 32, signed: true }, nullable: false, values: Array.from({ length: n }, (_, i) => i) },
    { name: 's', ty: { k: 'string' }, nullable: true,
      values: Array.from({ length: n }, (_, i) => decoder.decode(Uint8Array.from(INVALID_UTF8[i % INVALID_UTF8.length]))) },
  ];
  const write = (_, path) => {
    const written = [cols[0], { ...cols[1], values: cols[1].values.map((_, i) => markers[i % markers.length]) }];
    writeWithParquetWasm(written, path, { compression: 'UNCOMPRESSED', dictionary: false });
    const bytes = readFileSync(path);
    markers.forEach((m, k) => {
      const needle = Buffer.from(m, 'ascii');
      for (let at = bytes.indexOf(needle); at >= 0; at = bytes.indexOf(needle, at + 1))
        Buffer.from(INVALID_UTF8[k]).copy(bytes, at);
    });
    writeFileSync(path, bytes);
  };
  return { cols, write };
}

export function buildCases() {
  const cases = [];
  const add = (oracle, name, cols, write, extra = {}) =>
    cases.push({ oracle, name: `${oracle}/${name}`, cols, write: (path) => write(cols, path), ...extra });

  // DuckDB: every codec (PARQUET_VERSION v1), then data page v2 / DELTA encodings (v2), multi row group.
  const duckCols = adaptForDuckDB(allTypes(ROWS));
  for (const codec of ['uncompressed', 'snappy', 'gzip', 'zstd', 'lz4', 'lz4_raw', 'brotli'])
    add('duckdb', `all_types_${codec}`, duckCols, (c, p) => writeWithDuckDB(c, p, { compression: codec }));
  add('duckdb', 'all_types_v2_zstd', duckCols, (c, p) => writeWithDuckDB(c, p, { compression: 'zstd', version: 'v2' }));
  add('duckdb', 'all_types_v2_uncompressed_rowgroups', adaptForDuckDB(allTypes(5000)),
    (c, p) => writeWithDuckDB(c, p, { compression: 'uncompressed', version: 'v2', rowGroupRows: 2048 }));
  add('duckdb', 'spec_source_snappy', specSource(3000), (c, p) => writeWithDuckDB(c, p, { compression: 'snappy' }));

  // Polars: every codec its writer offers (its 'lzo' silently writes UNCOMPRESSED: not a case).
  const polarsCols = adaptForPolars(allTypes(ROWS));
  for (const codec of ['uncompressed', 'snappy', 'gzip', 'brotli', 'lz4', 'zstd'])
    add('polars', `all_types_${codec}`, polarsCols, (c, p) => writeWithPolars(c, p, { compression: codec }));
  add('polars', 'spec_source_snappy', specSource(3000), (c, p) => writeWithPolars(c, p, { compression: 'snappy' }));

  // parquet-wasm (arrow-rs): every codec, dictionary on/off, data page v2,
  // DELTA_* and BYTE_STREAM_SPLIT, many pages and row groups with dictionary fallback.
  const wasmCols = adaptForParquetWasm(allTypes(ROWS));
  for (const codec of ['UNCOMPRESSED', 'SNAPPY', 'GZIP', 'BROTLI', 'LZ4', 'ZSTD', 'LZ4_RAW'])
    add('parquet-wasm', `all_types_${codec.toLowerCase()}`, wasmCols,
      (c, p) => writeWithParquetWasm(c, p, { compression: codec }));
  add('parquet-wasm', 'all_types_plain', wasmCols,
    (c, p) => writeWithParquetWasm(c, p, { compression: 'SNAPPY', dictionary: false }));
  add('parquet-wasm', 'all_types_v2_dict_zstd', wasmCols,
    (c, p) => writeWithParquetWasm(c, p, { compression: 'ZSTD', v2: true }));
  add('parquet-wasm', 'all_types_v2_plain_uncompressed', wasmCols,
    (c, p) => writeWithParquetWasm(c, p, { compression: 'UNCOMPRESSED', v2: true, dictionary: false }));
  for (const v2 of [false, true]) {
    add('parquet-wasm', `delta_binary_packed_length_byte_array_${v2 ? 'v2' : 'v1'}`, wasmCols,
      (c, p) => writeWithParquetWasm(c, p, {
        compression: 'SNAPPY', dictionary: false, v2, batchRows: 128, pageBytes: 1024,
        encodings: { ...encodingsFor(INT_COLUMNS, 'DELTA_BINARY_PACKED'),
          ...encodingsFor(['s', 'bin', 'req_s'], 'DELTA_LENGTH_BYTE_ARRAY'), b: 'RLE' },
      }));
    add('parquet-wasm', `delta_byte_array_${v2 ? 'v2' : 'v1'}`, wasmCols,
      (c, p) => writeWithParquetWasm(c, p, {
        compression: 'ZSTD', dictionary: false, v2, batchRows: 128, pageBytes: 1024,
        encodings: encodingsFor(['s', 'bin', 'req_s', 'fixed4', 'uuid', 'dec30_5'], 'DELTA_BYTE_ARRAY'),
      }));
  }
  add('parquet-wasm', 'byte_stream_split', wasmCols,
    (c, p) => writeWithParquetWasm(c, p, {
      compression: 'UNCOMPRESSED', dictionary: false,
      encodings: encodingsFor(['f32', 'f64', 'f16', 'i32', 'i64', 'u32', 'u64', 'fixed4', 'dec30_5'], 'BYTE_STREAM_SPLIT'),
    }));
  add('parquet-wasm', 'pages_rowgroups_dict_fallback', wasmCols,
    (c, p) => writeWithParquetWasm(c, p, {
      compression: 'SNAPPY', rowGroupRows: 300, batchRows: 50, pageBytes: 256, dictPageBytes: 128,
      kv: { 'kinetl.test': 'matrix', note: 'key-value metadata survives' },
    }));
  add('parquet-wasm', 'spec_source_snappy_dict', specSource(3000),
    (c, p) => writeWithParquetWasm(c, p, { compression: 'SNAPPY' }));
  add('duckdb', 'no_rows', adaptForDuckDB(allTypes(0)), (c, p) => writeWithDuckDB(c, p, {}), { skipStats: true });
  add('parquet-wasm', 'no_rows', adaptForParquetWasm(allTypes(0)), (c, p) => writeWithParquetWasm(c, p, {}),
    { skipStats: true });
  const bad = invalidUtf8Case();
  add('parquet-wasm', 'invalid_utf8_patched', bad.cols, bad.write, { skipStats: true });
  return cases;
}

// The kinetl-written direction: a representative subset, re-encoded with
// `kinetl parquet cat --format parquet`; `exclude` lists columns left out
// with --columns (UINT64 values above 2^63 do not fit kinetl's INT64).
export function reencodeCases() {
  const fits = adaptForParquetWasm(allTypes(ROWS, { u64Fits: true }));
  return [
    { name: 'parquet-wasm/spec_source', source: 'parquet-wasm/spec_source_snappy_dict' },
    { name: 'parquet-wasm/all_types_u64_fits', oracle: 'parquet-wasm', cols: fits,
      write: (path) => writeWithParquetWasm(fits, path, { compression: 'ZSTD' }) },
    { name: 'duckdb/all_types', source: 'duckdb/all_types_zstd', exclude: ['u64'] },
    { name: 'polars/all_types', source: 'polars/all_types_snappy', exclude: ['u64'] },
    { name: 'parquet-wasm/delta_v2', source: 'parquet-wasm/delta_binary_packed_length_byte_array_v2', exclude: ['u64'] },
    { name: 'duckdb/no_rows', source: 'duckdb/no_rows' },
  ];
}

export const fileNameOf = (caseName) => caseName.replace(/\//g, '__') + '.parquet';

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [dir, ...only] = process.argv.slice(2);
  if (!dir) {
    console.error('usage: node tests/interop/make_matrix.mjs DIR [CASE...]');
    process.exit(2);
  }
  mkdirSync(dir, { recursive: true });
  for (const c of buildCases().filter((x) => only.length === 0 || only.includes(x.name))) {
    const path = join(dir, fileNameOf(c.name));
    await c.write(path);
    console.log(path);
  }
}
