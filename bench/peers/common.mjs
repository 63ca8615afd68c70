// bench/peers/common.mjs — what the two peer pipelines (DuckDB, Polars) share:
// the command line, the SPEC constants (channel order, reason codes, limits,
// max_gap, Hampel parameters), source discovery and the output layout.
// Keeping these in one place is what makes the peers do the same work; the
// pipelines themselves are written independently in each tool's idiom.
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import fs from 'node:fs';
import path from 'node:path';

// The npm oracles (tests/oracle/node_modules, CommonJS) are loaded with a
// require() anchored at tests/oracle/package.json — no NODE_PATH needed, and
// the peers use exactly the versions the tests pin.
export const oracleRequire = createRequire(new URL('../../tests/oracle/package.json', import.meta.url));

// SPEC §2 channel order; index i is bit i of the provenance masks.
export const FIELDS = ['fx', 'fy', 'fz', 'x', 'y', 'z'];
export const CHANNELS = FIELDS.flatMap((f) => [`${f}_1`, `${f}_2`]);
export const channelIndex = (field, robot) => 2 * FIELDS.indexOf(field) + robot - 1;
export const ENCODER_FIELDS = ['x', 'y', 'z'];
export const LOAD_CELL_FIELDS = ['fx', 'fy', 'fz'];
// Streams: encoder_r = x_r y_r z_r, load_cell_r = fx_r fy_r fz_r.
export const STREAMS = [
  { name: 'encoder_1', robot: 1, fields: ENCODER_FIELDS },
  { name: 'encoder_2', robot: 2, fields: ENCODER_FIELDS },
  { name: 'load_cell_1', robot: 1, fields: LOAD_CELL_FIELDS },
  { name: 'load_cell_2', robot: 2, fields: LOAD_CELL_FIELDS },
].map((s) => ({ ...s, channels: s.fields.map((f) => channelIndex(f, s.robot)) }));

// Transform defaults of docs/TRANSFORM.md (max_gap 0.5 s, Hampel k=5, t=3,
// min_deviation 1 mm) and ingest's default physical limits.
export const MAX_GAP_US = 500000;
export const HAMPEL_K = 5;
export const HAMPEL_T = 3;
export const HAMPEL_MIN_DEV = 1.0;
export const POSITION_LIMIT_MM = 10000;
export const FORCE_LIMIT_N = 50000;

// Quarantine reason codes, in ingest's precedence (the first that applies).
export const REASONS = ['null_time', 'bad_time', 'null_run_uuid', 'bad_robot_id', 'unknown_field',
  'sensor_field_mismatch', 'null_value', 'non_finite_value', 'out_of_range'];

// Tables written under --out: partitioned ones get hive directories run_uuid=<id>/.
export const PARTITIONED_TABLES = ['raw', 'aligned', 'features'];
export const TABLES = ['raw', 'quarantine', 'aligned', 'features', 'run_stats'];

// features columns after the aligned ones, in kinetl's order.
export const VELOCITY_COLUMNS = ['vx_1', 'vy_1', 'vz_1', 'vx_2', 'vy_2', 'vz_2'];
export const ACCEL_COLUMNS = ['ax_1', 'ay_1', 'az_1', 'ax_2', 'ay_2', 'az_2'];

const USAGE = 'usage: PEER_pipeline.mjs --source DIR --out DIR [--threads N]';

export function parsePeerArgs(argv = process.argv.slice(2)) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { source: { type: 'string' }, out: { type: 'string' }, threads: { type: 'string', default: '2' } },
      strict: true,
    }));
  } catch (e) {
    usageError(e.message);
  }
  if (!values.source || !values.out) usageError('--source and --out are required');
  const threads = Number(values.threads);
  if (!Number.isInteger(threads) || threads < 1 || threads > 1024) usageError(`--threads ${values.threads}: not a positive integer`);
  if (!fs.existsSync(values.source) || !fs.statSync(values.source).isDirectory()) {
    console.error(`peer: --source ${values.source}: not a directory`);
    process.exit(1);
  }
  return { source: path.resolve(values.source), out: path.resolve(values.out), threads };
}

function usageError(msg) {
  console.error(`peer: ${msg}\n${USAGE}`);
  process.exit(2);
}

// Every *.parquet below dir, recursively, as kinetl's discovery lists them:
// names starting with '.' and the _delta_log/_kinetl directories skipped,
// sorted by relative path. Returns [{ path, rel }].
export function listSourceFiles(dir) {
  const out = [];
  const walk = (abs, rel, depth) => {
    if (depth > 64) return;
    for (const ent of fs.readdirSync(abs, { withFileTypes: true })) {
      if (ent.name.startsWith('.')) continue;
      const a = path.join(abs, ent.name);
      const r = rel ? `${rel}/${ent.name}` : ent.name;
      if (ent.isDirectory()) {
        if (ent.name !== '_delta_log' && ent.name !== '_kinetl') walk(a, r, depth + 1);
      } else if (ent.isFile() && ent.name.toLowerCase().endsWith('.parquet')) {
        out.push({ path: a, rel: r });
      }
    }
  };
  walk(dir, '', 0);
  return out.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

// The peer owns --out: each table directory is replaced on every run.
export function prepareOut(out) {
  fs.mkdirSync(out, { recursive: true });
  for (const t of TABLES) fs.rmSync(path.join(out, t), { recursive: true, force: true });
}

// Bytes of every file below dir.
export function treeBytes(dir) {
  let n = 0;
  if (!fs.existsSync(dir)) return 0;
  for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, ent.name);
    if (ent.isDirectory()) n += treeBytes(p);
    else if (ent.isFile()) n += fs.statSync(p).size;
  }
  return n;
}

// The one summary line every peer prints on stdout when done (run_peer.sh
// reads `readings` from it).
export function printSummary(obj) {
  process.stdout.write(`${JSON.stringify(obj)}\n`);
}
