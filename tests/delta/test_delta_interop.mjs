// tests/delta/test_delta_interop.mjs — kinetl's Delta tables read by others.
//
// 1. build/tests/test_delta_lake --make-lake writes a sample lake through the
//    lake API (appends split by partition, a partition overwrite, a whole-
//    table overwrite, a schema change, txn markers, partition values that
//    need escaping, the null partition) and, from its own row model, the
//    rows every version must hold.
// 2. An independent log replay written here (PROTOCOL.md "Action
//    Reconciliation") runs over every commit, checks that each carries the
//    protocol's required fields, and must agree with kinetl's active-file
//    list (test_delta_lake --files) at every version.
// 3. DuckDB reads exactly the active files of every version with
//    read_parquet([...], hive_partitioning=true) and must return exactly the
//    expected rows; per active file, numRecords / min / max / nullCount in
//    add.stats must match what DuckDB computes from the data.
//
// Oracles come from tests/oracle/node_modules (via tests/lib/oracles.mjs,
// as the PASS/FAIL lines). Prints "PASS name" / "FAIL name: why"; exit 1 on failure.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeReporter, oracleRequire, repoRoot as repo } from '../lib/oracles.mjs';

const { DuckDBInstance } = oracleRequire('@duckdb/node-api');
const maker = process.env.KT_DELTA_LAKE_BIN || join(repo, 'build', 'tests', 'test_delta_lake');

const { pass, fail, exitCode } = makeReporter();
const isInt = (v) => Number.isInteger(v);
const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

// ---- independent log replay -------------------------------------------------

const TYPES = new Set(['string', 'long', 'integer', 'double', 'boolean', 'timestamp']);

function checkCommitInfo(ci, v, errs) {
  if (!isInt(ci.timestamp)) errs.push('commitInfo.timestamp is not an integer');
  if (typeof ci.operation !== 'string') errs.push('commitInfo.operation missing');
  if (!isObj(ci.operationParameters)) errs.push('commitInfo.operationParameters is not an object');
  else for (const [k, p] of Object.entries(ci.operationParameters))
    if (typeof p !== 'string') errs.push(`operationParameters.${k} is not a string`);
  if (!/^kinetl\/\d+\.\d+\.\d+/.test(ci.engineInfo || '')) errs.push(`engineInfo ${ci.engineInfo}`);
  if (typeof ci.isBlindAppend !== 'boolean') errs.push('commitInfo.isBlindAppend is not boolean');
  if (v > 0 && !(isInt(ci.readVersion) && ci.readVersion >= 0 && ci.readVersion < v))
    errs.push(`commitInfo.readVersion ${ci.readVersion} at version ${v}`);
}

function checkMetadata(m, errs) {
  if (typeof m.id !== 'string' || !/^[0-9a-f-]{36}$/.test(m.id)) errs.push(`metaData.id ${m.id}`);
  if (!isObj(m.format) || m.format.provider !== 'parquet' || !isObj(m.format.options))
    errs.push('metaData.format');
  if (!isObj(m.configuration) || Object.values(m.configuration).some((x) => typeof x !== 'string'))
    errs.push('metaData.configuration');
  if (!isInt(m.createdTime)) errs.push('metaData.createdTime');
  let schema;
  try { schema = JSON.parse(m.schemaString); } catch (e) { errs.push('schemaString is not JSON'); return null; }
  if (schema.type !== 'struct' || !Array.isArray(schema.fields)) errs.push('schemaString not a struct');
  for (const f of schema.fields || [])
    if (typeof f.name !== 'string' || !TYPES.has(f.type) || typeof f.nullable !== 'boolean' || !isObj(f.metadata))
      errs.push(`schema field ${JSON.stringify(f)}`);
  const names = new Set((schema.fields || []).map((f) => f.name));
  if (!Array.isArray(m.partitionColumns) || m.partitionColumns.some((c) => !names.has(c)))
    errs.push('metaData.partitionColumns');
  return { fields: schema.fields || [], partitionColumns: m.partitionColumns || [] };
}

function checkPartitionValues(pv, meta, what, errs) {
  const keys = Object.keys(pv || {}).sort();
  const want = [...meta.partitionColumns].sort();
  if (!isObj(pv) || JSON.stringify(keys) !== JSON.stringify(want))
    errs.push(`${what}: partitionValues keys ${keys} != ${want}`);
  else for (const k of keys)
    if (!(pv[k] === null || typeof pv[k] === 'string')) errs.push(`${what}: partitionValues.${k}`);
}

function checkAdd(a, meta, tableDir, errs) {
  const what = `add ${a.path}`;
  if (typeof a.path !== 'string' || a.path.startsWith('/') || /^[a-z]+:/i.test(a.path)) errs.push(`${what}: path`);
  checkPartitionValues(a.partitionValues, meta, what, errs);
  if (!isInt(a.size) || a.size < 0) errs.push(`${what}: size`);
  if (!isInt(a.modificationTime)) errs.push(`${what}: modificationTime`);
  if (a.dataChange !== true) errs.push(`${what}: dataChange`);
  const file = join(tableDir, decodeURIComponent(a.path));
  if (!existsSync(file) || statSync(file).size !== a.size) errs.push(`${what}: file missing or size differs`);
  let stats;
  try { stats = JSON.parse(a.stats); } catch (e) { errs.push(`${what}: stats is not JSON`); return; }
  if (!isInt(stats.numRecords)) errs.push(`${what}: stats.numRecords`);
  const dataCols = new Set(meta.fields.map((f) => f.name).filter((n) => !meta.partitionColumns.includes(n)));
  for (const key of ['minValues', 'maxValues', 'nullCount'])
    if (!isObj(stats[key]) || Object.keys(stats[key]).some((c) => !dataCols.has(c)))
      errs.push(`${what}: stats.${key} names a column that is not a data column`);
}

function checkRemove(r, meta, active, errs) {
  const what = `remove ${r.path}`;
  if (!active.has(decodeURIComponent(r.path))) errs.push(`${what}: not an active file`);
  if (!isInt(r.deletionTimestamp)) errs.push(`${what}: deletionTimestamp`);
  if (r.dataChange !== true) errs.push(`${what}: dataChange`);
  if (r.extendedFileMetadata !== true) errs.push(`${what}: extendedFileMetadata`);
  checkPartitionValues(r.partitionValues, meta, what, errs);
  if (!isInt(r.size)) errs.push(`${what}: size`);
}

// Applies commit v to state; returns the problems found in it.
function replayCommit(state, tableDir, v, text) {
  const errs = [];
  const lines = text.split('\n').filter((l) => l.trim().length);
  const actions = [];
  for (const [i, line] of lines.entries()) {
    let obj;
    try { obj = JSON.parse(line); } catch (e) { errs.push(`line ${i + 1} is not JSON`); continue; }
    const keys = Object.keys(obj);
    if (keys.length !== 1) errs.push(`line ${i + 1} holds ${keys.length} actions`);
    actions.push([keys[0], obj[keys[0]]]);
  }
  if (!actions.length || actions[0][0] !== 'commitInfo') errs.push('commitInfo is not the first action');
  const seen = { add: new Set(), remove: new Set() };
  for (const [kind, a] of actions) {
    if (kind === 'commitInfo') checkCommitInfo(a, v, errs);
    else if (kind === 'protocol') {
      if (a.minReaderVersion !== 1 || a.minWriterVersion !== 2 || a.readerFeatures || a.writerFeatures)
        errs.push(`protocol ${JSON.stringify(a)}`);
      state.protocol = a;
    } else if (kind === 'metaData') {
      const meta = checkMetadata(a, errs);
      if (meta) state.meta = meta;
      state.metaId = state.metaId || a.id;
      if (a.id !== state.metaId) errs.push('metaData.id changed');
    } else if (kind === 'txn') {
      if (typeof a.appId !== 'string' || !isInt(a.version) || !isInt(a.lastUpdated)) errs.push('txn fields');
      state.txns.set(a.appId, a.version);
    } else if (kind === 'add' || kind === 'remove') {
      const path = decodeURIComponent(a.path);
      if (seen[kind].has(path)) errs.push(`${kind} of ${path} twice in one commit`);
      seen[kind].add(path);
    } else errs.push(`unexpected action ${kind}`);
  }
  if (v === 0 && (!state.protocol || !state.meta)) errs.push('version 0 lacks protocol or metaData');
  // removes apply to the state before the commit; adds after
  for (const [kind, a] of actions) if (kind === 'remove') {
    checkRemove(a, state.meta, state.active, errs);
    state.active.delete(decodeURIComponent(a.path));
  }
  for (const [kind, a] of actions) if (kind === 'add') {
    checkAdd(a, state.meta, tableDir, errs);
    state.active.set(decodeURIComponent(a.path), a);
  }
  return errs;
}

function kinetlFiles(tableDir, v) {
  const r = spawnSync(maker, ['--files', tableDir, String(v)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`test_delta_lake --files: ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l).map((l) => JSON.parse(l));
}

function compareWithKinetl(state, files) {
  const mine = [...state.active.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  if (mine.length !== files.length) return `${mine.length} active files here, kinetl lists ${files.length}`;
  for (let i = 0; i < files.length; i++) {
    const [path, add] = mine[i];
    const k = files[i];
    const stats = JSON.parse(add.stats);
    const pv = {};
    for (const c of state.meta.partitionColumns) pv[c] = add.partitionValues[c] === '' ? null : add.partitionValues[c];
    if (k.path !== path || k.log_path !== add.path || k.size !== add.size || k.numRecords !== stats.numRecords ||
        JSON.stringify(k.partitionValues) !== JSON.stringify(pv))
      return `file ${i}: kinetl ${JSON.stringify(k)} vs replay ${path} ${JSON.stringify(pv)} ${add.size}`;
  }
  return null;
}

// ---- DuckDB ----------------------------------------------------------------

const sqlString = (s) => `'${s.replace(/'/g, "''")}'`;
const ident = (s) => `"${s.replace(/"/g, '""')}"`;

function readParquetCall(files, meta) {
  const list = `[${files.map(sqlString).join(', ')}]`;
  const hive = meta.partitionColumns.length
    ? `, hive_partitioning=true, hive_types={${meta.partitionColumns.map((c) => `${sqlString(c)}: 'VARCHAR'`).join(', ')}}`
    : ', hive_partitioning=false';
  return `read_parquet(${list}${hive}, union_by_name=true)`;
}

// Rows of the table as canonical JSON strings (schema order; missing columns null).
async function duckRows(conn, files, meta) {
  if (!files.length) return [];
  const from = readParquetCall(files, meta);
  const desc = await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${from}`);
  const present = new Set(desc.getRowObjectsJson().map((r) => r.column_name));
  const select = meta.fields.map((f) => {
    if (!present.has(f.name)) return `NULL AS ${ident(f.name)}`;
    if (f.type === 'timestamp') return `epoch_us(${ident(f.name)}) AS ${ident(f.name)}`;
    return ident(f.name);
  }).join(', ');
  const res = await conn.runAndReadAll(`SELECT ${select} FROM ${from}`);
  return res.getRowObjectsJson().map((r) => JSON.stringify(meta.fields.map((f) => [f.name, r[f.name] ?? null])));
}

function expectedRows(expectDir, table, v, meta) {
  const text = readFileSync(join(expectDir, table, `${v}.jsonl`), 'utf8');
  return text.split('\n').filter((l) => l).map((l) => {
    const r = JSON.parse(l);
    return JSON.stringify(meta.fields.map((f) => [f.name, r[f.name] ?? null]));
  });
}

function diffSorted(want, got) {
  want.sort(); got.sort();
  if (want.length !== got.length) return `${got.length} rows, expected ${want.length}`;
  for (let i = 0; i < want.length; i++)
    if (want[i] !== got[i]) return `row ${i}: got ${got[i]} expected ${want[i]}`;
  return null;
}

const msToIso = (us) => new Date(Math.floor(Number(BigInt(us) / 1000n))).toISOString();

// add.stats against what DuckDB computes from the file itself.
async function checkStats(conn, file, add, meta) {
  const stats = JSON.parse(add.stats);
  const cols = meta.fields.filter((f) => !meta.partitionColumns.includes(f.name));
  const desc = await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${sqlString(file)})`);
  const present = new Set(desc.getRowObjectsJson().map((r) => r.column_name));
  const parts = ['count(*) AS n'];
  for (const f of cols.filter((c) => present.has(c.name))) {
    const c = ident(f.name);
    const val = f.type === 'timestamp' ? `epoch_us(${c})` : c;
    parts.push(`min(${val}) AS ${ident('min_' + f.name)}`, `max(${val}) AS ${ident('max_' + f.name)}`,
      `count(*) - count(${c}) AS ${ident('nulls_' + f.name)}`);
  }
  const res = await conn.runAndReadAll(`SELECT ${parts.join(', ')} FROM read_parquet(${sqlString(file)})`);
  const r = res.getRowObjectsJson()[0];
  if (String(r.n) !== String(stats.numRecords)) return `numRecords ${stats.numRecords}, file has ${r.n}`;
  for (const f of cols) {
    if (!present.has(f.name)) {
      if (stats.nullCount[f.name] !== undefined && stats.nullCount[f.name] !== stats.numRecords)
        return `${f.name} absent from the file but nullCount ${stats.nullCount[f.name]}`;
      continue;
    }
    if (String(stats.nullCount[f.name]) !== String(r['nulls_' + f.name]))
      return `nullCount.${f.name} ${stats.nullCount[f.name]} vs ${r['nulls_' + f.name]}`;
    for (const side of ['min', 'max']) {
      const got = stats[side === 'min' ? 'minValues' : 'maxValues'][f.name];
      const actual = r[`${side}_${f.name}`];
      if (f.type === 'boolean' || actual === null) {
        if (got !== undefined) return `${side}Values.${f.name} present for a ${f.type} / all-null column`;
        continue;
      }
      let want = actual;
      if (f.type === 'timestamp') want = msToIso(actual);        // truncated to ms, ISO UTC
      else if (f.type === 'long') want = Number(actual);
      if (f.type === 'string' && [...actual].length > 32) {
        if (side === 'max' ? got !== undefined : got !== [...actual].slice(0, 32).join(''))
          return `${side}Values.${f.name} of a long string: ${got}`;
        continue;
      }
      if (got !== want) return `${side}Values.${f.name} = ${JSON.stringify(got)}, data says ${JSON.stringify(want)}`;
    }
  }
  return null;
}

// ---- main --------------------------------------------------------------------

const tmp = mkdtempSync(join(tmpdir(), 'kt-delta-interop-'));
try {
  const lake = join(tmp, 'lake');
  const expectDir = join(tmp, 'expect');
  const made = spawnSync(maker, ['--make-lake', lake, expectDir], { encoding: 'utf8' });
  if (made.status !== 0) {
    fail('delta_interop/make_lake', `${maker}: ${made.stderr || made.error}`);
    process.exit(1);
  }
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  for (const table of ['raw', 'run_stats', 'tags', 'empty']) {
    const tableDir = join(lake, table);
    const logDir = join(tableDir, '_delta_log');
    const commits = readdirSync(logDir).filter((n) => /^\d{20}\.json$/.test(n)).sort();
    const versionsOk = commits.every((n, i) => Number(n.slice(0, 20)) === i);
    versionsOk ? pass(`delta_interop/${table}/versions_contiguous`)
      : fail(`delta_interop/${table}/versions_contiguous`, commits.join(' '));
    const state = { active: new Map(), txns: new Map(), meta: null, protocol: null };
    const problems = { fields: [], files: [], rows: [], stats: [] };
    for (let v = 0; v < commits.length; v++) {
      const errs = replayCommit(state, tableDir, v, readFileSync(join(logDir, commits[v]), 'utf8'));
      if (errs.length) problems.fields.push(`v${v}: ${errs.slice(0, 3).join('; ')}`);
      const why = compareWithKinetl(state, kinetlFiles(tableDir, v));
      if (why) problems.files.push(`v${v}: ${why}`);
      const files = [...state.active.keys()].map((p) => join(tableDir, p));
      const rowsWhy = diffSorted(expectedRows(expectDir, table, v, state.meta), await duckRows(conn, files, state.meta));
      if (rowsWhy) problems.rows.push(`v${v}: ${rowsWhy}`);
    }
    for (const [path, add] of state.active) {
      const why = await checkStats(conn, join(tableDir, path), add, state.meta);
      if (why) problems.stats.push(`${path}: ${why}`);
    }
    const report = (name, list) => (list.length ? fail(`delta_interop/${table}/${name}`, list.slice(0, 3).join(' | '))
      : pass(`delta_interop/${table}/${name}`));
    report('commits_carry_required_fields', problems.fields);
    report('js_replay_matches_kinetl_every_version', problems.files);
    report('duckdb_reads_expected_rows_every_version', problems.rows);
    report('stats_match_data', problems.stats);
  }
  // the txn markers and the final state, as the replay sees them
  const state = { active: new Map(), txns: new Map(), meta: null, protocol: null };
  const rawLog = join(lake, 'raw', '_delta_log');
  for (const [v, n] of readdirSync(rawLog).filter((x) => x.endsWith('.json')).sort().entries())
    replayCommit(state, join(lake, 'raw'), v, readFileSync(join(rawLog, n), 'utf8'));
  state.txns.get('kinetl-ingest') === 2 && state.meta.fields.length === 7
    ? pass('delta_interop/raw/txn_and_schema_evolution')
    : fail('delta_interop/raw/txn_and_schema_evolution', `txn ${state.txns.get('kinetl-ingest')}, ${state.meta.fields.length} fields`);
} catch (e) {
  fail('delta_interop/run', e && e.stack ? e.stack.split('\n').slice(0, 4).join(' | ') : String(e));
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
process.exit(exitCode());
