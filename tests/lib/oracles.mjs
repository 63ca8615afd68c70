// tests/lib/oracles.mjs — the preamble every Node test script under tests/
// shares, kept in one place:
//  - where the repository is, and the kinetl binary under test ($KINETL,
//    relative to the repository root; default build/kinetl);
//  - the npm test oracles (DuckDB, Polars, parquet-wasm, apache-arrow) from
//    tests/oracle/node_modules, loaded with a require rooted there
//    (tests/oracle/package.json), so no NODE_PATH is needed;
//  - the "PASS name" / "FAIL name: why" lines tests/run.sh counts, and the
//    exit code that goes with them.
// Not a test itself (tests/run.sh only runs tests/*/test_*).
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const oracleRequire = createRequire(path.join(repoRoot, 'tests/oracle/package.json'));
export const kinetlBin = path.resolve(repoRoot, process.env.KINETL || 'build/kinetl');

// The first three lines of an exception's stack on one line (a FAIL reason).
export function describeError(e) {
  return String(e && e.stack ? e.stack.split('\n').slice(0, 3).join(' | ') : e);
}

// PASS/FAIL reporting. `prefix` goes before every name (e.g. 'interop/').
// check(name, fn): fn returns (or resolves to) a reason to fail, or nothing
// to pass; a throw fails with the stack (`thrown` goes before it).
// checkSync is the same for a synchronous fn, reported before it returns.
export function makeReporter({ prefix = '', thrown = '' } = {}) {
  let failures = 0;
  const pass = (name) => console.log(`PASS ${prefix}${name}`);
  const fail = (name, why) => { failures++; console.log(`FAIL ${prefix}${name}: ${why}`); };
  const judge = (name, why) => { if (why) fail(name, why); else pass(name); };
  return {
    pass,
    fail,
    async check(name, fn) {
      try { judge(name, await fn()); } catch (e) { fail(name, `${thrown}${describeError(e)}`); }
    },
    checkSync(name, fn) {
      try { judge(name, fn()); } catch (e) { fail(name, `${thrown}${describeError(e)}`); }
    },
    get failures() { return failures; },
    exitCode() { return failures ? 1 : 0; },
    done() { process.exit(failures ? 1 : 0); },
  };
}
