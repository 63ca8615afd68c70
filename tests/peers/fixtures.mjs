// tests/peers/fixtures.mjs — source datasets (SPEC §1 schema: time STRING
// with trimmed milliseconds, value DOUBLE, field STRING, robot_id INT64,
// run_uuid DOUBLE, sensor_type STRING) for the peer pipeline tests, each
// with the answers the pipelines must give, derived from the construction
// (closed forms), never from a pipeline's output.
import fs from 'node:fs';
import path from 'node:path';

import { oracleRequire } from '../lib/oracles.mjs';

const { DuckDBInstance } = oracleRequire('@duckdb/node-api');

// ISO-8601 UTC with the milliseconds' trailing zeros trimmed, as the real files.
export function isoTrimmed(ms) {
  const s = new Date(ms).toISOString(); // 2022-11-23T20:40:00.010Z
  return s.replace(/\.?0+Z$/, 'Z').replace(/\.Z$/, 'Z');
}

// Writes rows [{time, value (number|null|'nan'|'inf'), field, robot_id, run_uuid (number|null), sensor_type}]
// as one Parquet file with the source's physical types.
async function writeSource(conn, file, rows) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const json = `${file}.jsonl`;
  fs.writeFileSync(json, rows.map((r) => JSON.stringify({
    ...r, value: r.value === null ? null : String(r.value), run_uuid: r.run_uuid === null ? null : String(r.run_uuid),
  })).join('\n'));
  const q = (s) => `'${s.replaceAll("'", "''")}'`;
  await conn.run(`COPY (SELECT time, CAST(value AS DOUBLE) AS value, field, robot_id, CAST(run_uuid AS DOUBLE) AS run_uuid, sensor_type
    FROM read_json(${q(json)}, format = 'newline_delimited',
      columns = {time: 'VARCHAR', value: 'VARCHAR', field: 'VARCHAR', robot_id: 'BIGINT', run_uuid: 'VARCHAR', sensor_type: 'VARCHAR'}))
    TO ${q(file)} (FORMAT parquet, COMPRESSION snappy)`);
  fs.rmSync(json);
}

const T0 = Date.UTC(2022, 10, 23, 20, 40, 0); // 2022-11-23T20:40:00Z
export const RUN_A = { double: 7.58229308099147e18, id: '7582293080991470000' };
export const RUN_B = { double: 1.2405186538561671e19, id: '12405186538561671000' };

const reading = (run, ms, robot, field, value) => ({
  time: isoTrimmed(ms), value, field, robot_id: robot, run_uuid: run.double,
  sensor_type: ['x', 'y', 'z'].includes(field) ? 'encoder' : 'load_cell',
});

// The hand-built dataset: two runs with known answers.
//  Run A (from T0): robot 1 only. Encoder every 12 ms for 12 s,
//    x = 1000 + 10·τ mm (10 mm/s), y = 500, z = −100; load cell every 10 ms
//    from 5 ms, (fx, fy, fz) = (100, 0, −200) N.
//  Run B (from T0 + 1 h): robot 2 only. Load cell every 10 ms for 5 s,
//    (30, 40, 0) N, with a conflicting copy (fx at 1.000 s: 31), an exact
//    copy in the other file (fy at 2.000 s), an exact copy in the same file
//    (fz at 3.000 s: dropped by raw), and one row with unnormalised names.
//    Encoder every 20 ms at 3 ms + 20k ms, k = 0..99 and 150..249 (a 1.02 s
//    gap), x = 2000 + 10·τ, y = 800, z = −600, with a +75 mm spike on x at
//    k = 50. Ten quarantined rows, one per reason (two non-finite), all but
//    the null_run_uuid one carrying run B's id.
export async function writeHandSource(dir) {
  const a = T0; const b = T0 + 3600000;
  const file1 = []; const file2 = [];
  for (let k = 0; k <= 1000; k++) {
    const ms = 12 * k;
    file1.push(reading(RUN_A, a + ms, 1, 'x', 1000 + 10 * (ms / 1000)), reading(RUN_A, a + ms, 1, 'y', 500), reading(RUN_A, a + ms, 1, 'z', -100));
  }
  for (let k = 0; k < 1200; k++) {
    const ms = 5 + 10 * k;
    (k % 2 ? file1 : file2).push(reading(RUN_A, a + ms, 1, 'fx', 100), reading(RUN_A, a + ms, 1, 'fy', 0), reading(RUN_A, a + ms, 1, 'fz', -200));
  }
  for (let k = 0; k <= 500; k++) {
    const ms = 10 * k;
    const fx = reading(RUN_B, b + ms, 2, 'fx', 30);
    if (k === 400) Object.assign(fx, { field: ' FX', sensor_type: 'LOAD_CELL ' });
    file1.push(fx, reading(RUN_B, b + ms, 2, 'fy', 40), reading(RUN_B, b + ms, 2, 'fz', 0));
  }
  file2.push(reading(RUN_B, b + 1000, 2, 'fx', 31));   // conflict
  file2.push(reading(RUN_B, b + 2000, 2, 'fy', 40));   // exact copy, other file
  file1.push(reading(RUN_B, b + 3000, 2, 'fz', 0));    // exact copy, same file
  for (const k of [...Array(100).keys(), ...Array.from({ length: 100 }, (_, i) => 150 + i)]) {
    const ms = 3 + 20 * k;
    const x = 2000 + 10 * (ms / 1000);
    file2.push(reading(RUN_B, b + ms, 2, 'x', k === 50 ? x + 75 : x), reading(RUN_B, b + ms, 2, 'y', 800), reading(RUN_B, b + ms, 2, 'z', -600));
  }
  const bad = (over) => ({ ...reading(RUN_B, b + 777, 2, 'fx', 30), ...over });
  const quarantine = [
    ['null_time', bad({ time: null })],
    ['bad_time', bad({ time: '2022-11-23T20:4x:35.007Z' })],
    ['null_run_uuid', bad({ run_uuid: null })],
    ['bad_robot_id', bad({ robot_id: 3 })],
    ['unknown_field', bad({ field: 'w' })],
    ['sensor_field_mismatch', bad({ sensor_type: 'encoder' })],
    ['null_value', bad({ value: null })],
    ['non_finite_value', bad({ value: 'nan' })],
    ['non_finite_value', bad({ value: 'inf' })],
    ['out_of_range', bad({ field: 'x', sensor_type: 'encoder', value: 12345.5 })],
  ];
  file1.push(...quarantine.map(([, r]) => r));

  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const conn = await instance.connect();
  await writeSource(conn, path.join(dir, 'delivery_date=20221123', 'part-0.parquet'), file1);
  await writeSource(conn, path.join(dir, 'delivery_date=20221124', 'part-0.parquet'), file2);
  conn.closeSync?.();

  const reasons = {};
  for (const [r] of quarantine) reasons[r] = (reasons[r] ?? 0) + 1;
  const encB = [...Array(100).keys(), ...Array.from({ length: 100 }, (_, i) => 150 + i)].map((k) => 3 + 20 * k);
  return {
    sourceRows: file1.length + file2.length,
    rawRows: file1.length + file2.length - quarantine.length - 1, // minus the in-file copy
    quarantineReasons: reasons,
    runs: {
      [RUN_A.id]: {
        start_ms: a, stop_ms: a + 12000, runtime_s: 12, distance_1_mm: 120, distance_2_mm: null,
        readings: 3003 + 3600, aligned_rows: 1001 + 1200,
        rows: { x_1: 1001, y_1: 1001, z_1: 1001, fx_1: 1200, fy_1: 1200, fz_1: 1200, x_2: 0, y_2: 0, z_2: 0, fx_2: 0, fy_2: 0, fz_2: 0 },
        status: 'partial', status_reason: 'missing fx_2 fy_2 fz_2 x_2 y_2 z_2', channels_missing: 'fx_2 fy_2 fz_2 x_2 y_2 z_2',
        channels_present_mask: 0b010101010101,
        median_period_encoder_1_s: 0.012, median_period_load_cell_1_s: 0.01, median_period_encoder_2_s: null,
        gaps_encoder_1: 0, gaps_load_cell_1: 0, gaps_encoder_2: null, longest_gap_encoder_1_s: 0.012, longest_gap_load_cell_1_s: 0.01,
        coverage_1: 1, coverage_2: 0,
        spikes_removed: 0, duplicate_readings: 0, conflicting_readings: 0, quarantined_rows: 0,
        max_force_1_n: Math.sqrt(100 * 100 + 200 * 200), mean_force_1_n: Math.sqrt(100 * 100 + 200 * 200), max_force_2_n: null,
        max_speed_1_mm_s: 10, max_speed_2_mm_s: null,
        // rows: every encoder time is measured for x_1; load-cell rows interpolate x_1 on the line
        position: (ms) => ({ x_1: 1000 + 10 * ((ms - a) / 1000), y_1: 500, z_1: -100 }),
      },
      [RUN_B.id]: {
        start_ms: b, stop_ms: b + 5000, runtime_s: 5, distance_1_mm: null,
        distance_2_mm: 10 * (1.983 - 0.003) + 10 * (4.983 - 3.003),
        readings: 501 * 3 + 2 + 600, aligned_rows: 501 + 200,
        rows: { fx_2: 500, fy_2: 501, fz_2: 501, x_2: 199, y_2: 200, z_2: 200, x_1: 0, y_1: 0, z_1: 0, fx_1: 0, fy_1: 0, fz_1: 0 },
        status: 'partial', status_reason: 'missing fx_1 fy_1 fz_1 x_1 y_1 z_1; gaps in x_2 y_2 z_2',
        channels_missing: 'fx_1 fy_1 fz_1 x_1 y_1 z_1', channels_present_mask: 0b101010101010,
        median_period_encoder_2_s: 0.02, median_period_load_cell_2_s: 0.01, median_period_encoder_1_s: null,
        gaps_encoder_2: 1, gaps_load_cell_2: 0, longest_gap_encoder_2_s: 1.02, longest_gap_load_cell_2_s: 0.01,
        coverage_1: 0, coverage_2: (99 * 20 + 99 * 20) / 5000,
        spikes_removed: 1, duplicate_readings: 1, conflicting_readings: 2, quarantined_rows: 9,
        max_force_2_n: 50, mean_force_2_n: 50, max_force_1_n: null,
        max_speed_2_mm_s: 10, max_speed_1_mm_s: null,
        encoderTimes: encB.map((ms) => b + ms),
        gapRows: 102, // load-cell rows strictly between 1.983 s and 3.003 s
        position: (ms) => ({ x_2: 2000 + 10 * ((ms - b) / 1000), y_2: 800, z_2: -600 }),
      },
    },
  };
}

// A small generated dataset when `kinetl gen` is not available: 2 runs of
// 20 s, both robots on a helix (radius 400 mm, 0.1 rad/s, z falling
// 0.5 mm/s: speed √(40² + 0.5²) mm/s), encoders every 12 ms ± 3 ms jitter,
// load cells every 10 ms, rows shuffled over two files. Returns the
// analytic path length between each robot's first and last encoder sample.
export async function writeHelixSource(dir) {
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const conn = await instance.connect();
  const runs = [{ id: 6176976534744076000, start: T0 + 7, seed: 1 }, { id: 8910095844186657000, start: T0 + 120005, seed: 2 }];
  const truth = [];
  const q = (s) => `'${s.replaceAll("'", "''")}'`;
  await conn.run(`CREATE TABLE readings (ms BIGINT, value DOUBLE, field VARCHAR, robot_id BIGINT, run_uuid DOUBLE, sensor_type VARCHAR)`);
  for (const run of runs) {
    for (const robot of [1, 2]) {
      const cx = robot === 1 ? 1200 : 2700;
      const enc = `(SELECT ${run.start} + 12 * k + CASE WHEN k = 0 THEN 0 ELSE CAST(hash(k, ${run.seed}, ${robot}) % 7 AS INTEGER) - 3 END AS ms FROM range(0, 1666) r(k))`;
      await conn.run(`INSERT INTO readings
        SELECT ms, v, f, ${robot}, ${run.id}, 'encoder' FROM (
          SELECT ms, (ms - ${run.start}) / 1000.0 AS tau FROM ${enc}) e,
          LATERAL (VALUES ('x', ${cx} + 400 * cos(0.1 * tau)), ('y', 850 + 400 * sin(0.1 * tau)), ('z', -100 - 0.5 * tau)) AS v(f, v)`);
      await conn.run(`INSERT INTO readings
        SELECT ms, v, f, ${robot}, ${run.id}, 'load_cell' FROM (SELECT ${run.start} + 3 + 10 * k AS ms FROM range(0, 2000) r(k)) l,
          LATERAL (VALUES ('fx', -200.0 + ${robot}), ('fy', 10.0), ('fz', -400.0)) AS v(f, v)`);
      const span = (await conn.runAndReadAll(`SELECT (max(ms) - min(ms)) / 1000.0 AS s FROM readings WHERE run_uuid = ${run.id} AND robot_id = ${robot} AND field = 'x'`)).getRowObjects()[0].s;
      truth.push({ run_uuid: String(run.id), robot_id: robot, path_length_mm: span * Math.sqrt(40 * 40 + 0.5 * 0.5) });
    }
  }
  for (const part of [0, 1]) {
    const file = path.join(dir, 'delivery_date=20221123', `part-${part}.parquet`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    await conn.run(`COPY (
      SELECT regexp_replace(regexp_replace(strftime(make_timestamp(ms * 1000), '%Y-%m-%dT%H:%M:%S.%g'), '0+$', ''), '\\.$', '') || 'Z' AS time,
             value, field, robot_id, run_uuid, sensor_type
      FROM readings WHERE hash(ms, field, robot_id) % 2 = ${part} ORDER BY hash(ms, field, robot_id, 'shuffle'))
      TO ${q(file)} (FORMAT parquet, COMPRESSION snappy)`);
  }
  conn.closeSync?.();
  return truth;
}
