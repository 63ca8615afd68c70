// tests/access/test_sql_views.mjs — `kinetl sql-views` read by DuckDB:
// every view returns exactly the rows `kinetl cat` returns (same columns,
// same types, same values as a multiset), on a fresh lake, after a run was
// reprocessed but before vacuum (where a naive glob over the table folder
// double-counts and the views do not), for an empty lake (right columns,
// zero rows), and under a directory whose name holds '='. Run ids stay
// exact VARCHARs (one is above 2^63). Views generated earlier keep showing
// their snapshot (= `kinetl cat --version`).
// Prints "PASS name" / "FAIL name: why"; exit 1 on failure.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  catRows, duckdb, duckRows, makeLake, makeReporter, multisetDiff, mustRun, kinetl, reprocess, run,
} from './helpers.mjs';

const t = makeReporter();
const show = (x) => JSON.stringify(x, (k, v) => (typeof v === 'bigint' ? v.toString() : v));
const tmp = mkdtempSync(join(tmpdir(), 'kt-views-'));
const TABLES = ['aligned', 'features', 'quarantine', 'raw', 'run_stats'];
const R0 = '7582293080991470000', R1 = '12405186538561671000';

// Views of `db` against `kinetl cat` for every table; `extra` = cat options.
async function compareAll(db, lake, label, extra = []) {
  for (const table of TABLES) {
    const duck = await duckRows(db, table);
    const cat = catRows(lake, table, duck.cols, extra);
    t.check(`${label}/${table}/columns`, cat.header.join(',') === duck.cols.map((c) => c.name).join(','),
      `cat ${cat.header.join(',')} vs view ${duck.cols.map((c) => c.name).join(',')}`);
    const diff = multisetDiff(cat.rows, duck.rows);
    t.check(`${label}/${table}/rows`, diff === null && cat.rows.length > 0, diff || 'no rows');
  }
}

async function countGlob(db, lake, table) {
  const r = await db.all(`SELECT count(*) AS n FROM read_parquet('${lake}/${table}/**/*.parquet', hive_partitioning = true)`);
  return Number(r[0].n);
}

try {
  const lake = join(tmp, 'lake');
  makeLake(lake);

  // ---- fresh lake
  let db = await duckdb();
  await db.loadViews(lake);
  await compareAll(db, lake, 'fresh');
  const types = await db.all(`SELECT DISTINCT typeof(run_uuid) AS t FROM aligned`);
  t.check('run_uuid_is_varchar', types.length === 1 && types[0].t === 'VARCHAR', show(types));
  const big = await db.all(`SELECT count(*) AS n FROM run_stats WHERE run_uuid = '${R1}'`);
  t.check('run_uuid_above_2_63_exact', Number(big[0].n) === 1, show(big));
  const oldViews = await duckdb();
  await oldViews.loadViews(lake);
  const catV3 = mustRun(kinetl, ['--lake', lake, 'history', 'aligned', '--json', '--limit', '1']);
  const versionBefore = JSON.parse(catV3.trim()).version;

  // ---- run 0 reprocessed, not vacuumed: old files still on disk
  reprocess(lake, 0);
  db = await duckdb();
  await db.loadViews(lake);
  await compareAll(db, lake, 'reprocessed');
  for (const table of ['aligned', 'features', 'run_stats']) {
    const views = Number((await db.all(`SELECT count(*) AS n FROM ${table}`))[0].n);
    const glob = await countGlob(db, lake, table);
    t.check(`reprocessed/${table}/naive_glob_double_counts`, glob > views,
      `glob ${glob} rows, views ${views}: the glob should see the replaced files too`);
  }
  const naiveRun0 = Number((await db.all(
    `SELECT count(*) AS n FROM read_parquet('${lake}/aligned/**/*.parquet', hive_partitioning = true,
       hive_types = {'run_uuid': VARCHAR}) WHERE run_uuid = '${R0}'`))[0].n);
  const viewRun0 = Number((await db.all(`SELECT count(*) AS n FROM aligned WHERE run_uuid = '${R0}'`))[0].n);
  const catRun0 = mustRun(kinetl, ['--lake', lake, 'cat', 'aligned', '--run', R0, '--columns', 'run_uuid']).trim().split('\n').length - 1;
  t.check('reprocessed/run0/view_equals_cat', viewRun0 === catRun0, `view ${viewRun0}, cat ${catRun0}`);
  t.check('reprocessed/run0/glob_has_both_versions', naiveRun0 > viewRun0, `glob ${naiveRun0}, view ${viewRun0}`);

  // views generated before the reprocessing still show their snapshot
  {
    const duck = await duckRows(oldViews, 'aligned');
    const cat = catRows(lake, 'aligned', duck.cols, ['--version', String(versionBefore)]);
    const diff = multisetDiff(cat.rows, duck.rows);
    t.check('old_views_show_their_snapshot', diff === null, diff);
  }

  // ---- a table subset
  db = await duckdb();
  await db.loadViews(lake, ['run_stats']);
  const views = await db.all(`SELECT view_name FROM duckdb_views() WHERE NOT internal ORDER BY 1`);
  t.check('named_tables_only', views.map((v) => v.view_name).join(',') === 'run_stats', show(views));
  const bad = run(kinetl, ['--lake', lake, 'sql-views', 'nosuch']);
  t.check('unknown_table_exit_1', bad.status === 1 && bad.stderr.split('\n').filter(Boolean).length === 1, bad.stderr);

  // ---- empty lake: right columns, zero rows
  const empty = join(tmp, 'empty');
  makeLake(empty, { runs: 0 });
  const edb = await duckdb();
  await edb.loadViews(empty);
  const fdb = await duckdb();
  await fdb.loadViews(lake);
  for (const table of TABLES) {
    const cols = await describeText(edb, table);
    const full = await describeText(fdb, table);
    const n = Number((await edb.all(`SELECT count(*) AS n FROM ${table}`))[0].n);
    t.check(`empty/${table}`, n === 0 && cols === full, `rows ${n}; columns ${cols} vs ${full}`);
  }

  // ---- a lake below a directory named k=v: no extra column, same rows
  const kvRoot = join(tmp, 'site=lab');
  mkdirSync(kvRoot);
  const kvLake = join(kvRoot, 'lake');
  makeLake(kvLake, { runs: 2, seconds: 2 });
  const kdb = await duckdb();
  await kdb.loadViews(kvLake);
  await compareAll(kdb, kvLake, 'key_value_dir');
} catch (e) {
  t.fail('unexpected', e.stack || String(e));
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
t.done();

async function describeText(db, table) {
  const rows = await db.all(`DESCRIBE ${table}`);
  return rows.map((r) => `${r.column_name}:${r.column_type}`).join(',');
}
