// bench/e2e/bench.mjs — the whole pipeline against the DuckDB and Polars
// pipelines (issue 9, items 2-4): source Parquet in, the five tables out,
// on the same generated data, with the same thread count, in the same run.
//
// For each size (BENCH_E2E_SIZES, default "sample,20x10,100x10"):
//   1. the source is generated once by `kinetl gen` into BENCH_DATA (cached by
//      its parameters): "sample" = the sample profile (4 runs, anomalies),
//      "RxM" = the scale profile, R clean runs of M minutes, with --truth;
//   2. the files are read once so every tool reads them from the page cache;
//   3. kinetl (`kinetl run` on a fresh lake: ingest + process), then each
//      peer (bench/peers/*_pipeline.mjs), one at a time, through
//      bench/peers/run_peer.sh: wall s, CPU s, peak RSS, output bytes, and
//      "oom" when a peer passes PEER_MEM_CAP_MB (default 16000 here);
//   4. equal work: bench/peers/compare_stats.mjs between kinetl's run_stats
//      (a Delta table) and each peer's: the same runs, runtime_s exact,
//      distances within 0.5 %; on scale data also against the generator's
//      truth. A disagreement fails the benchmark (exit 1).
// Targets (product goals): at 20x10 kinetl's wall time at least 10x faster
// than the faster peer and its peak RSS at most 10 % of the smaller peer's;
// at 100x10 kinetl's peak RSS under 1 GB. PASS/MISSED, never a failure.
//
// kinetl runs first and again after each peer (BENCH_E2E_INTERLEAVE=0: once);
// its figure is the median run, its peak RSS the largest.
// fsync: the peers never fsync what they write, so the judged kinetl run
// does not either (KINETL_UNSAFE_NO_FSYNC=1): the same work. kinetl as in
// production (every data file and commit fsynced) runs too, right after,
// and is reported as "kinetl+fsync" (INFO): on this machine's virtual disk
// the syncs can double the wall time.
//
// Knobs: BENCH_E2E_SIZES, BENCH_THREADS (2), PEER_MEM_CAP_MB (16000),
// BENCH_E2E_PEERS ("duckdb,polars"), BENCH_E2E_FSYNC (0: judged without
// fsync, like the peers; 1: judged with), BENCH_E2E_FSYNC_RUN (1: also the
// other kinetl run, reported for information; 0: not), BENCH_CLOCK (wall, default, or cpu: the clock the
// speed target is judged on; both are reported), BENCH_E2E_KEEP=1 keeps the
// outputs in BENCH_E2E_WORK (default build/bench-e2e), BENCH_E2E_SEED (1),
// BENCH_E2E_TARGET_SIZE (the size judged by the 20x10 targets; the smoke
// test points it at a tiny size).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PEERS_DIR = path.join(ROOT, 'bench/peers');
const SPEED_TARGET = 10;        // x the faster peer, wall clock, at 20x10
const RSS_SHARE_TARGET = 0.10;  // of the smaller peer's peak RSS, at 20x10
const RSS_LARGE_TARGET_MB = 1024; // at 100x10
const GEN_VERSION = 1;          // bump when kinetl gen's output changes meaning

function posInt(name, fallback) {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name}=${v}: expected a positive integer`);
  return n;
}

const config = {
  sizes: (process.env.BENCH_E2E_SIZES || 'sample,20x10,100x10').split(',').map((s) => s.trim()).filter(Boolean),
  threads: posInt('BENCH_THREADS', 2),
  capMb: posInt('PEER_MEM_CAP_MB', 16000),
  peers: (process.env.BENCH_E2E_PEERS ?? 'duckdb,polars').split(',').map((s) => s.trim()).filter(Boolean),
  fsync: (process.env.BENCH_E2E_FSYNC ?? '0') === '1',
  otherFsyncRun: (process.env.BENCH_E2E_FSYNC_RUN ?? '1') !== '0',
  interleave: (process.env.BENCH_E2E_INTERLEAVE ?? '1') !== '0',
  clock: process.env.BENCH_CLOCK || 'wall',
  keep: process.env.BENCH_E2E_KEEP === '1',
  seed: process.env.BENCH_E2E_SEED || '1',
  dataDir: path.resolve(ROOT, process.env.BENCH_DATA || 'build/bench-data'),
  work: path.resolve(ROOT, process.env.BENCH_E2E_WORK || 'build/bench-e2e'),
  kinetl: path.resolve(ROOT, process.env.KINETL || 'build/kinetl'),
  targetSize: process.env.BENCH_E2E_TARGET_SIZE || '20x10',
  largeSize: process.env.BENCH_E2E_LARGE_SIZE || '100x10',
};
if (!['wall', 'cpu'].includes(config.clock)) throw new Error(`BENCH_CLOCK=${config.clock}: expected wall or cpu`);
for (const p of config.peers) if (!['duckdb', 'polars'].includes(p)) throw new Error(`BENCH_E2E_PEERS: unknown peer ${p}`);

function parseSize(name) {
  if (name === 'sample') return { name, profile: 'sample', label: 'sample profile (4 runs, anomalies)' };
  const m = /^([1-9][0-9]*)x([0-9]+(?:\.[0-9]+)?)$/.exec(name);
  if (!m) throw new Error(`BENCH_E2E_SIZES: '${name}' is neither 'sample' nor RUNSxMINUTES (e.g. 20x10)`);
  return { name, profile: 'scale', runs: Number(m[1]), minutes: Number(m[2]), label: `${m[1]} runs x ${m[2]} min (scale, clean)` };
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  if (r.error) throw r.error;
  return r;
}

// Generates the source once; `<dir>.meta.json` is written last, so its
// presence means the directory is complete.
function dataset(size) {
  const key = size.profile === 'sample' ? `sample-seed${config.seed}` : `scale-${size.runs}x${size.minutes}-seed${config.seed}`;
  const dir = path.join(config.dataDir, `e2e-v${GEN_VERSION}-${key}`);
  const metaFile = `${dir}.meta.json`;
  if (fs.existsSync(metaFile) && fs.existsSync(dir)) return { dir, ...JSON.parse(fs.readFileSync(metaFile, 'utf8')), cached: true };
  const tmp = `${dir}.tmp`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(config.dataDir, { recursive: true });
  const truth = `${dir}.truth.json`;
  const args = ['gen', '--out', tmp, '--profile', size.profile, '--seed', config.seed, '--truth', truth, '-j', String(config.threads)];
  if (size.profile === 'scale') args.push('--runs', String(size.runs), '--minutes', String(size.minutes));
  const t0 = process.hrtime.bigint();
  const r = run(config.kinetl, args);
  if (r.status !== 0) throw new Error(`kinetl gen ${args.join(' ')}: exit ${r.status}: ${r.stderr.trim()}`);
  const m = /(\d+) files, (\d+) rows, (\d+) runs, (\d+) anomalies/.exec(r.stderr);
  if (!m) throw new Error(`kinetl gen: unexpected summary: ${r.stderr.trim()}`);
  fs.renameSync(tmp, dir);
  const meta = {
    profile: size.profile, runs: Number(m[3]), minutes: size.minutes ?? null, seed: config.seed,
    files: Number(m[1]), readings: Number(m[2]), anomalies: Number(m[4]),
    source_bytes: treeBytes(dir), truth, gen_s: Number(process.hrtime.bigint() - t0) / 1e9,
  };
  fs.writeFileSync(metaFile, `${JSON.stringify(meta)}\n`);
  return { dir, ...meta, cached: false };
}

function treeBytes(dir) {
  let n = 0;
  for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, ent.name);
    if (ent.isDirectory()) n += treeBytes(p);
    else if (ent.isFile()) n += fs.statSync(p).size;
  }
  return n;
}

function parquetFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.parquet'))
    .map((e) => path.join(e.parentPath ?? e.path, e.name));
}

function warmPageCache(dir) {
  const buf = Buffer.allocUnsafe(1 << 20);
  for (const f of parquetFiles(dir)) {
    const fd = fs.openSync(f, 'r');
    while (fs.readSync(fd, buf, 0, buf.length, null) > 0);
    fs.closeSync(fd);
  }
}

// One pipeline through run_peer.sh: its JSON line (wall_s, cpu_s,
// peak_rss_mb, output_bytes, readings, status ok|oom|failed).
// OTHER_KINETL: kinetl with the other fsync setting than the judged run.
const OTHER_KINETL = config.fsync ? 'kinetl-nofsync' : 'kinetl+fsync';

function runTool(tool, source, out, logDir) {
  fs.rmSync(out, { recursive: true, force: true });
  const env = { ...process.env, PEER_MEM_CAP_MB: String(config.capMb), PEER_LOG_DIR: path.join(logDir, tool), KINETL: config.kinetl };
  delete env.KINETL_UNSAFE_NO_FSYNC;
  if (config.fsync === (tool === OTHER_KINETL)) env.KINETL_UNSAFE_NO_FSYNC = '1';
  const load = loadAverage();
  const program = tool.startsWith('kinetl') ? 'kinetl' : tool;
  const r = run('bash', [path.join(PEERS_DIR, 'run_peer.sh'), program, source, out, String(config.threads)], { env });
  const line = r.stdout.trim().split('\n').pop();
  let res;
  try {
    res = JSON.parse(line);
  } catch {
    throw new Error(`run_peer.sh ${tool}: exit ${r.status}, no JSON line: ${r.stdout.trim()} ${r.stderr.trim()}`);
  }
  res.tool = tool;
  res.load_before = load;
  if (res.status !== 'ok') res.error = r.stderr.trim().split('\n').pop() || null;
  return res;
}

function compareStats(kinetlOut, peerOut, peer, truth) {
  const args = [path.join(PEERS_DIR, 'compare_stats.mjs'), '--left', path.join(kinetlOut, 'run_stats'),
    '--right', path.join(peerOut, 'run_stats'), '--left-name', 'kinetl', '--right-name', peer];
  if (truth) args.push('--truth', truth);
  const r = run('node', args);
  const lines = r.stdout.trim().split('\n');
  let summary = null;
  try { summary = JSON.parse(lines.pop()); } catch { /* reported below */ }
  return {
    ok: r.status === 0 && summary?.ok === true,
    problems: r.status === 0 ? [] : [...lines.filter((l) => l.startsWith('compare_stats:')), r.stderr.trim()].filter(Boolean).slice(0, 10),
    summary,
  };
}

function loadAverage() {
  return Number(fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
}

const secondsOf = (r) => (config.clock === 'cpu' ? r.cpu_s : r.wall_s);
const fmtRate = (x) => (x == null ? '-' : x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : `${(x / 1e3).toFixed(0)} k`);
const fmtMb = (b) => (b / 1e6).toFixed(0);
const fmtX = (x) => (x == null || !Number.isFinite(x) ? '-' : `${x.toFixed(x >= 10 ? 1 : 2)}x`);

function printTable(size, data, results) {
  console.log(`\n${size.name}: ${size.label}: ${data.readings.toLocaleString('en-US')} readings in ${data.files} files ` +
    `(${fmtMb(data.source_bytes)} MB); threads ${config.threads}; peer memory cap ${config.capMb} MB; ` +
    `kinetl fsync ${config.fsync ? 'on' : 'off'} (${OTHER_KINETL}: the other setting, for information)`);
  const head = ['tool', 'status', 'wall s', 'CPU s', 'readings/s', 'peak RSS MB', 'output MB', 'peer/kinetl wall', 'CPU', 'kinetl RSS share', 'load'];
  const k = results.kinetl;
  const rows = Object.entries(results).map(([tool, r]) => {
    const ok = r.status === 'ok';
    const isPeer = !tool.startsWith('kinetl');
    const label = tool === 'kinetl' && r.repeats?.length > 1 ? `kinetl (median of ${r.repeats.length})` : tool;
    return [label, r.status, ok ? r.wall_s.toFixed(2) : `>${r.wall_s.toFixed(0)}`, r.cpu_s == null ? '-' : r.cpu_s.toFixed(1),
      ok ? fmtRate(data.readings / r.wall_s) : '-', r.peak_rss_mb.toFixed(0), ok ? fmtMb(r.output_bytes) : '-',
      isPeer && ok && k.status === 'ok' ? fmtX(r.wall_s / k.wall_s) : '',
      isPeer && ok && k.status === 'ok' && r.cpu_s && k.cpu_s ? fmtX(r.cpu_s / k.cpu_s) : '',
      isPeer && ok && k.status === 'ok' ? `${(100 * k.peak_rss_mb / r.peak_rss_mb).toFixed(1)}%` : '',
      String(r.load_before ?? '')];
  });
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (c) => c.map((x, i) => (i < 2 ? x.padEnd(w[i]) : x.padStart(w[i]))).join('  ');
  console.log(fmt(head));
  for (const r of rows) console.log(fmt(r));
}

// Summary rows for docs/BENCH.md's table and the targets of this size.
function summarize(size, data, results, equal) {
  const rows = [];
  const k = results.kinetl;
  const kOk = k.status === 'ok';
  const note = (r) => (r.status === 'ok'
    ? `${fmtRate(data.readings / r.wall_s)} readings/s; RSS ${r.peak_rss_mb.toFixed(0)} MB; out ${fmtMb(r.output_bytes)} MB; CPU ${r.cpu_s} s` +
      (r.repeats?.length > 1 ? `; median of ${r.repeats.map((x) => secondsOf(x).toFixed(2)).join('/')} s` : '')
    : `${r.status} after ${r.wall_s.toFixed(0)} s at ${r.peak_rss_mb.toFixed(0)} MB${r.status === 'oom' ? ` (cap ${config.capMb} MB)` : ''}`);
  if (!kOk) {
    rows.push({ workload: `${size.name} kinetl run`, kinetl_s: null, peer: null, peer_s: null, ratio: null, target: null,
      status: 'FAILED', note: `kinetl ${note(k)}: ${k.error ?? ''}` });
  }
  for (const p of config.peers) {
    const r = results[p];
    const ok = r.status === 'ok';
    const eq = equal[p];
    let status = 'INFO';
    if (r.status === 'failed' || (eq && !eq.ok)) status = 'FAILED';
    rows.push({
      workload: `${size.name} end to end`, kinetl_s: kOk ? secondsOf(k) : null, peer: p,
      peer_s: ok ? secondsOf(r) : null, ratio: ok && kOk ? secondsOf(r) / secondsOf(k) : null, target: null, status,
      note: `kinetl ${kOk ? note(k) : 'failed'} | ${p} ${note(r)}` +
        (eq ? (eq.ok ? `; equal work ok (distance diff ${eq.summary.max_distance_rel_diff.toExponential(1)})` : `; EQUAL WORK FAILED: ${eq.problems[0]}`) : ''),
    });
  }
  const other = results[OTHER_KINETL];
  if (other) {
    rows.push({ workload: `${size.name} ${OTHER_KINETL} (information)`, kinetl_s: other.status === 'ok' ? secondsOf(other) : null,
      peer: null, peer_s: null, ratio: null, target: null, status: other.status === 'ok' ? 'INFO' : 'FAILED',
      note: `kinetl ${config.fsync ? 'without fsync' : 'with every data file and commit fsynced (production)'}: ${note(other)}` });
  }
  const peersRes = config.peers.map((p) => ({ peer: p, ...results[p] }));
  if (size.name === config.targetSize && kOk && peersRes.length) {
    const finished = peersRes.filter((r) => r.status === 'ok');
    if (finished.length) {
      const fastest = finished.reduce((a, b) => (secondsOf(a) <= secondsOf(b) ? a : b));
      const ratio = secondsOf(fastest) / secondsOf(k);
      rows.push({ workload: `${size.name} speed vs faster peer (${config.clock})`, kinetl_s: secondsOf(k), peer: fastest.peer,
        peer_s: secondsOf(fastest), ratio, target: SPEED_TARGET, status: ratio >= SPEED_TARGET ? 'PASS' : 'MISSED',
        note: `${config.clock} clock; CPU ratio ${fmtX(fastest.cpu_s / k.cpu_s)}` +
          (other?.status === 'ok' ? `; ${OTHER_KINETL} ${fmtX(secondsOf(fastest) / secondsOf(other))}` : '') });
    }
    // A peer killed at the cap used at least the cap: its peak counts as that.
    const smallest = peersRes.filter((r) => r.status !== 'failed')
      .reduce((a, b) => (a && a.peak_rss_mb <= b.peak_rss_mb ? a : b), null);
    if (smallest) {
      const share = k.peak_rss_mb / smallest.peak_rss_mb;
      rows.push({ workload: `${size.name} peak RSS vs smaller peer`, kinetl_s: null, peer: smallest.peer, peer_s: null, ratio: null,
        target: `RSS <= ${100 * RSS_SHARE_TARGET}% of peer`, status: share <= RSS_SHARE_TARGET ? 'PASS' : 'MISSED',
        note: `kinetl ${k.peak_rss_mb.toFixed(0)} MB = ${(100 * share).toFixed(1)}% of ${smallest.peer} ${smallest.peak_rss_mb.toFixed(0)} MB` });
    }
  }
  if (size.name === config.largeSize && kOk) {
    rows.push({ workload: `${size.name} kinetl peak RSS`, kinetl_s: secondsOf(k), peer: null, peer_s: null, ratio: null,
      target: `RSS < ${RSS_LARGE_TARGET_MB} MB`, status: k.peak_rss_mb < RSS_LARGE_TARGET_MB ? 'PASS' : 'MISSED',
      note: `kinetl ${k.peak_rss_mb.toFixed(0)} MB; ${peersRes.map((r) => `${r.peer} ${r.status === 'ok' ? `${r.peak_rss_mb.toFixed(0)} MB` : r.status}`).join(', ')}` });
  }
  return rows;
}

// The kinetl figure: the run with the median time on the judged clock
// (all runs listed in `repeats`), its peak RSS the largest of any run. A
// failed run makes the whole figure failed.
function medianRun(runs) {
  const bad = runs.find((r) => r.status !== 'ok');
  if (bad) return { ...bad, repeats: runs };
  const sorted = [...runs].sort((a, b) => secondsOf(a) - secondsOf(b));
  const mid = sorted[(sorted.length - 1) >> 1];
  return { ...mid, peak_rss_mb: Math.max(...runs.map((r) => r.peak_rss_mb)), repeats: runs };
}

function benchSize(size) {
  const data = dataset(size);
  console.log(`\n=== ${size.name}: source ${data.dir.startsWith(ROOT) ? path.relative(ROOT, data.dir) : data.dir} (${data.cached ? 'cached' : `generated in ${data.gen_s.toFixed(1)} s`})`);
  warmPageCache(data.dir);
  const base = path.join(config.work, size.name);
  const logs = path.join(base, 'logs');
  fs.mkdirSync(logs, { recursive: true });
  const results = {};
  const equal = {};
  const kinetlOut = path.join(base, 'kinetl');
  // kinetl runs again after each peer: its figure is the median of those
  // runs, each taken next to a peer's, so a burst of load on the shared
  // machine moves it no more than it moves a peer's single long run.
  const tools = ['kinetl', ...(config.otherFsyncRun ? [OTHER_KINETL] : [])];
  if (config.interleave) for (const p of config.peers) tools.push(p, 'kinetl');
  else tools.push(...config.peers);
  const kinetlRuns = [];
  for (const [i, tool] of tools.entries()) {
    const repeat = tool === 'kinetl' && kinetlRuns.length > 0;
    const out = repeat ? `${kinetlOut}-repeat` : path.join(base, tool);
    process.stdout.write(`  ${tool.padEnd(12)} `);
    const r = runTool(tool, data.dir, out, logs);
    if (repeat) fs.rmSync(out, { recursive: true, force: true });
    if (tool === 'kinetl') kinetlRuns.push(r);
    else results[tool] = r;
    console.log(`${r.status}  ${r.wall_s.toFixed(2)} s wall  ${r.cpu_s} s CPU  ${r.peak_rss_mb.toFixed(0)} MB peak RSS` +
      `  ${r.readings ?? '?'} readings${r.error ? `  (${r.error})` : ''}`);
    // Peers count the rows they read; kinetl accepted + quarantined rows,
    // which leaves out in-file exact copies (one of the sample's anomalies).
    const least = tool.startsWith('kinetl') ? data.readings - data.anomalies : data.readings;
    if (r.status === 'ok' && r.readings !== null && !(r.readings >= least && r.readings <= data.readings)) {
      r.status = 'failed';
      r.error = `read ${r.readings} readings, the source has ${data.readings}`;
      console.log(`  ${tool}: ${r.error}`);
    }
    if (tool === 'kinetl') {
      if (r.status !== 'ok') break;
      results.kinetl = medianRun(kinetlRuns);
      continue;
    }
    if (tool === OTHER_KINETL) {
      if (!config.keep) fs.rmSync(out, { recursive: true, force: true });
      continue;
    }
    if (r.status === 'ok') {
      // Equal work. Scale data is clean: also against the generator's truth.
      // The sample profile's truth covers its clean robot-runs only, and
      // its spikes are where the peers' Hampel filters may differ (Polars
      // uses the rolling approximation): run set, runtimes and distances
      // are still compared, against the peer and the truth.
      const eq = compareStats(kinetlOut, out, tool, data.truth);
      equal[tool] = eq;
      console.log(`          equal work: ${eq.ok ? `ok, ${eq.summary.runs} runs, distances within ${eq.summary.max_distance_rel_diff.toExponential(2)}` +
        (eq.summary.max_distance_rel_err_vs_truth ? `, vs truth ${Object.entries(eq.summary.max_distance_rel_err_vs_truth).map(([n, v]) => `${n} ${v.toExponential(2)}`).join(', ')}` : '')
        : `FAILED\n            ${eq.problems.join('\n            ')}`}`);
    }
    if (!config.keep) fs.rmSync(out, { recursive: true, force: true });
  }
  results.kinetl = medianRun(kinetlRuns);
  for (const p of config.peers) results[p] ??= { status: 'skipped', wall_s: 0, cpu_s: null, peak_rss_mb: 0, output_bytes: 0 };
  if (!config.keep) fs.rmSync(kinetlOut, { recursive: true, force: true });
  printTable(size, data, results);
  const { dir, ...dataMeta } = data;
  return {
    detail: { size: size.name, label: size.label, source: dir.startsWith(ROOT) ? path.relative(ROOT, dir) : dir, ...dataMeta, results, equal_work: equal },
    rows: summarize(size, data, results, equal),
  };
}

function versions() {
  const v = {};
  const k = run(config.kinetl, ['--version']);
  v.kinetl = (k.stdout || k.stderr).trim();
  try {
    v.duckdb = JSON.parse(fs.readFileSync(path.join(ROOT, 'tests/oracle/node_modules/@duckdb/node-api/package.json'), 'utf8')).version;
    v.polars = JSON.parse(fs.readFileSync(path.join(ROOT, 'tests/oracle/node_modules/nodejs-polars/package.json'), 'utf8')).version;
  } catch { /* not critical */ }
  return v;
}

function main() {
  const sizes = config.sizes.map(parseSize);
  if (!fs.existsSync(config.kinetl)) throw new Error(`${config.kinetl}: not built (make)`);
  console.log(`e2e: sizes ${config.sizes.join(', ')}; tools kinetl, ${config.peers.join(', ')}; ${config.threads} threads; ` +
    `load ${loadAverage()} on ${os.cpus().length} cores; judged on the ${config.clock} clock`);
  const details = [];
  const summary = [];
  for (const s of sizes) {
    const { detail, rows } = benchSize(s);
    details.push(detail);
    summary.push(...rows);
  }
  const fragment = {
    summary,
    e2e: {
      threads: config.threads, peer_mem_cap_mb: config.capMb, kinetl_fsync: config.fsync, other_kinetl: config.otherFsyncRun ? OTHER_KINETL : null,
      clock: config.clock,
      versions: versions(), sizes: details,
    },
  };
  const out = process.env.BENCH_RESULT;
  if (out) fs.writeFileSync(out, `${JSON.stringify(fragment, null, 1)}\n`);
  const failed = summary.filter((r) => r.status === 'FAILED');
  console.log(`\ne2e: ${summary.filter((r) => r.status === 'PASS').length} PASS, ${summary.filter((r) => r.status === 'MISSED').length} MISSED, ${failed.length} FAILED`);
  if (failed.length) {
    for (const r of failed) console.log(`e2e: FAILED ${r.workload}${r.peer ? ` (${r.peer})` : ''}: ${r.note}`);
    process.exitCode = 1;
  }
}

try {
  main();
} catch (e) {
  console.error(`e2e: ${e.message}`);
  process.exitCode = 1;
}
