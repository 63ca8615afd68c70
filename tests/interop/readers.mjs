// tests/interop/readers.mjs — reads a Parquet file with each oracle and
// returns { types: {column: type name as that oracle spells it},
// rows: [[canonical value, ...], ...] } with values in the canonical form of
// dataset.mjs canon, so three readers and the formulas compare exactly.
import { readFileSync } from 'node:fs';

import { arrow, pl, pqwasm } from './oracles.mjs';
import { canon } from './dataset.mjs';
import { duckdbConnection } from './writers.mjs';

// ---------------------------------------------------------------- DuckDB

export async function readWithDuckDB(path) {
  const conn = await duckdbConnection();
  const src = `read_parquet('${path.replace(/'/g, "''")}')`;
  const desc = await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${src}`);
  const types = Object.fromEntries(desc.getRows().map((r) => [r[0], r[1]]));
  const res = await conn.runAndReadAll(`SELECT * FROM ${src}`);
  const names = res.columnNames();
  const typeNames = names.map((n) => types[n]);
  const rows = res.getRows().map((row) => row.map((v, j) => duckValue(typeNames[j], v)));
  return { types, names, rows };
}

function duckValue(type, v) {
  if (v === null) return canon.null();
  switch (type) {
    case 'BOOLEAN': return canon.bool(v);
    case 'INTEGER': case 'BIGINT': return canon.int(v);
    case 'DOUBLE': return canon.double(v);
    case 'VARCHAR': return canon.string(v);
    case 'TIMESTAMP WITH TIME ZONE': return canon.timestampMicros(v.micros);
    default: return `unexpected DuckDB type ${type}`;
  }
}

// ---------------------------------------------------------------- Arrow (Polars, parquet-wasm)

function arrowTypeName(type) {
  return type.toString();
}

function arrowValues(vector) {
  const t = vector.type;
  const out = [];
  for (const data of vector.data) {
    for (let i = 0; i < data.length; i++) {
      if (!data.getValid(i)) { out.push(canon.null()); continue; }
      switch (t.typeId) {
        case arrow.Type.Bool: out.push(canon.bool(vector.get(out.length))); break;
        case arrow.Type.Int:
          out.push(canon.int(t.bitWidth === 64 ? data.values[data.offset + i] : data.values[data.offset + i]));
          break;
        case arrow.Type.Float: out.push(canon.double(data.values[data.offset + i])); break;
        case arrow.Type.Utf8: case arrow.Type.LargeUtf8: case arrow.Type.Utf8View:
          out.push(canon.string(vector.get(out.length))); break;
        case arrow.Type.Timestamp:
          out.push(t.unit === arrow.TimeUnit.MICROSECOND ? canon.timestampMicros(data.values[data.offset + i])
            : `timestamp in unit ${t.unit}`);
          break;
        default: out.push(`unexpected Arrow type ${t}`);
      }
    }
  }
  return out;
}

function readArrowTable(table) {
  const names = table.schema.fields.map((f) => f.name);
  const types = Object.fromEntries(table.schema.fields.map((f) => [f.name, arrowTypeName(f.type)]));
  const cols = names.map((n) => arrowValues(table.getChild(n)));
  const rows = [];
  for (let i = 0; i < table.numRows; i++) rows.push(cols.map((c) => c[i]));
  return { types, names, rows };
}

export function readWithPolars(path) {
  const df = pl.readParquet(path);
  const polarsTypes = Object.fromEntries(Object.entries(df.schema).map(([k, v]) => [k, String(v).replace(/^DataType\((.*)\)$/, '$1')]));
  const table = arrow.tableFromIPC(df.writeIPC());
  const out = readArrowTable(table);
  return { ...out, types: polarsTypes };
}

export function readWithParquetWasm(path) {
  const wasmTable = pqwasm.readParquet(new Uint8Array(readFileSync(path)));
  return readArrowTable(arrow.tableFromIPC(wasmTable.intoIPCStream()));
}

// The type name each oracle should report for kinetl's writer types.
export const EXPECTED_TYPE_NAMES = {
  duckdb: { bool: 'BOOLEAN', int32: 'INTEGER', int64: 'BIGINT', double: 'DOUBLE', string: 'VARCHAR',
    timestamp: 'TIMESTAMP WITH TIME ZONE' },
  polars: { bool: 'Bool', int32: 'Int32', int64: 'Int64', double: 'Float64', string: 'String',
    timestamp: 'Datetime(us,UTC)' },
  'parquet-wasm': { bool: 'Bool', int32: 'Int32', int64: 'Int64', double: 'Float64', string: 'Utf8',
    timestamp: 'Timestamp<MICROSECOND, UTC>' },
};
