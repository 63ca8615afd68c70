// bench/parquet/datagen.mjs — the Parquet benchmark's input files, written
// once by DuckDB and cached under the bench data dir, keyed by their
// parameters (and GEN_VERSION: bump it when the SQL changes).
//  - source: SPEC §1's schema as pandas/pyarrow writes it (snappy,
//    dictionary strings, 1 Mi-row row groups): time STRING (ISO ms, trailing
//    zeros of the milliseconds trimmed), value DOUBLE, field STRING, robot_id
//    INT64, run_uuid DOUBLE (4 runs, one id above 2^63), sensor_type STRING.
//  - wide: 30 DOUBLE columns c00..c29 of sensor-like values (smooth signal
//    plus noise: almost every value distinct), snappy, 256 Ki-row row groups.
// Values come from hash(row) so files are identical on every machine.
import fs from 'node:fs';
import path from 'node:path';
import { sqlString } from '../lib/duckdb.mjs';

const GEN_VERSION = 1;
export const SOURCE_ROW_GROUP = 1 << 20;
export const WIDE_ROW_GROUP = 1 << 18;
export const WIDE_COLUMNS = 30;

// Four runs: ids as the real files hold them (doubles near 7.58e18, one above 2^63).
const RUN_UUIDS = ['7.58229308099147e18', '7.58229308099151e18', '7.60512345678911e18',
                   '1.2405186538561671e19'];

function sourceSql(rows) {
  const perRun = Math.ceil(rows / RUN_UUIDS.length);
  return `
WITH g AS (
  SELECT i, i // ${perRun} AS r, (i % ${perRun}) % 12 AS s, (i % ${perRun}) // 12 AS k
  FROM range(${rows}) t(i)
), t AS (
  SELECT *, TIMESTAMP '2022-11-23 20:40:00' + to_hours(r) + to_milliseconds(k * 10 + (hash(i) % 4)::BIGINT) AS ts
  FROM g
)
SELECT
  strftime(ts, '%Y-%m-%dT%H:%M:%S')
    || coalesce(nullif('.' || rtrim(lpad((epoch_ms(ts) % 1000)::VARCHAR, 3, '0'), '0'), '.'), '')
    || 'Z' AS time,
  [2000.0, 875.0, -500.0, -500.0, 0.0, -950.0][s % 6 + 1]
    + [1400.0, 600.0, 450.0, 1200.0, 950.0, 1000.0][s % 6 + 1] * sin(k * 0.0007 + s)
    + (hash(i + 7) % 1000000) / 1e6 AS value,
  ['x', 'y', 'z', 'fx', 'fy', 'fz'][s % 6 + 1] AS field,
  (1 + s // 6)::BIGINT AS robot_id,
  ([${RUN_UUIDS.join(', ')}]::DOUBLE[])[r + 1] AS run_uuid,
  CASE WHEN s % 6 < 3 THEN 'encoder' ELSE 'load_cell' END AS sensor_type
FROM t`;
}

function wideSql(rows) {
  const cols = [];
  for (let j = 0; j < WIDE_COLUMNS; j++) {
    const name = `c${String(j).padStart(2, '0')}`;
    cols.push(`1000 * sin(i * ${(j + 1) * 1e-4}) + (hash(i * ${WIDE_COLUMNS} + ${j}) % 1000000) / 1e6 AS ${name}`);
  }
  return `SELECT ${cols.join(',\n  ')} FROM range(${rows}) t(i)`;
}

async function generate(conn, file, selectSql, rowGroup) {
  const tmp = `${file}.tmp-${process.pid}`;
  const t0 = performance.now();
  await conn.run(`COPY (${selectSql}) TO ${sqlString(tmp)}
                  (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE ${rowGroup})`);
  fs.renameSync(tmp, file);
  console.error(`  generated ${file} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

// Returns { source, wide } paths, generating any file not already cached.
export async function ensureInputs(conn, dataDir, { rows, wideRows }) {
  fs.mkdirSync(dataDir, { recursive: true });
  const source = path.join(dataDir, `source-v${GEN_VERSION}-${rows}.parquet`);
  const wide = path.join(dataDir, `wide${WIDE_COLUMNS}-v${GEN_VERSION}-${wideRows}.parquet`);
  if (!fs.existsSync(source)) await generate(conn, source, sourceSql(rows), SOURCE_ROW_GROUP);
  if (!fs.existsSync(wide)) await generate(conn, wide, wideSql(wideRows), WIDE_ROW_GROUP);
  return { source, wide };
}
