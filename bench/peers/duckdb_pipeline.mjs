#!/usr/bin/env node
// bench/peers/duckdb_pipeline.mjs — kinetl's pipeline (SPEC §1–§4) written
// the way a data engineer would write it in DuckDB SQL: one in-memory
// database, temp tables per stage, window functions for segments, Hampel
// windows and derivatives, ASOF joins to place every channel on the union
// timeline, COPY ... PARTITION_BY to write hive-partitioned ZSTD Parquet.
// It is the benchmark peer kinetl is compared against; where it departs
// from SPEC §3 is written down in bench/peers/README.md.
//
//   node bench/peers/duckdb_pipeline.mjs --source DIR --out DIR [--threads N]
//
// Writes OUT/{raw,aligned,features}/run_uuid=<id>/*.parquet and
// OUT/{quarantine,run_stats}/*.parquet, then prints one JSON summary line.
import fs from 'node:fs';
import path from 'node:path';
import {
  oracleRequire, parsePeerArgs, listSourceFiles, prepareOut, treeBytes, printSummary,
  CHANNELS, STREAMS, MAX_GAP_US, HAMPEL_K, HAMPEL_T, HAMPEL_MIN_DEV,
  POSITION_LIMIT_MM, FORCE_LIMIT_N, VELOCITY_COLUMNS, ACCEL_COLUMNS,
} from './common.mjs';

const { DuckDBInstance } = oracleRequire('@duckdb/node-api');

const GAP = MAX_GAP_US;
const sqlString = (s) => `'${String(s).replaceAll("'", "''")}'`;

// --- helpers that generate the repetitive parts of the SQL --------------

// Canonical run id (SPEC §1): DuckDB's CAST(DOUBLE AS VARCHAR) prints the
// shortest round-trip form ('7.58229308099147e+18', '1234.0'); the macro
// expands it into a decimal integer by moving the decimal point (pure text,
// so no digit of the double's exact binary value leaks in, unlike
// printf('%.0f') which would give 7582293080991470080). Only finite,
// integral values in [0, 2^64) are run ids; anything else is null_run_uuid.
const MACROS = `
CREATE MACRO expand_shortest(s) AS
  CASE WHEN contains(s, 'e') THEN
    replace(split_part(s, 'e', 1), '.', '') ||
    repeat('0', CAST(split_part(s, 'e', 2) AS INTEGER) + strlen(split_part(split_part(s, 'e', 1), '.', 1))
                - strlen(replace(split_part(s, 'e', 1), '.', '')))
  ELSE split_part(s, '.', 1) END;
CREATE MACRO run_id_of(d) AS
  CASE WHEN d IS NULL OR NOT isfinite(d) OR d <> trunc(d) OR d < 0 OR d >= 18446744073709551616.0 THEN NULL
       WHEN d = 0 THEN '0'
       ELSE expand_shortest(CAST(d AS VARCHAR)) END;

-- SPEC channel index: fields fx fy fz x y z, channel = 2*field + robot - 1.
CREATE MACRO channel_of(field, robot) AS (2 * (list_position(['fx','fy','fz','x','y','z'], field) - 1) + robot - 1)::TINYINT;

-- Three-point derivatives for uneven spacing (h1, h2 in seconds):
-- one-sided at a segment's first and last sample, central inside.
CREATE MACRO d3_first(h1, h2, y0, y1, y2) AS
  -(2 * h1 + h2) / (h1 * (h1 + h2)) * y0 + (h1 + h2) / (h1 * h2) * y1 - h1 / (h2 * (h1 + h2)) * y2;
CREATE MACRO d3_mid(h1, h2, y0, y1, y2) AS
  -h2 / (h1 * (h1 + h2)) * y0 + (h2 - h1) / (h1 * h2) * y1 + h1 / (h2 * (h1 + h2)) * y2;
CREATE MACRO d3_last(h1, h2, y0, y1, y2) AS
  h2 / (h1 * (h1 + h2)) * y0 - (h1 + h2) / (h1 * h2) * y1 + (h1 + 2 * h2) / (h2 * (h1 + h2)) * y2;
-- The derivative at a sample from its segment neighbours (lag/lead 1 and 2);
-- a 2-sample segment gets the first-order difference, a lone sample nothing.
CREATE MACRO deriv(len, t, y, tp, yp, tn, yn, tpp, ypp, tnn, ynn) AS
  CASE WHEN len < 2 THEN NULL
       WHEN len = 2 AND tn IS NOT NULL THEN (yn - y) / ((tn - t) / 1e6)
       WHEN len = 2 THEN (y - yp) / ((t - tp) / 1e6)
       WHEN tp IS NULL THEN d3_first((tn - t) / 1e6, (tnn - tn) / 1e6, y, yn, ynn)
       WHEN tn IS NULL THEN d3_last((tp - tpp) / 1e6, (t - tp) / 1e6, ypp, yp, y)
       ELSE d3_mid((t - tp) / 1e6, (tn - t) / 1e6, yp, y, yn) END;

-- The cell rule at row time tau from the previous (pt, pv: pt <= tau) and
-- next (nt, nv: nt >= tau) sample: measured, interpolated within max_gap,
-- held within max_gap before the first / after the last sample, else null.
CREATE MACRO cell_state(tau, pt, nt) AS
  CASE WHEN pt = tau THEN 1
       WHEN nt - pt <= ${GAP} THEN 2
       WHEN pt IS NULL AND nt - tau <= ${GAP} THEN 3
       WHEN nt IS NULL AND tau - pt <= ${GAP} THEN 3
       ELSE 0 END;
CREATE MACRO cell_value(tau, pt, pv, nt, nv) AS
  CASE WHEN pt = tau THEN pv
       WHEN nt - pt <= ${GAP} THEN pv + (nv - pv) * (tau - pt) / (nt - pt)
       WHEN pt IS NULL AND nt - tau <= ${GAP} THEN nv
       WHEN nt IS NULL AND tau - pt <= ${GAP} THEN pv END;
`;

// A window's lag/lead columns for deriv() over value column `y`.
const neighbours = (y) => `
  lag(t) OVER s AS tp, lag(${y}) OVER s AS yp, lead(t) OVER s AS tn, lead(${y}) OVER s AS yn,
  lag(t, 2) OVER s AS tpp, lag(${y}, 2) OVER s AS ypp, lead(t, 2) OVER s AS tnn, lead(${y}, 2) OVER s AS ynn`;

// Segment ids per (run, channel): a new segment starts after a gap > max_gap.
const segmented = (from) => `
  SELECT *, sum(starts) OVER (PARTITION BY run_uuid, ch ORDER BY t) AS seg
  FROM (SELECT *, coalesce(t - lag(t) OVER (PARTITION BY run_uuid, ch ORDER BY t) > ${GAP}, false)::INT AS starts
        FROM ${from})`;

// --- the stages -----------------------------------------------------------

// Run ids are formatted once per distinct run_uuid (a handful), not per row:
// the text expansion is the costliest expression of the cleaning step.
function classifySql(files, sourceDir) {
  const list = `[${files.map((f) => sqlString(f.path)).join(', ')}]`;
  const prefix = sourceDir.endsWith('/') ? sourceDir : `${sourceDir}/`;
  return `
CREATE TEMP TABLE run_ids AS
SELECT run_uuid, run_id_of(run_uuid) AS run_id
FROM (SELECT DISTINCT run_uuid FROM read_parquet(${list}, hive_partitioning = false, union_by_name = true));

CREATE VIEW classified AS
SELECT *,
  CASE
    WHEN time IS NULL OR trim(time) = '' THEN 'null_time'
    WHEN ts IS NULL THEN 'bad_time'
    WHEN run_id IS NULL THEN 'null_run_uuid'
    WHEN robot_id IS NULL OR robot_id NOT IN (1, 2) THEN 'bad_robot_id'
    WHEN f IS NULL OR f NOT IN ('x', 'y', 'z', 'fx', 'fy', 'fz') THEN 'unknown_field'
    WHEN s IS DISTINCT FROM (CASE WHEN f IN ('x', 'y', 'z') THEN 'encoder' ELSE 'load_cell' END) THEN 'sensor_field_mismatch'
    WHEN value IS NULL THEN 'null_value'
    WHEN NOT isfinite(value) THEN 'non_finite_value'
    WHEN abs(value) > (CASE WHEN f IN ('x', 'y', 'z') THEN ${POSITION_LIMIT_MM} ELSE ${FORCE_LIMIT_N} END) THEN 'out_of_range'
  END AS reason
FROM (
  SELECT time, value, field, robot_id, run_uuid, sensor_type,
         substr(filename, ${prefix.length + 1}) AS source_file, file_row_number AS row_number,
         try_cast(trim(time) AS TIMESTAMPTZ) AS ts,
         lower(trim(field)) AS f, lower(trim(sensor_type)) AS s,
         run_id
  FROM read_parquet(${list}, filename = true, file_row_number = true, hive_partitioning = false, union_by_name = true)
  LEFT JOIN run_ids USING (run_uuid)
);`;
}

const QUARANTINE_SQL = `
CREATE TEMP TABLE quarantine AS
SELECT source_file, row_number, reason,
  CASE reason
    WHEN 'null_time' THEN 'time is null or empty'
    WHEN 'bad_time' THEN 'time "' || time || '" is not an ISO-8601 timestamp'
    WHEN 'null_run_uuid' THEN coalesce('run_uuid ' || CAST(run_uuid AS VARCHAR) || ' is not a 64-bit id', 'run_uuid is null')
    WHEN 'bad_robot_id' THEN 'robot_id ' || coalesce(CAST(robot_id AS VARCHAR), 'null') || ' is not 1 or 2'
    WHEN 'unknown_field' THEN 'field ' || coalesce('"' || field || '"', 'null') || ' is not one of x y z fx fy fz'
    WHEN 'sensor_field_mismatch' THEN 'field ' || f || ' but sensor_type ' || coalesce('"' || sensor_type || '"', 'null')
    WHEN 'null_value' THEN 'value is null'
    WHEN 'non_finite_value' THEN 'value is ' || CAST(value AS VARCHAR)
    WHEN 'out_of_range' THEN f || ' = ' || CAST(value AS VARCHAR) || ' outside physical limits'
  END AS detail,
  time AS time_text, CAST(value AS VARCHAR) AS value_text, field AS field_text,
  CAST(robot_id AS VARCHAR) AS robot_id_text, CAST(run_uuid AS VARCHAR) AS run_uuid_text,
  sensor_type AS sensor_type_text, now() AS ingested_at,
  run_id   -- attributes the row to its run for run_stats.quarantined_rows; not written
FROM classified WHERE reason IS NOT NULL;`;

// raw: accepted readings, typed; exact duplicates within a file count once.
const RAW_SQL = `
CREATE TEMP TABLE raw AS
SELECT DISTINCT run_id AS run_uuid, ts AS time, robot_id::INTEGER AS robot_id, s AS sensor_type, f AS field,
       value::DOUBLE AS value, source_file
FROM classified WHERE reason IS NULL;`;

// cells: one row per (run, channel, time); copies with one value are a
// sample, distinct values a conflict (no sample).
const CELLS_SQL = `
CREATE TEMP TABLE cells AS
SELECT run_uuid, channel_of(field, robot_id) AS ch, epoch_us(time) AS t,
       count(*) AS copies, count(DISTINCT value) AS nvals, min(value) AS value
FROM raw GROUP BY ALL;`;

// Hampel test on each encoder channel's samples, per segment, over the
// 2k+1 samples centred on each (shifted inward at segment ends, so every
// window holds min(2k+1, len) samples: DuckDB takes per-row frame bounds).
const W = 2 * HAMPEL_K + 1;
const HAMPEL_SQL = `
CREATE TEMP TABLE hampel AS
WITH seg AS (${segmented(`(SELECT run_uuid, ch, t, value FROM cells WHERE nvals = 1 AND ch >= 6)`)}),
pos AS (
  SELECT *, row_number() OVER (PARTITION BY run_uuid, ch, seg ORDER BY t) - 1 AS i,
         count(*) OVER (PARTITION BY run_uuid, ch, seg) AS len
  FROM seg),
framed AS (SELECT *, least(${W}, len) AS w, greatest(0, least(i - ${HAMPEL_K}, len - least(${W}, len))) AS lo FROM pos),
win AS (
  SELECT run_uuid, ch, t, value, len,
         list(value) OVER (PARTITION BY run_uuid, ch, seg ORDER BY t
                           ROWS BETWEEN (i - lo) PRECEDING AND (lo + w - 1 - i) FOLLOWING) AS vals
  FROM framed),
med AS (SELECT *, list_median(vals) AS m FROM win)
SELECT run_uuid, ch, t, value,
       len >= 3 AND abs(value - m) > greatest(${HAMPEL_T} * 1.4826 * list_median(list_transform(vals, v -> abs(v - m))), ${HAMPEL_MIN_DEV}) AS spike
FROM med;`;

// series: every valid sample (after conflicts and spikes) with, for
// encoder channels, velocity and acceleration from its own segment.
const SERIES_SQL = `
CREATE TEMP TABLE series AS
WITH seg AS (${segmented(`(SELECT run_uuid, ch, t, value FROM hampel WHERE NOT spike)`)}),
n1 AS (SELECT *, count(*) OVER (PARTITION BY run_uuid, ch, seg) AS len, ${neighbours('value')}
       FROM seg WINDOW s AS (PARTITION BY run_uuid, ch, seg ORDER BY t)),
v AS (SELECT run_uuid, ch, seg, t, value, len, deriv(len, t, value, tp, yp, tn, yn, tpp, ypp, tnn, ynn) AS vel FROM n1),
n2 AS (SELECT *, ${neighbours('vel')} FROM v WINDOW s AS (PARTITION BY run_uuid, ch, seg ORDER BY t))
SELECT run_uuid, ch, t, value, vel, deriv(len, t, vel, tp, yp, tn, yn, tpp, ypp, tnn, ynn) AS acc FROM n2
UNION ALL
SELECT run_uuid, ch, t, value, NULL, NULL FROM cells WHERE nvals = 1 AND ch < 6;`;

// features: the union timeline (every distinct valid sample time of the
// run); each channel is placed on it by two ASOF joins (previous and next
// sample), velocity and acceleration carried along from the same
// neighbours, one narrow table per channel; the wide row is their join on
// (run_uuid, t). (Chaining all 24 ASOF joins in one query keeps every join's
// sorted, ever wider left side alive at once: 9 KB a row.)
const TIMELINE_SQL = `CREATE TEMP TABLE timeline AS SELECT DISTINCT run_uuid, t FROM series;`;

function placeChannelSql(c) {
  const name = CHANNELS[c];
  const side = `(SELECT run_uuid, t, value${c >= 6 ? ', vel, acc' : ''} FROM series WHERE ch = ${c})`;
  const cell = (x) => `cell_value(tl.t, p.t, p.${x}, n.t, n.${x})`;
  return `
CREATE TEMP TABLE placed_${name} AS
SELECT tl.run_uuid, tl.t, ${cell('value')} AS ${name}, cell_state(tl.t, p.t, n.t)::TINYINT AS s_${name}
  ${c >= 6 ? `, ${cell('vel')} AS v${name}, ${cell('acc')} AS a${name}` : ''}
FROM timeline tl
ASOF LEFT JOIN ${side} p ON tl.run_uuid = p.run_uuid AND tl.t >= p.t
ASOF LEFT JOIN ${side} n ON tl.run_uuid = n.run_uuid AND tl.t <= n.t;`;
}

function featuresSql() {
  const mask = (state) => CHANNELS.map((n, c) => `(CASE WHEN s_${n} = ${state} THEN ${1 << c} ELSE 0 END)`).join(' + ');
  const norm = (a, b, c) => `sqrt(${a} * ${a} + ${b} * ${b} + ${c} * ${c})`;
  return `
CREATE TEMP TABLE features AS
SELECT run_uuid, t, ${CHANNELS.join(', ')},
  (${mask(1)})::INTEGER AS measured_mask, (${mask(2)})::INTEGER AS interpolated_mask, (${mask(3)})::INTEGER AS held_mask,
  ${VELOCITY_COLUMNS.join(', ')}, ${ACCEL_COLUMNS.join(', ')},
  ${norm('vx_1', 'vy_1', 'vz_1')} AS v1, ${norm('vx_2', 'vy_2', 'vz_2')} AS v2,
  ${norm('ax_1', 'ay_1', 'az_1')} AS a1, ${norm('ax_2', 'ay_2', 'az_2')} AS a2,
  ${norm('fx_1', 'fy_1', 'fz_1')} AS f1, ${norm('fx_2', 'fy_2', 'fz_2')} AS f2
FROM timeline
${CHANNELS.map((n) => `JOIN placed_${n} USING (run_uuid, t)`).join('\n')};
${CHANNELS.map((n) => `DROP TABLE placed_${n};`).join(' ')}`;
}

// run_stats: one row per run that has readings in raw, in kinetl's column order.
function runStatsSql(configHash) {
  const streamOf = `(CASE WHEN ch >= 6 THEN 'encoder_' ELSE 'load_cell_' END || (ch % 2 + 1))`;
  const bits = (robot, first) => [0, 1, 2].map((k) => 1 << (first + 2 * k + robot - 1)).reduce((a, b) => a | b);
  const forceBits = (r) => bits(r, 0);
  const encBits = (r) => bits(r, 6);
  const byStream = (expr, fmt) => STREAMS.map((s) => `max(${expr}) FILTER (WHERE stream = ${sqlString(s.name)}) AS ${fmt(s.name)}`).join(',\n         ');
  const names = `(VALUES ${CHANNELS.map((n, c) => `(${c}, ${sqlString(n)})`).join(', ')}) AS cn(ch, name)`;
  return `
CREATE TEMP TABLE run_stats AS
WITH span AS (SELECT run_uuid, min(t) AS t0, max(t) AS t1 FROM series GROUP BY run_uuid),
readings AS (SELECT run_uuid, count(*) AS readings FROM raw GROUP BY run_uuid),
dups AS (SELECT run_uuid, sum(copies - nvals)::BIGINT AS duplicate_readings,
                sum(CASE WHEN nvals > 1 THEN nvals ELSE 0 END)::BIGINT AS conflicting_readings
         FROM cells GROUP BY run_uuid),
spikes AS (SELECT run_uuid, count(*) FILTER (WHERE spike) AS spikes_removed FROM hampel GROUP BY run_uuid),
quar AS (SELECT run_id AS run_uuid, count(*) AS quarantined_rows FROM quarantine WHERE run_id IS NOT NULL GROUP BY run_id),
-- per channel: samples and the longest interval (leading and trailing silence included)
ch_iv AS (SELECT run_uuid, ch, t, t - lag(t) OVER (PARTITION BY run_uuid, ch ORDER BY t) AS d FROM series),
cc AS (SELECT run_uuid, ch, count(*) AS n,
              greatest(coalesce(max(d), 0), min(t) - any_value(t0), any_value(t1) - max(t)) AS longest
       FROM ch_iv JOIN span USING (run_uuid) GROUP BY run_uuid, ch),
chan AS (
  SELECT run_uuid,
         coalesce(string_agg(name, ' ' ORDER BY cn.ch) FILTER (WHERE cc.n IS NULL), '') AS missing,
         coalesce(string_agg(name, ' ' ORDER BY cn.ch) FILTER (WHERE cc.longest > ${GAP}), '') AS gappy,
         coalesce(bit_or(1::INTEGER << cc.ch), 0)::INTEGER AS present,
         ${CHANNELS.map((n, c) => `coalesce(max(cc.n) FILTER (WHERE cn.ch = ${c}), 0) AS rows_${n}`).join(', ')}
  FROM span CROSS JOIN ${names} LEFT JOIN cc USING (run_uuid, ch)
  GROUP BY run_uuid),
-- per stream: sample times are the distinct times of its three channels
st_iv AS (SELECT run_uuid, stream, t, t - lag(t) OVER (PARTITION BY run_uuid, stream ORDER BY t) AS d
          FROM (SELECT DISTINCT run_uuid, ${streamOf} AS stream, t FROM series)),
ss AS (SELECT run_uuid, stream,
              median(d) / 1e6 AS median_period,
              count(*) FILTER (WHERE d > ${GAP}) + (min(t) - any_value(t0) > ${GAP})::INT + (any_value(t1) - max(t) > ${GAP})::INT AS gaps,
              greatest(coalesce(max(d), 0), min(t) - any_value(t0), any_value(t1) - max(t)) / 1e6 AS longest,
              coalesce(sum(d) FILTER (WHERE d <= ${GAP}), 0) AS covered
       FROM st_iv JOIN span USING (run_uuid) GROUP BY run_uuid, stream),
streams AS (
  SELECT run_uuid,
         ${byStream('median_period', (n) => `median_period_${n}_s`)},
         ${byStream('gaps', (n) => `gaps_${n}`)},
         ${byStream('longest', (n) => `longest_gap_${n}_s`)},
         max(covered) FILTER (WHERE stream = 'encoder_1') AS covered_1,
         max(covered) FILTER (WHERE stream = 'encoder_2') AS covered_2
  FROM ss GROUP BY run_uuid),
-- distances along aligned rows; forces and speeds at the streams' sample times
steps AS (
  SELECT run_uuid, f1, f2, v1, v2, measured_mask AS mm,
    CASE WHEN t - lag(t) OVER w <= ${GAP} THEN sqrt((x_1 - lag(x_1) OVER w) ** 2 + (y_1 - lag(y_1) OVER w) ** 2 + (z_1 - lag(z_1) OVER w) ** 2) END AS step1,
    CASE WHEN t - lag(t) OVER w <= ${GAP} THEN sqrt((x_2 - lag(x_2) OVER w) ** 2 + (y_2 - lag(y_2) OVER w) ** 2 + (z_2 - lag(z_2) OVER w) ** 2) END AS step2
  FROM features WINDOW w AS (PARTITION BY run_uuid ORDER BY t)),
agg AS (
  SELECT run_uuid, count(*) AS aligned_rows, sum(step1) AS distance_1_mm, sum(step2) AS distance_2_mm,
    max(f1) FILTER (WHERE mm & ${forceBits(1)} <> 0) AS max_force_1_n, avg(f1) FILTER (WHERE mm & ${forceBits(1)} <> 0) AS mean_force_1_n,
    max(f2) FILTER (WHERE mm & ${forceBits(2)} <> 0) AS max_force_2_n, avg(f2) FILTER (WHERE mm & ${forceBits(2)} <> 0) AS mean_force_2_n,
    max(v1) FILTER (WHERE mm & ${encBits(1)} <> 0) AS max_speed_1_mm_s, max(v2) FILTER (WHERE mm & ${encBits(2)} <> 0) AS max_speed_2_mm_s
  FROM steps GROUP BY run_uuid)
SELECT run_uuid,
  make_timestamp(t0)::TIMESTAMPTZ AS start_time, make_timestamp(t1)::TIMESTAMPTZ AS stop_time,
  (t1 - t0) / 1e6 AS runtime_s, distance_1_mm, distance_2_mm,
  CASE WHEN t0 IS NOT NULL AND missing = '' AND gappy = '' THEN 'complete' ELSE 'partial' END AS status,
  CASE WHEN t0 IS NULL THEN 'no valid readings'
       ELSE concat_ws('; ', CASE WHEN missing <> '' THEN 'missing ' || missing END,
                            CASE WHEN gappy <> '' THEN 'gaps in ' || gappy END) END AS status_reason,
  coalesce(missing, ${sqlString(CHANNELS.join(' '))}) AS channels_missing,
  coalesce(present, 0) AS channels_present_mask,
  readings, coalesce(aligned_rows, 0) AS aligned_rows,
  ${CHANNELS.map((n) => `coalesce(rows_${n}, 0) AS rows_${n}`).join(', ')},
  ${STREAMS.map((s) => `median_period_${s.name}_s`).join(', ')},
  ${STREAMS.map((s) => `gaps_${s.name}`).join(', ')},
  ${STREAMS.map((s) => `longest_gap_${s.name}_s`).join(', ')},
  ${[1, 2].map((r) => `CASE WHEN t1 = t0 THEN (covered_${r} IS NOT NULL)::INT::DOUBLE
       ELSE coalesce(covered_${r}, 0) / (t1 - t0) END AS coverage_${r}`).join(',\n  ')},
  coalesce(spikes_removed, 0) AS spikes_removed,
  coalesce(duplicate_readings, 0) AS duplicate_readings, coalesce(conflicting_readings, 0) AS conflicting_readings,
  coalesce(quarantined_rows, 0) AS quarantined_rows,
  max_force_1_n, mean_force_1_n, max_force_2_n, mean_force_2_n, max_speed_1_mm_s, max_speed_2_mm_s,
  NULL::VARCHAR AS input_fingerprint, ${sqlString(configHash)} AS config_hash, now() AS processed_at
FROM readings
LEFT JOIN span USING (run_uuid) LEFT JOIN chan USING (run_uuid) LEFT JOIN streams USING (run_uuid)
LEFT JOIN agg USING (run_uuid) LEFT JOIN dups USING (run_uuid) LEFT JOIN spikes USING (run_uuid)
LEFT JOIN quar USING (run_uuid)
ORDER BY run_uuid;`;
}

// --- main -------------------------------------------------------------------

async function main() {
  const args = parsePeerArgs();
  const started = process.hrtime.bigint();
  const files = listSourceFiles(args.source);
  if (files.length === 0) {
    console.error(`duckdb peer: no *.parquet files below ${args.source}`);
    process.exit(1);
  }
  prepareOut(args.out);
  const tmp = path.join(args.out, '_duckdb_tmp');
  const instance = await DuckDBInstance.create(':memory:', { threads: String(args.threads) });
  const conn = await instance.connect();
  const run = async (sql) => conn.run(sql);
  const one = async (sql) => (await conn.runAndReadAll(sql)).getRowObjectsJson()[0];
  const timings = {};
  const step = async (name, sql) => {
    const t0 = process.hrtime.bigint();
    await run(sql);
    timings[name] = Number(process.hrtime.bigint() - t0) / 1e9;
    if (process.env.PEER_PROGRESS) console.error(`duckdb peer: ${name} ${timings[name].toFixed(2)} s, rss ${(process.memoryUsage.rss() / 2 ** 20).toFixed(0)} MiB`);
  };
  try {
    await run(`SET TimeZone = 'UTC'; SET temp_directory = ${sqlString(tmp)}; SET preserve_insertion_order = true;`);
    await run(MACROS);
    await step('run_ids', classifySql(files, args.source));
    const configText = `duckdb-peer max_gap_us=${GAP} hampel_half_window=${HAMPEL_K} hampel_threshold=${HAMPEL_T} hampel_min_deviation=${HAMPEL_MIN_DEV}`;
    const configHash = (await one(`SELECT substr(md5(${sqlString(configText)}), 1, 16) AS h`)).h;

    await step('quarantine', QUARANTINE_SQL);
    await step('raw', RAW_SQL);
    await step('cells', CELLS_SQL);
    await step('hampel', HAMPEL_SQL);
    await step('series', SERIES_SQL);
    await step('timeline', TIMELINE_SQL);
    for (let c = 0; c < CHANNELS.length; c++) await step(`place_${CHANNELS[c]}`, placeChannelSql(c));
    await step('features', featuresSql());
    await step('run_stats', runStatsSql(configHash));

    const parquet = (extra = '') => `(FORMAT parquet, COMPRESSION zstd${extra})`;
    const partitioned = parquet(', PARTITION_BY (run_uuid)');
    const timeOf = 'make_timestamp(t)::TIMESTAMPTZ AS time';
    const alignedCols = `run_uuid, ${timeOf}, ${CHANNELS.join(', ')}, measured_mask, interpolated_mask, held_mask`;
    const featureCols = `${alignedCols}, ${VELOCITY_COLUMNS.join(', ')}, ${ACCEL_COLUMNS.join(', ')}, v1, v2, a1, a2, f1, f2`;
    const out = (t) => sqlString(path.join(args.out, t));
    await step('write_raw', `COPY raw TO ${out('raw')} ${partitioned}`);
    fs.mkdirSync(path.join(args.out, 'quarantine'), { recursive: true });
    await step('write_quarantine', `COPY (SELECT * EXCLUDE (run_id) FROM quarantine ORDER BY source_file, row_number) TO ${sqlString(path.join(args.out, 'quarantine', 'part-0.parquet'))} ${parquet()}`);
    await step('write_aligned', `COPY (SELECT ${alignedCols} FROM features ORDER BY run_uuid, t) TO ${out('aligned')} ${partitioned}`);
    await step('write_features', `COPY (SELECT ${featureCols} FROM features ORDER BY run_uuid, t) TO ${out('features')} ${partitioned}`);
    fs.mkdirSync(path.join(args.out, 'run_stats'), { recursive: true });
    await step('write_run_stats', `COPY run_stats TO ${sqlString(path.join(args.out, 'run_stats', 'part-0.parquet'))} ${parquet()}`);

    const counts = await one(`SELECT
      (SELECT sum(num_rows) FROM parquet_file_metadata(${`[${files.map((f) => sqlString(f.path)).join(', ')}]`})) AS readings,
      (SELECT count(*) FROM raw) AS accepted, (SELECT count(*) FROM quarantine) AS quarantined,
      (SELECT count(*) FROM run_stats) AS runs, (SELECT count(*) FROM features) AS aligned_rows`);
    const version = (await one('SELECT version() AS v')).v;
    conn.closeSync?.();
    fs.rmSync(tmp, { recursive: true, force: true });
    printSummary({
      peer: 'duckdb', version, threads: args.threads, files: files.length,
      readings: Number(counts.readings), accepted: Number(counts.accepted), quarantined: Number(counts.quarantined),
      runs: Number(counts.runs), aligned_rows: Number(counts.aligned_rows),
      wall_s: Number(process.hrtime.bigint() - started) / 1e9, steps_s: timings,
      output_bytes: treeBytes(args.out),
    });
  } finally {
    conn.closeSync?.();
    fs.rmSync(tmp, { recursive: true, force: true }); // spill files are scratch, even after a failure
  }
}

main().catch((e) => {
  console.error(`duckdb peer: ${e.message.split('\n')[0]}`);
  process.exit(1);
});
