// tests/interop/jsonl.mjs — a strict JSON Lines reader that keeps numbers as
// their source text, so 64-bit integers and doubles are compared exactly
// (JSON.parse would round both through a double).
//
// parseObjectLine(line) -> [[key, token], ...] in source order, where token
// is {t:'num', raw} | {t:'str', v} | {t:'bool', v} | {t:'null'}. Nested
// values are not expected in kinetl's rows and are rejected.

export function parseObjectLine(line) {
  let i = 0;
  const fail = (why) => { throw new Error(`bad JSON at column ${i}: ${why}: ${line.slice(0, 120)}`); };
  const ws = () => { while (i < line.length && ' \t'.includes(line[i])) i++; };
  const expect = (c) => { ws(); if (line[i] !== c) fail(`expected '${c}'`); i++; };

  function str() {
    if (line[i] !== '"') fail('expected a string');
    i++;
    let out = '';
    for (;;) {
      if (i >= line.length) fail('unterminated string');
      const c = line[i++];
      if (c === '"') return out;
      if (c.charCodeAt(0) < 0x20) fail('raw control character in string');
      if (c !== '\\') { out += c; continue; }
      const e = line[i++];
      const simple = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
      if (e in simple) out += simple[e];
      else if (e === 'u') {
        const hex = line.slice(i, i + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('bad \\u escape');
        out += String.fromCharCode(parseInt(hex, 16));
        i += 4;
      } else fail(`bad escape \\${e}`);
    }
  }

  function value() {
    ws();
    const c = line[i];
    if (c === '"') return { t: 'str', v: str() };
    for (const [word, tok] of [['true', { t: 'bool', v: true }], ['false', { t: 'bool', v: false }],
      ['null', { t: 'null' }]]) {
      if (line.startsWith(word, i)) { i += word.length; return tok; }
    }
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/.exec(line.slice(i));
    if (!m) fail('expected a value');
    i += m[0].length;
    return { t: 'num', raw: m[0] };
  }

  const out = [];
  expect('{');
  ws();
  if (line[i] === '}') { i++; } else {
    for (;;) {
      ws();
      const key = str();
      expect(':');
      out.push([key, value()]);
      ws();
      if (line[i] === ',') { i++; continue; }
      expect('}');
      break;
    }
  }
  ws();
  if (i !== line.length) fail('trailing characters');
  return out;
}

// Splits kinetl's output into lines; the last line must end with '\n'.
export function splitLines(text) {
  if (text.length === 0) return [];
  if (!text.endsWith('\n')) throw new Error('output does not end with a newline');
  return text.slice(0, -1).split('\n');
}

const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const NUMBER = /-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/y;

// A whole JSON document (kinetl's --json output) with every number kept as
// its source text: numbers become {raw}, everything else the usual values.
export function parseJsonRaw(text) {
  let i = 0;
  const fail = (why) => { throw new Error(`bad JSON at ${i}: ${why}`); };
  const ws = () => { while (i < text.length && ' \t\r\n'.includes(text[i])) i++; };
  function value() {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const obj = {};
      ws();
      if (text[i] === '}') { i++; return obj; }
      for (;;) {
        ws();
        const k = value();
        if (typeof k !== 'string') fail('object key is not a string');
        ws();
        if (text[i++] !== ':') fail("expected ':'");
        obj[k] = value();
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i++] !== '}') fail("expected '}'");
        return obj;
      }
    }
    if (c === '[') {
      i++;
      const arr = [];
      ws();
      if (text[i] === ']') { i++; return arr; }
      for (;;) {
        arr.push(value());
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i++] !== ']') fail("expected ']'");
        return arr;
      }
    }
    if (c === '"') {
      STRING.lastIndex = i;
      const m = STRING.exec(text);
      if (!m) fail('bad string');
      i += m[0].length;
      return JSON.parse(m[0]);
    }
    for (const [w, v] of [['true', true], ['false', false], ['null', null]]) {
      if (text.startsWith(w, i)) { i += w.length; return v; }
    }
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (!m) fail('expected a value');
    i += m[0].length;
    return { raw: m[0] };
  }
  const v = value();
  ws();
  if (i !== text.length) fail('trailing characters');
  return v;
}

// A value of parseJsonRaw as a token of parseObjectLine.
export function tokenOf(v) {
  if (v === null) return { t: 'null' };
  if (typeof v === 'boolean') return { t: 'bool', v };
  if (typeof v === 'string') return { t: 'str', v };
  if (v && typeof v.raw === 'string') return { t: 'num', raw: v.raw };
  throw new Error('not a scalar');
}
