import { parseDate, parseDateTime } from '../dates.js';
import { isStorableText } from '../storable-text.js';
import type { LiteralValue } from './ast.js';

/** One `$filter` token; `pos` is its 0-based offset in the decoded text. */
export type FilterToken =
  | { readonly kind: 'ident'; readonly pos: number; readonly text: string }
  | { readonly kind: 'literal'; readonly pos: number; readonly value: LiteralValue }
  | { readonly kind: 'punct'; readonly pos: number; readonly text: '(' | ')' | ',' | '-' }
  | { readonly kind: 'invalid'; readonly pos: number; readonly reason: string }
  | { readonly kind: 'eof'; readonly pos: number };

const IDENT = /[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/y;
const NUMBER = /\d+(?:\.\d+)?(?:[eE][+-]?\d+)?[mMlLfFdD]?/y;
const BARE_DATE_TIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?/iy;
const BARE_DATE = /\d{4}-\d{2}-\d{2}/y;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,7})?)?$/;
const WORD_CHAR = /[A-Za-z0-9_.]/;

/**
 * Splits a `$filter` into tokens, ending with `eof`. Prefixed literals (`datetime'…'`,
 * `datetimeoffset'…'`, `guid'…'`) and whole `cast(…,Edm.X)` forms come out as single literal
 * tokens, since their values are not expressions (PROTOCOL.md §2.4). Lexing stops at the first
 * bad token with an `invalid` token, which the parser reports only if it gets that far, so the
 * error position is that of the first offending token in reading order.
 */
export function lexFilter(text: string): readonly FilterToken[] {
  const tokens: FilterToken[] = [];
  let pos = 0;
  const fault = (position: number, reason: string): readonly FilterToken[] => {
    tokens.push({ kind: 'invalid', pos: position, reason }, { kind: 'eof', pos: text.length });
    return tokens;
  };
  while (pos < text.length) {
    const ch = text.charAt(pos);
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n') {
      pos++;
      continue;
    }
    if (ch === '(' || ch === ')' || ch === ',' || ch === '-') {
      tokens.push({ kind: 'punct', pos, text: ch });
      pos++;
      continue;
    }
    if (ch === "'") {
      const s = readString(text, pos);
      if (s === null) return fault(pos, 'unterminated string');
      // No stored string holds one, and the server's database cannot compare with one (F-14).
      if (!isStorableText(s.value)) return fault(pos, 'a string literal holds a NUL or an unpaired surrogate');
      tokens.push({ kind: 'literal', pos, value: s.value });
      pos = s.end;
      continue;
    }
    if (ch >= '0' && ch <= '9') {
      const n = readNumberOrDate(text, pos);
      if ('reason' in n) return fault(pos, n.reason);
      tokens.push({ kind: 'literal', pos, value: n.value });
      pos = n.end;
      continue;
    }
    IDENT.lastIndex = pos;
    const m = IDENT.exec(text);
    if (m === null) return fault(pos, `unexpected character ${JSON.stringify(ch)}`);
    const word = m[0];
    const end = pos + word.length;
    const lower = word.toLowerCase();
    if (text.charAt(end) === "'") {
      const s = readString(text, end);
      if (s === null) return fault(pos, 'unterminated string');
      const value = prefixedLiteral(lower, s.value);
      if (value === undefined) return fault(pos, `unsupported literal ${word}'…'`);
      if (value === null) return fault(pos, `invalid ${word} literal`);
      tokens.push({ kind: 'literal', pos, value });
      pos = s.end;
      continue;
    }
    if (lower === 'cast') {
      const open = skipSpaces(text, end);
      if (text.charAt(open) === '(') {
        const c = readCast(text, open + 1);
        if ('reason' in c) return fault(c.position, c.reason);
        tokens.push({ kind: 'literal', pos, value: c.value });
        pos = c.end;
        continue;
      }
    }
    tokens.push({ kind: 'ident', pos, text: word });
    pos = end;
  }
  tokens.push({ kind: 'eof', pos: text.length });
  return tokens;
}

function skipSpaces(text: string, pos: number): number {
  let p = pos;
  while (p < text.length && ' \t\r\n'.includes(text.charAt(p))) p++;
  return p;
}

function readString(text: string, start: number): { value: string; end: number } | null {
  let value = '';
  let p = start + 1;
  for (;;) {
    const close = text.indexOf("'", p);
    if (close < 0) return null;
    value += text.slice(p, close);
    if (text.charAt(close + 1) !== "'") return { value, end: close + 1 };
    value += "'";
    p = close + 2;
  }
}

function readNumberOrDate(text: string, pos: number): { value: LiteralValue; end: number } | { reason: string } {
  BARE_DATE_TIME.lastIndex = pos;
  const dt = BARE_DATE_TIME.exec(text);
  if (dt !== null) {
    const value = parseDateTime(dt[0]);
    const end = pos + dt[0].length;
    if (value === null || WORD_CHAR.test(text.charAt(end))) return { reason: 'invalid date-time literal' };
    return { value, end };
  }
  BARE_DATE.lastIndex = pos;
  if (BARE_DATE.test(text)) return { reason: 'a bare date needs cast(…,Edm.Date)' };
  NUMBER.lastIndex = pos;
  const m = NUMBER.exec(text);
  // NUMBER always matches here: the caller saw a digit.
  const raw = m === null ? '' : m[0];
  const end = pos + raw.length;
  const value = Number(/[mlfd]$/i.test(raw) ? raw.slice(0, -1) : raw);
  if (WORD_CHAR.test(text.charAt(end)) || !Number.isFinite(value)) return { reason: 'invalid number literal' };
  return { value, end };
}

/** `undefined`: not a literal prefix we know; `null`: a known prefix with a bad value. */
function prefixedLiteral(prefix: string, raw: string): LiteralValue | undefined {
  switch (prefix) {
    case 'datetime':
    case 'datetimeoffset':
      return parseDateTime(raw);
    case 'guid':
      return GUID.test(raw) ? raw.toLowerCase() : null;
    default:
      return undefined;
  }
}

type CastRead = { value: LiteralValue; end: number } | { position: number; reason: string };

/** Reads `value , Edm.Type )` after `cast(`; the value is bare or quoted. */
function readCast(text: string, afterParen: number): CastRead {
  const valuePos = skipSpaces(text, afterParen);
  let raw: string;
  let p: number;
  if (text.charAt(valuePos) === "'") {
    const s = readString(text, valuePos);
    if (s === null) return { position: valuePos, reason: 'unterminated string' };
    raw = s.value;
    p = s.end;
  } else {
    p = valuePos;
    while (p < text.length && !",)' \t\r\n".includes(text.charAt(p))) p++;
    raw = text.slice(valuePos, p);
    if (raw === '') return { position: valuePos, reason: 'cast needs a literal value' };
  }
  p = skipSpaces(text, p);
  if (text.charAt(p) !== ',') return { position: p, reason: 'expected "," in cast' };
  const typePos = skipSpaces(text, p + 1);
  IDENT.lastIndex = typePos;
  const type = IDENT.exec(text)?.[0] ?? '';
  const close = skipSpaces(text, typePos + type.length);
  const value = castValue(type.toLowerCase(), raw);
  if (value === undefined) return { position: typePos, reason: `unsupported cast type ${JSON.stringify(type)}` };
  if (value === null) return { position: valuePos, reason: `invalid ${type} value` };
  if (text.charAt(close) !== ')') return { position: close, reason: 'expected ")" after cast' };
  return { value, end: close + 1 };
}

function castValue(type: string, raw: string): LiteralValue | undefined {
  switch (type) {
    case 'edm.datetimeoffset':
      return parseDateTime(raw);
    case 'edm.date':
      return parseDate(raw);
    case 'edm.guid':
      return GUID.test(raw) ? raw.toLowerCase() : null;
    case 'edm.timeofday':
      return TIME_OF_DAY.test(raw) ? raw : null;
    default:
      return undefined;
  }
}
