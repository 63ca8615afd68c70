// tests/access/test_access_pipeline.mjs — the access tools on a lake made by
// the real pipeline: `kinetl gen` (the sample profile: the real sample's four
// runs with their gaps, missing sensors and injected anomalies), then
// `kinetl run --source` (or `ingest` + `process --all` where `run` is not
// there yet). Checks: `kinetl sql-views` in DuckDB returns exactly
// `kinetl cat`'s rows for run_stats, quarantine and, for the 77.6 s run,
// raw/aligned/features (values compared exactly, as multisets); row counts
// of every table agree between views, cat and the Delta log; every ```sql
// block of docs/ACCESS.md runs on this lake; `kinetl export` of a run
// equals cat. Skipped (one SKIP line, exit 0) while the binary has no
// ingest/process commands.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  catRows, duckdb, duckRows, kinetl, makeReporter, multisetDiff, mustRun, repo, run,
} from './helpers.mjs';

const t = makeReporter();
const has = (cmd) => run(kinetl, [cmd, '--help']).status === 0;
if (!has('ingest') || !has('process')) {
  console.log('SKIP access_pipeline: this kinetl has no ingest/process commands yet');
  process.exit(0);
}
const show = (x) => JSON.stringify(x, (k, v) => (typeof v === 'bigint' ? v.toString() : v));
const tmp = mkdtempSync(join(tmpdir(), 'kt-accesspipe-'));
try {
  const source = join(tmp, 'source'), lake = join(tmp, 'lake');
  mustRun(kinetl, ['gen', '--out', source, '--quiet']);
  if (has('run')) {
    mustRun(kinetl, ['--lake', lake, 'run', '--source', source]);
  } else {
    mustRun(kinetl, ['--lake', lake, 'ingest', '--source', source]);
    mustRun(kinetl, ['--lake', lake, 'process', '--all']);
  }
  const db = await duckdb();
  await db.loadViews(lake);

  // counts: views = cat = the log's numRecords, every table
  const tables = mustRun(kinetl, ['--lake', lake, 'tables', '--json']).trim().split('\n').map((l) => JSON.parse(l));
  for (const { table, rows } of tables) {
    const view = Number((await db.all(`SELECT count(*) AS n FROM "${table}"`))[0].n);
    const cat = mustRun(kinetl, ['--lake', lake, 'cat', table, '--columns',
      table === 'quarantine' ? 'reason' : 'run_uuid', '--format', 'csv']).split('\n').length - 2;
    t.check(`pipeline/${table}/counts`, view === rows && cat === rows, `view ${view}, cat ${cat}, log ${rows}`);
  }

  // exact rows: small tables whole, the short run's partitions
  const short = (await db.all(`SELECT run_uuid FROM run_stats ORDER BY runtime_s LIMIT 1`))[0].run_uuid;
  const cases = [['run_stats', null], ['quarantine', null], ['raw', short], ['aligned', short], ['features', short]];
  for (const [table, runId] of cases) {
    const rel = runId ? `(SELECT * FROM "${table}" WHERE run_uuid = '${runId}')` : `"${table}"`;
    const duck = await duckRows(db, rel);
    const cat = catRows(lake, table, duck.cols, runId ? ['--run', runId] : []);
    const diff = multisetDiff(cat.rows, duck.rows);
    t.check(`pipeline/${table}${runId ? '/run' : ''}/rows`, diff === null && (cat.rows.length > 0),
      diff || 'no rows');
  }

  // the run ids stay exact text
  const ids = (await db.all(`SELECT DISTINCT run_uuid FROM aligned ORDER BY 1`)).map((r) => r.run_uuid);
  t.check('pipeline/run_ids_exact', ids.includes('12405186538561671000') && ids.includes('7582293080991470000'),
    show(ids));

  // the documentation's SQL on the real data
  const doc = readFileSync(join(repo, 'docs', 'ACCESS.md'), 'utf8');
  const blocks = [...doc.matchAll(/^```sql\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
  for (const [i, sql] of blocks.entries()) {
    try {
      const rows = await db.all(sql);
      t.check(`pipeline/doc_sql_${i + 1}`, rows.length > 0, `no rows: ${sql.split('\n')[0]}`);
    } catch (e) {
      t.fail(`pipeline/doc_sql_${i + 1}`, e.message.split('\n')[0]);
    }
  }

  // export = cat
  const out = join(tmp, 'export');
  mustRun(kinetl, ['--lake', lake, 'export', '--run', short, '--out', out]);
  for (const table of ['aligned', 'features', 'run_stats']) {
    const want = mustRun(kinetl, ['--lake', lake, 'cat', table, '--run', short, '--format', 'csv']);
    const got = readFileSync(join(out, short, `${table}.csv`), 'utf8');
    t.check(`pipeline/export/${table}`, got === want && want.split('\n').length > 2, 'differs from cat');
  }
} catch (e) {
  t.fail('pipeline/unexpected', e.stack || String(e));
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
t.done();
