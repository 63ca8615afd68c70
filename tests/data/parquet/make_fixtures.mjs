// tests/data/parquet/make_fixtures.mjs — writes the Parquet reader's
// fixture files with independent writers (DuckDB, arrow-rs via
// parquet-wasm, Polars, and a hand-rolled writer for legacy corners no
// modern writer produces), plus <file>.json next to each describing what
// a correct reader must see: columns, their generators (generators.mjs),
// null pattern, output type and the encodings/codec the file must use.
//
// Run from anywhere:  node tests/data/parquet/make_fixtures.mjs
// Oracles resolve from tests/oracle/node_modules (createRequire below).
// Also refreshes the fuzz seed corpus tests/fuzz/corpus/.
import { createRequire } from 'node:module';
import { copyFileSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { columnValues, decimalText, toHex } from './generators.mjs';
import { badFixtures, handmadeFixtures } from './handmade.mjs';

const require = createRequire(new URL('../../oracle/node_modules/', import.meta.url));
const arrow = require('apache-arrow');
const pw = require('parquet-wasm/node');
// Polars' native binding is an optional npm dependency; without it the
// Polars fixtures are skipped (and the script says so).
let pl = null;
try { pl = require('nodejs-polars'); } catch { console.warn('make_fixtures: nodejs-polars native binding missing, Polars fixtures skipped'); }
const { DuckDBInstance } = require('@duckdb/node-api');

const HERE = dirname(fileURLToPath(import.meta.url));
const CORPUS = join(HERE, '..', '..', 'fuzz', 'corpus');

// ---------------------------------------------------------------- DuckDB

// How a generator's value travels through NDJSON text into a DuckDB type.
const DUCK = {
  BOOLEAN: { text: (v) => String(v), sql: (c) => `CAST(${c} AS BOOLEAN)` },
  TINYINT: { text: String, sql: (c) => `CAST(${c} AS TINYINT)` },
  SMALLINT: { text: String, sql: (c) => `CAST(${c} AS SMALLINT)` },
  INTEGER: { text: String, sql: (c) => `CAST(${c} AS INTEGER)` },
  BIGINT: { text: String, sql: (c) => `CAST(${c} AS BIGINT)` },
  UTINYINT: { text: String, sql: (c) => `CAST(${c} AS UTINYINT)` },
  USMALLINT: { text: String, sql: (c) => `CAST(${c} AS USMALLINT)` },
  UINTEGER: { text: String, sql: (c) => `CAST(${c} AS UINTEGER)` },
  UBIGINT: { text: String, sql: (c) => `CAST(${c} AS UBIGINT)` },
  FLOAT: { text: String, sql: (c) => `CAST(${c} AS FLOAT)` },
  DOUBLE: { text: String, sql: (c) => `CAST(${c} AS DOUBLE)` },
  VARCHAR: { text: String, sql: (c) => c },
  BLOB: { text: toHex, sql: (c) => `from_hex(${c})` },
  DATE: { text: String, sql: (c) => `(DATE '1970-01-01' + CAST(${c} AS INTEGER))` },
  TIMESTAMP_MS: { text: String, sql: (c) => `epoch_ms(CAST(${c} AS BIGINT))::TIMESTAMP_MS` },
  TIMESTAMP: { text: String, sql: (c) => `make_timestamp(CAST(${c} AS BIGINT))` },
  TIMESTAMP_NS: { text: String, sql: (c) => `make_timestamp_ns(CAST(${c} AS BIGINT))` },
  TIMESTAMPTZ: { text: String, sql: (c) => `make_timestamp(CAST(${c} AS BIGINT))::TIMESTAMPTZ` },
  'DECIMAL(9,2)': { text: (v) => decimalText(BigInt(v), 2), sql: (c) => `CAST(${c} AS DECIMAL(9,2))` },
  'DECIMAL(18,3)': { text: (v) => decimalText(BigInt(v), 3), sql: (c) => `CAST(${c} AS DECIMAL(18,3))` },
  'DECIMAL(38,4)': { text: (v) => decimalText(BigInt(v), 4), sql: (c) => `CAST(${c} AS DECIMAL(38,4))` },
  UUID: { text: String, sql: (c) => `CAST(${c} AS UUID)` },
};

async function writeDuckdb(conn, fx, path) {
  const ndjson = join(tmpdir(), `kt-fixture-${process.pid}.ndjson`);
  const cols = fx.columns.map((c) => ({ ...c, values: columnValues(c.gen, c.nulls, fx.rows) }));
  const lines = [];
  for (let i = 0; i < fx.rows; i++) {
    const row = {};
    for (const c of cols) row[c.name] = c.values[i] === null ? null : DUCK[c.sql].text(c.values[i]);
    lines.push(JSON.stringify(row));
  }
  writeFileSync(ndjson, lines.join('\n') + '\n');
  const colTypes = '{' + cols.map((c) => `'${c.name}': 'VARCHAR'`).join(', ') + '}';
  const select = cols.map((c) => `${DUCK[c.sql].sql(`"${c.name}"`)} AS "${c.name}"`).join(', ');
  const opts = [`FORMAT parquet`, ...(fx.duckdb || [])].join(', ');
  await conn.run(`COPY (SELECT ${select} FROM read_json('${ndjson}', columns=${colTypes}, format='newline_delimited'))
                  TO '${path}' (${opts})`);
  rmSync(ndjson);
}

// ---------------------------------------------------------- parquet-wasm

const ARROW = {
  bool: () => new arrow.Bool(),
  int8: () => new arrow.Int8(),
  int16: () => new arrow.Int16(),
  int32: () => new arrow.Int32(),
  int64: () => new arrow.Int64(),
  uint8: () => new arrow.Uint8(),
  uint16: () => new arrow.Uint16(),
  uint32: () => new arrow.Uint32(),
  uint64: () => new arrow.Uint64(),
  float32: () => new arrow.Float32(),
  float64: () => new arrow.Float64(),
  utf8: () => new arrow.Utf8(),
  binary: () => new arrow.Binary(),
  fsb4: () => new arrow.FixedSizeBinary(4),
};

function writeArrowRs(fx, path) {
  const fields = [], vectors = {};
  for (const c of fx.columns) {
    const type = ARROW[c.arrow]();
    vectors[c.name] = arrow.vectorFromArray(columnValues(c.gen, c.nulls, fx.rows), type);
    fields.push(new arrow.Field(c.name, type, c.nullable ?? c.nulls !== 'none'));
  }
  const data = arrow.makeData({
    type: new arrow.Struct(fields), length: fx.rows, nullCount: 0,
    children: fields.map((f) => vectors[f.name].data[0]),
  });
  const table = new arrow.Table(new arrow.Schema(fields), [new arrow.RecordBatch(new arrow.Schema(fields), data)]);
  let b = new pw.WriterPropertiesBuilder()
    .setCompression(pw.Compression[fx.codec || 'SNAPPY'])
    .setWriterVersion(fx.v2 ? pw.WriterVersion.V2 : pw.WriterVersion.V1)
    .setMaxRowGroupSize(fx.rowGroupRows || 1 << 20)
    .setDataPageSizeLimit(fx.pageBytes || 1 << 20);
  if (fx.dictPageBytes) b = b.setDictionaryPageSizeLimit(fx.dictPageBytes);
  if (fx.writeBatch) b = b.setWriteBatchSize(fx.writeBatch);
  for (const c of fx.columns) {
    if (c.encoding) b = b.setColumnDictionaryEnabled(c.name, false).setColumnEncoding(c.name, pw.Encoding[c.encoding]);
    if (c.dictionary === false) b = b.setColumnDictionaryEnabled(c.name, false);
  }
  const wt = pw.Table.fromIPCStream(arrow.tableToIPC(table, 'stream'));
  writeFileSync(path, pw.writeParquet(wt, b.build()));
}

// ------------------------------------------------------------------ Polars

function writePolars(fx, path) {
  const series = fx.columns.map((c) => {
    let values = columnValues(c.gen, c.nulls, fx.rows);
    return pl.Series(c.name, values, pl[c.polars]);
  });
  pl.DataFrame(series).writeParquet(path, { compression: fx.codec });
}

// ---------------------------------------------------------------- fixtures

// Expected reader view of common column kinds (see reader.h's mapping).
const T = {
  bool: { type: 'bool', physical: 'BOOLEAN' },
  i32: { type: 'int32', physical: 'INT32' },
  i64: { type: 'int64', physical: 'INT64' },
  u32: { type: 'int64', physical: 'INT32', signed: false },
  u64: { type: 'int64', physical: 'INT64', signed: false },
  f32: { type: 'float', physical: 'FLOAT' },
  f64: { type: 'double', physical: 'DOUBLE' },
  str: { type: 'bytes', physical: 'BYTE_ARRAY' },
};

const SOURCE_COLUMNS = [
  { name: 'time', gen: 'time_iso', nulls: 'none', arrow: 'utf8', ...T.str },
  { name: 'value', gen: 'value', nulls: 'none', arrow: 'float64', ...T.f64 },
  { name: 'field', gen: 'field6', nulls: 'none', arrow: 'utf8', ...T.str },
  { name: 'robot_id', gen: 'robot', nulls: 'none', arrow: 'int64', ...T.i64 },
  { name: 'run_uuid', gen: 'run_uuid', nulls: 'none', arrow: 'float64', ...T.f64 },
  { name: 'sensor_type', gen: 'sensor', nulls: 'none', arrow: 'utf8', ...T.str },
];

const DUCK_TYPES = [
  { name: 'b', gen: 'bool3', nulls: 'mod5', sql: 'BOOLEAN', ...T.bool },
  { name: 'i8', gen: 'i8', nulls: 'none', sql: 'TINYINT', ...T.i32 },
  { name: 'i16', gen: 'i16', nulls: 'mod5', sql: 'SMALLINT', ...T.i32 },
  { name: 'i32', gen: 'i32w', nulls: 'none', sql: 'INTEGER', ...T.i32 },
  { name: 'i64', gen: 'i64', nulls: 'mod5', sql: 'BIGINT', ...T.i64 },
  { name: 'u8', gen: 'u8', nulls: 'none', sql: 'UTINYINT', ...T.i32, signed: false },
  { name: 'u16', gen: 'u16', nulls: 'none', sql: 'USMALLINT', ...T.i32, signed: false },
  { name: 'u32', gen: 'u32', nulls: 'mod5', sql: 'UINTEGER', ...T.u32 },
  { name: 'u64', gen: 'u64', nulls: 'none', sql: 'UBIGINT', ...T.u64 },
  { name: 'f32', gen: 'f32', nulls: 'none', sql: 'FLOAT', ...T.f32 },
  { name: 'f64', gen: 'f64', nulls: 'mod5', sql: 'DOUBLE', ...T.f64 },
  { name: 's', gen: 'str_dict', nulls: 'mod5', sql: 'VARCHAR', ...T.str },
  { name: 'su', gen: 'str_uniq', nulls: 'none', sql: 'VARCHAR', ...T.str },
  { name: 'blob', gen: 'bin', nulls: 'mod5', sql: 'BLOB', ...T.str },
  { name: 'd', gen: 'date', nulls: 'none', sql: 'DATE', ...T.i32 },
  { name: 'ts_ms', gen: 'ts_ms', nulls: 'mod5', sql: 'TIMESTAMP_MS', ...T.i64, unit: 'ms', utc: false },
  { name: 'ts_us', gen: 'ts_us', nulls: 'none', sql: 'TIMESTAMP', ...T.i64, unit: 'us', utc: false },
  { name: 'ts_ns', gen: 'ts_ns', nulls: 'none', sql: 'TIMESTAMP_NS', ...T.i64, unit: 'ns', utc: false },
  { name: 'ts_tz', gen: 'ts_us', nulls: 'mod5', sql: 'TIMESTAMPTZ', ...T.i64, unit: 'us', utc: true },
  { name: 'dec9', gen: 'dec9_2', nulls: 'mod5', sql: 'DECIMAL(9,2)', type: 'double', physical: 'INT32', scale: 2 },
  { name: 'dec18', gen: 'dec18_3', nulls: 'none', sql: 'DECIMAL(18,3)', type: 'double', physical: 'INT64', scale: 3 },
  { name: 'dec38', gen: 'dec18_3', nulls: 'mod5', sql: 'DECIMAL(38,4)', type: 'double', physical: 'FIXED_LEN_BYTE_ARRAY', scale: 4 },
  { name: 'uuid', gen: 'uuid', nulls: 'none', sql: 'UUID', type: 'bytes', physical: 'FIXED_LEN_BYTE_ARRAY' },
];

const pick = (names) => DUCK_TYPES.filter((c) => names.includes(c.name));
const SMALL_DUCK = pick(['i32', 'f64', 's', 'i64']);

const FIXTURES = [
  // DuckDB: every logical type, v1 pages, dictionary strings, several row groups.
  { file: 'duckdb_types.parquet', writer: 'duckdb', rows: 2500, columns: DUCK_TYPES,
    duckdb: ['COMPRESSION snappy', 'ROW_GROUP_SIZE 1024'], codec: 'SNAPPY' },
  // DuckDB v2: data page v2, DELTA_BINARY_PACKED, BYTE_STREAM_SPLIT, DELTA_LENGTH_BYTE_ARRAY.
  { file: 'duckdb_types_v2.parquet', writer: 'duckdb', rows: 2500, columns: DUCK_TYPES,
    duckdb: ['COMPRESSION zstd', 'PARQUET_VERSION v2', 'ROW_GROUP_SIZE 2048'], codec: 'ZSTD' },
  ...['uncompressed', 'gzip', 'lz4', 'brotli'].map((codec) => ({
    file: `duckdb_${codec}.parquet`, writer: 'duckdb', rows: 1200, columns: SMALL_DUCK,
    duckdb: [`COMPRESSION ${codec}`], codec: { lz4: 'LZ4_RAW' }[codec] || codec.toUpperCase() })),

  // arrow-rs: the real source schema as pandas/pyarrow writes it (snappy, dictionary strings).
  { file: 'source_schema.parquet', writer: 'arrow-rs', rows: 6000, columns: SOURCE_COLUMNS,
    codec: 'SNAPPY', rowGroupRows: 4000, pageBytes: 8192 },
  // arrow-rs: per-column encodings, v1 and v2 pages.
  ...[false, true].map((v2) => ({
    file: `arrowrs_encodings_${v2 ? 'v2' : 'v1'}.parquet`, writer: 'arrow-rs', rows: 3000, v2,
    codec: v2 ? 'ZSTD' : 'SNAPPY', pageBytes: 2048, rowGroupRows: 2000, writeBatch: 256,
    columns: [
      { name: 'dbp32', gen: 'i32w', nulls: 'mod5', arrow: 'int32', encoding: 'DELTA_BINARY_PACKED', ...T.i32 },
      { name: 'dbp64', gen: 'i64', nulls: 'none', arrow: 'int64', encoding: 'DELTA_BINARY_PACKED', ...T.i64 },
      { name: 'dbp64s', gen: 'i64s', nulls: 'mod5', arrow: 'int64', encoding: 'DELTA_BINARY_PACKED', ...T.i64 },
      { name: 'dlba', gen: 'str_uniq', nulls: 'mod5', arrow: 'utf8', encoding: 'DELTA_LENGTH_BYTE_ARRAY', ...T.str },
      { name: 'dba', gen: 'str_uniq', nulls: 'none', arrow: 'utf8', encoding: 'DELTA_BYTE_ARRAY', ...T.str },
      { name: 'dba_fsb', gen: 'flba4', nulls: 'mod5', arrow: 'fsb4', encoding: 'DELTA_BYTE_ARRAY', type: 'bytes', physical: 'FIXED_LEN_BYTE_ARRAY' },
      { name: 'bss_f32', gen: 'f32', nulls: 'mod5', arrow: 'float32', encoding: 'BYTE_STREAM_SPLIT', ...T.f32 },
      { name: 'bss_f64', gen: 'f64', nulls: 'none', arrow: 'float64', encoding: 'BYTE_STREAM_SPLIT', ...T.f64 },
      { name: 'bss_i32', gen: 'i32w', nulls: 'none', arrow: 'int32', encoding: 'BYTE_STREAM_SPLIT', ...T.i32 },
      { name: 'bss_i64', gen: 'i64', nulls: 'mod5', arrow: 'int64', encoding: 'BYTE_STREAM_SPLIT', ...T.i64 },
      { name: 'bss_fsb', gen: 'flba4', nulls: 'none', arrow: 'fsb4', encoding: 'BYTE_STREAM_SPLIT', type: 'bytes', physical: 'FIXED_LEN_BYTE_ARRAY' },
      { name: 'rle_bool', gen: 'bool3', nulls: 'mod5', arrow: 'bool', encoding: v2 ? 'RLE' : undefined, ...T.bool },
      { name: 'plain_bin', gen: 'bin', nulls: 'mod5', arrow: 'binary', dictionary: false, ...T.str },
      { name: 'dict_i32', gen: 'i32', nulls: 'mod5', arrow: 'int32', ...T.i32 },
      { name: 'i8', gen: 'i8', nulls: 'none', arrow: 'int8', ...T.i32 },
      { name: 'u16', gen: 'u16', nulls: 'mod5', arrow: 'uint16', ...T.i32, signed: false },
      { name: 'u32', gen: 'u32', nulls: 'none', arrow: 'uint32', ...T.u32 },
      { name: 'u64', gen: 'u64', nulls: 'mod5', arrow: 'uint64', ...T.u64 },
      { name: 'all_null', gen: 'f64', nulls: 'all', arrow: 'float64', ...T.f64 },
      // PLAIN fixed width over many pages: decompressed in place, with and without nulls.
      { name: 'plain_f64', gen: 'f64', nulls: 'mod5', arrow: 'float64', dictionary: false, ...T.f64 },
      { name: 'plain_f64_rare', gen: 'value', nulls: 'rare', arrow: 'float64', dictionary: false, ...T.f64 },
      { name: 'plain_i64_opt', gen: 'i64', nulls: 'none', nullable: true, arrow: 'int64', dictionary: false, ...T.i64 },
      { name: 'plain_i32_req', gen: 'i32w', nulls: 'none', arrow: 'int32', dictionary: false, ...T.i32 },
      { name: 'plain_f32_rare', gen: 'f32', nulls: 'rare', arrow: 'float32', dictionary: false, ...T.f32 },
    ],
  })),
  // arrow-rs: a dictionary that overflows its page limit and falls back to PLAIN midway.
  { file: 'arrowrs_dict_fallback.parquet', writer: 'arrow-rs', rows: 4000, codec: 'SNAPPY',
    pageBytes: 1024, dictPageBytes: 2048,
    columns: [
      { name: 'u', gen: 'str_uniq', nulls: 'mod5', arrow: 'utf8', ...T.str,
        must_encodings: ['RLE_DICTIONARY', 'PLAIN'] },
      { name: 'n', gen: 'i64', nulls: 'none', arrow: 'int64', ...T.i64, must_encodings: ['RLE_DICTIONARY', 'PLAIN'] },
    ] },
  // arrow-rs: every codec it writes, including deprecated Hadoop-framed LZ4.
  ...['UNCOMPRESSED', 'GZIP', 'BROTLI', 'LZ4', 'LZ4_RAW', 'ZSTD'].map((codec) => ({
    file: `arrowrs_${codec.toLowerCase()}.parquet`, writer: 'arrow-rs', rows: 1500, codec, pageBytes: 4096,
    columns: [
      { name: 'i', gen: 'i32w', nulls: 'none', arrow: 'int32', ...T.i32 },
      { name: 'f', gen: 'f64', nulls: 'mod5', arrow: 'float64', ...T.f64 },
      { name: 's', gen: 'str_dict', nulls: 'mod5', arrow: 'utf8', ...T.str },
    ] })),

  // Polars.
  ...['lz4', 'zstd'].map((codec) => ({
    file: `polars_${codec}.parquet`, writer: 'polars', rows: 2000, codec,
    columns: [
      { name: 'i', gen: 'i32', nulls: 'mod5', polars: 'Int32', ...T.i32 },
      { name: 'f', gen: 'f64', nulls: 'none', polars: 'Float64', ...T.f64 },
      { name: 's', gen: 'str_dict', nulls: 'mod5', polars: 'Utf8', ...T.str },
      { name: 'b', gen: 'bool3', nulls: 'none', polars: 'Bool', ...T.bool },
    ] })),

  // Hand-rolled legacy corners: INT96, BIT_PACKED levels, PLAIN_DICTIONARY, a
  // dictionary page without dictionary_page_offset, legacy-only statistics,
  // converted types without logical types, v2 pages stored uncompressed.
  ...handmadeFixtures(T),
];

async function writeFixture(conn, fx, path) {
  if (fx.writer === 'duckdb') await writeDuckdb(conn, fx, path);
  else if (fx.writer === 'arrow-rs') writeArrowRs(fx, path);
  else if (fx.writer === 'polars') writePolars(fx, path);
  else writeFileSync(path, fx.build(fx));
}

// The reader's expectations, written next to each fixture.
function expectation(fx, path) {
  return {
    file: fx.file, writer: fx.writer, rows: fx.rows,
    codec: fx.codec ? String(fx.codec).toUpperCase().replace(/^LZ4$/, fx.writer === 'polars' ? 'LZ4_RAW' : 'LZ4') : undefined,
    columns: fx.columns.map((c) => ({
      name: c.name, gen: c.gen, nulls: c.nulls, type: c.type, physical: c.physical,
      nullable: c.nullable ?? (fx.writer === 'arrow-rs' ? c.nulls !== 'none' : true), signed: c.signed ?? true,
      timestamp_unit: c.unit, utc: c.utc, scale: c.scale,
      encodings: c.must_encodings || (c.encoding ? [c.encoding] : undefined),
      stats: c.stats_expect,
    })),
  };
}

async function main() {
  const inst = await DuckDBInstance.create(':memory:');
  const conn = await inst.connect();
  await conn.run(`SET TimeZone = 'UTC'`);
  mkdirSync(CORPUS, { recursive: true });
  for (const f of readdirSync(HERE)) if (/\.(parquet|json)$/.test(f)) rmSync(join(HERE, f));
  for (const f of readdirSync(CORPUS)) if (f.endsWith('.parquet')) rmSync(join(CORPUS, f));
  let total = 0;
  for (const fx of FIXTURES) {
    if (fx.writer === 'polars' && !pl) continue;
    const path = join(HERE, fx.file);
    await writeFixture(conn, fx, path);
    writeFileSync(path.replace(/\.parquet$/, '.json'), JSON.stringify(expectation(fx, path), null, 1) + '\n');
    total += statSync(path).size;
    // Fuzz seeds: the same writer and options on a few rows, so libFuzzer
    // starts from small, valid files that still cover every code path.
    const seed = { ...fx, rows: 48, rowGroupRows: 20, pageBytes: 256, dictPageBytes: fx.dictPageBytes && 128,
                   rowGroups: fx.rowGroups && [[0, 30], [30, 48]] };
    await writeFixture(conn, seed, join(CORPUS, 'seed_' + fx.file));
  }
  // Broken files and the exact error line each must produce.
  const BAD = join(HERE, 'bad');
  mkdirSync(BAD, { recursive: true });
  for (const f of readdirSync(BAD)) rmSync(join(BAD, f));
  const errors = {};
  for (const b of badFixtures()) {
    writeFileSync(join(BAD, b.file), b.bytes);
    copyFileSync(join(BAD, b.file), join(CORPUS, b.file));
    errors[b.file] = b.error;
  }
  writeFileSync(join(BAD, 'errors.json'), JSON.stringify(errors, null, 1) + '\n');
  // A nested schema, which the reader must refuse with one clear line.
  await conn.run(`COPY (SELECT range AS id, [range, range + 1] AS l, {'a': range} AS st FROM range(10))
                  TO '${join(HERE, 'nested.parquet')}' (FORMAT parquet)`);
  copyFileSync(join(HERE, 'nested.parquet'), join(CORPUS, 'nested.parquet'));
  console.log(`${FIXTURES.length + 1} fixtures, ${(total / 1024).toFixed(0)} KiB`);
}

await main();
