// tests/peers/test_peers.mjs — the benchmark peers (bench/peers: the
// pipeline in DuckDB SQL and in Polars) compute what SPEC §3 says:
//  1. a hand-built dataset with known answers (constant velocity 10 mm/s,
//     a gap, a spike, copies and a conflict, one row per quarantine reason)
//     gives the exact expected run_stats, cells, masks and derivatives in
//     both peers;
//  2. a small generated dataset (kinetl gen when the binary has it, else a
//     helix written here): outputs exist, partitioned by run; the peers'
//     run_stats agree (compare_stats.mjs) and match the analytic path length;
//  3. compare_stats.mjs fails on different runs, a runtime off by one ulp and
//     a distance off by 1 %; run_peer.sh prints its JSON line and reports a
//     memory cap as "oom".
// Prints PASS/FAIL lines (tests/run.sh). Oracles from tests/oracle/node_modules.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { makeReporter, oracleRequire, repoRoot } from '../lib/oracles.mjs';
import { writeHandSource, writeHelixSource, RUN_A, RUN_B } from './fixtures.mjs';

const { DuckDBInstance } = oracleRequire('@duckdb/node-api');
const ROOT = repoRoot;
const PEERS = path.join(ROOT, 'bench/peers');
const CHANNELS = ['fx_1', 'fx_2', 'fy_1', 'fy_2', 'fz_1', 'fz_2', 'x_1', 'x_2', 'y_1', 'y_2', 'z_1', 'z_2'];
const bit = (name) => 1 << CHANNELS.indexOf(name);

const { pass, fail, exitCode } = makeReporter();
function check(name, problems) {
  if (problems.length === 0) pass(name);
  else fail(name, `${problems.length} problem(s): ${problems.slice(0, 6).join('; ')}`);
}

// Runs a peer; resolves with { code, stdout, stderr }.
function runPeer(peer, source, out, threads = 1) {
  return new Promise((resolve) => {
    const p = spawn('node', [path.join(PEERS, `${peer}_pipeline.mjs`), '--source', source, '--out', out, '--threads', String(threads)]);
    let stdout = ''; let stderr = '';
    p.stdout.on('data', (d) => { stdout += d; });
    p.stderr.on('data', (d) => { stderr += d; });
    p.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

async function runBoth(name, source, outBase) {
  const outs = { duckdb: `${outBase}-duckdb`, polars: `${outBase}-polars` };
  const results = await Promise.all(Object.entries(outs).map(([peer, out]) => runPeer(peer, source, out)));
  const ok = {};
  for (const [i, peer] of Object.keys(outs).entries()) {
    const r = results[i];
    let summary = null;
    try { summary = JSON.parse(r.stdout.trim().split('\n').pop()); } catch { /* reported below */ }
    if (r.code !== 0 || !summary) fail(`${name}: ${peer} runs`, `exit ${r.code} signal ${r.signal}: ${r.stderr.trim().split('\n').slice(-12).join(' / ')}`);
    else { pass(`${name}: ${peer} runs`); ok[peer] = { out: outs[peer], summary }; }
  }
  return ok;
}

let db;
async function query(sql) {
  if (!db) db = await (await DuckDBInstance.create(':memory:', { threads: '1' })).connect();
  return (await db.runAndReadAll(sql)).getRowObjects();
}
const lit = (s) => `'${s.replaceAll("'", "''")}'`;
const tableGlob = (out, t) => lit(path.join(out, t, '**', '*.parquet'));

// Outputs exist; raw/aligned/features are hive-partitioned by run_uuid, one
// directory per expected run, and the files themselves hold no run_uuid.
async function checkLayout(out, runIds) {
  const problems = [];
  for (const t of ['raw', 'aligned', 'features']) {
    const dir = path.join(out, t);
    const parts = fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
    const want = runIds.map((id) => `run_uuid=${id}`).sort();
    if (JSON.stringify(parts) !== JSON.stringify(want)) problems.push(`${t}: partitions ${parts.join(',')} != ${want.join(',')}`);
    for (const p of parts) {
      const files = fs.readdirSync(path.join(dir, p)).filter((f) => f.endsWith('.parquet'));
      if (!files.length) { problems.push(`${t}/${p}: no parquet file`); continue; }
      const cols = (await query(`SELECT name FROM parquet_schema(${lit(path.join(dir, p, files[0]))})`)).map((r) => r.name);
      if (cols.includes('run_uuid')) problems.push(`${t}/${p}: file repeats the partition column`);
      const codecs = (await query(`SELECT DISTINCT compression FROM parquet_metadata(${lit(path.join(dir, p, files[0]))})`)).map((r) => r.compression);
      if (codecs.join() !== 'ZSTD') problems.push(`${t}/${p}: compression ${codecs.join()} (want ZSTD)`);
    }
  }
  for (const t of ['quarantine', 'run_stats']) {
    if (!fs.existsSync(path.join(out, t)) || !fs.readdirSync(path.join(out, t)).some((f) => f.endsWith('.parquet'))) problems.push(`${t}: missing`);
  }
  return problems;
}

const close = (a, b, tol) => (a === null || b === null ? a === b : Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)));

async function checkHand(peer, out, want) {
  const problems = [];
  const expectClose = (what, got, exp, tol = 1e-9) => {
    if (!close(got, exp, tol)) problems.push(`${what}: got ${got}, want ${exp}`);
  };
  const expectEq = (what, got, exp) => { if (got !== exp) problems.push(`${what}: got ${got}, want ${exp}`); };

  // quarantine: one row per reason as built, original text kept
  const q = await query(`SELECT reason, count(*)::INT AS n FROM read_parquet(${tableGlob(out, 'quarantine')}) GROUP BY reason`);
  const gotReasons = Object.fromEntries(q.map((r) => [r.reason, r.n]));
  if (JSON.stringify(Object.entries(gotReasons).sort()) !== JSON.stringify(Object.entries(want.quarantineReasons).sort())) {
    problems.push(`quarantine reasons ${JSON.stringify(gotReasons)} != ${JSON.stringify(want.quarantineReasons)}`);
  }
  const bt = await query(`SELECT time_text FROM read_parquet(${tableGlob(out, 'quarantine')}) WHERE reason = 'bad_time'`);
  expectEq('bad_time time_text', bt[0]?.time_text, '2022-11-23T20:4x:35.007Z');
  const rawN = Number((await query(`SELECT count(*) AS n FROM read_parquet(${tableGlob(out, 'raw')})`))[0].n);
  expectEq('raw rows', rawN, want.rawRows);
  const norm = await query(`SELECT count(*)::INT AS n FROM read_parquet(${tableGlob(out, 'raw')}) WHERE field = 'fx' AND sensor_type = 'load_cell' AND robot_id = 2`);
  expectEq('raw fx_2 rows (unnormalised names accepted, conflict copies kept)', norm[0].n, 502);

  // run_stats: every expected column
  const stats = await query(`SELECT *, epoch_ms(start_time) AS start_ms, epoch_ms(stop_time) AS stop_ms FROM read_parquet(${tableGlob(out, 'run_stats')})`);
  expectEq('run_stats runs', stats.map((r) => r.run_uuid).sort().join(), Object.keys(want.runs).sort().join());
  for (const s of stats) {
    const w = want.runs[s.run_uuid];
    if (!w) continue;
    const id = s.run_uuid.slice(0, 6);
    expectEq(`${id} start`, Number(s.start_ms), w.start_ms);
    expectEq(`${id} stop`, Number(s.stop_ms), w.stop_ms);
    expectEq(`${id} runtime_s`, s.runtime_s, w.runtime_s);
    for (const k of ['distance_1_mm', 'distance_2_mm', 'coverage_1', 'coverage_2', 'max_force_1_n', 'max_force_2_n',
      'mean_force_1_n', 'mean_force_2_n', 'max_speed_1_mm_s', 'max_speed_2_mm_s',
      ...Object.keys(w).filter((x) => /^(median_period|longest_gap)_/.test(x))]) {
      if (k in w) expectClose(`${id} ${k}`, s[k], w[k]);
    }
    for (const k of ['readings', 'aligned_rows', 'spikes_removed', 'duplicate_readings', 'conflicting_readings', 'quarantined_rows', 'channels_present_mask',
      ...Object.keys(w).filter((x) => x.startsWith('gaps_'))]) {
      expectEq(`${id} ${k}`, s[k] === null ? null : Number(s[k]), w[k]);
    }
    for (const k of ['status', 'status_reason', 'channels_missing']) expectEq(`${id} ${k}`, s[k], w[k]);
    for (const [ch, n] of Object.entries(w.rows)) expectEq(`${id} rows_${ch}`, Number(s[`rows_${ch}`]), n);
  }

  // features of run A: velocity 10 mm/s everywhere, x on the line, masks
  const fa = await query(`SELECT epoch_ms(time) AS ms, * FROM read_parquet(${tableGlob(out, 'features')}, hive_partitioning = true)
                          WHERE run_uuid = ${lit(RUN_A.id)} ORDER BY time`);
  const A = want.runs[RUN_A.id];
  expectEq('A feature rows', fa.length, A.aligned_rows);
  let worstV = 0; let worstA = 0; let worstX = 0;
  for (const r of fa) {
    const ms = Number(r.ms);
    worstV = Math.max(worstV, Math.abs(r.vx_1 - 10), Math.abs(r.vy_1), Math.abs(r.vz_1), Math.abs(r.v1 - 10));
    worstA = Math.max(worstA, Math.abs(r.ax_1), Math.abs(r.ay_1), Math.abs(r.az_1), Math.abs(r.a1));
    const p = A.position(ms);
    worstX = Math.max(worstX, Math.abs(r.x_1 - p.x_1), Math.abs(r.y_1 - p.y_1), Math.abs(r.z_1 - p.z_1));
    if (r.x_2 !== null || r.v2 !== null || r.f2 !== null) problems.push(`A row ${ms}: robot 2 not null`);
    if (!close(r.f1, A.max_force_1_n, 1e-12)) problems.push(`A row ${ms}: f1 ${r.f1}`);
    const encoderRow = (ms - A.start_ms) % 12 === 0;
    const m = r.measured_mask; const i = r.interpolated_mask; const h = r.held_mask;
    if (encoderRow !== ((m & bit('x_1')) !== 0) || encoderRow === ((i & bit('x_1')) !== 0)) problems.push(`A row ${ms}: x_1 mask m=${m} i=${i}`);
    if ((m | i | h) & 0b101010101010) problems.push(`A row ${ms}: robot 2 bits set`);
  }
  if (worstV > 1e-6) problems.push(`A velocity off by ${worstV}`);
  if (worstA > 1e-4) problems.push(`A acceleration off by ${worstA}`);
  if (worstX > 1e-9) problems.push(`A positions off the line by ${worstX}`);
  const first = fa[0]; const last = fa[fa.length - 1];
  if (first && !(first.held_mask & bit('fx_1'))) problems.push('A first row: fx_1 not held');
  if (last && !(last.held_mask & bit('fz_1'))) problems.push('A last row: fz_1 not held');

  // features of run B: the gap is null, the spike and conflict are interpolated
  const fb = await query(`SELECT epoch_ms(time) AS ms, * FROM read_parquet(${tableGlob(out, 'features')}, hive_partitioning = true)
                          WHERE run_uuid = ${lit(RUN_B.id)} ORDER BY time`);
  const B = want.runs[RUN_B.id];
  expectEq('B feature rows', fb.length, B.aligned_rows);
  const rowAt = (dms) => fb.find((r) => Number(r.ms) === B.start_ms + dms);
  const nullRows = fb.filter((r) => r.x_2 === null);
  expectEq('B rows without x_2 (the gap)', nullRows.length, B.gapRows);
  if (nullRows.some((r) => ((r.measured_mask | r.interpolated_mask | r.held_mask) & bit('x_2')) || r.vx_2 !== null)) problems.push('B gap rows carry x_2 bits or velocity');
  let worstBV = 0; let worstBX = 0;
  for (const r of fb) {
    if (r.x_2 === null) continue;
    // held rows (before the first / after the last encoder sample) carry that sample's value
    const ms = Number(r.ms);
    const encoder = B.encoderTimes;
    const held = r.held_mask & bit('x_2');
    const p = B.position(held ? (ms < encoder[0] ? encoder[0] : encoder[encoder.length - 1]) : ms);
    worstBX = Math.max(worstBX, Math.abs(r.x_2 - p.x_2), Math.abs(r.y_2 - p.y_2), Math.abs(r.z_2 - p.z_2));
    worstBV = Math.max(worstBV, Math.abs(r.vx_2 - 10), Math.abs(r.v2 - 10));
    if (!close(r.f2, 50, 1e-12)) problems.push(`B row ${r.ms}: f2 ${r.f2}`);
  }
  if (worstBV > 1e-6) problems.push(`B velocity off by ${worstBV}`);
  if (worstBX > 1e-9) problems.push(`B positions off the line by ${worstBX}`);
  const spike = rowAt(1003);
  if (!spike || spike.measured_mask & bit('x_2') || !(spike.interpolated_mask & bit('x_2'))) problems.push('B spike row: x_2 not interpolated');
  const conflict = rowAt(1000);
  if (!conflict || conflict.measured_mask & bit('fx_2') || !(conflict.interpolated_mask & bit('fx_2')) || conflict.fx_2 !== 30) {
    problems.push(`B conflict row: fx_2 ${conflict?.fx_2} masks ${conflict?.measured_mask}/${conflict?.interpolated_mask}`);
  }
  const start = rowAt(0);
  if (!start || !(start.held_mask & bit('x_2')) || start.x_2 !== B.position(B.start_ms + 3).x_2) problems.push(`B first row: x_2 ${start?.x_2} not held from 3 ms`);
  check(`hand dataset: ${peer} gives the expected run_stats, quarantine, cells, masks and derivatives`, problems);
}

function compareStats(args) {
  return spawnSync('node', [path.join(PEERS, 'compare_stats.mjs'), ...args], { encoding: 'utf8' });
}

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kinetl-peers-'));
  try {
    // 1. hand-built dataset
    const handSrc = path.join(tmp, 'hand-src');
    const want = await writeHandSource(handSrc);
    const hand = await runBoth('hand dataset', handSrc, path.join(tmp, 'hand'));
    for (const [peer, { out, summary }] of Object.entries(hand)) {
      if (summary.readings !== want.sourceRows) fail(`hand dataset: ${peer} summary readings`, `${summary.readings} != ${want.sourceRows}`);
      check(`hand dataset: ${peer} output layout`, await checkLayout(out, Object.keys(want.runs)));
      await checkHand(peer, out, want);
    }

    // 2. small generated dataset
    const genSrc = path.join(tmp, 'gen-src');
    const kinetl = process.env.KINETL ?? path.join(ROOT, 'build/kinetl');
    const hasGen = fs.existsSync(kinetl) && spawnSync(kinetl, ['gen', '--help'], { encoding: 'utf8' }).status === 0;
    let truthArgs = [];
    let runIds;
    if (hasGen) {
      const truthFile = path.join(tmp, 'truth.json');
      const g = spawnSync(kinetl, ['gen', '--out', genSrc, '--profile', 'scale', '--runs', '2', '--minutes', '0.34', '--truth', truthFile, '-j', '1', '--quiet'], { encoding: 'utf8' });
      if (g.status !== 0) { fail('kinetl gen', g.stderr.trim()); return; }
      truthArgs = ['--truth', truthFile];
      runIds = JSON.parse(fs.readFileSync(truthFile, 'utf8')).runs.map((r) => r.run_uuid);
    } else {
      const truth = await writeHelixSource(genSrc);
      runIds = [...new Set(truth.map((t) => t.run_uuid))];
      const truthFile = path.join(tmp, 'truth.json');
      fs.writeFileSync(truthFile, JSON.stringify({
        format: 'kinetl-gen-truth/1',
        runs: runIds.map((id) => ({ run_uuid: id, robots: truth.filter((t) => t.run_uuid === id).map((t) => ({ robot_id: t.robot_id, clean: true, polyline_length_mm: t.path_length_mm })) })),
      }));
      truthArgs = ['--truth', truthFile];
    }
    const what = hasGen ? 'kinetl gen 2 runs x 20 s' : 'helix 2 runs x 20 s';
    const gen = await runBoth(what, genSrc, path.join(tmp, 'gen'));
    for (const [peer, { out }] of Object.entries(gen)) check(`${what}: ${peer} output layout`, await checkLayout(out, runIds));
    if (gen.duckdb && gen.polars) {
      const r = compareStats([path.join(gen.duckdb.out, 'run_stats'), path.join(gen.polars.out, 'run_stats'), ...truthArgs, '--left-name', 'duckdb', '--right-name', 'polars']);
      if (r.status === 0) pass(`${what}: peers' run_stats agree and match the analytic path length (${r.stdout.trim().split('\n')[0].replace('compare_stats: ', '')})`);
      else fail(`${what}: compare_stats`, r.stdout.trim().split('\n').slice(0, 4).join(' | ') || r.stderr.trim());
    }

    // 3. compare_stats must be able to fail, run_peer.sh reports
    if (hand.duckdb && gen.duckdb) {
      const r = compareStats([path.join(hand.duckdb.out, 'run_stats'), path.join(gen.duckdb.out, 'run_stats')]);
      if (r.status === 1 && /in left only/.test(r.stdout)) pass('compare_stats: different runs fail');
      else fail('compare_stats: different runs', `exit ${r.status}: ${r.stdout}`);
      const src = lit(path.join(hand.duckdb.out, 'run_stats', 'part-0.parquet'));
      const off = (name, expr) => {
        const f = path.join(tmp, `${name}.parquet`);
        return query(`COPY (SELECT * REPLACE (${expr}) FROM read_parquet(${src})) TO ${lit(f)} (FORMAT parquet)`).then(() => f);
      };
      const ulp = await off('ulp', `CASE WHEN run_uuid = ${lit(RUN_A.id)} THEN nextafter(runtime_s, 1e9) ELSE runtime_s END AS runtime_s`);
      const r2 = compareStats([src.slice(1, -1), ulp]);
      if (r2.status === 1 && /runtime_s/.test(r2.stdout)) pass('compare_stats: runtime off by one ulp fails');
      else fail('compare_stats: runtime ulp', `exit ${r2.status}: ${r2.stdout}`);
      const far = await off('far', `distance_1_mm * 1.01 AS distance_1_mm`);
      const r3 = compareStats(['--left', src.slice(1, -1), '--right', far]);
      if (r3.status === 1 && /distance_1_mm left 120 vs right 121.2 differ by/.test(r3.stdout)) pass('compare_stats: distance off by 1 % fails');
      else fail('compare_stats: distance 1 %', `exit ${r3.status}: ${r3.stdout}`);
      const near = await off('near', `distance_1_mm * 1.004 AS distance_1_mm`);
      const r4 = compareStats(['--left', src.slice(1, -1), '--right', near]);
      if (r4.status === 0) pass('compare_stats: distance off by 0.4 % passes');
      else fail('compare_stats: distance 0.4 %', `exit ${r4.status}: ${r4.stdout}`);
    }
    if (hand.duckdb && gen.duckdb) {
      // a Delta table: v0 adds the generated run_stats, v1 removes it and adds the hand one
      const delta = path.join(tmp, 'delta_run_stats');
      fs.mkdirSync(path.join(delta, '_delta_log'), { recursive: true });
      fs.copyFileSync(path.join(gen.duckdb.out, 'run_stats', 'part-0.parquet'), path.join(delta, 'old%20one.parquet'.replace('%20', ' ')));
      fs.copyFileSync(path.join(hand.duckdb.out, 'run_stats', 'part-0.parquet'), path.join(delta, 'new.parquet'));
      const log = (v, actions) => fs.writeFileSync(path.join(delta, '_delta_log', `${String(v).padStart(20, '0')}.json`), actions.map((a) => JSON.stringify(a)).join('\n'));
      log(0, [{ protocol: { minReaderVersion: 1, minWriterVersion: 2 } }, { add: { path: 'old%20one.parquet', size: 1, dataChange: true } }]);
      log(1, [{ remove: { path: 'old%20one.parquet', dataChange: true } }, { add: { path: 'new.parquet', size: 1, dataChange: true } }]);
      const r = compareStats([delta, path.join(hand.polars?.out ?? hand.duckdb.out, 'run_stats')]);
      if (r.status === 0) pass('compare_stats: reads a Delta table through its log (removed file ignored)');
      else fail('compare_stats: Delta table', `exit ${r.status}: ${r.stdout} ${r.stderr}`);
    }
    const rp = spawnSync('bash', [path.join(PEERS, 'run_peer.sh'), 'duckdb', handSrc, path.join(tmp, 'rp'), '1'], { encoding: 'utf8' });
    let line = null;
    try { line = JSON.parse(rp.stdout.trim()); } catch { /* below */ }
    if (rp.status === 0 && line && line.status === 'ok' && line.readings === want.sourceRows && line.peak_rss_mb > 10 && line.output_bytes > 0 && line.wall_s > 0) {
      pass(`run_peer.sh: one JSON line (${rp.stdout.trim()})`);
    } else fail('run_peer.sh', `exit ${rp.status}: ${rp.stdout} ${rp.stderr}`);
    const oom = spawnSync('bash', [path.join(PEERS, 'run_peer.sh'), 'polars', handSrc, path.join(tmp, 'rp-oom'), '1'],
      { encoding: 'utf8', env: { ...process.env, PEER_MEM_CAP_MB: '40' } });
    let oomLine = null;
    try { oomLine = JSON.parse(oom.stdout.trim()); } catch { /* below */ }
    if (oom.status === 0 && oomLine?.status === 'oom') pass('run_peer.sh: a peer above PEER_MEM_CAP_MB is killed and reported as oom');
    else fail('run_peer.sh oom', `exit ${oom.status}: ${oom.stdout} ${oom.stderr}`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(() => process.exit(exitCode()), (e) => { console.log(`FAIL test_peers: ${e.stack}`); process.exit(1); });
