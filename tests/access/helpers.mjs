// tests/access/helpers.mjs — shared by the access tests: building a test
// lake (build/tests/test_table_scan --make-lake: Delta tables written from
// the real transform), running kinetl, loading `kinetl sql-views` into
// DuckDB, and putting rows from both sides into one canonical text form so
// they can be compared exactly:
//   null -> null; strings as JSON; doubles -> JS shortest text of the same
//   double; integers -> exact decimal (BigInt); timestamps -> µs since epoch.
// Oracles, the kinetl path and PASS/FAIL lines come from tests/lib/oracles.mjs.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kinetlBin, makeReporter as makeBaseReporter, oracleRequire, repoRoot } from '../lib/oracles.mjs';

export const repo = repoRoot;
const { DuckDBInstance } = oracleRequire('@duckdb/node-api');

export const kinetl = kinetlBin;
export const maker = join(repo, 'build', 'tests', 'test_table_scan');

// PASS/FAIL lines (tests/lib/oracles.mjs); check(name, cond, why) here
// judges a condition already computed.
export function makeReporter() {
  const base = makeBaseReporter();
  return {
    pass: base.pass,
    fail: base.fail,
    check(name, cond, why) { cond ? this.pass(name) : this.fail(name, why); },
    done: base.done,
  };
}

export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30, ...opts });
  if (r.error) throw r.error;
  return r;
}

export function mustRun(cmd, args) {
  const r = run(cmd, args);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return r.stdout;
}

export function makeLake(dir, { runs = 3, seconds = 3, rowGroupRows = 700 } = {}) {
  mustRun(maker, ['--make-lake', dir, '--runs', String(runs), '--seconds', String(seconds),
    '--row-group-rows', String(rowGroupRows)]);
}

export function reprocess(dir, run, { runs = 3, seconds = 3, rowGroupRows = 700 } = {}) {
  mustRun(maker, ['--reprocess', dir, String(run), '--runs', String(runs), '--seconds', String(seconds),
    '--row-group-rows', String(rowGroupRows)]);
}

export async function duckdb() {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  return {
    conn,
    async exec(sql) { await conn.run(sql); },
    async all(sql) { return (await conn.runAndReadAll(sql)).getRowObjectsJS(); },
    async reader(sql) { return conn.runAndReadAll(sql); },
    async loadViews(lake, extra = []) {
      const path = join(lake, '..', `views-${Date.now()}-${Math.random()}.sql`);
      mustRun(kinetl, ['--lake', lake, 'sql-views', ...extra, '--out', path]);
      await conn.run(readFileSync(path, 'utf8'));
      return path;
    },
  };
}

// ---- canonical values -----------------------------------------------------

// "2022-11-23T20:40:00.001823Z" -> "1669236000001823"
export function isoToMicros(s) {
  const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?Z$/.exec(s);
  if (!m) throw new Error(`not an ISO timestamp: ${s}`);
  const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  const frac = (m[7] || '').padEnd(6, '0').slice(0, 6);
  return (BigInt(ms) * 1000n + BigInt(frac)).toString();
}

function canonDouble(text) {
  if (text === 'inf') return 'Infinity';
  if (text === '-inf') return '-Infinity';
  return String(Number(text));
}

// One CSV field of kinetl (null when empty and unquoted) for a DuckDB type.
export function canonText(value, type) {
  if (value === null) return 'null';
  if (type === 'DOUBLE' || type === 'FLOAT') return canonDouble(value);
  if (type === 'BIGINT' || type === 'INTEGER' || type === 'HUGEINT') return BigInt(value).toString();
  if (type.startsWith('TIMESTAMP')) return isoToMicros(value);
  if (type === 'BOOLEAN') return value;
  return JSON.stringify(value);
}

// A DuckDB JS value (timestamps already as epoch_us) for a DuckDB type.
export function canonDuck(value, type) {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return type === 'DOUBLE' || type === 'FLOAT' ? String(value) : BigInt(value).toString();
  if (typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

// RFC 4180 CSV -> rows of fields; an empty unquoted field is null.
export function parseCsv(text) {
  const rows = [];
  let row = [], field = '', quoted = false, inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inQuotes) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') inQuotes = false;
      else field += c;
    } else if (c === '"') { inQuotes = true; quoted = true; }
    else if (c === ',' || c === '\n') {
      row.push(field === '' && !quoted ? null : field);
      field = ''; quoted = false;
      if (c === '\n') { rows.push(row); row = []; }
    } else field += c;
  }
  if (field !== '' || quoted || row.length) { row.push(field === '' && !quoted ? null : field); rows.push(row); }
  return rows;
}

// Column names and DuckDB types of a relation.
export async function describe(db, relation) {
  const rows = await db.all(`DESCRIBE ${relation}`);
  return rows.map((r) => ({ name: r.column_name, type: r.column_type.replace(/ WITH TIME ZONE$/, 'TZ') }));
}

// Rows of a DuckDB relation in canonical form (one string per row), and its columns.
export async function duckRows(db, relation) {
  const cols = await describe(db, relation);
  const select = cols.map((c) => (c.type.startsWith('TIMESTAMP') ? `epoch_us("${c.name}") AS "${c.name}"` : `"${c.name}"`));
  const rows = await db.all(`SELECT ${select.join(', ')} FROM ${relation}`);
  return { cols, rows: rows.map((r) => cols.map((c) => canonDuck(r[c.name], c.type)).join('\x1f')) };
}

// Rows of `kinetl cat` (CSV) in canonical form, typed by the DuckDB columns.
export function catRows(lake, table, cols, extra = []) {
  const out = mustRun(kinetl, ['--lake', lake, 'cat', table, '--format', 'csv', ...extra]);
  const [header, ...data] = parseCsv(out);
  const byName = new Map(cols.map((c) => [c.name, c.type]));
  return {
    header,
    rows: data.map((r) => r.map((v, i) => canonText(v, byName.get(header[i]) || 'VARCHAR')).join('\x1f')),
  };
}

// First difference between two row lists compared as multisets, or null.
export function multisetDiff(a, b) {
  const x = [...a].sort(), y = [...b].sort();
  if (x.length !== y.length) return `${x.length} rows vs ${y.length}`;
  for (let i = 0; i < x.length; i++)
    if (x[i] !== y[i]) return `row differs:\n  ${x[i].split('\x1f').join(' | ')}\n  ${y[i].split('\x1f').join(' | ')}`;
  return null;
}
