// tests/interop/dataset.mjs — the interop matrix's data: column types, the
// formulas that generate each value, and the text `kinetl parquet cat
// --format json` must print for it (docs/PARQUET.md, "Value rendering").
//
// Expected values come from these formulas, never from kinetl. A column is
// { name, ty, nullable, values } where ty is one of
//   {k:'bool'} {k:'int', bits, signed} {k:'float', bits:16|32|64}
//   {k:'string'} {k:'binary'} {k:'fixed', len} {k:'uuid'}
//   {k:'ts', unit:'ms'|'us'|'ns', utc} {k:'date'} {k:'time', unit}
//   {k:'decimal', p, s}
// and values[i] is null or: boolean; number (ints up to 32 bits, floats,
// dates as days); bigint (64-bit ints, timestamps and times in their unit,
// decimals unscaled, uuids as 128-bit); string; Uint8Array.

export const TS_BASE_MS = 1669236000444n; // 2022-11-23T20:40:00.444Z, the SPEC's example

const UNITS_PER_SEC = { s: 1n, ms: 1000n, us: 1000000n, ns: 1000000000n };
const UNIT_DIGITS = { s: 0, ms: 3, us: 6, ns: 9 };

// ---------------------------------------------------------------- formulas

function nullEvery(n, k, phase) {
  return (i) => i % k === phase;
}

function makeColumn(name, ty, n, gen, isNull = null) {
  const values = new Array(n);
  for (let i = 0; i < n; i++) values[i] = isNull && isNull(i) ? null : gen(i);
  return { name, ty, nullable: isNull !== null, values };
}

const pick = (specials, i, otherwise) => (i < specials.length ? specials[i] : otherwise(i));

const F64_SPECIALS = [NaN, Infinity, -Infinity, -0, 5e-324, Number.MAX_VALUE, 0.1, 1 / 3,
  7.58229308099147e18, 1.2405186538561671e19, 1e21, 1e-7, 2.2250738585072014e-308, 123456789.125,
  -1.5, 9007199254740993, 0.30000000000000004];
const F32_SPECIALS = [NaN, Infinity, -Infinity, -0, 1.401298464324817e-45, 3.4028234663852886e38,
  Math.fround(0.1), Math.fround(1 / 3), Math.fround(16777217), Math.fround(-2.5e-10)];
const STR_SPECIALS = ['', 'comma,inside', 'quote"inside', 'line\nbreak', 'ünïcødé ✓ 𝄞',
  'tab\there', '\u0001ctrl\u001f', 'back\\slash', 'cr\r\nlf', ' lead and trail ', '/slash'];

const u64 = (x) => BigInt.asUintN(64, x);
const i64 = (x) => BigInt.asIntN(64, x);

function bytesFor(i) {
  const len = i % 6;
  const b = new Uint8Array(len);
  for (let j = 0; j < len; j++) b[j] = (i * 31 + j * 97) & 0xff;
  return b;
}

// Every type, every column nullable except req_*; `n` rows. u64Fits keeps
// UINT64 values below 2^63 (for re-encoding to INT64 with kinetl's writer).
export function allTypes(n, { u64Fits = false } = {}) {
  const cols = [
    makeColumn('b', { k: 'bool' }, n, (i) => (i * 7) % 3 === 1, nullEvery(n, 5, 4)),
    makeColumn('i8', { k: 'int', bits: 8, signed: true }, n,
      (i) => pick([-128, 127], i, (j) => ((j * 37 + 11) % 256) - 128), nullEvery(n, 7, 3)),
    makeColumn('i16', { k: 'int', bits: 16, signed: true }, n,
      (i) => pick([-32768, 32767], i, (j) => ((j * 7919) % 65536) - 32768), nullEvery(n, 9, 2)),
    makeColumn('i32', { k: 'int', bits: 32, signed: true }, n,
      (i) => pick([-2147483648, 2147483647], i, (j) => Number(BigInt.asIntN(32, BigInt(j) * 2654435761n))),
      nullEvery(n, 6, 1)),
    makeColumn('i64', { k: 'int', bits: 64, signed: true }, n,
      (i) => pick([-(2n ** 63n), 2n ** 63n - 1n, 0n], i, (j) => i64(BigInt(j) * 1234567890123457n * (j % 2 ? -1n : 1n))),
      nullEvery(n, 8, 5)),
    makeColumn('u8', { k: 'int', bits: 8, signed: false }, n, (i) => pick([255, 0], i, (j) => (j * 13) % 256),
      nullEvery(n, 10, 9)),
    makeColumn('u16', { k: 'int', bits: 16, signed: false }, n, (i) => pick([65535], i, (j) => (j * 257) % 65536),
      nullEvery(n, 11, 3)),
    makeColumn('u32', { k: 'int', bits: 32, signed: false }, n,
      (i) => pick([4294967295, 2147483648], i, (j) => Number(BigInt.asUintN(32, BigInt(j) * 2654435761n))),
      nullEvery(n, 12, 7)),
    makeColumn('u64', { k: 'int', bits: 64, signed: false }, n,
      u64Fits ? (i) => pick([2n ** 63n - 1n], i, (j) => BigInt(j) * 1000000000000007n)
        : (i) => pick([2n ** 64n - 1n, 2n ** 63n, 2n ** 63n - 1n], i, (j) => u64(BigInt(j) * 10000000000000061n)),
      nullEvery(n, 13, 4)),
    makeColumn('f32', { k: 'float', bits: 32 }, n,
      (i) => pick(F32_SPECIALS, i, (j) => Math.fround((j - 500) / 7.3)), nullEvery(n, 14, 11)),
    makeColumn('f64', { k: 'float', bits: 64 }, n,
      (i) => pick(F64_SPECIALS, i, (j) => ((j - 500) * Math.PI * 1e3) / 7), nullEvery(n, 15, 12)),
    makeColumn('s', { k: 'string' }, n, (i) => pick(STR_SPECIALS, i, (j) => `s${j % 50}`), nullEvery(n, 16, 13)),
    makeColumn('bin', { k: 'binary' }, n, bytesFor, nullEvery(n, 17, 14)),
    makeColumn('ts_ms_utc', { k: 'ts', unit: 'ms', utc: true }, n,
      (i) => pick([-1n, 0n], i, (j) => TS_BASE_MS + BigInt(j) * 10n), nullEvery(n, 18, 15)),
    makeColumn('ts_ms', { k: 'ts', unit: 'ms', utc: false }, n,
      (i) => pick([-1001n], i, (j) => TS_BASE_MS + BigInt(j) * 12n), nullEvery(n, 19, 16)),
    makeColumn('ts_us_utc', { k: 'ts', unit: 'us', utc: true }, n,
      (i) => pick([-1n, -86400000001n], i, (j) => TS_BASE_MS * 1000n + BigInt(j) * 12345n), nullEvery(n, 20, 17)),
    makeColumn('ts_us', { k: 'ts', unit: 'us', utc: false }, n,
      (i) => pick([-999999n], i, (j) => TS_BASE_MS * 1000n + BigInt(j) * 10001n), nullEvery(n, 21, 18)),
    makeColumn('ts_ns_utc', { k: 'ts', unit: 'ns', utc: true }, n,
      (i) => pick([-1n, -1500n], i, (j) => TS_BASE_MS * 1000000n + BigInt(j) * 1234567891n), nullEvery(n, 22, 19)),
    makeColumn('ts_ns', { k: 'ts', unit: 'ns', utc: false }, n,
      (i) => pick([1n], i, (j) => TS_BASE_MS * 1000000n + BigInt(j) * 999n), nullEvery(n, 23, 20)),
    makeColumn('date', { k: 'date' }, n, (i) => pick([-1, 0, -719162, 2932896], i, (j) => 19319 + j),
      nullEvery(n, 24, 21)),
    makeColumn('time_us', { k: 'time', unit: 'us' }, n,
      (i) => pick([0n, 86399999999n], i, (j) => (BigInt(j) * 1234567891n) % 86400000000n), nullEvery(n, 25, 22)),
    makeColumn('dec9_2', { k: 'decimal', p: 9, s: 2 }, n,
      (i) => pick([999999999n, -999999999n, -5n], i, (j) => BigInt(j * 12345 - 6000000)), nullEvery(n, 26, 23)),
    makeColumn('dec18_4', { k: 'decimal', p: 18, s: 4 }, n,
      (i) => pick([-1n], i, (j) => BigInt(j) * 123456789012n - 500000000000000n), nullEvery(n, 27, 24)),
    makeColumn('dec30_5', { k: 'decimal', p: 30, s: 5 }, n,
      (i) => pick([0n], i, (j) => BigInt(j) * 98765432101n - 400000000000000n), nullEvery(n, 28, 25)),
    makeColumn('uuid', { k: 'uuid' }, n,
      (i) => BigInt.asUintN(128, BigInt(i + 1) * 0x9e3779b97f4a7c15f39cc0605cedc835n), nullEvery(n, 29, 26)),
    makeColumn('fixed4', { k: 'fixed', len: 4 }, n, (i) => Uint8Array.from([i & 255, (i >> 8) & 255, 0, 255]),
      nullEvery(n, 30, 27)),
    makeColumn('f16', { k: 'float', bits: 16 }, n,
      (i) => pick([NaN, Infinity, -Infinity, -0, 5.960464477539063e-8, 65504], i, (j) => roundHalf((j - 300) / 9)),
      nullEvery(n, 31, 28)),
    makeColumn('all_null', { k: 'int', bits: 32, signed: true }, n, () => 0, () => true),
    makeColumn('req_i64', { k: 'int', bits: 64, signed: true }, n, (i) => BigInt(i) * 3n - 7n),
    makeColumn('req_s', { k: 'string' }, n, (i) => `row ${i}`),
  ];
  return cols;
}

// The real source schema of SPEC §1 (pandas/pyarrow files): time as trimmed
// ISO strings, run_uuid as a double (two real ids, one above 2^63).
export function specSource(n) {
  const fields = ['x', 'y', 'z', 'fx', 'fy', 'fz'];
  const runs = [7.58229308099147e18, 1.2405186538561671e19];
  const rows = { time: [], value: [], field: [], robot_id: [], run_uuid: [], sensor_type: [] };
  for (let i = 0; i < n; i++) {
    const field = fields[i % 6];
    const ms = TS_BASE_MS - 444n + BigInt(Math.floor(i / 6)) * 10n + BigInt(i % 3) * 1000n;
    rows.time.push(isoTrimmedMs(ms));
    rows.value.push(i % 97 === 5 ? null : Math.sin(i) * (field.startsWith('f') ? 1000 : 3000));
    rows.field.push(field);
    rows.robot_id.push(BigInt(1 + (i % 2)));
    rows.run_uuid.push(runs[Math.floor(i / 7) % 2]);
    rows.sensor_type.push(field.startsWith('f') ? 'load_cell' : 'encoder');
  }
  return [
    { name: 'time', ty: { k: 'string' }, nullable: true, values: rows.time },
    { name: 'value', ty: { k: 'float', bits: 64 }, nullable: true, values: rows.value },
    { name: 'field', ty: { k: 'string' }, nullable: true, values: rows.field },
    { name: 'robot_id', ty: { k: 'int', bits: 64, signed: true }, nullable: true, values: rows.robot_id },
    { name: 'run_uuid', ty: { k: 'float', bits: 64 }, nullable: true, values: rows.run_uuid },
    { name: 'sensor_type', ty: { k: 'string' }, nullable: true, values: rows.sensor_type },
  ];
}

// `2022-11-23T20:40:00.44Z`: pandas' rendering with trailing zeros of the
// milliseconds trimmed, and no fraction at all on whole seconds.
function isoTrimmedMs(ms) {
  const iso = new Date(Number(ms)).toISOString();
  return iso.replace(/\.?0+Z$/, 'Z').replace(/\.Z$/, 'Z');
}

// ---------------------------------------------------------------- float16

const f32buf = new Float32Array(1);
const u32buf = new Uint32Array(f32buf.buffer);

// Nearest IEEE half to x (ties to even), returned as a double.
export function roundHalf(x) {
  return halfBitsToNumber(numberToHalfBits(x));
}

export function numberToHalfBits(x) {
  if (Number.isNaN(x)) return 0x7e00;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a >= 65520) return sign | 0x7c00; // rounds to infinity
  if (a < 2 ** -14) { // subnormal: multiples of 2^-24
    const m = roundTiesEven(a / 2 ** -24);
    return sign | m;
  }
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  if (2 ** (e + 1) <= a) e++;
  let m = roundTiesEven((a / 2 ** e - 1) * 1024);
  if (m === 1024) { m = 0; e++; }
  if (e > 15) return sign | 0x7c00;
  return sign | ((e + 15) << 10) | m;
}

function roundTiesEven(v) {
  const f = Math.floor(v);
  const d = v - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

export function halfBitsToNumber(h) {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return sign * m * 2 ** -24;
  if (e === 31) return m ? NaN : sign * Infinity;
  return sign * (1 + m / 1024) * 2 ** (e - 15);
}

// ---------------------------------------------------------------- rendering

export function floorDiv(a, b) {
  const q = a / b;
  return a % b !== 0n && (a < 0n) !== (b < 0n) ? q - 1n : q;
}

function pad(n, w) {
  return String(n).padStart(w, '0');
}

// Civil date from days since 1970-01-01 (proleptic Gregorian).
export function ymd(days) {
  const d = new Date(Number(days) * 86400000);
  const y = d.getUTCFullYear();
  const ys = y >= 0 && y <= 9999 ? pad(y, 4) : (y < 0 ? '-' + pad(-y, 4) : '+' + String(y));
  return `${ys}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
}

export function isoTimestamp(v, unit, utc) {
  const ups = UNITS_PER_SEC[unit];
  const secs = floorDiv(v, ups);
  const frac = v - secs * ups;
  const days = floorDiv(secs, 86400n);
  const sod = Number(secs - days * 86400n);
  const hms = `${pad(Math.floor(sod / 3600), 2)}:${pad(Math.floor(sod / 60) % 60, 2)}:${pad(sod % 60, 2)}`;
  const digits = UNIT_DIGITS[unit];
  const f = digits ? '.' + pad(frac, digits) : '';
  return `${ymd(days)}T${hms}${f}${utc ? 'Z' : ''}`;
}

export function timeOfDay(v, unit) {
  const ups = UNITS_PER_SEC[unit];
  const secs = Number(v / ups);
  const frac = v % ups;
  const digits = UNIT_DIGITS[unit];
  return `${pad(Math.floor(secs / 3600), 2)}:${pad(Math.floor(secs / 60) % 60, 2)}:${pad(secs % 60, 2)}` +
    (digits ? '.' + pad(frac, digits) : '');
}

export function decimalText(unscaled, scale) {
  const neg = unscaled < 0n;
  let s = (neg ? -unscaled : unscaled).toString();
  if (scale > 0) {
    s = s.padStart(scale + 1, '0');
    s = s.slice(0, s.length - scale) + '.' + s.slice(s.length - scale);
  }
  return (neg ? '-' : '') + s;
}

export function uuidText(v) {
  const h = v.toString(16).padStart(32, '0');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function uuidBytes(v) {
  const b = new Uint8Array(16);
  for (let i = 15; i >= 0; i--) { b[i] = Number(v & 0xffn); v >>= 8n; }
  return b;
}

export const base64 = (bytes) => Buffer.from(bytes).toString('base64');

// Significant digits of a decimal number's text, without sign, point,
// exponent, leading or trailing zeros: "7.58229308099147e+18" -> "758229308099147".
export function significantDigits(text) {
  const mant = text.replace(/^-/, '').split(/[eE]/)[0].replace('.', '');
  return mant.replace(/^0+/, '').replace(/0+$/, '') || '0';
}

// Shortest decimal that rounds back to x under `round` (Math.fround for
// float32, roundHalf for float16), as digits. Where two decimals of that
// length both round back (32.125 as a half: 32.12 and 32.13) either is
// shortest, so callers compare lengths.
function shortestDigitsUnder(x, round, maxDigits) {
  for (let p = 1; p <= maxDigits; p++) {
    const t = x.toPrecision(p);
    if (round(Number(t)) === x) return significantDigits(t);
  }
  return significantDigits(x.toPrecision(maxDigits));
}

const NONFINITE = new Map([['NaN', NaN], ['Infinity', Infinity], ['-Infinity', -Infinity]]);

// Compares one value of kinetl's JSON output (a token from jsonl.mjs) with
// the formula's value; returns null when they agree, else why not.
export function compareJson(ty, v, tok) {
  const show = (t) => (t.t === 'num' ? t.raw : JSON.stringify(t.v ?? null));
  const want = (desc) => `expected ${desc}, got ${show(tok)}`;
  if (v === null) return tok.t === 'null' ? null : want('null');
  if (tok.t === 'null') return want(`a value (${String(v)})`);
  switch (ty.k) {
    case 'bool':
      return tok.t === 'bool' && tok.v === v ? null : want(String(v));
    case 'int':
      return tok.t === 'num' && tok.raw === String(v) ? null : want(String(v));
    case 'float': {
      if (!Number.isFinite(v)) {
        const name = Number.isNaN(v) ? 'NaN' : (v > 0 ? 'Infinity' : '-Infinity');
        return tok.t === 'str' && tok.v === name ? null : want(`"${name}"`);
      }
      if (tok.t !== 'num') return want(String(v));
      const got = Number(tok.raw);
      if (ty.bits === 64) {
        if (!Object.is(got, v)) return want(`${String(v)} (bit-exact)`);
        if (significantDigits(tok.raw).length !== significantDigits(String(v)).length)
          return want(`the shortest round-trip form of ${String(v)}`);
        return null;
      }
      const round = ty.bits === 32 ? Math.fround : roundHalf;
      if (!Object.is(round(got), v)) return want(`${String(v)} (as float${ty.bits})`);
      if (significantDigits(tok.raw).length !== shortestDigitsUnder(v, round, ty.bits === 32 ? 9 : 5).length)
        return want(`the shortest round-trip form of float${ty.bits} ${String(v)}`);
      return null;
    }
    case 'string':
      return tok.t === 'str' && tok.v === v ? null : want(JSON.stringify(v));
    case 'binary':
    case 'fixed':
      return tok.t === 'str' && tok.v === base64(v) ? null : want(`base64 "${base64(v)}"`);
    case 'uuid':
      return tok.t === 'str' && tok.v === uuidText(v) ? null : want(`"${uuidText(v)}"`);
    case 'ts': {
      const s = isoTimestamp(v, ty.unit, ty.utc);
      return tok.t === 'str' && tok.v === s ? null : want(`"${s}"`);
    }
    case 'date':
      return tok.t === 'str' && tok.v === ymd(v) ? null : want(`"${ymd(v)}"`);
    case 'time': {
      const s = timeOfDay(v, ty.unit);
      return tok.t === 'str' && tok.v === s ? null : want(`"${s}"`);
    }
    case 'decimal': {
      const s = decimalText(v, ty.s);
      return tok.t === 'num' && tok.raw === s ? null : want(s);
    }
    default:
      return `unknown type ${ty.k}`;
  }
}

export { NONFINITE };

// ---------------------------------------------------------------- re-encoding

const f64buf = new Float64Array(1);
const f64bits = new BigUint64Array(f64buf.buffer);

// Canonical text of one value as an oracle reads it back: null,
// true/false, integers in decimal, doubles by their bits (one NaN),
// strings and UTC microsecond timestamps tagged.
export const canon = {
  null: () => 'null',
  bool: (v) => String(v),
  int: (v) => String(v),
  double: (v) => {
    if (Number.isNaN(v)) return 'd:NaN';
    f64buf[0] = v;
    return `d:${f64bits[0].toString(16)}(${String(v)})`;
  },
  string: (v) => `s:${JSON.stringify(v)}`,
  timestampMicros: (v) => `t:${String(v)}`,
};

// What `kinetl parquet cat --format parquet` writes for a source column
// (docs/PARQUET.md, "Re-encoding"): the writer type and the canonical value.
export function reencoded(ty) {
  const value = (f) => (v) => (v === null ? canon.null() : f(v));
  switch (ty.k) {
    case 'bool': return { type: 'bool', value: value(canon.bool) };
    case 'int':
      return (ty.bits < 32 || (ty.bits === 32 && ty.signed))
        ? { type: 'int32', value: value(canon.int) } : { type: 'int64', value: value(canon.int) };
    case 'float': return { type: 'double', value: value(canon.double) };
    case 'decimal': return { type: 'double', value: value((v) => canon.double(Number(decimalText(v, ty.s)))) };
    case 'string': return { type: 'string', value: value(canon.string) };
    case 'binary': case 'fixed': return { type: 'string', value: value((v) => canon.string(base64(v))) };
    case 'uuid': return { type: 'string', value: value((v) => canon.string(uuidText(v))) };
    case 'ts': {
      const toMicros = { ms: (v) => v * 1000n, us: (v) => v, ns: (v) => floorDiv(v, 1000n) }[ty.unit];
      return { type: 'timestamp', value: value((v) => canon.timestampMicros(toMicros(v))) };
    }
    case 'date': return { type: 'timestamp', value: value((v) => canon.timestampMicros(BigInt(v) * 86400000000n)) };
    case 'time':
      return { type: 'int64', value: value((v) => canon.int(ty.unit === 'ns' ? floorDiv(v, 1000n) : v)) };
    default: throw new Error(`no re-encoding for ${ty.k}`);
  }
}
