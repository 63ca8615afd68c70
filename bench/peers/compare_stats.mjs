#!/usr/bin/env node
// bench/peers/compare_stats.mjs — the equal-work check of the pipeline
// benchmark: two run_stats outputs (a peer's, kinetl's) must describe the
// same runs with the same runtime and the same path lengths, else the
// speed figures compare different work.
//
//   node bench/peers/compare_stats.mjs LEFT RIGHT [--tolerance 0.005] [--truth TRUTH.json]
//   node bench/peers/compare_stats.mjs --left P [--left P ...] --right P [--right P ...] ...
//
// LEFT/RIGHT: a run_stats directory (every *.parquet below it), a Delta
// table directory (its active files, replayed from _delta_log), or Parquet
// files (repeat --left/--right, or join with commas).
// Checks: the same set of run_uuid; runtime_s equal to the bit; each
// distance_r_mm null on both sides or within --tolerance (relative,
// default 0.5 %) of each other. With --truth (kinetl gen --truth JSON),
// also each side's distance against the generator's polyline length of
// every clean robot-run, within the same tolerance.
// Exit 0 when everything agrees, 1 with one line per problem otherwise,
// 2 for a bad command line. The last stdout line is a JSON summary.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { oracleRequire } from './common.mjs';

const { DuckDBInstance } = oracleRequire('@duckdb/node-api');

const USAGE = 'usage: compare_stats.mjs LEFT RIGHT [--tolerance F] [--truth FILE]  (or --left P... --right P...)';

function usage(msg) {
  console.error(`compare_stats: ${msg}\n${USAGE}`);
  process.exit(2);
}

function parse() {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        left: { type: 'string', multiple: true }, right: { type: 'string', multiple: true },
        tolerance: { type: 'string', default: '0.005' }, truth: { type: 'string' },
        'left-name': { type: 'string', default: 'left' }, 'right-name': { type: 'string', default: 'right' },
      },
    });
  } catch (e) {
    usage(e.message);
  }
  const { values, positionals } = parsed;
  let left = values.left ?? [];
  let right = values.right ?? [];
  if (positionals.length) {
    if (positionals.length !== 2 || left.length || right.length) usage('give two positional paths, or --left/--right');
    left = [positionals[0]];
    right = [positionals[1]];
  }
  if (!left.length || !right.length) usage('both sides are needed');
  const tol = Number(values.tolerance);
  if (!(tol >= 0 && tol < 1)) usage(`--tolerance ${values.tolerance}: expected a fraction in [0, 1)`);
  const split = (l) => l.flatMap((x) => x.split(',')).filter(Boolean);
  return { left: split(left), right: split(right), tol, truth: values.truth, names: [values['left-name'], values['right-name']] };
}

// The active data files of a Delta table: the last checkpoint (if any),
// then add/remove actions of every later JSON commit, in version order.
async function deltaActiveFiles(conn, dir) {
  const log = path.join(dir, '_delta_log');
  const active = new Set();
  let from = -1;
  const last = path.join(log, '_last_checkpoint');
  if (fs.existsSync(last)) {
    const cp = JSON.parse(fs.readFileSync(last, 'utf8'));
    from = Number(cp.version);
    const v = String(from).padStart(20, '0');
    const parts = fs.readdirSync(log).filter((f) => f.startsWith(`${v}.checkpoint`) && f.endsWith('.parquet')).map((f) => path.join(log, f));
    const list = `[${parts.map((p) => `'${p.replaceAll("'", "''")}'`).join(', ')}]`;
    const rows = (await conn.runAndReadAll(`SELECT "add".path AS p FROM read_parquet(${list}, union_by_name = true) WHERE "add" IS NOT NULL`)).getRowObjectsJson();
    for (const r of rows) active.add(decodeURIComponent(r.p));
  }
  const commits = fs.readdirSync(log).filter((f) => /^\d{20}\.json$/.test(f)).map((f) => ({ f, v: Number(f.slice(0, 20)) }))
    .filter((c) => c.v > from).sort((a, b) => a.v - b.v);
  for (const { f } of commits) {
    for (const line of fs.readFileSync(path.join(log, f), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const a = JSON.parse(line);
      if (a.add) active.add(decodeURIComponent(a.add.path));
      if (a.remove) active.delete(decodeURIComponent(a.remove.path));
    }
  }
  return [...active].map((p) => path.join(dir, p));
}

function parquetBelow(dir) {
  const out = [];
  for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
    if (ent.name.startsWith('.') || ent.name.startsWith('_')) continue;
    const p = path.join(dir, ent.name);
    if (ent.isDirectory()) out.push(...parquetBelow(p));
    else if (ent.name.endsWith('.parquet')) out.push(p);
  }
  return out.sort();
}

async function filesOf(conn, inputs) {
  const files = [];
  for (const p of inputs) {
    if (!fs.existsSync(p)) throw new Error(`${p}: no such file or directory`);
    if (fs.statSync(p).isDirectory()) {
      files.push(...(fs.existsSync(path.join(p, '_delta_log')) ? await deltaActiveFiles(conn, p) : parquetBelow(p)));
    } else {
      files.push(p);
    }
  }
  if (!files.length) throw new Error(`${inputs.join(', ')}: no Parquet files`);
  return files;
}

async function readStats(conn, inputs) {
  const files = await filesOf(conn, inputs);
  const list = `[${files.map((p) => `'${p.replaceAll("'", "''")}'`).join(', ')}]`;
  const rows = (await conn.runAndReadAll(`SELECT CAST(run_uuid AS VARCHAR) AS run_uuid, CAST(runtime_s AS DOUBLE) AS runtime_s,
      CAST(distance_1_mm AS DOUBLE) AS d1, CAST(distance_2_mm AS DOUBLE) AS d2
    FROM read_parquet(${list}, union_by_name = true)`)).getRowObjects();
  const byRun = new Map();
  for (const r of rows) {
    if (byRun.has(r.run_uuid)) throw new Error(`${inputs.join(', ')}: run ${r.run_uuid} appears twice`);
    byRun.set(r.run_uuid, r);
  }
  return byRun;
}

const relDiff = (a, b) => (a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b)));
const fmtPct = (x) => `${(100 * x).toPrecision(3)}%`;

async function main() {
  const opts = parse();
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const conn = await instance.connect();
  const [L, R] = [await readStats(conn, opts.left), await readStats(conn, opts.right)];
  const [ln, rn] = opts.names;
  const problems = [];
  let maxDistanceDiff = 0;
  for (const id of L.keys()) if (!R.has(id)) problems.push(`run ${id}: in ${ln} only`);
  for (const id of R.keys()) if (!L.has(id)) problems.push(`run ${id}: in ${rn} only`);
  for (const [id, a] of L) {
    const b = R.get(id);
    if (!b) continue;
    if (!Object.is(a.runtime_s, b.runtime_s)) problems.push(`run ${id}: runtime_s ${ln} ${a.runtime_s} != ${rn} ${b.runtime_s}`);
    for (const k of ['d1', 'd2']) {
      const col = `distance_${k[1]}_mm`;
      if ((a[k] === null) !== (b[k] === null)) {
        problems.push(`run ${id}: ${col} ${ln} ${a[k]} vs ${rn} ${b[k]} (null on one side only)`);
      } else if (a[k] !== null) {
        const d = relDiff(a[k], b[k]);
        maxDistanceDiff = Math.max(maxDistanceDiff, d);
        if (!(d <= opts.tol)) problems.push(`run ${id}: ${col} ${ln} ${a[k]} vs ${rn} ${b[k]} differ by ${fmtPct(d)} > ${fmtPct(opts.tol)}`);
      }
    }
  }
  const truthErr = {};
  if (opts.truth) {
    const truth = JSON.parse(fs.readFileSync(opts.truth, 'utf8'));
    if (truth.format !== 'kinetl-gen-truth/1') throw new Error(`${opts.truth}: not a kinetl-gen-truth/1 file`);
    for (const [name, side] of [[ln, L], [rn, R]]) {
      let worst = 0;
      for (const run of truth.runs) {
        const got = side.get(run.run_uuid);
        if (!got) { problems.push(`run ${run.run_uuid}: in the truth but not in ${name}`); continue; }
        for (const robot of run.robots) {
          if (!robot.clean) continue;
          const d = got[`d${robot.robot_id}`];
          const want = robot.polyline_length_mm;
          if (d === null) { problems.push(`run ${run.run_uuid}: ${name} distance_${robot.robot_id}_mm is null, truth ${want}`); continue; }
          const e = relDiff(d, want);
          worst = Math.max(worst, e);
          if (!(e <= opts.tol)) problems.push(`run ${run.run_uuid}: ${name} distance_${robot.robot_id}_mm ${d} vs truth ${want}: ${fmtPct(e)} > ${fmtPct(opts.tol)}`);
        }
      }
      truthErr[name] = worst;
    }
  }
  for (const p of problems) console.log(`compare_stats: ${p}`);
  const summary = {
    ok: problems.length === 0, runs: L.size, problems: problems.length,
    max_distance_rel_diff: maxDistanceDiff, ...(opts.truth ? { max_distance_rel_err_vs_truth: truthErr } : {}),
  };
  if (problems.length === 0) {
    console.log(`compare_stats: ${L.size} runs agree (runtime exact, distances within ${fmtPct(maxDistanceDiff)}${opts.truth ? `; vs truth ${Object.entries(truthErr).map(([k, v]) => `${k} ${fmtPct(v)}`).join(', ')}` : ''})`);
  }
  console.log(JSON.stringify(summary));
  process.exit(problems.length ? 1 : 0);
}

main().catch((e) => {
  console.error(`compare_stats: ${String(e.message).split('\n')[0]}`);
  process.exit(1);
});
