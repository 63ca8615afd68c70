// bench/cat/bench.mjs — how fast `kinetl cat` streams a run as CSV, and in
// how much memory (issue 8: >= 1 million rows/s, flat memory).
//
// Inputs (cached in $BENCH_DATA, keyed by their parameters): lakes written by
// build/tests/test_table_scan --make-lake — one run of BENCH_CAT_MINUTES
// (default 10) and one of 5x that, each put through the real transform, so
// aligned/features hold the union timeline of four streams (~367 rows/s of
// run time) with the writer's default row groups (1,048,576 rows).
// A third lake holds the long run again with 131,072-row row groups.
// Workloads: aligned and features of the first two, aligned of the third,
// `--run ID --format csv`, stdout into a pipe counted by `wc -l`.
// Measure: CPU seconds (user + sys), wall seconds and peak RSS (GNU time's
// maxrss of the kinetl process) of kinetl; best of BENCH_REPEAT (3) runs
// alternating with the peer (best CPU and best wall taken separately).
// kinetl renders CSV on two threads when the machine has two CPUs (see
// docs/ACCESS.md, "Performance"), so its wall time is below its CPU time. Peer: DuckDB, one thread, `COPY (SELECT * FROM <view> WHERE
// run_uuid = ID) TO '/dev/null' (FORMAT csv, HEADER)` over the views of
// `kinetl sql-views`, its process CPU time. Same work: both report the same
// row count (kinetl's lines - 1 = DuckDB's COPY count), else the benchmark fails.
// Target: >= 1,000,000 rows per second streaming the large run, for aligned
// and for features (status PASS/MISSED on each): met when rows per wall
// second (what a user sees; kinetl uses two threads) or rows per CPU second
// (what one thread alone would stream on an idle core) reach it — wall
// figures need a quiet machine, CPU figures do not; the note says which
// met it. The ratio to DuckDB (CPU) is reported, not judged. The load
// average is recorded before and after. Memory: peak RSS
// must not grow with the table beyond one row group of the selected columns
// (the reader's bound): the third lake shows the same long run in smaller
// row groups.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { openDuckDB, rows } from '../lib/duckdb.mjs';

const KINETL = process.env.KINETL || 'build/kinetl';
const DATA = process.env.BENCH_DATA || 'build/bench-data';
const REPEAT = Number(process.env.BENCH_REPEAT || 3);
const MINUTES = Number(process.env.BENCH_CAT_MINUTES || 10);
const RUN = '7582293080991470000';
const TARGET_ROWS_PER_S = 1e6;

function sh(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return r.stdout;
}

function lakeFor(minutes, rowGroupRows) {
  const dir = join(DATA, `cat-lake-${minutes}min${rowGroupRows ? `-rg${rowGroupRows}` : ''}`);
  if (!existsSync(join(dir, 'features', '_delta_log'))) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(DATA, { recursive: true });
    console.log(`generating ${dir} (one ${minutes}-minute run through the transform)...`);
    sh('build/tests/test_table_scan', ['--make-lake', dir, '--runs', '1', '--seconds', String(minutes * 60),
      ...(rowGroupRows ? ['--row-group-rows', String(rowGroupRows)] : [])]);
  }
  return dir;
}

// kinetl's CPU seconds, peak RSS and output lines for one cat.
function runKinetl(lake, table) {
  const tfile = join(DATA, 'cat-time.txt');
  const script = `/usr/bin/time -o '${tfile}' -f '%U %S %M %e' '${KINETL}' --lake '${lake}' cat ${table} --run ${RUN} --format csv | wc -l`;
  const lines = Number(sh('bash', ['-o', 'pipefail', '-c', script]).trim());
  const [user, sys, rssKb, wall] = readFileSync(tfile, 'utf8').trim().split(/\s+/).map(Number);
  return { cpu_s: user + sys, wall_s: wall, rss_mb: rssKb / 1024, rows: lines - 1 };
}

async function runPeer(db, table) {
  const c0 = process.cpuUsage(), t0 = process.hrtime.bigint();
  const r = await rows(db.conn, `COPY (SELECT * FROM ${table} WHERE run_uuid = '${RUN}') TO '/dev/null' (FORMAT csv, HEADER)`);
  const c = process.cpuUsage(c0), wall = Number(process.hrtime.bigint() - t0) / 1e9;
  return { cpu_s: (c.user + c.system) / 1e6, wall_s: wall, rows: Number(Object.values(r[0])[0]) };
}

const best = (xs, key) => xs.reduce((a, b) => (b[key] < a[key] ? b : a));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const load = os.loadavg()[0];
if (load > os.cpus().length / 2) console.log(`warning: load average ${load.toFixed(1)} on ${os.cpus().length} cores: figures are CPU time, wall times will be noisy`);
const summary = [], details = [];
const LAKES = [
  { minutes: MINUTES, tables: ['aligned', 'features'] },
  { minutes: MINUTES * 5, tables: ['aligned', 'features'] },
  { minutes: MINUTES * 5, rowGroupRows: 131072, tables: ['aligned'] },   // memory is per row group, not per table
];
for (const { minutes, rowGroupRows, tables } of LAKES) {
  const lake = lakeFor(minutes, rowGroupRows);
  const views = join(DATA, `cat-views-${minutes}min-${rowGroupRows || 'default'}.sql`);
  sh(KINETL, ['--lake', lake, 'sql-views', '--out', views]);
  const db = await openDuckDB({ threads: 1 });
  await db.conn.run(readFileSync(views, 'utf8'));
  for (const table of tables) {
    const k = [], p = [];
    for (let i = 0; i < REPEAT; i++) {
      k.push(runKinetl(lake, table));
      p.push(await runPeer(db, table));
    }
    const kb = best(k, 'cpu_s'), kw = best(k, 'wall_s'), pb = best(p, 'cpu_s'), pw = best(p, 'wall_s');
    if (k.some((x) => x.rows !== pb.rows) || p.some((x) => x.rows !== pb.rows))
      throw new Error(`${table}: kinetl printed ${kb.rows} rows, DuckDB copied ${pb.rows}`);
    const rate = kb.rows / kb.cpu_s, wallRate = kw.rows / kw.wall_s;
    const rss = Math.max(...k.map((x) => x.rss_mb));
    const judged = minutes !== MINUTES && !rowGroupRows;
    const metBy = [wallRate >= TARGET_ROWS_PER_S ? 'wall' : null, rate >= TARGET_ROWS_PER_S ? 'CPU' : null].filter(Boolean).join(' and ');
    const met = metBy !== '';
    const row = {
      workload: `cat ${table} --run (${minutes}-min run, ${kb.rows} rows${rowGroupRows ? `, ${rowGroupRows}-row groups` : ''}) csv`,
      kinetl_s: kb.cpu_s, peer: `duckdb ${db.version} COPY csv`, peer_s: pb.cpu_s, ratio: pb.cpu_s / kb.cpu_s,
      target: judged ? '>= 1M rows/s (wall or CPU)' : null,
      status: judged ? (met ? 'PASS' : 'MISSED') : 'INFO',
      note: `${(wallRate / 1e6).toFixed(2)}M rows/s wall (${kw.wall_s.toFixed(2)} s), ${(rate / 1e6).toFixed(2)}M rows/s CPU` +
        `${judged && met ? ` (met by ${metBy})` : ''}, peak RSS ${rss.toFixed(0)} MB; DuckDB ${pw.wall_s.toFixed(2)} s wall`,
    };
    summary.push(row);
    details.push({ table, minutes, row_group_rows: rowGroupRows || 1048576, rows: kb.rows, kinetl_best: kb, kinetl_best_wall: kw,
      kinetl_median_cpu_s: median(k.map((x) => x.cpu_s)), kinetl_median_wall_s: median(k.map((x) => x.wall_s)),
      kinetl_runs: k, peer_best: pb, peer_best_wall: pw, peer_median_cpu_s: median(p.map((x) => x.cpu_s)),
      rows_per_cpu_s: rate, rows_per_wall_s: wallRate, peak_rss_mb: rss, wall_ratio: pw.wall_s / kw.wall_s });
    console.log(`${row.workload}: kinetl ${kb.cpu_s.toFixed(3)} s CPU (${(rate / 1e6).toFixed(2)}M rows/s), ` +
      `wall ${kw.wall_s.toFixed(2)} s (${(wallRate / 1e6).toFixed(2)}M rows/s), ${rss.toFixed(0)} MB peak RSS; ` +
      `DuckDB ${pb.cpu_s.toFixed(3)} s CPU, ${pw.wall_s.toFixed(2)} s wall -> ${row.status}`);
  }
}
writeFileSync(process.env.BENCH_RESULT || 'build/bench-results/cat.json',
  JSON.stringify({ summary, cat: { details, load_average_before: load, load_average_after: os.loadavg()[0],
    cpus: os.cpus().length, kinetl_threads: process.env.KINETL_CAT_THREADS === '1' || os.cpus().length < 2 ? 1 : 2 } }, null, 1));
