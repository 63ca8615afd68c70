// bench/lib/summarize.mjs — the last step of bench/run.sh: prints one table
// of every benchmark's summary rows and merges the fragments into
// bench/results.json, stamped with the machine, date and git commit.
//
// usage: node bench/lib/summarize.mjs RESULTS_JSON FRAGMENT_DIR NAME...
// Benchmarks not run this time keep their previous entry; one that errored
// keeps its previous figures and gains "last_error".
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';

const [resultsFile, fragmentDir, ...names] = process.argv.slice(2);

function git(args) {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

function cpuModel() {
  try {
    const line = fs.readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
    if (line) return line.split(':')[1].trim();
  } catch { /* not Linux */ }
  return os.cpus()[0]?.model ?? 'unknown';
}

function machine() {
  return {
    cpu: cpuModel(),
    cores: os.cpus().length,
    ram_gib: Math.round(os.totalmem() / 2 ** 30 * 10) / 10,
    os: `${os.type()} ${os.release()}`,
    node: process.version,
  };
}

function stamp() {
  const dirty = git(['status', '--porcelain', '--untracked-files=no']);
  return {
    date: new Date().toISOString(),
    git_commit: git(['rev-parse', 'HEAD']),
    git_dirty: dirty === null ? null : dirty.length > 0,
    machine: machine(),
  };
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

function table(rows) {
  const head = ['bench', 'workload', 'kinetl', 'peer', 'ratio', 'target', 'status', 'note'];
  const cells = rows.map((r) => [
    r.bench, r.workload ?? '',
    r.kinetl_s == null ? '' : `${r.kinetl_s.toFixed(3)} s`,
    r.peer_s == null ? '' : `${r.peer ?? 'peer'} ${r.peer_s.toFixed(3)} s`,
    r.ratio == null ? '' : `${r.ratio.toFixed(2)}x`,
    r.target == null ? '' : (typeof r.target === 'number' ? `>= ${r.target}x` : String(r.target)),
    r.status ?? '', r.note ?? '',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const fmt = (c) => c.map((x, i) => x.padEnd(widths[i])).join('  ').trimEnd();
  return [fmt(head), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(fmt)].join('\n');
}

const now = stamp();
const results = readJson(resultsFile) ?? {};
const rows = [];
let errors = 0;
for (const name of names) {
  const fragment = readJson(path.join(fragmentDir, `${name}.json`));
  const errorFile = path.join(fragmentDir, `${name}.error`);
  const error = fs.existsSync(errorFile) ? fs.readFileSync(errorFile, 'utf8').trim() : null;
  if (error) errors++;
  if (fragment) {
    results[name] = { ...now, ...fragment, ...(error ? { error } : {}) };
    for (const r of fragment.summary ?? []) rows.push({ bench: name, ...r });
  } else {
    if (results[name]) results[name].last_error = { date: now.date, error };
    rows.push({ bench: name, workload: '(no results)', status: 'ERROR' });
  }
}
results.machine = now.machine;
results.updated = now.date;
fs.writeFileSync(resultsFile, JSON.stringify(sortKeys(results), null, 2) + '\n');

function sortKeys(o) {
  // machine and updated first, then benchmarks by name: stable diffs
  const out = { machine: o.machine, updated: o.updated };
  for (const k of Object.keys(o).filter((k) => k !== 'machine' && k !== 'updated').sort()) out[k] = o[k];
  return out;
}

const m = now.machine;
console.log(`Summary — ${m.cpu}, ${m.cores} cores, ${m.ram_gib} GiB, ${now.date.slice(0, 16)}Z, ` +
            `commit ${(now.git_commit ?? 'unknown').slice(0, 10)}${now.git_dirty ? ' (dirty)' : ''}`);
console.log(table(rows));
const missed = rows.filter((r) => r.status === 'MISSED').length;
console.log(`ratio = peer time / kinetl time (higher is better for kinetl), peers in the same run.`);
console.log(`${rows.length} workloads: ${rows.filter((r) => r.status === 'PASS').length} PASS, ` +
            `${missed} MISSED, ${rows.filter((r) => r.status === 'FAILED' || r.status === 'ERROR').length} FAILED/ERROR` +
            ` — figures merged into ${resultsFile}`);
process.exitCode = errors ? 1 : 0;
