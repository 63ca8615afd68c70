// tests/ingest/test_ingest_gen.mjs — `kinetl ingest` on the generator's
// sample (real source schema, anomalies at known file/row), checked with
// DuckDB reading the Delta tables: every injected anomaly ends where SPEC
// §3 says (the manifest's outcome and rule), accepted + quarantined +
// dropped duplicates equal the generated rows exactly (overall and per
// file), the real ids become their canonical decimal text, re-running and
// deleting state.db ingest nothing twice, a corrupt or non-Parquet file
// fails alone (exit 1, listed by `kinetl status`), and a file whose content
// changes at an ingested path is reported and not ingested again.
// Prints "PASS name" / "FAIL name: why" lines (tests/run.sh counts them).
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { kinetlBin as kinetl, makeReporter } from '../lib/oracles.mjs';
import { openOracle, replay } from './lake_oracle.mjs';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kinetl-ingest-'));
const src = path.join(tmp, 'src'), lake = path.join(tmp, 'lake');
const { pass, fail, check, exitCode } = makeReporter();
function run(...args) {
  const r = spawnSync(kinetl, ['--lake', lake, ...args], { encoding: 'utf8', env: { ...process.env, KINETL_UNSAFE_NO_FSYNC: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
function ingestJson() {
  const r = run('ingest', '--source', src, '--json');
  const lines = r.out.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
  return { ...r, files: lines.filter((l) => !l.summary), summary: lines.find((l) => l.summary) };
}
const sql = (s) => String(s).replaceAll("'", "''");

execFileSync(kinetl, ['gen', '--out', src, '--profile', 'sample', '--seed', '11', '--quiet']);
const manifest = JSON.parse(fs.readFileSync(path.join(src, '_anomalies.json'), 'utf8'));
const { q, view } = await openOracle();

const first = ingestJson();
await view(lake, 'raw');
await view(lake, 'quarantine');

await check('ingest_exit_code_and_summary', () => {
  if (first.code !== 0) return `exit ${first.code}: ${first.err}`;
  const s = first.summary;
  if (!s) return 'no summary line';
  if (s.discovered !== manifest.files.length || s.ingested !== manifest.files.length)
    return `found ${s.discovered}, ingested ${s.ingested}, manifest lists ${manifest.files.length}`;
  if (s.failed !== 0) return `${s.failed} failed`;
});

await check('accepted_plus_quarantined_plus_duplicates_equal_generated_rows', async () => {
  const s = first.summary;
  if (s.rows !== manifest.total_rows) return `read ${s.rows} rows, generated ${manifest.total_rows}`;
  if (s.accepted + s.quarantined + s.duplicates !== manifest.total_rows)
    return `${s.accepted} + ${s.quarantined} + ${s.duplicates} != ${manifest.total_rows}`;
  const [r] = await q('select count(*)::bigint n from raw');
  const [qq] = await q('select count(*)::bigint n from quarantine');
  if (Number(r.n) !== s.accepted) return `raw holds ${r.n}, summary says ${s.accepted} accepted`;
  if (Number(qq.n) !== s.quarantined) return `quarantine holds ${qq.n}, summary says ${s.quarantined}`;
  const dropped = manifest.anomalies.filter((a) => a.outcome === 'dropped').length;
  if (s.duplicates !== dropped) return `${s.duplicates} duplicates dropped, manifest injected ${dropped}`;
});

await check('per_file_counts_balance', async () => {
  const raw = new Map((await q('select source_file f, count(*)::bigint n from raw group by 1')).map((r) => [r.f, Number(r.n)]));
  const qua = new Map((await q('select source_file f, count(*)::bigint n from quarantine group by 1')).map((r) => [r.f, Number(r.n)]));
  const dups = new Map(first.files.map((f) => [f.path, f.duplicates]));
  for (const f of manifest.files) {
    const got = (raw.get(f.path) || 0) + (qua.get(f.path) || 0) + (dups.get(f.path) || 0);
    if (got !== f.rows) return `${f.path}: ${got} rows accounted for, ${f.rows} generated`;
  }
});

await check('every_quarantine_anomaly_at_its_file_row_with_its_reason', async () => {
  const rows = await q('select source_file, row_number::bigint r, reason, detail, time_text, value_text, ' +
    'run_uuid_text from quarantine');
  const at = new Map(rows.map((r) => [`${r.source_file}#${r.r}`, r]));
  const want = manifest.anomalies.filter((a) => a.outcome === 'quarantine');
  if (rows.length !== want.length) return `quarantine holds ${rows.length} rows, manifest injected ${want.length}`;
  for (const a of want) {
    const r = at.get(`${a.file}#${a.row}`);
    if (!r) return `${a.kind}: nothing quarantined at ${a.file} row ${a.row}`;
    if (r.reason !== a.rule) return `${a.kind} at ${a.file}#${a.row}: reason ${r.reason}, SPEC says ${a.rule}`;
    if (!r.detail) return `${a.kind}: empty detail`;
    if (a.written.time && r.time_text !== a.written.time) return `${a.kind}: time_text ${r.time_text} != ${a.written.time}`;
  }
});

await check('accepted_anomalies_are_in_raw_normalised', async () => {
  for (const a of manifest.anomalies.filter((x) => x.outcome === 'accepted' && x.reading && x.written)) {
    const w = a.written, rd = a.reading;
    const hits = await q(`select count(*)::bigint n from raw where run_uuid = '${sql(rd.run_uuid)}' and ` +
      `time = '${sql(w.time)}'::timestamptz and robot_id = ${rd.robot_id} and field = '${sql(rd.field)}' and ` +
      `sensor_type = '${sql(rd.sensor_type)}' and value = ${w.value} and source_file = '${sql(a.file)}'`);
    if (Number(hits[0].n) !== 1) return `${a.kind} at ${a.file}#${a.row}: ${hits[0].n} matching raw rows`;
  }
});

await check('in_file_duplicates_are_kept_once', async () => {
  for (const a of manifest.anomalies.filter((x) => x.outcome === 'dropped')) {
    const w = a.written, rd = a.reading;
    const hits = await q(`select count(*)::bigint n from raw where run_uuid = '${sql(rd.run_uuid)}' and ` +
      `time = '${sql(w.time)}'::timestamptz and field = '${sql(rd.field)}' and robot_id = ${rd.robot_id} and ` +
      `source_file = '${sql(a.file)}'`);
    if (Number(hits[0].n) !== 1) return `${a.file}: ${hits[0].n} copies of the duplicated reading`;
  }
});

await check('run_ids_are_canonical_decimal_text', async () => {
  const got = (await q('select distinct run_uuid from raw order by 1')).map((r) => r.run_uuid);
  const want = manifest.runs.map((r) => r.run_uuid).sort();
  if (JSON.stringify(got) !== JSON.stringify(want)) return `raw runs ${got}, manifest ${want}`;
  if (!got.includes('12405186538561671000')) return 'the id above 2^63 is missing';
});

await check('times_are_typed_utc_microseconds', async () => {
  const [r] = await q(`select any_value(typeof(time)) t, min(time)::varchar mn from raw`);
  if (!/TIMESTAMP/.test(r.t)) return `time is ${r.t}`;
  const starts = manifest.runs.map((x) => x.start_time).sort()[0];
  const [m] = await q(`select (min(time) = '${sql(starts)}'::timestamptz) ok from raw`);
  if (!m.ok) return `earliest time ${r.mn}, manifest says ${starts}`;
});

const rawVersions = replay(lake, 'raw').versions, qVersions = replay(lake, 'quarantine').versions;

await check('rerun_ingests_nothing', () => {
  const again = ingestJson();
  if (again.code !== 0) return `exit ${again.code}: ${again.err}`;
  if (again.summary.ingested !== 0 || again.summary.already !== manifest.files.length)
    return `ingested ${again.summary.ingested}, already ${again.summary.already}`;
  if (replay(lake, 'raw').versions !== rawVersions) return 'raw got a new commit';
});

await check('deleting_state_db_ingests_nothing_twice', async () => {
  fs.rmSync(path.join(lake, '_kinetl', 'state.db'), { force: true });
  for (const f of ['state.db-wal', 'state.db-shm']) fs.rmSync(path.join(lake, '_kinetl', f), { force: true });
  const again = ingestJson();
  if (again.code !== 0) return `exit ${again.code}: ${again.err}`;
  if (again.summary.ingested !== 0) return `ingested ${again.summary.ingested} files again`;
  if (replay(lake, 'raw').versions !== rawVersions || replay(lake, 'quarantine').versions !== qVersions)
    return 'a table got a new commit';
  const st = JSON.parse(run('status', '--json').out);
  if (st.files.ingested !== manifest.files.length) return `status: ${st.files.ingested} files ingested after rebuild`;
  if (st.files.rows_accepted !== first.summary.accepted) return `status: ${st.files.rows_accepted} rows accepted`;
  if (st.files.rows_duplicate !== first.summary.duplicates) return `status: ${st.files.rows_duplicate} duplicates`;
});

await check('corrupt_and_non_parquet_files_fail_alone', async () => {
  const good = manifest.files[0].path;
  const bytes = fs.readFileSync(path.join(src, good));
  fs.mkdirSync(path.join(src, 'bad'), { recursive: true });
  fs.writeFileSync(path.join(src, 'bad', 'truncated.parquet'), bytes.subarray(0, bytes.length >> 1));
  fs.writeFileSync(path.join(src, 'bad', 'notes.parquet'), 'this is not parquet\n');
  const r = ingestJson();
  if (r.code !== 1) return `exit ${r.code}, want 1 (partial)`;
  const failed = r.files.filter((f) => f.outcome === 'failed').map((f) => f.path).sort();
  if (JSON.stringify(failed) !== JSON.stringify(['bad/notes.parquet', 'bad/truncated.parquet'])) return `failed: ${failed}`;
  const st = JSON.parse(run('status', '--json').out);
  const listed = (st.files.failed_files || st.files.failed_list || st.files.failed || []);
  const text = JSON.stringify(st);
  if (!text.includes('bad/notes.parquet') || !text.includes('bad/truncated.parquet')) return `status does not list them: ${JSON.stringify(listed).slice(0, 200)}`;
  if (replay(lake, 'raw').versions !== rawVersions) return 'raw got a commit for failing files';
});

await check('changed_content_at_an_ingested_path_is_reported_not_ingested', async () => {
  fs.rmSync(path.join(src, 'bad'), { recursive: true, force: true });
  const victim = manifest.files[1].path;
  const other = path.join(src, manifest.files[2].path);
  fs.copyFileSync(other, path.join(src, victim)); /* new content at an ingested path */
  const [before] = await q('select count(*)::bigint n from raw');
  const r = ingestJson();
  if (r.code !== 1) return `exit ${r.code}, want 1`;
  const f = r.files.find((x) => x.path === victim);
  if (!f || f.outcome !== 'changed') return `${victim}: ${JSON.stringify(f)}`;
  await view(lake, 'raw');
  const [after] = await q('select count(*)::bigint n from raw');
  if (before.n !== after.n) return `raw went from ${before.n} to ${after.n} rows`;
  const st = JSON.parse(run('status', '--json').out);
  if (st.files.changed !== 1) return `status: ${st.files.changed} changed`;
});

await check('usage_errors_exit_2', () => {
  const a = run('ingest');
  const b = run('ingest', '--source', src, '--limit', 'nonsense');
  const c = run('ingest', '--source', src, '--bogus');
  if (a.code !== 2 || b.code !== 2 || c.code !== 2) return `exits ${a.code} ${b.code} ${c.code}`;
  if (a.err.split('\n').filter((l) => l).length !== 1) return `not one line: ${a.err}`;
  const h = run('ingest', '--help');
  if (h.code !== 0 || !h.out.includes('--source')) return 'no help';
});

fs.rmSync(tmp, { recursive: true, force: true });
process.exit(exitCode());
