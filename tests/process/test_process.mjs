// tests/process/test_process.mjs — `kinetl process` end to end: generated
// sources (kinetl gen), ingested (kinetl ingest), processed, then read back by
// DuckDB (@duckdb/node-api, via tests/lib/oracles.mjs) from the Delta
// tables' active files (log replayed here, independently of kinetl):
//  - clean scale runs against the generator's analytic truth: measured cells
//    exact, velocity and acceleration within tolerance, distance within 0.1 %
//    of the path length, runtime exact to the microsecond;
//  - the sample profile's odd runs (fx_1 only, encoders only, no z_2);
//  - shuffled rows and a different file split give identical contents;
//  - SPEC column names and types as DuckDB sees them; its aggregates equal
//    what kinetl computed; quarantined rows counted per run;
//  - CLI errors and exit codes.
// Prints "PASS name" / "FAIL name: why" lines (tests/run.sh counts them).
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { kinetlBin as kinetl, makeReporter, oracleRequire } from '../lib/oracles.mjs';

const { DuckDBInstance } = oracleRequire('@duckdb/node-api');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kinetl-process-'));
const { pass, fail, check, exitCode } = makeReporter();

function run(args, opts = {}, bin = kinetl) {
  const r = spawnSync(bin, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
function ok(args) {
  const r = run(args);
  if (r.code !== 0) throw new Error(`kinetl ${args.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
  return r.stdout;
}

// Active data files of a Delta table: replay of add/remove actions in version order.
function activeFiles(lake, table) {
  const log = path.join(lake, table, '_delta_log');
  const files = new Set();
  for (const name of fs.readdirSync(log).filter((n) => /^\d{20}\.json$/.test(n)).sort()) {
    for (const line of fs.readFileSync(path.join(log, name), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const a = JSON.parse(line);
      if (a.add) files.add(decodeURIComponent(a.add.path));
      if (a.remove) files.delete(decodeURIComponent(a.remove.path));
    }
  }
  return [...files].sort().map((p) => path.join(lake, table, p));
}
const quote = (s) => `'${String(s).replaceAll("'", "''")}'`;
const fileList = (lake, table) => `[${activeFiles(lake, table).map(quote).join(', ')}]`;
function source(lake, table) {
  const partitioned = table !== 'run_stats' && table !== 'quarantine';
  return partitioned
    ? `read_parquet(${fileList(lake, table)}, hive_partitioning = true, hive_types = {'run_uuid': VARCHAR})`
    : `read_parquet(${fileList(lake, table)})`;
}

const inst = await DuckDBInstance.create(':memory:');
const con = await inst.connect();
async function rows(q) {
  return (await con.runAndReadAll(q)).getRowObjectsJson();
}

// ---- lakes -------------------------------------------------------------------

function makeLake(name, src) {
  const lake = path.join(tmp, name);
  ok(['--lake', lake, 'ingest', '--source', src]);
  const out = ok(['--lake', lake, 'process', '--all', '--json']);
  return { lake, results: out.trim().split('\n').map((l) => JSON.parse(l)) };
}

const scaleSrc = path.join(tmp, 'scale-src');
ok(['gen', '--out', scaleSrc, '--profile', 'scale', '--runs', '2', '--minutes', '1', '--noise', '0', '--seed', '5',
  '--truth', path.join(tmp, 'truth.json'), '--truth-samples', path.join(tmp, 'truth.parquet')]);
const truth = JSON.parse(fs.readFileSync(path.join(tmp, 'truth.json'), 'utf8'));
const scale = makeLake('scale', scaleSrc);

const sampleSrc = path.join(tmp, 'sample-src');
ok(['gen', '--out', sampleSrc]);
const manifest = JSON.parse(fs.readFileSync(path.join(sampleSrc, '_anomalies.json'), 'utf8'));
const sample = makeLake('sample', sampleSrc);

// ---- analytic truth (scale, --noise 0) --------------------------------------

const ids = truth.runs.map((r) => `(${quote(r.run_uuid)}, ${r.run_uuid_double}::DOUBLE)`).join(', ');
const axis = (col, r) => `CASE WHEN t.robot_id = 1 THEN f.${col}_1 ELSE f.${col}_2 END`;
const joined = `
  WITH ids(id, d) AS (VALUES ${ids}),
  t AS (SELECT ids.id, ts.* FROM read_parquet(${quote(path.join(tmp, 'truth.parquet'))}) ts JOIN ids ON ts.run_uuid = ids.d),
  j AS (SELECT t.id, t.robot_id AS r, t.time,
               ${axis('x')} AS x, ${axis('y')} AS y, ${axis('z')} AS z, t.x AS tx, t.y AS ty, t.z AS tz,
               ${axis('vx')} AS vx, ${axis('vy')} AS vy, ${axis('vz')} AS vz, t.vx AS tvx, t.vy AS tvy, t.vz AS tvz,
               ${axis('ax')} AS ax, ${axis('ay')} AS ay, ${axis('az')} AS az, t.ax AS tax, t.ay AS tay, t.az AS taz,
               f.measured_mask AS mm
        FROM t JOIN ${source(scale.lake, 'features')} f ON f.run_uuid = t.id AND f.time = t.time)`;

await check('truth: every truth sample has its features row, positions measured', async () => {
  const [r] = await rows(`${joined} SELECT count(*) AS n,
      sum(CASE WHEN (mm >> (CASE WHEN r = 1 THEN 6 ELSE 7 END)) & 1 = 1 AND (mm >> (CASE WHEN r = 1 THEN 8 ELSE 9 END)) & 1 = 1
               AND (mm >> (CASE WHEN r = 1 THEN 10 ELSE 11 END)) & 1 = 1 THEN 1 ELSE 0 END) AS measured FROM j`);
  const [t] = await rows(`SELECT count(*) AS n FROM read_parquet(${quote(path.join(tmp, 'truth.parquet'))})`);
  if (Number(r.n) !== Number(t.n) || Number(r.n) < 10000) return `joined ${r.n} of ${t.n} truth samples`;
  if (r.measured !== r.n) return `${r.measured} of ${r.n} rows have x, y, z measured`;
});

await check('truth: aligned positions at measured timestamps equal the raw readings exactly', async () => {
  const [r] = await rows(`
    WITH raw AS (SELECT run_uuid, time, robot_id, field, value FROM ${source(scale.lake, 'raw')} WHERE sensor_type = 'encoder'),
    a AS (SELECT * FROM ${source(scale.lake, 'aligned')})
    SELECT count(*) AS n, sum(CASE WHEN raw.value = (CASE raw.field || '_' || raw.robot_id
        WHEN 'x_1' THEN a.x_1 WHEN 'x_2' THEN a.x_2 WHEN 'y_1' THEN a.y_1 WHEN 'y_2' THEN a.y_2
        WHEN 'z_1' THEN a.z_1 ELSE a.z_2 END) THEN 1 ELSE 0 END) AS same
    FROM raw JOIN a ON a.run_uuid = raw.run_uuid AND a.time = raw.time`);
  if (Number(r.n) < 20000) return `only ${r.n} encoder readings joined`;
  if (r.same !== r.n) return `${Number(r.n) - Number(r.same)} of ${r.n} measured cells differ from raw`;
  const [d] = await rows(`${joined} SELECT max(greatest(abs(x - tx), abs(y - ty), abs(z - tz))) AS worst FROM j`);
  if (!(d.worst <= 1e-9)) return `positions differ from the analytic truth by ${d.worst} mm`;
});

await check('truth: velocity within 0.5 % and acceleration within 0.5 % of their RMS (rows at encoder samples)', async () => {
  const res = await rows(`${joined} SELECT id, r,
      max(sqrt((vx - tvx) ^ 2 + (vy - tvy) ^ 2 + (vz - tvz) ^ 2)) / sqrt(avg(tvx ^ 2 + tvy ^ 2 + tvz ^ 2)) AS verr,
      max(sqrt((ax - tax) ^ 2 + (ay - tay) ^ 2 + (az - taz) ^ 2)) / sqrt(avg(tax ^ 2 + tay ^ 2 + taz ^ 2)) AS aerr,
      count(vx) AS nv, count(ax) AS na, count(*) AS n
    FROM j GROUP BY ALL ORDER BY ALL`);
  if (res.length !== 4) return `expected 2 runs x 2 robots, got ${res.length}`;
  for (const r of res) {
    console.log(`# truth ${r.id} robot ${r.r}: velocity error ${(r.verr * 100).toExponential(2)} %, acceleration ${(r.aerr * 100).toFixed(3)} % of RMS`);
    if (r.nv !== r.n || r.na !== r.n) return `run ${r.id} robot ${r.r}: null velocity/acceleration on a sample row`;
    if (!(r.verr < 0.005)) return `run ${r.id} robot ${r.r}: velocity error ${r.verr} of RMS`;
    if (!(r.aerr < 0.005)) return `run ${r.id} robot ${r.r}: acceleration error ${r.aerr} of RMS`;
  }
});

await check('truth: distance within 0.1 % of the analytic path length', async () => {
  const stats = await rows(`SELECT run_uuid, distance_1_mm, distance_2_mm FROM ${source(scale.lake, 'run_stats')}`);
  for (const run of truth.runs) {
    const s = stats.find((x) => x.run_uuid === run.run_uuid);
    if (!s) return `no run_stats row for ${run.run_uuid}`;
    for (const robot of run.robots) {
      const d = robot.robot_id === 1 ? s.distance_1_mm : s.distance_2_mm;
      const rel = Math.abs(d - robot.path_length_mm) / robot.path_length_mm;
      console.log(`# truth ${run.run_uuid} robot ${robot.robot_id}: distance ${d} vs ${robot.path_length_mm} (${rel.toExponential(2)})`);
      if (!(rel < 0.001)) return `run ${run.run_uuid} robot ${robot.robot_id}: distance ${d} vs ${robot.path_length_mm}`;
      if (!(Math.abs(d - robot.polyline_length_mm) < 1e-6 * robot.polyline_length_mm)) {
        return `run ${run.run_uuid} robot ${robot.robot_id}: distance ${d} is not the samples' polyline ${robot.polyline_length_mm}`;
      }
    }
  }
});

await check('truth: start, stop and runtime exact to the microsecond', async () => {
  const res = await rows(`
    WITH raw AS (SELECT run_uuid, epoch_us(min(time)) AS lo, epoch_us(max(time)) AS hi FROM ${source(scale.lake, 'raw')} GROUP BY 1)
    SELECT s.run_uuid, raw.lo, raw.hi, epoch_us(s.start_time) AS start, epoch_us(s.stop_time) AS stop, s.runtime_s
    FROM ${source(scale.lake, 'run_stats')} s JOIN raw USING (run_uuid)`);
  if (res.length !== 2) return `${res.length} runs`;
  for (const r of res) {
    if (r.start !== r.lo || r.stop !== r.hi) return `run ${r.run_uuid}: start/stop ${r.start}/${r.stop} vs raw ${r.lo}/${r.hi}`;
    if (Math.round(r.runtime_s * 1e6) !== Number(BigInt(r.hi) - BigInt(r.lo))) return `run ${r.run_uuid}: runtime ${r.runtime_s}`;
  }
});

// ---- sample profile -----------------------------------------------------------

const SHORT = '12405186538561671000';    // 77.6 s, fx_1 only
const ENCODERS = '8910095844186657000'; // encoders only
const NO_Z2 = '6176976534744076000';    // no z_2
const stat = async (lake, run) => (await rows(`SELECT * FROM ${source(lake, 'run_stats')} WHERE run_uuid = ${quote(run)}`));

await check('sample: the fx_1-only run has one row per distinct timestamp, f1 and distances null, partial', async () => {
  const [a] = await rows(`SELECT count(*) AS n, count(DISTINCT time) AS d, count(f1) AS f1, count(fx_1) AS fx1
                          FROM ${source(sample.lake, 'features')} WHERE run_uuid = ${quote(SHORT)}`);
  const [raw] = await rows(`SELECT count(DISTINCT time) AS d FROM ${source(sample.lake, 'raw')} WHERE run_uuid = ${quote(SHORT)}`);
  if (a.n !== raw.d || a.d !== raw.d) return `${a.n} rows, ${a.d} distinct times; raw has ${raw.d} distinct times`;
  if (a.f1 !== '0' || a.fx1 !== a.n) return `f1 non-null on ${a.f1} rows, fx_1 on ${a.fx1}`;
  const [s] = await stat(sample.lake, SHORT);
  if (!s) return 'no run_stats row';
  if (s.distance_1_mm !== null || s.distance_2_mm !== null) return `distances ${s.distance_1_mm} ${s.distance_2_mm}`;
  const missing = 'fx_2 fy_1 fy_2 fz_1 fz_2 x_1 x_2 y_1 y_2 z_1 z_2';
  if (s.status !== 'partial' || !s.status_reason.includes(`missing ${missing}`) || s.channels_missing !== missing) {
    return `status ${s.status} (${s.status_reason}), missing '${s.channels_missing}'`;
  }
  if (Math.abs(s.runtime_s - 77.6) > 0.05) return `runtime ${s.runtime_s}`;
});

await check('sample: the encoders-only run has forces null and both distances', async () => {
  const [a] = await rows(`SELECT count(*) AS n, count(f1) + count(f2) + count(fx_1) + count(fz_2) AS forces, count(v1) AS v1, count(v2) AS v2
                          FROM ${source(sample.lake, 'features')} WHERE run_uuid = ${quote(ENCODERS)}`);
  if (a.forces !== '0') return `${a.forces} force cells non-null`;
  if (Number(a.v1) < 0.9 * Number(a.n) || Number(a.v2) < 0.9 * Number(a.n)) return `speeds on ${a.v1}/${a.v2} of ${a.n} rows`;
  const [s] = await stat(sample.lake, ENCODERS);
  if (!(s.distance_1_mm > 1000 && s.distance_2_mm > 1000)) return `distances ${s.distance_1_mm} ${s.distance_2_mm}`;
  if (s.max_force_1_n !== null || s.max_force_2_n !== null) return `max forces ${s.max_force_1_n} ${s.max_force_2_n}`;
});

await check('sample: the run without z_2 has distance_2 null and distance_1', async () => {
  const [s] = await stat(sample.lake, NO_Z2);
  if (s.distance_2_mm !== null || !(s.distance_1_mm > 1000)) return `distances ${s.distance_1_mm} ${s.distance_2_mm}`;
  if (!s.channels_missing.split(' ').includes('z_2')) return `channels_missing '${s.channels_missing}'`;
  const [a] = await rows(`SELECT count(v2) AS v2, count(z_2) AS z2 FROM ${source(sample.lake, 'features')} WHERE run_uuid = ${quote(NO_Z2)}`);
  if (a.v2 !== '0' || a.z2 !== '0') return `v2 on ${a.v2} rows, z_2 on ${a.z2}`;
});

await check('sample: quarantined rows are counted per run', async () => {
  const want = new Map();
  for (const an of manifest.anomalies) {
    if (an.outcome !== 'quarantine' || an.written.run_uuid === null || an.written.run_uuid === undefined) continue;
    want.set(an.run_uuid, (want.get(an.run_uuid) || 0) + 1);
  }
  const got = await rows(`SELECT run_uuid, quarantined_rows FROM ${source(sample.lake, 'run_stats')} ORDER BY 1`);
  if (got.length !== 4) return `${got.length} run_stats rows`;
  for (const g of got) {
    if (Number(g.quarantined_rows) !== (want.get(g.run_uuid) || 0)) {
      return `run ${g.run_uuid}: ${g.quarantined_rows} quarantined, the manifest says ${want.get(g.run_uuid) || 0}`;
    }
  }
});

await check('sample: DuckDB sees the SPEC columns and types', async () => {
  const describe = async (table) => (await rows(`DESCRIBE SELECT * FROM ${source(sample.lake, table)}`))
    .map((c) => `${c.column_name}:${c.column_type}`);
  const channels = ['fx_1', 'fx_2', 'fy_1', 'fy_2', 'fz_1', 'fz_2', 'x_1', 'x_2', 'y_1', 'y_2', 'z_1', 'z_2'];
  const aligned = ['time:TIMESTAMP WITH TIME ZONE', ...channels.map((c) => `${c}:DOUBLE`),
    'measured_mask:INTEGER', 'interpolated_mask:INTEGER', 'held_mask:INTEGER', 'run_uuid:VARCHAR'];
  const extra = ['vx_1', 'vy_1', 'vz_1', 'vx_2', 'vy_2', 'vz_2', 'ax_1', 'ay_1', 'az_1', 'ax_2', 'ay_2', 'az_2',
    'v1', 'v2', 'a1', 'a2', 'f1', 'f2'].map((c) => `${c}:DOUBLE`);
  const a = await describe('aligned');
  if (a.join() !== aligned.join()) return `aligned: ${a.join()}`;
  const f = await describe('features');
  const wantF = [...aligned.slice(0, -1), ...extra, 'run_uuid:VARCHAR'];
  if (f.join() !== wantF.join()) return `features: ${f.join()}`;
  const s = await describe('run_stats');
  const head = ['run_uuid:VARCHAR', 'start_time:TIMESTAMP WITH TIME ZONE', 'stop_time:TIMESTAMP WITH TIME ZONE',
    'runtime_s:DOUBLE', 'distance_1_mm:DOUBLE', 'distance_2_mm:DOUBLE', 'status:VARCHAR'];
  if (s.slice(0, head.length).join() !== head.join()) return `run_stats: ${s.slice(0, 8).join()}`;
  for (const col of ['quarantined_rows:BIGINT', 'input_fingerprint:VARCHAR', 'config_hash:VARCHAR',
    'processed_at:TIMESTAMP WITH TIME ZONE', 'channels_present_mask:INTEGER', 'spikes_removed:BIGINT']) {
    if (!s.includes(col)) return `run_stats lacks ${col}`;
  }
});

await check('sample: DuckDB aggregates equal what kinetl computed', async () => {
  const agg = await rows(`SELECT run_uuid, count(*) AS n, max(v1) AS v1, max(v2) AS v2
                          FROM ${source(sample.lake, 'features')} GROUP BY 1 ORDER BY 1`);
  const stats = await rows(`SELECT run_uuid, aligned_rows, max_speed_1_mm_s, max_speed_2_mm_s FROM ${source(sample.lake, 'run_stats')} ORDER BY 1`);
  if (agg.length !== 4 || stats.length !== 4) return `${agg.length} feature runs, ${stats.length} stats rows`;
  for (let i = 0; i < 4; i++) {
    const a = agg[i], s = stats[i], r = sample.results.find((x) => x.run_uuid === a.run_uuid);
    if (a.run_uuid !== s.run_uuid || a.n !== s.aligned_rows || Number(a.n) !== r.rows) {
      return `run ${a.run_uuid}: ${a.n} rows, run_stats ${s.aligned_rows}, kinetl reported ${r && r.rows}`;
    }
    if (a.v1 !== s.max_speed_1_mm_s || a.v2 !== s.max_speed_2_mm_s) {
      return `run ${a.run_uuid}: max(v1) ${a.v1} vs ${s.max_speed_1_mm_s}, max(v2) ${a.v2} vs ${s.max_speed_2_mm_s}`;
    }
  }
});

// ---- input-order independence -------------------------------------------------

await check('order: shuffled rows in a different file split give identical contents', async () => {
  // the same readings, reordered by a hash and cut into three files by DuckDB
  const src2 = path.join(tmp, 'scale-src2', 'delivery_date=20990101');
  fs.mkdirSync(src2, { recursive: true });
  const all = `read_parquet(${quote(path.join(scaleSrc, '**', '*.parquet'))})`;
  for (let k = 0; k < 3; k++) {
    await con.run(`COPY (SELECT time, value, field, robot_id, run_uuid, sensor_type FROM ${all}
                         WHERE hash(time, field, robot_id, run_uuid) % 3 = ${k}
                         ORDER BY hash(value, time) DESC)
                   TO ${quote(path.join(src2, `part-${k}.parquet`))} (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 10000)`);
  }
  const other = makeLake('scale-shuffled', path.dirname(src2));
  for (const table of ['aligned', 'features', 'run_stats']) {
    const digest = async (lake) => (await rows(`
      SELECT count(*) AS n, sum(hash(t)::HUGEINT)::VARCHAR AS h
      FROM (SELECT * ${table === 'run_stats' ? 'EXCLUDE (processed_at)' : ''} FROM ${source(lake, table)}) t`))[0];
    const a = await digest(scale.lake), b = await digest(other.lake);
    if (Number(a.n) < 2 || JSON.stringify(a) !== JSON.stringify(b)) return `${table}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`;
  }
  const rows1 = await rows(`SELECT * EXCLUDE (processed_at) FROM ${source(scale.lake, 'run_stats')} ORDER BY run_uuid`);
  const rows2 = await rows(`SELECT * EXCLUDE (processed_at) FROM ${source(other.lake, 'run_stats')} ORDER BY run_uuid`);
  if (JSON.stringify(rows1) !== JSON.stringify(rows2)) return 'run_stats rows differ';
});

// ---- CLI -----------------------------------------------------------------------

await check('cli: unknown run exits 1 naming it; usage errors exit 2; reprocessing is idempotent', async () => {
  const unknown = run(['--lake', scale.lake, 'process', '--run', '42']);
  if (unknown.code !== 1 || !unknown.stderr.includes('run 42 has no readings in raw')) return `unknown run: ${unknown.code} ${unknown.stderr}`;
  for (const args of [[], ['--all', '--run', '1'], ['--all', '--align', 'nope'], ['--all', '--max-gap', '5'], ['--all', '-j', '0'], ['--bogus']]) {
    const r = run(['--lake', scale.lake, 'process', ...args]);
    if (r.code !== 2) return `process ${args.join(' ')} exited ${r.code}`;
  }
  const noRaw = run(['--lake', path.join(tmp, 'empty'), 'process', '--all']);
  if (noRaw.code !== 1 || !noRaw.stderr.includes('no raw table')) return `lake without raw: ${noRaw.code} ${noRaw.stderr}`;
  const before = await rows(`SELECT * EXCLUDE (processed_at) FROM ${source(scale.lake, 'run_stats')} ORDER BY run_uuid`);
  const again = run(['--lake', scale.lake, 'process', '--all', '-j', '2']);
  if (again.code !== 0 || again.stdout.trim().split('\n').length !== 2) return `reprocess: ${again.code} ${again.stdout}`;
  const after = await rows(`SELECT * EXCLUDE (processed_at) FROM ${source(scale.lake, 'run_stats')} ORDER BY run_uuid`);
  if (JSON.stringify(before) !== JSON.stringify(after)) return 'run_stats changed on reprocessing';
  if (activeFiles(scale.lake, 'run_stats').length !== 2) return `${activeFiles(scale.lake, 'run_stats').length} run_stats files`;
  const skip = run(['--lake', scale.lake, 'process', '--all', '--skip-current', '--json']);
  const lines = skip.stdout.trim().split('\n').map((l) => JSON.parse(l));
  if (skip.code !== 0 || lines.some((l) => l.result !== 'skipped')) return `skip-current: ${skip.stdout}`;
  const grid = run(['--lake', scale.lake, 'process', '--all', '--skip-current', '--align', 'grid:10ms', '--json']);
  if (grid.code !== 0 || grid.stdout.trim().split('\n').map((l) => JSON.parse(l)).some((l) => l.result !== 'processed')) {
    return `config change did not reprocess: ${grid.stdout}`;
  }
});

fs.rmSync(tmp, { recursive: true, force: true });
process.exit(exitCode());
