// tests/access/test_access_doc.mjs — the documentation runs: every ```sql
// block of docs/ACCESS.md is executed by DuckDB against the views
// `kinetl sql-views` writes for a test lake (3 runs through the real
// transform, the SPEC's run 7582293080991470000 among them, one run
// reprocessed) and must succeed and return at least one row. Blocks marked
// otherwise (```text, ```python, ```bash) are not run.
// Prints "PASS name" / "FAIL name: why"; exit 1 on failure.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { duckdb, makeLake, makeReporter, repo, reprocess } from './helpers.mjs';

const t = makeReporter();
const doc = readFileSync(join(repo, 'docs', 'ACCESS.md'), 'utf8');
const blocks = [...doc.matchAll(/^```sql\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
t.check('doc/has_sql_examples', blocks.length >= 5, `${blocks.length} sql blocks`);

const tmp = mkdtempSync(join(tmpdir(), 'kt-accessdoc-'));
try {
  const lake = join(tmp, 'lake');
  makeLake(lake, { runs: 3, seconds: 4 });
  reprocess(lake, 1, { runs: 3, seconds: 4 });
  const db = await duckdb();
  await db.loadViews(lake);
  for (const [i, sql] of blocks.entries()) {
    const name = `doc/sql_block_${i + 1}`;
    const first = sql.split('\n')[0].slice(0, 60);
    try {
      const rows = await db.all(sql);
      t.check(name, rows.length > 0, `no rows from: ${first}`);
    } catch (e) {
      t.fail(name, `${first}...: ${e.message.split('\n')[0]}`);
    }
  }
} catch (e) {
  t.fail('doc/unexpected', e.stack || String(e));
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
t.done();
