// bench/ingest/bigfile.mjs — the memory bound of issue 5 item 7: one source
// file of ~2 GB (default 180,000,000 rows of SPEC §1's schema, snappy,
// 1 Mi-row row groups, written once by DuckDB into BENCH_DATA) is ingested
// by `kinetl ingest`; peak RSS (from /usr/bin/time) must stay under 500 MiB
// and raw must hold every row. Not part of `make bench` (generating the
// file takes minutes): run `node bench/ingest/bigfile.mjs [rows]`.
// Exit 1 when the bound is broken or rows are missing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(path.join(ROOT, 'tests/oracle/package.json'));
const { DuckDBInstance } = require('@duckdb/node-api');
const rows = Number(process.argv[2] || 180_000_000);
const LIMIT_MIB = 500;
const dataDir = process.env.BENCH_DATA || path.join(ROOT, 'build/bench-data');
const kinetl = path.resolve(ROOT, process.env.KINETL || 'build/kinetl');
const src = path.join(dataDir, `ingest-big-v1-${rows}`);
const file = path.join(src, 'big.parquet');

const inst = await DuckDBInstance.create(':memory:', { threads: '2' });
const conn = await inst.connect();
if (!fs.existsSync(file)) {
  fs.mkdirSync(src, { recursive: true });
  const perRun = Math.ceil(rows / 4);
  const t0 = Date.now();
  await conn.run(`COPY (
WITH g AS (SELECT i, i // ${perRun} AS r, (i % ${perRun}) % 12 AS s, (i % ${perRun}) // 12 AS k FROM range(${rows}) t(i)),
t AS (SELECT *, TIMESTAMP '2022-11-23 20:40:00' + to_hours(r) + to_milliseconds(k * 10 + (hash(i) % 4)::BIGINT) AS ts FROM g)
SELECT strftime(ts, '%Y-%m-%dT%H:%M:%S') || coalesce(nullif('.' || rtrim(lpad((epoch_ms(ts) % 1000)::VARCHAR, 3, '0'), '0'), '.'), '') || 'Z' AS time,
  [2000.0, 875.0, -500.0, -500.0, 0.0, -950.0][s % 6 + 1] + [1400.0, 600.0, 450.0, 1200.0, 950.0, 1000.0][s % 6 + 1] * sin(k * 0.0007 + s)
    + (hash(i + 7) % 1000000) / 1e6 AS value,
  ['x', 'y', 'z', 'fx', 'fy', 'fz'][s % 6 + 1] AS field, (1 + s // 6)::BIGINT AS robot_id,
  ([7.58229308099147e18, 7.58229308099151e18, 7.60512345678911e18, 1.2405186538561671e19]::DOUBLE[])[r + 1] AS run_uuid,
  CASE WHEN s % 6 < 3 THEN 'encoder' ELSE 'load_cell' END AS sensor_type FROM t
) TO '${file}.tmp' (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 1048576)`);
  fs.renameSync(`${file}.tmp`, file);
  console.error(`generated ${file} in ${(Date.now() - t0) / 1000} s`);
}
const bytes = fs.statSync(file).size;
const lake = fs.mkdtempSync(path.join(os.tmpdir(), 'kinetl-big-'));
const p = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', kinetl, '--lake', lake, 'ingest', '--source', src, '--json'],
  { encoding: 'utf8', maxBuffer: 64 << 20 });
const summary = p.stdout.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l)).find((o) => o.summary);
const [wall, user, sys, rssKb] = p.stderr.trim().split('\n').pop().split(' ').map(Number);
fs.rmSync(lake, { recursive: true, force: true });
const rssMiB = rssKb / 1024;
console.log(`bigfile: ${(bytes / 1e9).toFixed(2)} GB, ${rows} rows: ${summary ? summary.accepted : '?'} accepted in ` +
  `${wall.toFixed(1)} s wall, ${(user + sys).toFixed(1)} s cpu (${(rows / (user + sys) / 1e6).toFixed(2)} M rows/s); ` +
  `peak RSS ${rssMiB.toFixed(0)} MiB (bound ${LIMIT_MIB} MiB)`);
if (p.status !== 0 || !summary || summary.accepted !== rows || rssMiB >= LIMIT_MIB) process.exit(1);
