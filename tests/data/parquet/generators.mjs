// tests/data/parquet/generators.mjs — the value formulas behind every
// reader fixture. Row i of a column with generator g holds GEN[g](i); the
// C tests (tests/unit/test_parquet_read_fixtures.c) recompute the same
// formulas, so expected values never come from the code under test.
// Keep the two in step: only + - * / % on exactly representable numbers.

export const ORIGIN_MS = 1669236000444;   // 2022-11-23T20:40:00.444Z

const hex2 = (n) => n.toString(16).padStart(2, '0');

export const GEN = {
  bool3: (i) => i % 3 === 0,
  i8: (i) => (i * 37) % 256 - 128,
  i16: (i) => (i * 7919) % 65536 - 32768,
  i32: (i) => (i * 7919) % 20011 - 10000,
  i32w: (i) => Math.imul(i, 0x9E3779B1) | 0,
  u8: (i) => (i * 37) % 256,
  u16: (i) => (i * 7919) % 65536,
  u32: (i) => Math.imul(i, 0x9E3779B1) >>> 0,
  i64: (i) => BigInt.asIntN(64, BigInt(i) * 0x9E3779B97F4A7C15n),
  u64: (i) => BigInt.asUintN(64, BigInt(i) * 0x9E3779B97F4A7C15n),
  i64s: (i) => BigInt(i) * 1000n - 7n,
  f32: (i) => Math.fround(i / 7 - 50),
  f64: (i) => i / 3 - 100,
  str_dict: (i) => 'k' + (i % 13),
  str_uniq: (i) => 'row-' + i + '-' + 'x'.repeat(i % 17),
  str_same: () => 'same',
  bin: (i) => Uint8Array.from({ length: i % 5 }, (_, j) => (i + j * 7) % 256),
  flba4: (i) => { const v = Math.imul(i, 0x9E3779B1) >>> 0; return Uint8Array.of(v & 255, (v >>> 8) & 255, (v >>> 16) & 255, v >>> 24); },
  date: (i) => i - 5000,
  ts_ms: (i) => BigInt(ORIGIN_MS + i * 37),
  ts_us: (i) => BigInt(ORIGIN_MS + i * 37) * 1000n + BigInt(i % 1000),
  ts_ns: (i) => (BigInt(ORIGIN_MS + i * 37) * 1000n + BigInt(i % 1000)) * 1000n + BigInt(i % 997),
  int96ns: (i) => BigInt(i - 500) * 259200000000000n + BigInt(i) * 1234567891n,
  dec9_2: (i) => (i * 137) % 100000 - 50000,                       // unscaled
  dec18_3: (i) => (i * 1234567891) % 999999999999989 - 500000000000000, // unscaled
  uuid: (i) => {
    const a = (Math.imul(i, 0x9E3779B1) >>> 0).toString(16).padStart(8, '0');
    const b = (i * 7).toString(16).padStart(12, '0');
    return `${a}-0000-4000-8000-${b}`;
  },
  // the real source schema
  time_iso: (i) => new Date(ORIGIN_MS + i * 37).toISOString(),
  value: (i) => ((i * 7919) % 10007) / 8 - 600,
  field6: (i) => ['x', 'y', 'z', 'fx', 'fy', 'fz'][i % 6],
  robot: (i) => BigInt(1 + (Math.floor(i / 6) % 2)),
  run_uuid: (i) => 7.58229308099147e18 + Math.floor(i / 1000) * 4096,
  sensor: (i) => (i % 6 < 3 ? 'encoder' : 'load_cell'),
};

export const NULLS = {
  none: () => false,
  mod5: (i) => i % 5 === 2,
  rare: (i) => i % 997 === 5,
  all: () => true,
};

// Values of one column as JS values (null for nulls).
export function columnValues(gen, nulls, rows) {
  const g = GEN[gen], isNull = NULLS[nulls];
  if (!g || !isNull) throw new Error(`unknown generator ${gen}/${nulls}`);
  return Array.from({ length: rows }, (_, i) => (isNull(i) ? null : g(i)));
}

export const uuidBytes = (s) => Uint8Array.from(s.replace(/-/g, '').match(/../g).map((h) => parseInt(h, 16)));
export const toHex = (bytes) => Array.from(bytes, hex2).join('');

// Decimal text of an unscaled integer, e.g. (-12345, 2) -> "-123.45".
export function decimalText(unscaled, scale) {
  const neg = unscaled < 0;
  let digits = (neg ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const text = scale ? digits.slice(0, -scale) + '.' + digits.slice(-scale) : digits;
  return (neg ? '-' : '') + text;
}
