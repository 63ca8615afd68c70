// tests/data/parquet/handmade.mjs — a deliberately small Parquet writer
// for corners that no modern writer produces but old files contain:
// INT96 timestamps, BIT_PACKED definition levels, PLAIN_DICTIONARY pages,
// a dictionary page that sits at data_page_offset (no
// dictionary_page_offset), legacy-only min/max statistics, converted
// types without logical types, v2 pages with is_compressed = false, and a
// dictionary-to-PLAIN fallback inside one chunk. Written from the
// parquet-format spec (parquet.thrift, Encodings.md), thrift compact
// protocol by hand.
import { gzipSync } from 'node:zlib';

import { columnValues } from './generators.mjs';

const CT = { BOOL_TRUE: 1, BOOL_FALSE: 2, I32: 5, I64: 6, BINARY: 8, LIST: 9, STRUCT: 12 };
const PHYSICAL = { BOOLEAN: 0, INT32: 1, INT64: 2, INT96: 3, FLOAT: 4, DOUBLE: 5, BYTE_ARRAY: 6 };
const ENC = { PLAIN: 0, PLAIN_DICTIONARY: 2, RLE: 3, BIT_PACKED: 4, RLE_DICTIONARY: 8 };
const CODEC = { UNCOMPRESSED: 0, GZIP: 2 };
const CONVERTED = { UTF8: 0, DECIMAL: 5, TIMESTAMP_MILLIS: 9, UINT_32: 13 };

// ---- thrift compact protocol ----
class Thrift {
  constructor() { this.out = []; this.last = [0]; }
  byte(b) { this.out.push(b & 0xff); }
  varint(v) {
    v = BigInt(v);
    while (v >= 0x80n) { this.byte(Number(v & 0x7fn) | 0x80); v >>= 7n; }
    this.byte(Number(v));
  }
  zigzag(v) { v = BigInt(v); this.varint(v >= 0n ? v << 1n : ((-v) << 1n) - 1n); }
  field(id, type) {
    const delta = id - this.last[this.last.length - 1];
    if (delta > 0 && delta <= 15) this.byte((delta << 4) | type);
    else { this.byte(type); this.zigzag(id); }
    this.last[this.last.length - 1] = id;
  }
  i32(id, v) { this.field(id, CT.I32); this.zigzag(v); }
  i64(id, v) { this.field(id, CT.I64); this.zigzag(v); }
  bool(id, v) { this.field(id, v ? CT.BOOL_TRUE : CT.BOOL_FALSE); }
  binary(id, bytes) { this.field(id, CT.BINARY); this.varint(bytes.length); for (const b of bytes) this.byte(b); }
  string(id, s) { this.binary(id, Buffer.from(s)); }
  begin(id) { if (id !== undefined) this.field(id, CT.STRUCT); this.last.push(0); }
  end() { this.byte(0); this.last.pop(); }
  list(id, type, n) {
    this.field(id, CT.LIST);
    if (n < 15) this.byte((n << 4) | type); else { this.byte(0xf0 | type); this.varint(n); }
  }
  bytes() { return Buffer.from(this.out); }
}

// ---- value encodings ----
const le32 = (v) => { const b = Buffer.alloc(4); b.writeUInt32LE(v >>> 0); return b; };

function plain(physical, values) {
  switch (physical) {
    case 'INT32': return Buffer.concat(values.map((v) => { const b = Buffer.alloc(4); b.writeInt32LE(v); return b; }));
    case 'INT64': return Buffer.concat(values.map((v) => { const b = Buffer.alloc(8); b.writeBigInt64LE(BigInt(v)); return b; }));
    case 'DOUBLE': return Buffer.concat(values.map((v) => { const b = Buffer.alloc(8); b.writeDoubleLE(v); return b; }));
    case 'BYTE_ARRAY': return Buffer.concat(values.flatMap((v) => { const s = Buffer.from(v); return [le32(s.length), s]; }));
    case 'INT96': return Buffer.concat(values.map((ns) => {
      const DAY = 86400000000000n;
      let days = ns / DAY; if (ns % DAY < 0n) days -= 1n;           // floor division
      const b = Buffer.alloc(12);
      b.writeBigUInt64LE(ns - days * DAY, 0);
      b.writeUInt32LE(Number(days + 2440588n), 8);
      return b;
    }));
    case 'BOOLEAN': return packLsb(values.map((v) => (v ? 1 : 0)), 1);
  }
  throw new Error(physical);
}

function packLsb(values, width) {
  const out = Buffer.alloc(Math.ceil((values.length * width) / 8));
  values.forEach((v, i) => {
    for (let b = 0; b < width; b++) if ((v >> b) & 1) { const bit = i * width + b; out[bit >> 3] |= 1 << (bit & 7); }
  });
  return out;
}

function packMsb(values, width) {
  const out = Buffer.alloc(Math.ceil((values.length * width) / 8));
  values.forEach((v, i) => {
    for (let b = 0; b < width; b++) if ((v >> (width - 1 - b)) & 1) { const bit = i * width + b; out[bit >> 3] |= 0x80 >> (bit & 7); }
  });
  return out;
}

const uleb = (v) => { const t = new Thrift(); t.varint(v); return t.bytes(); };

// RLE / bit-packed hybrid: runs of 8+ equal values become RLE runs, the
// rest bit-packed groups of 8 (the last group zero-padded).
function hybrid(values, width) {
  const parts = [];
  let i = 0, packed = [];
  const flush = () => {
    if (!packed.length) return;
    const groups = Math.ceil(packed.length / 8);
    const padded = packed.concat(Array(groups * 8 - packed.length).fill(0));
    parts.push(uleb((groups << 1) | 1), packLsb(padded, width));
    packed = [];
  };
  while (i < values.length) {
    let j = i;
    while (j < values.length && values[j] === values[i]) j++;
    if (j - i >= 8 && packed.length % 8 === 0) {
      flush();
      const v = Buffer.alloc(Math.ceil(width / 8));
      for (let k = 0; k < v.length; k++) v[k] = (values[i] >> (8 * k)) & 255;
      parts.push(uleb((j - i) << 1), v);
      i = j;
    } else {
      packed.push(values[i++]);
    }
  }
  flush();
  return Buffer.concat(parts);
}

const bitWidth = (max) => (max <= 0 ? 0 : 32 - Math.clz32(max));

// ---- file layout ----
function statistics(t, id, s) {
  t.begin(id);
  if (s.legacyMax !== undefined) t.binary(1, s.legacyMax);
  if (s.legacyMin !== undefined) t.binary(2, s.legacyMin);
  if (s.nullCount !== undefined) t.i64(3, s.nullCount);
  t.end();
}

function pageHeader(h) {
  const t = new Thrift();
  t.begin();
  t.i32(1, h.type); t.i32(2, h.usize); t.i32(3, h.csize);
  if (h.type === 0) {
    t.begin(5); t.i32(1, h.n); t.i32(2, h.enc); t.i32(3, h.defEnc); t.i32(4, ENC.RLE); t.end();
  } else if (h.type === 2) {
    t.begin(7); t.i32(1, h.n); t.i32(2, h.enc); t.end();
  } else {
    t.begin(8); t.i32(1, h.n); t.i32(2, h.nulls); t.i32(3, h.n); t.i32(4, h.enc);
    t.i32(5, h.defLen); t.i32(6, 0); if (!h.compressed) t.bool(7, false); t.end();
  }
  t.end();
  return t.bytes();
}

const compress = (codec, buf) => (codec === 'GZIP' ? gzipSync(buf) : buf);

// One column chunk: optional dictionary page, then data pages as planned.
// Minimal big-endian two's complement bytes of an integer.
function decimalBytes(v) {
  let x = BigInt(v);
  const out = [];
  do { out.unshift(Number(BigInt.asUintN(8, x))); x >>= 8n; }
  while (!((x === 0n && out[0] < 0x80) || (x === -1n && out[0] >= 0x80)));
  return Buffer.from(out);
}

function columnChunk(col, rawValues, codec, fileOffset) {
  const encode = { decimal_be: decimalBytes, int32bits: (v) => v | 0 }[col.encode] || ((v) => v);
  const values = rawValues.map((v) => (v === null ? null : encode(v)));
  const parts = [];
  let offset = fileOffset, usizeTotal = 0, csizeTotal = 0, dataOffset = null, dictOffset = null;
  const encodings = new Set([ENC.RLE]);
  const pages = [], firstBad = [];
  const bad = col.corrupt || {};
  const emit = (header, body) => {
    pages.push({ offset, hlen: header.length, csize: body.length });
    parts.push(header, body);
    usizeTotal += header.length; csizeTotal += header.length + body.length;
    offset += header.length + body.length;
  };
  const present = values.filter((v) => v !== null);
  let dict = null;
  if (col.pages.some((p) => p.enc === 'dict')) {
    const dkey = (v) => (typeof v === 'bigint' ? v.toString() : Buffer.isBuffer(v) ? v.toString('hex') : v);
    dict = [...new Map(present.map((v) => [dkey(v), v])).values()];
    const body = plain(col.physical, dict.slice(0, dict.length - (bad.dictShrink || 0)));
    dictOffset = offset;
    const dictEnc = col.dictEnc ?? ENC.PLAIN_DICTIONARY;
    encodings.add(dictEnc);
    usizeTotal += body.length;
    emit(pageHeader({ type: 2, usize: body.length, csize: compress(codec, body).length,
                      n: dict.length - (bad.dictShrink || 0), enc: dictEnc }),
         compress(codec, body));
  }
  const per = Math.ceil(values.length / col.pages.length);
  col.pages.forEach((p, k) => {
    const rows = values.slice(k * per, (k + 1) * per);
    const defs = rows.map((v) => (v === null ? 0 : 1));
    const vals = rows.filter((v) => v !== null);
    let enc, data;
    if (p.enc === 'dict') {
      const key = (v) => (typeof v === 'bigint' ? v.toString() : Buffer.isBuffer(v) ? v.toString('hex') : v);
      const index = new Map(dict.map((v, i) => [key(v), i]));
      const w = bitWidth(dict.length - 1);
      enc = col.dictEnc === ENC.PLAIN ? ENC.RLE_DICTIONARY : ENC.PLAIN_DICTIONARY;
      const idx = vals.map((v) => index.get(key(v)));
      firstBad.push(idx.find((x) => x >= dict.length - (bad.dictShrink || 0)));
      data = Buffer.concat([Buffer.of(w), hybrid(idx, w)]);
    } else if (p.enc === 'rle') {
      enc = ENC.RLE;
      const h = hybrid(vals.map((v) => (v ? 1 : 0)), 1);
      data = Buffer.concat([le32(h.length), h]);
    } else {
      enc = ENC.PLAIN;
      data = plain(col.physical, vals);
    }
    encodings.add(enc);
    if (dataOffset === null) dataOffset = offset;
    if (p.v2) {
      const levels = col.optional ? hybrid(defs, 1) : Buffer.alloc(0);
      const cdata = p.compressed ? compress(codec, data) : data;
      usizeTotal += levels.length + data.length;
      emit(pageHeader({ type: 3, usize: levels.length + data.length, csize: levels.length + cdata.length,
        n: rows.length, nulls: rows.length - vals.length, enc, defLen: levels.length, compressed: p.compressed }),
        Buffer.concat([levels, cdata]));
    } else {
      let levels = Buffer.alloc(0);
      if (col.optional && p.defEnc === 'BIT_PACKED') { levels = packMsb(defs, 1); encodings.add(ENC.BIT_PACKED); }
      else if (col.optional) { const h = hybrid(defs, 1); levels = Buffer.concat([le32(h.length), h]); }
      const body = Buffer.concat([levels, data]);
      const cbody = compress(codec, body);
      usizeTotal += body.length;
      emit(pageHeader({ type: 0, usize: body.length, csize: cbody.length,
        n: rows.length + (k === 0 && bad.pageValuesDelta || 0), enc,
        defEnc: p.defEnc === 'BIT_PACKED' ? ENC.BIT_PACKED : ENC.RLE }), cbody);
    }
  });
  const meta = (t) => {
    t.begin(3);
    t.i32(1, PHYSICAL[col.physical]);
    t.list(2, CT.I32, encodings.size); for (const e of encodings) t.zigzag(e);
    t.list(3, CT.BINARY, 1); t.varint(Buffer.from(col.name).length); for (const b of Buffer.from(col.name)) t.byte(b);
    t.i32(4, CODEC[codec]);
    t.i64(5, values.length + (bad.numValuesDelta || 0));
    t.i64(6, usizeTotal);
    t.i64(7, csizeTotal + (bad.chunkSizeDelta || 0));
    const dictAtDataOffset = dict && col.dictAtDataOffset;
    t.i64(9, dictAtDataOffset ? dictOffset : dataOffset);
    if (dict && !col.dictAtDataOffset) t.i64(11, dictOffset);
    if (col.stats) statistics(t, 12, col.stats(values));
    t.end();
  };
  return { bytes: Buffer.concat(parts), meta, start: dictOffset ?? dataOffset, size: csizeTotal, pages, firstBad };
}

function buildFile(fx, layout = {}) {
  const chunks = [Buffer.from('PAR1')];
  let offset = 4;
  const rowGroups = [];
  const all = fx.columns.map((c) => columnValues(c.gen, c.nulls, fx.rows));
  for (const [a, b] of fx.rowGroups) {
    const cols = fx.columns.map((c, k) => {
      const cc = columnChunk(c, all[k].slice(a, b), fx.codec, offset);
      chunks.push(cc.bytes);
      offset += cc.bytes.length;
      return cc;
    });
    rowGroups.push({ cols, rows: b - a });
  }
  layout.rowGroups = rowGroups;
  const t = new Thrift();
  t.begin();
  t.i32(1, 1);
  t.list(2, CT.STRUCT, fx.columns.length + 1);
  t.begin(); t.string(4, 'schema'); t.i32(5, fx.columns.length); t.end();
  for (const c of fx.columns) {
    t.begin();
    t.i32(1, PHYSICAL[c.physical]);
    t.i32(3, c.optional ? 1 : 0);
    t.string(4, c.name);
    if (c.converted !== undefined) t.i32(6, CONVERTED[c.converted]);
    if (c.scale !== undefined) { t.i32(7, c.scale); t.i32(8, c.precision); }
    t.end();
  }
  t.i64(3, fx.rows);
  t.list(4, CT.STRUCT, rowGroups.length);
  for (const rg of rowGroups) {
    t.begin();
    t.list(1, CT.STRUCT, rg.cols.length);
    for (const cc of rg.cols) { t.begin(); t.i64(2, cc.start); cc.meta(t); t.end(); }
    t.i64(2, rg.cols.reduce((s, cc) => s + cc.size, 0));
    t.i64(3, rg.rows);
    t.end();
  }
  t.string(6, 'kinetl handmade fixture writer');
  t.end();
  const footer = fx.footer ? fx.footer(t.bytes()) : t.bytes();
  chunks.push(footer, le32(footer.length), Buffer.from('PAR1'));
  return Buffer.concat(chunks);
}

const asBytes = (s) => Buffer.from(s);
const minMax = (values) => {
  const p = values.filter((v) => v !== null);
  return [p.reduce((a, b) => (b < a ? b : a)), p.reduce((a, b) => (b > a ? b : a))];
};
const int32le = (v) => { const b = Buffer.alloc(4); b.writeInt32LE(v); return b; };

export function handmadeFixtures(T) {
  const legacy = {
    file: 'handmade_legacy.parquet', writer: 'handmade', rows: 1000, codec: 'UNCOMPRESSED',
    rowGroups: [[0, 600], [600, 1000]],
    columns: [
      { name: 'ts96', gen: 'int96ns', nulls: 'none', physical: 'INT96', pages: [{}, {}],
        type: 'int64', unit: 'ns', utc: false },
      { name: 'opt_bp', gen: 'i32', nulls: 'mod5', physical: 'INT32', optional: true, ...T.i32,
        pages: [{ defEnc: 'BIT_PACKED' }, { defEnc: 'BIT_PACKED' }, { defEnc: 'BIT_PACKED' }],
        must_encodings: ['BIT_PACKED'],
        stats: (v) => { const [lo, hi] = minMax(v); return { legacyMin: int32le(lo), legacyMax: int32le(hi), nullCount: v.filter((x) => x === null).length }; },
        expect_stats: 'legacy-signed' },
      { name: 'dict_nooff', gen: 'str_dict', nulls: 'none', physical: 'BYTE_ARRAY', converted: 'UTF8', ...T.str,
        pages: [{ enc: 'dict' }, { enc: 'dict' }], dictAtDataOffset: true, must_encodings: ['PLAIN_DICTIONARY'],
        stats: (v) => { const [lo, hi] = minMax(v); return { legacyMin: asBytes(lo), legacyMax: asBytes(hi) }; },
        expect_stats: 'absent' },
      { name: 'same', gen: 'str_same', nulls: 'none', physical: 'BYTE_ARRAY', converted: 'UTF8', ...T.str,
        pages: [{}], stats: () => ({ legacyMin: asBytes('same'), legacyMax: asBytes('same') }), expect_stats: 'present' },
      { name: 'tsms', gen: 'ts_ms', nulls: 'mod5', physical: 'INT64', optional: true, converted: 'TIMESTAMP_MILLIS',
        ...T.i64, unit: 'ms', utc: true, pages: [{}, {}] },
      // UINT_32 with legacy (signed-order) statistics, which a reader must not trust.
      { name: 'u32_legacy', gen: 'u32', nulls: 'none', physical: 'INT32', converted: 'UINT_32', encode: 'int32bits',
        type: 'int64', signed: false, pages: [{}],
        stats: (v) => { const [lo, hi] = minMax(v); return { legacyMin: int32le(lo), legacyMax: int32le(hi) }; },
        expect_stats: 'absent' },
      // DECIMAL(20, 2) as minimal big-endian two's complement byte arrays (legacy converted type).
      { name: 'dec_ba', gen: 'dec9_2', nulls: 'mod5', physical: 'BYTE_ARRAY', optional: true, converted: 'DECIMAL',
        scale: 2, precision: 20, type: 'double', encode: 'decimal_be', pages: [{}, { enc: 'dict' }] },
    ],
  };
  const v2 = {
    file: 'handmade_v2.parquet', writer: 'handmade', rows: 900, codec: 'GZIP', rowGroups: [[0, 900]],
    columns: [
      { name: 'd', gen: 'f64', nulls: 'mod5', physical: 'DOUBLE', optional: true, ...T.f64,
        pages: [{ v2: true, compressed: false }, { v2: true, compressed: true }, { v2: true, compressed: true }] },
      { name: 's', gen: 'str_dict', nulls: 'mod5', physical: 'BYTE_ARRAY', optional: true, converted: 'UTF8', ...T.str,
        dictEnc: ENC.PLAIN, pages: [{ v2: true, compressed: true, enc: 'dict' }, { v2: true, compressed: false, enc: 'plain' }],
        must_encodings: ['RLE_DICTIONARY', 'PLAIN'] },
      { name: 'b', gen: 'bool3', nulls: 'none', physical: 'BOOLEAN', ...T.bool,
        pages: [{ v2: true, compressed: true, enc: 'rle' }, { v2: true, compressed: false, enc: 'rle' }],
        must_encodings: ['RLE'] },
    ],
  };
  for (const fx of [legacy, v2]) {
    fx.build = (variant = fx) => buildFile(variant);
    for (const c of fx.columns) {
      c.nullable = !!c.optional;
      if (c.expect_stats) c.stats_expect = c.expect_stats;
    }
  }
  return [legacy, v2];
}

// Files broken in one specific way each, with the exact error line the
// reader must give (after "<path>: "). Built from a small valid layout.
export function badFixtures() {
  const base = (corrupt, extra = {}) => ({
    rows: 40, codec: 'UNCOMPRESSED', rowGroups: [[0, 40]], ...extra,
    columns: [
      { name: 'v', gen: 'i32', nulls: 'none', physical: 'INT32', pages: [{}, {}] },
      { name: 's', gen: 'str_dict', nulls: 'mod5', physical: 'BYTE_ARRAY', optional: true, converted: 'UTF8',
        pages: [{ enc: 'dict' }, { enc: 'dict' }], corrupt },
    ],
  });
  const cases = [];
  const add = (file, fx, error) => cases.push({ file, fx, error });
  // The last page's data runs past the chunk's declared size.
  add('bad_page_past_chunk.parquet', base({ chunkSizeDelta: -3 }), (L) => {
    const c = L.rowGroups[0].cols[1], p = c.pages[c.pages.length - 1];
    return `row group 0 column 's': page at offset ${p.offset} (${p.hlen}-byte header + ${p.csize} bytes) runs past the column chunk (ends at ${c.start + c.size - 3})`;
  });
  // The chunk's declared end falls inside the last page's header.
  add('bad_header_past_chunk.parquet', base({ chunkSizeDelta: 0 }), null);
  // Dictionary indices beyond the dictionary (the first one is reported).
  add('bad_dict_index.parquet', base({ dictShrink: 3 }), (L) => {
    const c = L.rowGroups[0].cols[1], p = c.pages[1];
    return `row group 0 column 's': page at offset ${p.offset}: dictionary index ${c.firstBad[0]} is out of range (dictionary has 10 values)`;
  });
  // A page claims more values than the row group has rows left.
  add('bad_page_values.parquet', base({ pageValuesDelta: 25 }), (L) => {
    const p = L.rowGroups[0].cols[1].pages[1];
    return `row group 0 column 's': page at offset ${p.offset}: page has 45 values but only 40 rows remain in the row group`;
  });
  // The chunk's value count disagrees with the row group.
  add('bad_num_values.parquet', base({ numValuesDelta: 1 }),
    () => `row group 0 column 's': column chunk has 41 values but the row group has 40 rows`);
  // The footer is not thrift.
  add('bad_footer_thrift.parquet', base(undefined, { footer: (f) => Buffer.alloc(f.length, 0xff) }), (L, F) =>
    `footer: thrift: unknown field type at byte 1 of ${F}`);
  // The footer ends inside its first field (version's varint).
  add('bad_footer_cut.parquet', base(undefined, { footer: (f) => f.subarray(0, 1) }), () =>
    `footer: thrift: varint runs past the end at byte 1 of 1`);
  const out = [];
  for (const c of cases) {
    const layout = {};
    let bytes = buildFile(c.fx, layout);
    let error = c.error && c.error(layout, bytes.readUInt32LE(bytes.length - 8));
    if (c.file === 'bad_header_past_chunk.parquet') {
      // Rebuild with the size cut to end two bytes into the last page header.
      const col = layout.rowGroups[0].cols[1], p = col.pages[col.pages.length - 1];
      const delta = p.offset + 2 - (col.start + col.size);
      c.fx.columns[1].corrupt = { chunkSizeDelta: delta };
      bytes = buildFile(c.fx, layout);
      error = `row group 0 column 's': page header at offset ${p.offset} runs past the column chunk (ends at ${p.offset + 2})`;
    }
    out.push({ file: c.file, bytes, error });
  }
  return out;
}
