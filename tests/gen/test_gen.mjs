// tests/gen/test_gen.mjs — `kinetl gen` checked by independent readers:
// DuckDB (@duckdb/node-api) and arrow-rs (parquet-wasm) read the generated
// files; the expectations come from SPEC §1 and the issue (ids, starts,
// lengths, missing sensors, periods, ranges), from the manifest only for
// where anomalies are, and from the analytic truth for positions and
// path length. Oracles and the reporting come from tests/lib/oracles.mjs.
// Prints "PASS name" / "FAIL name: why" lines (tests/run.sh counts them).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { kinetlBin as kinetl, makeReporter, oracleRequire } from '../lib/oracles.mjs';

const { DuckDBInstance } = oracleRequire('@duckdb/node-api');
const pw = oracleRequire('parquet-wasm');
const arrow = oracleRequire('apache-arrow');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kinetl-gen-'));
const { pass, fail, check, exitCode } = makeReporter();

function gen(dir, ...args) {
  return execFileSync(kinetl, ['gen', '--out', dir, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}
function genStatus(args) {
  try {
    execFileSync(kinetl, ['gen', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    return { code: 0, stderr: '' };
  } catch (e) {
    return { code: e.status, stderr: String(e.stderr) };
  }
}
function walk(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p)); else out.push(p);
  }
  return out.sort();
}
const sql = (s) => s.replaceAll("'", "''");

const inst = await DuckDBInstance.create(':memory:');
const con = await inst.connect();
async function rows(q) {
  const r = await con.runAndReadAll(q);
  return r.getRowObjectsJson();
}

// ---- the sample, generated twice with the same seed (different thread counts) ----
const A = path.join(tmp, 'a'), B = path.join(tmp, 'b');
const truthPath = path.join(tmp, 'truth.json');
const t0 = Date.now();
gen(A, '--seed', '42', '--truth', truthPath, '--quiet');
const genSeconds = (Date.now() - t0) / 1000;
gen(B, '--seed', '42', '-j', '1', '--quiet');
const manifest = JSON.parse(fs.readFileSync(path.join(A, '_anomalies.json'), 'utf8'));
const truth = JSON.parse(fs.readFileSync(truthPath, 'utf8'));
const glob = `${A}/delivery_date=*/*.parquet`;
await con.run(`create view src as select *, filename as file, file_row_number as row,
  try_cast(time as timestamptz) as ts from read_parquet('${sql(glob)}', filename=true, file_row_number=true, hive_partitioning=false)`);
// rows the manifest says were altered or added: the checks of "normal" data leave them out
const touched = manifest.anomalies.filter((a) => a.kind !== 'late_delivery');
await con.run(`create table touched(file varchar, row bigint)`);
for (const a of touched) await con.run(`insert into touched values ('${sql(path.join(A, a.file))}', ${a.row})`);
await con.run(`create view clean as select s.* from src s anti join touched t on s.file = t.file and s.row = t.row`);

const RUNS = [
  { id: '7582293080991470000', start: '2022-11-23 20:40:00.001+00', seconds: 600 },
  { id: '6176976534744076000', start: '2022-11-23 20:40:00.007+00', seconds: 600 },
  { id: '12405186538561671000', start: '2022-11-23 20:40:00.003+00', seconds: 77.6 },
  { id: '8910095844186657000', start: '2022-11-23 20:40:00.005+00', seconds: 600 },
];
const RUN_DOUBLES = [7582293080991470061n, 6176976534744076781n, 12405186538561671000n, 8910095844186657261n].map(Number);

await check('gen/generation_is_fast_enough_for_tests', () =>
  genSeconds < 20 ? null : `sample took ${genSeconds} s`);

await check('gen/layout_is_delivery_date_folders', () => {
  const files = walk(A).map((f) => path.relative(A, f));
  const parquet = files.filter((f) => f.endsWith('.parquet'));
  if (!files.includes('_anomalies.json')) return 'no _anomalies.json';
  const bad = parquet.filter((f) => !/^delivery_date=\d{8}\/part-\d{5}\.parquet$/.test(f));
  if (bad.length) return `unexpected paths ${bad.slice(0, 3)}`;
  const days = new Set(parquet.map((f) => f.split('/')[0]));
  if (days.size < 4) return `only ${days.size} delivery days (3 + the late one expected)`;
  if (files.some((f) => f.includes('.tmp'))) return 'temporary files left behind';
  return parquet.length === manifest.files.length ? null : `${parquet.length} files, manifest lists ${manifest.files.length}`;
});

await check('gen/schema_and_physical_types_as_spec', async () => {
  const want = [['time', 'BYTE_ARRAY', 'UTF8'], ['value', 'DOUBLE', null], ['field', 'BYTE_ARRAY', 'UTF8'],
    ['robot_id', 'INT64', null], ['run_uuid', 'DOUBLE', null], ['sensor_type', 'BYTE_ARRAY', 'UTF8']];
  for (const f of walk(A).filter((x) => x.endsWith('.parquet'))) {
    const s = await rows(`select name, type, converted_type, repetition_type from parquet_schema('${sql(f)}') where type is not null`);
    const got = s.map((r) => [r.name, r.type, r.converted_type]);
    if (JSON.stringify(got) !== JSON.stringify(want)) return `${f}: ${JSON.stringify(got)}`;
    if (s.some((r) => r.repetition_type !== 'OPTIONAL')) return `${f}: a required column`;
    const m = await rows(`select path_in_schema p, compression c, encodings e from parquet_metadata('${sql(f)}')`);
    if (m.some((r) => r.c !== 'SNAPPY')) return `${f}: codec ${m.map((r) => r.c)}`;
    for (const r of m) if (['time', 'field', 'sensor_type'].includes(r.p) && !r.e.includes('RLE_DICTIONARY'))
      return `${f}: ${r.p} not dictionary-encoded (${r.e})`;
  }
  return null;
});

await check('gen/arrow_rs_reads_the_same_schema', () => {
  for (const f of walk(A).filter((x) => x.endsWith('.parquet')).slice(0, 4)) {
    const t = arrow.tableFromIPC(pw.readParquet(new Uint8Array(fs.readFileSync(f))).intoIPCStream());
    const got = t.schema.fields.map((x) => `${x.name}:${x.type}:${x.nullable}`).join(',');
    const want = 'time:Utf8:true,value:Float64:true,field:Utf8:true,robot_id:Int64:true,run_uuid:Float64:true,sensor_type:Utf8:true';
    if (got !== want) return `${f}: ${got}`;
    const rowsIn = manifest.files.find((x) => path.join(A, x.path) === f).rows;
    if (t.numRows !== rowsIn) return `${f}: arrow-rs reads ${t.numRows} rows, manifest says ${rowsIn}`;
  }
  return null;
});

// Polars, when its native binding is installed (the lock lists nodejs-polars-linux-x64-gnu;
// a machine without it prints SKIP, which tests/run.sh does not count either way)
let pl = null, plError = '';
try { pl = oracleRequire('nodejs-polars'); } catch (e) { plError = String(e.message).split('\n')[0]; }
if (!pl) console.log(`SKIP gen/polars_reads_the_same_schema: ${plError}`);
else await check('gen/polars_reads_the_same_schema', () => {
  const want = 'time:String,value:Float64,field:String,robot_id:Int64,run_uuid:Float64,sensor_type:String';
  for (const f of walk(A).filter((x) => x.endsWith('.parquet'))) {
    const df = pl.readParquet(f);
    const got = df.columns.map((c) => `${c}:${String(df.getColumn(c).dtype).replace(/^DataType\((.*)\)$/, '$1')}`).join(',');
    if (got.replaceAll('Utf8', 'String') !== want) return `${f}: ${got}`;
    const rowsIn = manifest.files.find((x) => path.join(A, x.path) === f).rows;
    if (df.height !== rowsIn) return `${f}: polars reads ${df.height} rows, manifest says ${rowsIn}`;
  }
  return null;
});

await check('gen/about_1.6_million_readings', async () => {
  const [{ n }] = await rows('select count(*)::int n from src');
  const listed = manifest.files.reduce((s, f) => s + f.rows, 0);
  if (n !== listed || n !== manifest.total_rows) return `${n} rows read, manifest ${listed}/${manifest.total_rows}`;
  return n > 1550000 && n < 1650000 ? null : `${n} rows`;
});

await check('gen/run_ids_starts_and_durations', async () => {
  const r = await rows(`select run_uuid, min(ts)::varchar s, epoch_ms(max(ts)) - epoch_ms(min(ts)) ms, count(*)::int n
                        from clean group by run_uuid order by min(ts), run_uuid`);
  if (r.length !== 4) return `${r.length} runs`;
  for (const want of RUNS) {
    const i = RUNS.indexOf(want);
    const got = r.find((x) => x.run_uuid === RUN_DOUBLES[i]);
    if (!got) return `run ${want.id} (double ${RUN_DOUBLES[i]}) missing`;
    if (got.s !== want.start) return `run ${want.id} starts ${got.s}, want ${want.start}`;
    if (Math.abs(Number(got.ms) / 1000 - want.seconds) > 0.02) return `run ${want.id} lasts ${got.ms} ms`;
    const m = manifest.runs.find((x) => x.run_uuid === want.id);
    if (!m || Math.abs(m.duration_s - want.seconds) > 0.02) return `manifest run ${want.id}: ${JSON.stringify(m)}`;
  }
  // run_uuid is stored as the double of the original 64-bit id: its shortest form is the canonical id
  const ids = (await rows('select distinct run_uuid::varchar v from src where run_uuid is not null')).map((x) => x.v).sort();
  return JSON.stringify(ids) === JSON.stringify(['1.2405186538561671e+19', '6.176976534744076e+18', '7.58229308099147e+18',
    '8.910095844186657e+18']) ? null : `ids ${ids}`;
});

await check('gen/per_run_channel_counts', async () => {
  // rows in the files = the manifest's readings minus the readings an anomaly replaced
  const got = await rows(`select run_uuid, field || '_' || robot_id ch, count(*)::int n,
      epoch_ms(max(ts)) - epoch_ms(min(ts)) span from clean group by all`);
  const dupKinds = new Set(['exact_duplicate', 'exact_duplicate_in_file', 'conflicting_duplicate']);
  for (const run of manifest.runs) {
    const dbl = RUN_DOUBLES[RUNS.findIndex((r) => r.id === run.run_uuid)];
    for (const [ch, readings] of Object.entries(run.readings)) {
      const replaced = touched.filter((a) => !dupKinds.has(a.kind) && a.reading.run_uuid === run.run_uuid &&
        `${a.reading.field}_${a.reading.robot_id}` === ch).length;
      const g = got.find((x) => x.run_uuid === dbl && x.ch === ch);
      const n = g ? g.n : 0;
      if (n !== readings - replaced) return `run ${run.run_uuid} ${ch}: ${n} rows, manifest ${readings} - ${replaced}`;
      if (!readings) continue;
      // the counts follow from the length and the sampling period, not only from the manifest
      const span = Number(g.span) / 1000;
      const want = ch.startsWith('f') ? span / 0.010 + 1 : span / 0.012 + 1;
      if (Math.abs(readings - want) > (ch.startsWith('f') ? 0.5 : 2)) return `run ${run.run_uuid} ${ch}: ${readings} readings over ${span} s`;
    }
  }
  return null;
});

await check('gen/missing_and_stuck_channels', async () => {
  const ch = await rows(`select run_uuid, field || '_' || robot_id c, count(*)::int n from clean group by all`);
  const has = (i, c) => ch.some((x) => x.run_uuid === RUN_DOUBLES[i] && x.c === c);
  const all = ['x_1', 'y_1', 'z_1', 'x_2', 'y_2', 'z_2', 'fx_1', 'fy_1', 'fz_1', 'fx_2', 'fy_2', 'fz_2'];
  for (const c of all) if (!has(0, c)) return `run 1 lacks ${c}`;
  for (const c of all) if (has(1, c) !== (c !== 'z_2')) return `run 2: ${c} ${has(1, c) ? 'present' : 'absent'}`;
  for (const c of all) if (has(2, c) !== (c === 'fx_1')) return `run 3: ${c} ${has(2, c) ? 'present' : 'absent'}`;
  for (const c of all) if (has(3, c) !== !c.startsWith('f')) return `run 4: ${c} ${has(3, c) ? 'present' : 'absent'}`;
  // run 2: y_2 goes flat at 0.003 after a third of the run, and not before
  const [f] = await rows(`with y as (select ts, value from clean where run_uuid = ${RUN_DOUBLES[1]} and field = 'y' and robot_id = 2),
      start as (select min(ts) t0 from clean where run_uuid = ${RUN_DOUBLES[1]})
    select count(*) filter (where epoch_ms(ts) - epoch_ms(t0) >= 200000 and value <> 0.003)::int late_moving,
           count(*) filter (where epoch_ms(ts) - epoch_ms(t0) >= 200000)::int late_n,
           count(*) filter (where epoch_ms(ts) - epoch_ms(t0) < 199000 and value = 0.003)::int early_flat,
           min(epoch_ms(ts) - epoch_ms(t0)) filter (where value = 0.003) first_flat from y, start`);
  if (f.late_moving !== 0 || f.late_n < 30000 || f.early_flat !== 0) return `y_2: ${JSON.stringify(f)}`;
  return Math.abs(Number(f.first_flat) - 200000) <= 20 ? null : `y_2 flat from ${f.first_flat} ms`;
});

await check('gen/sampling_periods', async () => {
  const r = await rows(`with t as (select run_uuid, sensor_type, robot_id, field, epoch_ms(ts) e from clean),
      d as (select sensor_type, e - lag(e) over (partition by run_uuid, robot_id, field order by e) dt from t)
    select sensor_type, median(dt) med, min(dt) lo, max(dt) hi, count(*) filter (where dt = 10)::double / count(dt) share10
    from d where dt is not null group by sensor_type order by sensor_type`);
  const enc = r.find((x) => x.sensor_type === 'encoder'), lc = r.find((x) => x.sensor_type === 'load_cell');
  // encoders: 12 ms +- 3 ms of jitter on each sample; 30 where an anomaly took a reading out
  if (!enc || enc.med !== 12 || Number(enc.lo) < 6 || Number(enc.hi) > 30) return `encoder periods ${JSON.stringify(enc)}`;
  // load cells: exactly 10 ms, except where an anomaly removed a reading (20 ms)
  if (!lc || lc.med !== 10 || Number(lc.lo) !== 10 || Number(lc.hi) > 20 || lc.share10 < 0.9999) return `load cell periods ${JSON.stringify(lc)}`;
  // the four streams of a run have their own clocks
  const [p] = await rows(`select count(distinct sensor_type || robot_id || (epoch_ms(ts) % 10)) n from clean where run_uuid = ${RUN_DOUBLES[0]} and sensor_type = 'load_cell'`);
  return Number(p.n) >= 2 ? null : 'load cells of run 1 share one clock';
});

await check('gen/values_in_plausible_ranges', async () => {
  const r = await rows(`select field, min(value) lo, max(value) hi from clean where value <> 0.003 group by field`);
  const lim = { x: [500, 3500], y: [250, 1500], z: [-1000, 0], fx: [-1750, 750], fy: [-1000, 1000], fz: [-2000, 100] };
  for (const x of r) if (x.lo < lim[x.field][0] || x.hi > lim[x.field][1]) return `${x.field} in [${x.lo}, ${x.hi}]`;
  // tens of mm/s: median speed of robot 1 in run 1 from consecutive encoder samples
  const [s] = await rows(`with p as (pivot (select ts, field, value from clean where run_uuid = ${RUN_DOUBLES[0]} and robot_id = 1
        and sensor_type = 'encoder') on field using first(value) group by ts),
      q as (select sqrt((x - lag(x) over w)^2 + (y - lag(y) over w)^2 + (z - lag(z) over w)^2)
                   / ((epoch_ms(ts) - epoch_ms(lag(ts) over w)) / 1000) v from p window w as (order by ts))
    select median(v) v from q`);
  return s.v > 10 && s.v < 100 ? null : `median speed ${s.v} mm/s`;
});

await check('gen/every_anomaly_is_at_its_file_and_row', async () => {
  const kinds = new Set(manifest.anomalies.map((a) => a.kind));
  const want = ['nan_value', 'null_value', 'null_time', 'bad_time', 'time_without_fraction', 'unknown_field', 'bad_robot_id',
    'sensor_field_mismatch', 'out_of_range', 'spike', 'exact_duplicate', 'conflicting_duplicate', 'late_delivery',
    'null_run_uuid', 'exact_duplicate_in_file', 'inf_value', 'unnormalised_names'];
  for (const k of want) if (!kinds.has(k)) return `no ${k} in the manifest`;
  for (const a of touched) {
    const f = path.join(A, a.file);
    const [r] = await rows(`select time, value::varchar value_text, value, field, robot_id, run_uuid, sensor_type
                            from src where file = '${sql(f)}' and row = ${a.row}`);
    if (!r) return `${a.kind}: no row ${a.row} in ${a.file}`;
    const w = a.written;
    if (r.time !== w.time) return `${a.kind} ${a.file}:${a.row}: time ${r.time} vs ${w.time}`;
    if (w.value_text) {
      if (r.value_text.toLowerCase() !== (w.value_text === 'Infinity' ? 'inf' : w.value_text.toLowerCase()))
        return `${a.kind}: value ${r.value_text} vs ${w.value_text}`;
    } else if (r.value !== w.value) return `${a.kind} ${a.file}:${a.row}: value ${r.value} vs ${w.value}`;
    if (r.field !== w.field || r.sensor_type !== w.sensor_type || Number(r.robot_id) !== w.robot_id || r.run_uuid !== w.run_uuid)
      return `${a.kind} ${a.file}:${a.row}: ${JSON.stringify(r)} vs ${JSON.stringify(w)}`;
    // what the anomaly means, checked on the row itself
    const rd = a.reading;
    const bad = {
      nan_value: () => r.value_text !== 'nan',
      inf_value: () => r.value_text !== 'inf',
      null_value: () => r.value !== null,
      null_time: () => r.time !== null,
      bad_time: () => r.time === null || !Number.isNaN(Date.parse(r.time)),
      null_run_uuid: () => r.run_uuid !== null,
      unknown_field: () => ['x', 'y', 'z', 'fx', 'fy', 'fz'].includes(r.field.trim().toLowerCase()),
      bad_robot_id: () => [1, 2].includes(Number(r.robot_id)),
      sensor_field_mismatch: () => (r.sensor_type === 'encoder') === ['x', 'y', 'z'].includes(r.field),
      out_of_range: () => Math.abs(r.value) <= (r.sensor_type === 'encoder' ? 10000 : 50000),
      spike: () => Math.abs(r.value - rd.value) < 50 || Math.abs(r.value) > 10000,
      time_without_fraction: () => !/:\d\dZ$/.test(r.time),
      unnormalised_names: () => r.field === rd.field || r.field.trim().toLowerCase() !== rd.field ||
        r.sensor_type.trim().toLowerCase() !== rd.sensor_type,
    }[a.kind];
    if (bad && bad()) return `${a.kind} ${a.file}:${a.row} does not show it: ${JSON.stringify(r)}`;
    if (a.kind.includes('duplicate')) {
      const [o] = await rows(`select time, value, field, robot_id, run_uuid, sensor_type from src
                              where file = '${sql(path.join(A, a.original.file))}' and row = ${a.original.row}`);
      const same = o.time === r.time && o.field === r.field && o.robot_id === r.robot_id && o.run_uuid === r.run_uuid;
      if (!same) return `${a.kind}: original ${JSON.stringify(o)} vs ${JSON.stringify(r)}`;
      if ((a.kind === 'conflicting_duplicate') === (o.value === r.value)) return `${a.kind}: values ${o.value} / ${r.value}`;
      if ((a.kind === 'exact_duplicate_in_file') !== (a.original.file === a.file)) return `${a.kind}: files ${a.original.file} / ${a.file}`;
    }
  }
  return null;
});

await check('gen/late_delivery_file', async () => {
  const late = manifest.anomalies.find((a) => a.kind === 'late_delivery');
  const lastDay = manifest.files.map((f) => f.delivery_date).sort().at(-1);
  if (!late.file.startsWith(`delivery_date=${lastDay}/`)) return `late file ${late.file} is not on the last day ${lastDay}`;
  const [r] = await rows(`select count(*) filter (where run_uuid = ${RUN_DOUBLES[0]} and ts >= '${late.from}'::timestamptz
                              and ts < '${late.to}'::timestamptz)::int inside, count(*)::int n
                          from clean where file = '${sql(path.join(A, late.file))}'`);
  if (r.inside !== late.rows || r.n !== late.rows) return `late file: ${JSON.stringify(r)}, manifest ${late.rows}`;
  // and those readings arrive nowhere else
  const [e] = await rows(`select count(*)::int n from clean where run_uuid = ${RUN_DOUBLES[0]} and ts >= '${late.from}'::timestamptz
                          and ts < '${late.to}'::timestamptz and file <> '${sql(path.join(A, late.file))}'`);
  return e.n === 0 && late.rows > 20000 ? null : `${e.n} late-window rows elsewhere, ${late.rows} late rows`;
});

await check('gen/runs_spread_over_files_and_days', async () => {
  const r = await rows(`select run_uuid, count(distinct file)::int files, count(distinct regexp_extract(file, 'delivery_date=(\\d+)', 1))::int ndays
                        from clean where run_uuid is not null group by run_uuid`);
  const normal = manifest.files.filter((f) => !f.late).length;
  for (const x of r) if (x.files < normal || x.ndays < 3) return `run ${x.run_uuid}: ${x.files} files, ${x.ndays} days`;
  return r.length === 4 ? null : `${r.length} runs`;
});

await check('gen/rows_out_of_time_order_in_files', async () => {
  const r = await rows(`with t as (select file, row, ts, lag(ts) over (partition by file order by row) prev from src)
    select file, count(*) filter (where ts < prev)::double / count(*) back from t group by file`);
  for (const x of r) if (x.back < 0.3) return `${x.file}: only ${x.back} of steps go back in time`;
  return null;
});

await check('gen/same_seed_same_bytes_any_threads', () => {
  const fa = walk(A).map((f) => path.relative(A, f)), fb = walk(B).map((f) => path.relative(B, f));
  if (JSON.stringify(fa) !== JSON.stringify(fb)) return `file lists differ: ${fa.length} vs ${fb.length}`;
  for (const f of fa) if (!fs.readFileSync(path.join(A, f)).equals(fs.readFileSync(path.join(B, f)))) return `${f} differs`;
  return null;
});

await check('gen/truth_summary_matches_profile', () => {
  if (truth.format !== 'kinetl-gen-truth/1' || truth.runs.length !== 4) return 'bad truth header';
  const clean = truth.runs.map((r) => r.robots.map((b) => b.clean));
  const want = [[true, true], [true, false], [false, false], [true, true]];
  if (JSON.stringify(clean) !== JSON.stringify(want)) return `clean flags ${JSON.stringify(clean)}`;
  for (const r of truth.runs) for (const b of r.robots) if (b.clean) {
    const secs = (Date.parse(b.last_time) - Date.parse(b.first_time)) / 1000;
    // tens of mm/s for ten minutes; the polyline through the samples is the arc to < 1e-6
    const rel = Math.abs(b.polyline_length_mm - b.path_length_mm) / b.path_length_mm;
    if (!(b.path_length_mm > 10 * secs && b.path_length_mm < 100 * secs) || rel > 1e-6)
      return `run ${r.run_uuid} robot ${b.robot_id}: ${b.path_length_mm} / ${b.polyline_length_mm} mm in ${secs} s`;
  }
  return null;
});

await check('gen/usage_errors_exit_2', () => {
  const cases = [[['--profile', 'nope', '--out', path.join(tmp, 'u1')], 2], [['--out', path.join(tmp, 'u2'), '--runs', '3'], 2],
    [['--profile', 'scale', '--out', path.join(tmp, 'u3'), '--runs', 'x'], 2], [[], 2], [['--out'], 2],
    [['--out', A], 1]];  // a non-empty directory: refused
  for (const [args, code] of cases) {
    const r = genStatus(args);
    if (r.code !== code) return `${args.join(' ')}: exit ${r.code}, want ${code}`;
    if (!/^kinetl gen: .+\n$/.test(r.stderr) || r.stderr.split('\n').length !== 2) return `${args.join(' ')}: stderr ${JSON.stringify(r.stderr)}`;
  }
  const help = execFileSync(kinetl, ['gen', '--help'], { encoding: 'utf8' });
  return help.includes('--profile') ? null : 'no --help text';
});

// ---- scale, exact: no noise, so encoder values are the analytic truth ----
const S = path.join(tmp, 's');
const sTruth = path.join(tmp, 'struth.json'), sSamples = path.join(tmp, 'struth.parquet');
gen(S, '--profile', 'scale', '--runs', '2', '--minutes', '1', '--files', '2', '--noise', '0', '--seed', '7',
  '--truth', sTruth, '--truth-samples', sSamples, '--quiet');
const st = JSON.parse(fs.readFileSync(sTruth, 'utf8'));
await con.run(`create view scale as select *, try_cast(time as timestamptz) ts from read_parquet('${sql(S)}/delivery_date=*/*.parquet', hive_partitioning=false)`);

await check('gen/scale_runs_are_complete_and_clean', async () => {
  const r = await rows(`select run_uuid, count(*)::int n, count(distinct field || robot_id)::int ch,
      count(*) filter (where time is null or value is null or ts is null or not isfinite(value))::int bad,
      epoch_ms(max(ts)) - epoch_ms(min(ts)) ms from scale group by run_uuid`);
  if (r.length !== 2) return `${r.length} runs`;
  // one minute: 6 load-cell channels at 100 Hz and 6 encoder channels at ~83 Hz
  for (const x of r) if (x.ch !== 12 || x.bad !== 0 || Math.abs(x.n - 66000) > 40 || Math.abs(Number(x.ms) - 60000) > 20)
    return JSON.stringify(x);
  return null;
});

await check('gen/scale_encoders_equal_truth_samples', async () => {
  const [r] = await rows(`with e as (pivot (select run_uuid, robot_id, ts, field, value from scale where sensor_type = 'encoder')
                                 on field using first(value) group by run_uuid, robot_id, ts)
    select count(*)::int n, max(abs(e.x - t.x) + abs(e.y - t.y) + abs(e.z - t.z)) err,
           (select count(*) from read_parquet('${sql(sSamples)}'))::int samples
    from e join read_parquet('${sql(sSamples)}') t on e.run_uuid = t.run_uuid and e.robot_id = t.robot_id and e.ts = t.time`);
  return r.n === r.samples && r.n > 19000 && r.err < 1e-9 ? null : JSON.stringify(r);
});

await check('gen/scale_distance_equals_truth_path_length', async () => {
  const d = await rows(`with e as (pivot (select run_uuid, robot_id, ts, field, value from scale where sensor_type = 'encoder')
                                 on field using first(value) group by run_uuid, robot_id, ts),
      s as (select run_uuid, robot_id, sqrt((x - lag(x) over w)^2 + (y - lag(y) over w)^2 + (z - lag(z) over w)^2) d
            from e window w as (partition by run_uuid, robot_id order by ts))
    select run_uuid, robot_id, sum(d) len from s group by all`);
  for (const run of st.runs) for (const b of run.robots) {
    const x = d.find((y) => y.run_uuid === run.run_uuid_double && Number(y.robot_id) === b.robot_id);
    if (!x) return `no data for ${run.run_uuid}/${b.robot_id}`;
    if (Math.abs(x.len - b.polyline_length_mm) > 1e-6 * b.polyline_length_mm) return `polyline ${x.len} vs ${b.polyline_length_mm}`;
    if (Math.abs(x.len - b.path_length_mm) > 1e-6 * b.path_length_mm) return `arc ${x.len} vs ${b.path_length_mm}`;
  }
  return null;
});

await check('gen/scale_truth_derivatives_are_consistent', async () => {
  // velocity and acceleration in the truth file vs second-order differences of its own
  // positions and velocities on the uneven (jittered) sample times; arc vs chord
  const diff = (f) => `(-(h2 / (h1 * (h1 + h2))) * lag(${f}) over w + ((h2 - h1) / (h1 * h2)) * ${f}
                        + (h1 / (h2 * (h1 + h2))) * lead(${f}) over w)`;
  const [r] = await rows(`with t as (select *, epoch_us(time) / 1e6 s from read_parquet('${sql(sSamples)}')),
      h as (select *, s - lag(s) over w h1, lead(s) over w - s h2 from t window w as (partition by run_uuid, robot_id order by time)),
      d as (select vx, ${diff('x')} fd, az, ${diff('vz')} fa, ax, ${diff('vx')} fax,
                   lead(arc_mm) over w - arc_mm da, sqrt((lead(x) over w - x)^2 + (lead(y) over w - y)^2 + (lead(z) over w - z)^2) dp
            from h window w as (partition by run_uuid, robot_id order by time))
    select max(abs(vx - fd)) ev, max(abs(ax - fax)) eax, max(abs(az - fa)) eaz, max(abs(az)) azmax,
           max(abs(da - dp)) earc, max(abs(vx)) vmax from d where fd is not null`);
  return r.ev < 5e-3 && r.eax < 5e-3 && r.eaz < 5e-3 && r.azmax > 0 && r.earc < 1e-6 && r.vmax > 10 ? null : JSON.stringify(r);
});

fs.rmSync(tmp, { recursive: true, force: true });
process.exit(exitCode());
