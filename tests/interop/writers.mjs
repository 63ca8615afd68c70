// tests/interop/writers.mjs — writes a dataset (dataset.mjs columns) to a
// Parquet file with each oracle: DuckDB (COPY ... TO), Polars
// (DataFrame.writeParquet) and parquet-wasm (arrow-rs writer). Polars and
// parquet-wasm receive the data as an Arrow IPC stream built here from the
// exact values; DuckDB receives it through its appender.
import { writeFileSync } from 'node:fs';

import { arrow, duckdb, pl, pqwasm } from './oracles.mjs';
import { numberToHalfBits, uuidBytes } from './dataset.mjs';

// ---------------------------------------------------------------- Arrow

function arrowType(ty) {
  switch (ty.k) {
    case 'bool': return new arrow.Bool();
    case 'int': {
      const t = { 8: [arrow.Int8, arrow.Uint8], 16: [arrow.Int16, arrow.Uint16], 32: [arrow.Int32, arrow.Uint32],
        64: [arrow.Int64, arrow.Uint64] }[ty.bits];
      return new t[ty.signed ? 0 : 1]();
    }
    case 'float': return new { 16: arrow.Float16, 32: arrow.Float32, 64: arrow.Float64 }[ty.bits]();
    case 'string': return new arrow.Utf8();
    case 'binary': return new arrow.Binary();
    case 'fixed': return new arrow.FixedSizeBinary(ty.len);
    case 'uuid': return new arrow.FixedSizeBinary(16);
    case 'ts': {
      const t = { ms: arrow.TimestampMillisecond, us: arrow.TimestampMicrosecond, ns: arrow.TimestampNanosecond }[ty.unit];
      return new t(ty.utc ? 'UTC' : null);
    }
    case 'date': return new arrow.DateDay();
    case 'time': return ty.unit === 'us' ? new arrow.TimeMicrosecond() : new arrow.TimeNanosecond();
    case 'decimal': return new arrow.Decimal(ty.s, ty.p, 128);
    default: throw new Error(`no Arrow type for ${ty.k}`);
  }
}

function nullBitmap(values) {
  const bm = new Uint8Array(Math.ceil(values.length / 8));
  let nulls = 0;
  values.forEach((v, i) => { if (v === null) nulls++; else bm[i >> 3] |= 1 << (i & 7); });
  return { bm, nulls };
}

function fixedBytes(ty, v) {
  return ty.k === 'uuid' ? uuidBytes(v) : v;
}

function arrowData(col) {
  const { ty, values } = col;
  const type = arrowType(ty);
  const n = values.length;
  const { bm, nulls } = nullBitmap(values);
  const base = { type, length: n, nullCount: nulls, nullBitmap: nulls ? bm : null };
  const fill = (Arr, conv, zero) => Arr.from(values, (v) => (v === null ? zero : conv(v)));
  switch (ty.k) {
    case 'bool': {
      const data = new Uint8Array(Math.ceil(n / 8));
      values.forEach((v, i) => { if (v) data[i >> 3] |= 1 << (i & 7); });
      return arrow.makeData({ ...base, data });
    }
    case 'int': {
      if (ty.bits === 64) return arrow.makeData({ ...base, data: fill(ty.signed ? BigInt64Array : BigUint64Array, BigInt, 0n) });
      const Arr = { 8: [Int8Array, Uint8Array], 16: [Int16Array, Uint16Array], 32: [Int32Array, Uint32Array] }[ty.bits][ty.signed ? 0 : 1];
      return arrow.makeData({ ...base, data: fill(Arr, Number, 0) });
    }
    case 'float':
      if (ty.bits === 16) return arrow.makeData({ ...base, data: fill(Uint16Array, numberToHalfBits, 0) });
      return arrow.makeData({ ...base, data: fill(ty.bits === 32 ? Float32Array : Float64Array, Number, 0) });
    case 'string':
    case 'binary': {
      const parts = values.map((v) => (v === null ? new Uint8Array(0) : (ty.k === 'string' ? Buffer.from(v, 'utf8') : v)));
      const valueOffsets = new Int32Array(n + 1);
      parts.forEach((p, i) => { valueOffsets[i + 1] = valueOffsets[i] + p.length; });
      const data = new Uint8Array(valueOffsets[n]);
      parts.forEach((p, i) => data.set(p, valueOffsets[i]));
      return arrow.makeData({ ...base, valueOffsets, data });
    }
    case 'fixed':
    case 'uuid': {
      const len = ty.k === 'uuid' ? 16 : ty.len;
      const data = new Uint8Array(n * len);
      values.forEach((v, i) => { if (v !== null) data.set(fixedBytes(ty, v), i * len); });
      return arrow.makeData({ ...base, data });
    }
    case 'ts':
    case 'time':
      return arrow.makeData({ ...base, data: fill(BigInt64Array, BigInt, 0n) });
    case 'date':
      return arrow.makeData({ ...base, data: fill(Int32Array, Number, 0) });
    case 'decimal': {
      const data = new Uint32Array(n * 4);
      values.forEach((v, i) => {
        let x = BigInt.asUintN(128, v ?? 0n);
        for (let w = 0; w < 4; w++) { data[i * 4 + w] = Number(x & 0xffffffffn); x >>= 32n; }
      });
      return arrow.makeData({ ...base, data });
    }
    default: throw new Error(`no Arrow data for ${ty.k}`);
  }
}

export function arrowTable(cols) {
  const fields = cols.map((c) => new arrow.Field(c.name, arrowType(c.ty), c.nullable));
  const schema = new arrow.Schema(fields);
  const datas = cols.map(arrowData);
  const n = cols[0].values.length;
  const struct = arrow.makeData({ type: new arrow.Struct(fields), length: n, nullCount: 0, children: datas });
  return new arrow.Table(schema, [new arrow.RecordBatch(schema, struct)]);
}

export function arrowIPC(cols) {
  return arrow.tableToIPC(arrowTable(cols), 'stream');
}

// ---------------------------------------------------------------- parquet-wasm

// opts: compression (name), dictionary (bool), v2 (bool), encodings
// ({column: encodingName}), rowGroupRows, pageBytes, dictPageBytes, batchRows.
export function writeWithParquetWasm(cols, path, opts = {}) {
  const C = pqwasm.Compression;
  let b = new pqwasm.WriterPropertiesBuilder()
    .setCompression(C[opts.compression ?? 'SNAPPY'])
    .setDictionaryEnabled(opts.dictionary ?? true)
    .setWriterVersion(opts.v2 ? pqwasm.WriterVersion.V2 : pqwasm.WriterVersion.V1)
    .setCreatedBy('parquet-wasm interop matrix');
  if (opts.rowGroupRows) b = b.setMaxRowGroupSize(opts.rowGroupRows);
  if (opts.pageBytes) b = b.setDataPageSizeLimit(opts.pageBytes);
  if (opts.dictPageBytes) b = b.setDictionaryPageSizeLimit(opts.dictPageBytes);
  if (opts.batchRows) b = b.setWriteBatchSize(opts.batchRows);
  for (const [col, enc] of Object.entries(opts.encodings ?? {})) b = b.setColumnEncoding(col, pqwasm.Encoding[enc]);
  if (opts.kv) b = b.setKeyValueMetadata(new Map(Object.entries(opts.kv)));
  const table = pqwasm.Table.fromIPCStream(arrowIPC(cols));
  writeFileSync(path, pqwasm.writeParquet(table, b.build()));
}

// ---------------------------------------------------------------- Polars

export function writeWithPolars(cols, path, opts = {}) {
  const df = pl.readIPCStream(Buffer.from(arrowIPC(cols)));
  df.writeParquet(path, { compression: opts.compression ?? 'snappy' });
}

// ---------------------------------------------------------------- DuckDB

function duckSqlType(ty) {
  switch (ty.k) {
    case 'bool': return 'BOOLEAN';
    case 'int': return { 8: ['TINYINT', 'UTINYINT'], 16: ['SMALLINT', 'USMALLINT'], 32: ['INTEGER', 'UINTEGER'],
      64: ['BIGINT', 'UBIGINT'] }[ty.bits][ty.signed ? 0 : 1];
    case 'float': return ty.bits === 32 ? 'FLOAT' : 'DOUBLE';
    case 'string': return 'VARCHAR';
    case 'binary': return 'BLOB';
    case 'uuid': return 'UUID';
    case 'ts': return ty.unit === 'us' ? (ty.utc ? 'TIMESTAMPTZ' : 'TIMESTAMP') : (ty.unit === 'ms' ? 'TIMESTAMP_MS' : 'TIMESTAMP_NS');
    case 'date': return 'DATE';
    case 'time': return 'TIME';
    case 'decimal': return `DECIMAL(${ty.p},${ty.s})`;
    default: throw new Error(`DuckDB cannot hold ${ty.k}`);
  }
}

// Types DuckDB can write to Parquet as the type the matrix declares.
export function duckdbCanWrite(ty) {
  if (ty.k === 'ts') return ty.unit === 'us' || !ty.utc;
  if (ty.k === 'float') return ty.bits !== 16;
  if (ty.k === 'time') return ty.unit === 'us';
  return ty.k !== 'fixed';
}

function duckAppend(app, ty, v) {
  if (v === null) return app.appendNull();
  switch (ty.k) {
    case 'bool': return app.appendBoolean(v);
    case 'int': {
      const m = { 8: ['appendTinyInt', 'appendUTinyInt'], 16: ['appendSmallInt', 'appendUSmallInt'],
        32: ['appendInteger', 'appendUInteger'], 64: ['appendBigInt', 'appendUBigInt'] }[ty.bits][ty.signed ? 0 : 1];
      return app[m](v);
    }
    case 'float': return ty.bits === 32 ? app.appendFloat(v) : app.appendDouble(v);
    case 'string': return app.appendVarchar(v);
    case 'binary': return app.appendBlob(v);
    case 'uuid': return app.appendUUID(duckdb.DuckDBUUIDValue.fromUint128(v));
    case 'ts':
      if (ty.unit === 'ms') return app.appendTimestampMilliseconds(new duckdb.DuckDBTimestampMillisecondsValue(v));
      if (ty.unit === 'ns') return app.appendTimestampNanoseconds(new duckdb.DuckDBTimestampNanosecondsValue(v));
      return ty.utc ? app.appendTimestampTZ(new duckdb.DuckDBTimestampTZValue(v))
        : app.appendTimestamp(new duckdb.DuckDBTimestampValue(v));
    case 'date': return app.appendDate(new duckdb.DuckDBDateValue(v));
    case 'time': return app.appendTime(new duckdb.DuckDBTimeValue(v));
    case 'decimal': return app.appendDecimal(new duckdb.DuckDBDecimalValue(v, ty.p, ty.s));
    default: throw new Error(`DuckDB cannot append ${ty.k}`);
  }
}

let duckConn = null;
export async function duckdbConnection() {
  if (!duckConn) {
    const instance = await duckdb.DuckDBInstance.create(':memory:', { threads: '2' });
    duckConn = await instance.connect();
  }
  return duckConn;
}

let tableSeq = 0;
const q = (name) => `"${name.replace(/"/g, '""')}"`;
const lit = (s) => `'${s.replace(/'/g, "''")}'`;

// opts: compression (DuckDB's name), version ('v1'|'v2'), rowGroupRows.
export async function writeWithDuckDB(cols, path, opts = {}) {
  const conn = await duckdbConnection();
  const table = `t${++tableSeq}`;
  await conn.run(`CREATE TABLE ${table} (${cols.map((c) => `${q(c.name)} ${duckSqlType(c.ty)}${c.nullable ? '' : ' NOT NULL'}`).join(', ')})`);
  const app = await conn.createAppender(table);
  const n = cols[0].values.length;
  for (let i = 0; i < n; i++) {
    for (const c of cols) duckAppend(app, c.ty, c.values[i]);
    app.endRow();
  }
  app.closeSync();
  const options = [`FORMAT parquet`, `COMPRESSION ${opts.compression ?? 'snappy'}`];
  if (opts.version) options.push(`PARQUET_VERSION ${opts.version}`);
  if (opts.rowGroupRows) options.push(`ROW_GROUP_SIZE ${opts.rowGroupRows}`);
  await conn.run(`COPY ${table} TO ${lit(path)} (${options.join(', ')})`);
  await conn.run(`DROP TABLE ${table}`);
}
