// tests/ingest/test_ingest_types.mjs — `kinetl ingest` on the same readings
// written by DuckDB with other reasonable physical types (SPEC §1):
// TIMESTAMP(µs), TIMESTAMP_NS, TIMESTAMP_MS; FLOAT, DECIMAL and BIGINT
// values; INTEGER, TINYINT and DOUBLE robot ids; UBIGINT, BIGINT and VARCHAR
// run ids; column names in other cases plus extra columns. Each file must
// give the same raw rows as the reference file in the real source schema
// (times to the µs, canonical run ids). A file with an impossible type fails
// alone with one line; limits from flags and from <lake>/_kinetl/ingest.conf
// move rows to quarantine as out_of_range.
// Prints "PASS name" / "FAIL name: why" lines.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { kinetlBin as kinetl, makeReporter } from '../lib/oracles.mjs';
import { openOracle } from './lake_oracle.mjs';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kinetl-types-'));
const { pass, fail, check, exitCode } = makeReporter();
function ingest(lake, src, ...extra) {
  const r = spawnSync(kinetl, ['--lake', lake, 'ingest', '--source', src, '--json', ...extra],
    { encoding: 'utf8', env: { ...process.env, KINETL_UNSAFE_NO_FSYNC: '1' } });
  const lines = r.stdout.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
  return { code: r.status, err: r.stderr, files: lines.filter((l) => !l.summary), summary: lines.find((l) => l.summary) };
}

const { con, q, view } = await openOracle();
// 600 readings: base table with exact values representable in every type used below
await con.run(`create table base as select i,
  timestamp '2022-11-23 20:40:00' + to_microseconds(i * 10007) as ts,
  (i % 200) * 0.5 - 40 as v,
  ['x','y','z','fx','fy','fz'][1 + i % 6] as field,
  1 + (i // 6) % 2 as robot,
  case when i % 2 = 0 then 12405186538561671000::ubigint else 7582293080991470000::ubigint end as run,
  case when i % 6 < 3 then 'encoder' else 'load_cell' end as sensor
  from range(600) t(i)`);

const srcs = {};
function dir(name) {
  const d = path.join(tmp, name);
  fs.mkdirSync(d, { recursive: true });
  srcs[name] = d;
  return d;
}
const out = (name) => path.join(dir(name), 'data.parquet');
// reference: the real source schema (ISO text with trimmed ms is not exact to the µs, so use 6 digits + Z)
await con.run(`copy (select strftime(ts, '%Y-%m-%dT%H:%M:%S.%fZ') as time, v::double as value, field, robot::bigint as robot_id,
  run::double as run_uuid, sensor as sensor_type from base) to '${out('ref')}' (format parquet)`);
await con.run(`copy (select ts as "TIME", v::float as "Value", field as "Field", robot::integer as "Robot_ID",
  run as "RUN_UUID", sensor as "Sensor_Type", i as note from base) to '${out('us_float_ubigint')}' (format parquet)`);
await con.run(`copy (select ts::timestamp_ns as time, v::decimal(10,3) as value, upper(field) as field,
  robot::double as robot_id, run::varchar as run_uuid, ' ' || sensor || ' ' as sensor_type from base)
  to '${out('ns_decimal_text')}' (format parquet)`);
await con.run(`copy (select ts as time, (v * 2)::bigint as value, field, robot::tinyint as robot_id,
  (case when run = 12405186538561671000 then -5 else 42 end)::bigint as run_uuid,
  sensor as sensor_type from base) to '${out('bigint_values_signed_ids')}' (format parquet)`);
await con.run(`copy (select ts::timestamp_ms as time, v::double as value, field, robot::bigint as robot_id,
  run::double as run_uuid, sensor as sensor_type from base) to '${out('ms')}' (format parquet)`);
await con.run(`copy (select ts as time, v::varchar as value, field, robot as robot_id, run::double as run_uuid,
  sensor as sensor_type from base) to '${out('impossible')}' (format parquet)`);

async function rawOf(name, extra = []) {
  const lake = path.join(tmp, `lake-${name}`);
  const r = ingest(lake, srcs[name], ...extra);
  await view(lake, 'raw', `raw_${name}`);
  return { r, lake };
}

const ref = await rawOf('ref');
const refRows = await q(`select run_uuid, epoch_us(time) t, robot_id, sensor_type, field, value from raw_ref order by 2, 5`);

await check('reference_file_ingests_all_rows', () => {
  if (ref.r.code !== 0) return `exit ${ref.r.code}: ${ref.r.err}`;
  if (refRows.length !== 600) return `${refRows.length} rows`;
  const ids = [...new Set(refRows.map((x) => x.run_uuid))].sort();
  if (JSON.stringify(ids) !== JSON.stringify(['12405186538561671000', '7582293080991470000'])) return `ids ${ids}`;
});

await check('timestamp_us_float_ubigint_and_case_insensitive_names', async () => {
  const { r } = await rawOf('us_float_ubigint');
  if (r.code !== 0) return `exit ${r.code}: ${r.err}`;
  if (!r.files[0].ignored_columns || !r.files[0].ignored_columns.includes('note')) return `extra column not reported: ${JSON.stringify(r.files[0])}`;
  const got = await q(`select run_uuid, epoch_us(time) t, robot_id, sensor_type, field, value from raw_us_float_ubigint order by 2, 5`);
  if (JSON.stringify(got) !== JSON.stringify(refRows)) return `differs: ${JSON.stringify(got[1])} vs ${JSON.stringify(refRows[1])}`;
});

await check('timestamp_ns_decimal_text_ids_and_unnormalised_names', async () => {
  const { r } = await rawOf('ns_decimal_text');
  if (r.code !== 0) return `exit ${r.code}: ${r.err}`;
  const got = await q(`select run_uuid, epoch_us(time) t, robot_id, sensor_type, field, value from raw_ns_decimal_text order by 2, 5`);
  if (JSON.stringify(got) !== JSON.stringify(refRows)) return `differs: ${JSON.stringify(got[0])} vs ${JSON.stringify(refRows[0])}`;
});

await check('bigint_values_and_signed_ids_kept_exactly', async () => {
  const { r } = await rawOf('bigint_values_signed_ids');
  if (r.code !== 0) return `exit ${r.code}: ${r.err}`;
  const ids = (await q('select distinct run_uuid from raw_bigint_values_signed_ids order by 1')).map((x) => x.run_uuid);
  if (JSON.stringify(ids) !== JSON.stringify(['-5', '42'])) return `ids ${ids}`;
  const [s] = await q('select sum(value) s, count(*)::bigint n from raw_bigint_values_signed_ids');
  const [w] = await q('select sum((v * 2)::bigint)::double s from base');
  if (s.s !== w.s || Number(s.n) !== 600) return `sum ${s.s} vs ${w.s}, ${s.n} rows`;
});

await check('timestamp_ms_truncates_to_the_millisecond', async () => {
  const { r } = await rawOf('ms');
  if (r.code !== 0) return `exit ${r.code}: ${r.err}`;
  const got = await q('select epoch_us(time) t from raw_ms order by 1 limit 3');
  const want = await q(`select epoch_ms(ts) * 1000 t from base order by 1 limit 3`);
  if (JSON.stringify(got) !== JSON.stringify(want)) return `${JSON.stringify(got)} vs ${JSON.stringify(want)}`;
});

await check('impossible_type_fails_the_file_with_one_line', () => {
  const r = ingest(path.join(tmp, 'lake-impossible'), srcs.impossible);
  if (r.code !== 1) return `exit ${r.code}`;
  const f = r.files[0];
  if (f.outcome !== 'failed' || !/column "value" is BYTE_ARRAY; value needs a number/.test(f.error)) return JSON.stringify(f);
  if (f.error.includes('\n')) return 'multi-line error';
});

await check('limits_from_flags_and_from_the_lake_config', async () => {
  const lake = path.join(tmp, 'lake-limits');
  // values run -40 .. 59.5; x within [-10, 10] rejects most x readings
  const r = ingest(lake, srcs.ref, '--limit', 'x=-10:10', '--force-limit', '30');
  if (r.code !== 0) return `exit ${r.code}: ${r.err}`;
  await view(lake, 'quarantine', 'q_limits');
  const [n] = await q(`select count(*)::bigint n from q_limits where reason = 'out_of_range'`);
  const [w] = await q(`select count(*)::bigint n from base where (field = 'x' and abs(v) > 10) or (field in ('fx','fy','fz') and abs(v) > 30)`);
  if (n.n !== w.n || Number(n.n) === 0) return `${n.n} out_of_range, expected ${w.n}`;
  const lake2 = path.join(tmp, 'lake-conf');
  fs.mkdirSync(path.join(lake2, '_kinetl'), { recursive: true });
  fs.writeFileSync(path.join(lake2, '_kinetl', 'ingest.conf'), '# test\nlimit_x = -10:10\nforce_limit = 30\n');
  const r2 = ingest(lake2, srcs.ref);
  if (r2.code !== 0) return `exit ${r2.code}: ${r2.err}`;
  if (r2.summary.quarantined !== Number(w.n)) return `config file: ${r2.summary.quarantined} quarantined, expected ${w.n}`;
  fs.writeFileSync(path.join(lake2, '_kinetl', 'ingest.conf'), 'limit_x = nonsense\n');
  const r3 = ingest(lake2, srcs.ref);
  if (r3.code === 0 || !/ingest.conf:1/.test(r3.err)) return `bad config: exit ${r3.code}, ${r3.err}`;
});

fs.rmSync(tmp, { recursive: true, force: true });
process.exit(exitCode());
