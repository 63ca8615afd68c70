// bench/ingest/bench.mjs — ingest throughput (issue 5, item 9): `kinetl
// ingest` against DuckDB doing the equivalent typed, filtered COPY into
// partitioned Parquet, on the same source files in the same run.
//
// Input (written once by DuckDB, cached under BENCH_DATA): BENCH_ROWS rows
// (default 10,000,000) of SPEC §1's schema as pandas writes it (snappy,
// 1 Mi-row row groups) in BENCH_FILES files (default 8): ISO time strings
// with trimmed milliseconds, DOUBLE run ids (one above 2^63), INT64 robot
// ids; 1 row in 1000 is bad (null time, NaN, out of range, robot 3) and 1 in
// 500 is an exact in-file duplicate.
//
// kinetl: `kinetl --lake L ingest --source SRC` into a fresh lake (typing,
// normalisation, validation, in-file dedup, raw partitioned by run_uuid,
// quarantine, Delta commits, state.db), one thread. fsync is off
// (KINETL_UNSAFE_NO_FSYNC=1) because DuckDB's COPY does not fsync either;
// the fsync cost is measured once and reported as a note.
// DuckDB (threads=1 by default, BENCH_DUCKDB_THREADS to change):
//   COPY (SELECT DISTINCT <typed columns>, filename FROM read_parquet(SRC)
//         WHERE <the same validity rules>)
//   TO DIR (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (run_uuid))
// i.e. the same typing (TIMESTAMPTZ from the text, decimal-text run id,
// INTEGER robot id, trimmed lower-case names), the same filter and the same
// per-file dedup; it does not write the rejected rows (they are 0.1%), nor
// a log or a manifest, so it does a little less work than kinetl.
// Equal results: both outputs must hold the same number of rows and the
// same sum of values.
// Figures: BENCH_REPEAT runs per side (default 3), alternating; best CPU
// seconds (BENCH_CLOCK=cpu, default) or wall seconds; ratio = DuckDB / kinetl;
// target 3x. Peak RSS of kinetl is reported.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(path.join(ROOT, 'tests/oracle/package.json'));
const { DuckDBInstance } = require('@duckdb/node-api');
const TARGET = 3.0;
const GEN_VERSION = 1;

function intEnv(name, fallback) {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name}=${v}: expected a positive integer`);
  return n;
}
const config = {
  rows: intEnv('BENCH_ROWS', 10_000_000),
  files: intEnv('BENCH_FILES', 8),
  repeat: intEnv('BENCH_REPEAT', 3),
  duckThreads: intEnv('BENCH_DUCKDB_THREADS', 1),
  dataDir: process.env.BENCH_DATA || path.join(ROOT, 'build/bench-data'),
  kinetl: path.resolve(ROOT, process.env.KINETL || 'build/kinetl'),
  clock: process.env.BENCH_CLOCK || 'cpu',
};
const sq = (s) => `'${String(s).replaceAll("'", "''")}'`;
const RUN_UUIDS = ['7.58229308099147e18', '7.58229308099151e18', '7.60512345678911e18', '1.2405186538561671e19'];

async function duck(threads) {
  const inst = await DuckDBInstance.create(':memory:', { threads: String(threads) });
  const conn = await inst.connect();
  try { await conn.run('SET enable_external_file_cache = false'); } catch { /* older DuckDB */ }
  const q = async (s) => (await conn.runAndReadAll(s)).getRowObjectsJson();
  return { conn, q };
}

function sourceSql(rows, file, files) {
  const per = Math.ceil(rows / files), perRun = Math.ceil(rows / RUN_UUIDS.length);
  return `
WITH g AS (
  SELECT j AS i, j // ${perRun} AS r, (j % ${perRun}) % 12 AS s, (j % ${perRun}) // 12 AS k
  FROM range(${file * per}, ${Math.min(rows, (file + 1) * per)}) t(j)
), t AS (
  SELECT *, TIMESTAMP '2022-11-23 20:40:00' + to_hours(r) + to_milliseconds(k * 10 + (hash(i) % 4)::BIGINT) AS ts FROM g
), rows AS (
SELECT i,
  CASE WHEN i % 1000 = 1 THEN NULL ELSE strftime(ts, '%Y-%m-%dT%H:%M:%S')
    || coalesce(nullif('.' || rtrim(lpad((epoch_ms(ts) % 1000)::VARCHAR, 3, '0'), '0'), '.'), '') || 'Z' END AS time,
  CASE WHEN i % 1000 = 2 THEN 'nan'::DOUBLE WHEN i % 1000 = 3 THEN 1e9 ELSE
    [2000.0, 875.0, -500.0, -500.0, 0.0, -950.0][s % 6 + 1]
    + [1400.0, 600.0, 450.0, 1200.0, 950.0, 1000.0][s % 6 + 1] * sin(k * 0.0007 + s)
    + (hash(i + 7) % 1000000) / 1e6 END AS value,
  ['x', 'y', 'z', 'fx', 'fy', 'fz'][s % 6 + 1] AS field,
  CASE WHEN i % 1000 = 4 THEN 3 ELSE 1 + s // 6 END::BIGINT AS robot_id,
  ([${RUN_UUIDS.join(', ')}]::DOUBLE[])[r + 1] AS run_uuid,
  CASE WHEN s % 6 < 3 THEN 'encoder' ELSE 'load_cell' END AS sensor_type
FROM t)
SELECT time, value, field, robot_id, run_uuid, sensor_type FROM rows
UNION ALL SELECT time, value, field, robot_id, run_uuid, sensor_type FROM rows WHERE i % 500 = 7`;
}

async function ensureInputs(d) {
  const dir = path.join(config.dataDir, `ingest-src-v${GEN_VERSION}-${config.rows}-${config.files}`);
  if (fs.existsSync(path.join(dir, 'DONE'))) return dir;
  fs.rmSync(dir, { recursive: true, force: true });
  const t0 = performance.now();
  for (let f = 0; f < config.files; f++) {
    const sub = path.join(dir, `delivery_date=2022112${3 + (f % 4)}`);
    fs.mkdirSync(sub, { recursive: true });
    await d.conn.run(`COPY (${sourceSql(config.rows, f, config.files)}) TO ${sq(path.join(sub, `part-${f}.parquet`))}
                      (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE ${1 << 20})`);
  }
  fs.writeFileSync(path.join(dir, 'DONE'), '');
  console.error(`  generated ${dir} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return dir;
}

// kinetl in a fresh lake; CPU and wall seconds and peak RSS from /usr/bin/time.
function runKinetl(src, lake, fsync) {
  fs.rmSync(lake, { recursive: true, force: true });
  const env = { ...process.env };
  if (!fsync) env.KINETL_UNSAFE_NO_FSYNC = '1';
  const p = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', config.kinetl, '--lake', lake, 'ingest', '--source', src,
    '--json'], { env, encoding: 'utf8', maxBuffer: 256 << 20 });
  const lines = p.stdout.split('\n').filter((l) => l.trim());
  const summary = lines.map((l) => JSON.parse(l)).find((o) => o.summary);
  if (p.status !== 0 || !summary) throw new Error(`kinetl ingest exited ${p.status}: ${p.stderr}`);
  const [wall, user, sys, rssKb] = p.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { wall, cpu: user + sys, rssMiB: rssKb / 1024, summary };
}

function typedSelect(src) {
  const glob = sq(path.join(src, '**', '*.parquet'));
  return `
SELECT DISTINCT
  CAST(run_uuid AS HUGEINT)::VARCHAR AS run_uuid,
  t AS time, robot_id::INTEGER AS robot_id,
  lower(trim(sensor_type)) AS sensor_type, lower(trim(field)) AS field, value, filename AS source_file
FROM (SELECT *, TRY_CAST(time AS TIMESTAMPTZ) AS t FROM read_parquet(${glob}, filename = true))
WHERE t IS NOT NULL AND value IS NOT NULL AND isfinite(value) AND run_uuid IS NOT NULL
  AND run_uuid >= 0 AND run_uuid < 18446744073709551616.0 AND run_uuid = floor(run_uuid)
  AND robot_id IN (1, 2)
  AND ((lower(trim(field)) IN ('x', 'y', 'z') AND lower(trim(sensor_type)) = 'encoder' AND value BETWEEN -10000 AND 10000)
    OR (lower(trim(field)) IN ('fx', 'fy', 'fz') AND lower(trim(sensor_type)) = 'load_cell' AND value BETWEEN -50000 AND 50000))`;
}

async function runDuck(d, src, out) {
  fs.rmSync(out, { recursive: true, force: true });
  const c0 = process.cpuUsage(), t0 = performance.now();
  await d.conn.run(`COPY (${typedSelect(src)}) TO ${sq(out)} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (run_uuid))`);
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1e6 };
}

async function checksums(d, files) {
  const list = files.map(sq).join(',');
  const [r] = await d.q(`SELECT count(*)::BIGINT n, sum(value) s FROM read_parquet([${list}])`);
  return { n: Number(r.n), s: r.s };
}

function deltaFiles(lake, table) {
  const dir = path.join(lake, table, '_delta_log');
  const active = new Set();
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.json')).sort())
    for (const line of fs.readFileSync(path.join(dir, f), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const a = JSON.parse(line);
      if (a.add) active.add(path.join(lake, table, decodeURIComponent(a.add.path)));
      if (a.remove) active.delete(path.join(lake, table, decodeURIComponent(a.remove.path)));
    }
  return [...active];
}

function walk(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p)); else if (p.endsWith('.parquet')) out.push(p);
  }
  return out;
}

const best = (xs) => Math.min(...xs);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

const load = os.loadavg()[0];
if (load > os.cpus().length / 2) console.error(`  warning: load average ${load.toFixed(1)} on ${os.cpus().length} cores`);
const d = await duck(config.duckThreads);
const src = await ensureInputs(d);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kinetl-bench-ingest-'));
const lake = path.join(work, 'lake'), out = path.join(work, 'duck');
// warm the page cache
for (const f of walk(src)) fs.readFileSync(f);

const k = [], q = [];
let kLast, fsyncRun;
for (let i = 0; i < config.repeat; i++) {
  kLast = runKinetl(src, lake, false);
  k.push(kLast);
  q.push(await runDuck(d, src, out));
  console.error(`  run ${i + 1}: kinetl ${kLast.cpu.toFixed(2)} s cpu (${kLast.wall.toFixed(2)} wall, ${kLast.rssMiB.toFixed(0)} MiB), ` +
    `duckdb ${q[i].cpu.toFixed(2)} s cpu (${q[i].wall.toFixed(2)} wall)`);
}
const kSum = await checksums(d, deltaFiles(lake, 'raw'));
const qSum = await checksums(d, walk(out));
fsyncRun = runKinetl(src, lake, true);

const pick = (runs) => runs.map((r) => (config.clock === 'wall' ? r.wall : r.cpu));
const kBest = best(pick(k)), qBest = best(pick(q));
const rows = kLast.summary.rows;
const ratio = qBest / kBest;
const same = kSum.n === qSum.n && Math.abs(kSum.s - qSum.s) <= 1e-9 * Math.abs(qSum.s);
console.log(`ingest: ${rows} rows in ${config.files} files; kinetl ${kBest.toFixed(3)} s (${(rows / kBest / 1e6).toFixed(2)} M rows/s), ` +
  `duckdb ${qBest.toFixed(3)} s (${(rows / qBest / 1e6).toFixed(2)} M rows/s), ratio ${ratio.toFixed(2)}x (target ${TARGET}x, ${config.clock} clock)`);
console.log(`  outputs: kinetl raw ${kSum.n} rows, duckdb ${qSum.n} rows; kinetl peak RSS ${best(k.map((r) => r.rssMiB)).toFixed(0)} MiB; ` +
  `with fsync ${fsyncRun.wall.toFixed(2)} s wall`);
const status = !same ? 'FAILED' : ratio >= TARGET ? 'PASS' : 'MISSED';
const result = {
  summary: [{ workload: `ingest ${rows} rows`, kinetl_s: kBest, peer: `duckdb threads=${config.duckThreads}`, peer_s: qBest,
    ratio, target: TARGET, status, note: `${(rows / kBest / 1e6).toFixed(2)} M rows/s, peak RSS ${best(k.map((r) => r.rssMiB)).toFixed(0)} MiB` }],
  ingest: { rows, files: config.files, clock: config.clock, kinetl: k, duckdb: q, kinetl_median: median(pick(k)),
    duckdb_median: median(pick(q)), checksums: { kinetl: kSum, duckdb: qSum }, fsync_wall_s: fsyncRun.wall },
};
if (process.env.BENCH_RESULT) fs.writeFileSync(process.env.BENCH_RESULT, JSON.stringify(result, null, 2));
fs.rmSync(work, { recursive: true, force: true });
if (!same) {
  console.error(`ingest bench: results differ: kinetl ${JSON.stringify(kSum)} duckdb ${JSON.stringify(qSum)}`);
  process.exit(1);
}
