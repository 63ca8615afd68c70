// tests/ingest/lake_oracle.mjs — reads kinetl's Delta tables with DuckDB
// for the ingest tests, independently of kinetl's own reader: the active
// files are replayed from _delta_log/*.json (add minus remove), then read
// with read_parquet(hive_partitioning, run_uuid typed VARCHAR). Also the
// txn marks (appId -> version) of a table. Not a test itself (no test_ prefix).
import fs from 'node:fs';
import path from 'node:path';
import { oracleRequire } from '../lib/oracles.mjs';

const { DuckDBInstance } = oracleRequire('@duckdb/node-api');

export function replay(lake, table) {
  const dir = path.join(lake, table, '_delta_log');
  const active = new Set();
  const marks = new Map();
  if (!fs.existsSync(dir)) return { files: [], marks, versions: 0 };
  const commits = fs.readdirSync(dir).filter((f) => /^\d{20}\.json$/.test(f)).sort();
  for (const f of commits) {
    for (const line of fs.readFileSync(path.join(dir, f), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const a = JSON.parse(line);
      if (a.add) active.add(decodeURIComponent(a.add.path));
      if (a.remove) active.delete(decodeURIComponent(a.remove.path));
      if (a.txn) marks.set(a.txn.appId, a.txn.version);
    }
  }
  return { files: [...active].map((p) => path.join(lake, table, p)), marks, versions: commits.length };
}

export async function openOracle() {
  const inst = await DuckDBInstance.create(':memory:');
  const con = await inst.connect();
  const q = async (sql) => (await con.runAndReadAll(sql)).getRowObjectsJson();
  // (Re)defines view `name` over the table's active files (an empty table gets an empty view).
  const view = async (lake, table, name = table) => {
    const { files } = replay(lake, table);
    if (!files.length) {
      await con.run(`create or replace view ${name} as select null::varchar as source_file where false`);
      return 0;
    }
    const list = files.map((f) => `'${f.replaceAll("'", "''")}'`).join(',');
    const hive = table === 'raw' ? `hive_partitioning = true, hive_types = {'run_uuid': VARCHAR}`
      : 'hive_partitioning = false';
    await con.run(`create or replace view ${name} as select * from read_parquet([${list}], ${hive})`);
    return files.length;
  };
  return { con, q, view };
}
