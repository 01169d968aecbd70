import type { DateValue, FunctionName, LiteralValue } from './ast.js';
import { parseDateTimeFast } from './parse-canonical-date-time.js';

/** True for a date literal's value. */
export const isDateValue = (v: LiteralValue): v is DateValue => typeof v === 'object' && v !== null;

/** A date value, or a string that parses as a date-time (PROTOCOL.md §2.4 rule 1); else null. */
export function asDate(v: LiteralValue): DateValue | null {
  if (typeof v === 'string') return parseDateTimeFast(v);
  return isDateValue(v) ? v : null;
}

/**
 * Applies one `$filter` function to evaluated arguments (PROTOCOL.md §2.4 rule 4): a null or
 * wrong-typed argument gives null. Strings count in code points; `tolower` and `toupper` map code
 * points as JavaScript does, without the final-sigma rule; `trim` strips U+0020 only;
 * `replace` of an empty string changes nothing (as SQL `replace` does); `substring` clamps a
 * negative start to 0 and gives null for a negative length or a non-integer index.
 */
export function callFunction(name: FunctionName, args: readonly LiteralValue[]): LiteralValue {
  const [a = null, b = null, c = null] = args;
  switch (name) {
    case 'contains':
      return typeof a === 'string' && typeof b === 'string' ? a.includes(b) : null;
    case 'substringof': // the parser rewrites it to contains(s,t); kept total for hand-built ASTs
      return typeof a === 'string' && typeof b === 'string' ? b.includes(a) : null;
    case 'startswith':
      return typeof a === 'string' && typeof b === 'string' ? a.startsWith(b) : null;
    case 'endswith':
      return typeof a === 'string' && typeof b === 'string' ? a.endsWith(b) : null;
    case 'indexof': {
      if (typeof a !== 'string' || typeof b !== 'string') return null;
      const at = a.indexOf(b);
      return at < 0 ? -1 : codePointLength(a.slice(0, at));
    }
    case 'length':
      return typeof a === 'string' ? codePointLength(a) : null;
    case 'substring':
      return substring(a, b, args.length === 3 ? c : undefined);
    case 'tolower':
      // Capital sigma is σ wherever it stands: JavaScript's final-sigma rule (ς at a word's end) has no SQL twin.
      return typeof a === 'string' ? (a.includes('\u03a3') ? a.replaceAll('\u03a3', '\u03c3') : a).toLowerCase() : null;
    case 'toupper':
      return typeof a === 'string' ? a.toUpperCase() : null;
    case 'trim':
      return typeof a === 'string' ? a.replace(/^ +| +$/g, '') : null;
    case 'concat':
      return typeof a === 'string' && typeof b === 'string' ? a + b : null;
    case 'replace':
      if (typeof a !== 'string' || typeof b !== 'string' || typeof c !== 'string') return null;
      return b === '' ? a : a.split(b).join(c);
    case 'year':
    case 'month':
    case 'day':
    case 'hour':
    case 'minute':
    case 'second':
      return datePart(name, a);
    case 'round':
      return typeof a === 'number' ? (a < 0 ? -Math.round(-a) : Math.round(a)) : null;
    case 'floor':
      return typeof a === 'number' ? Math.floor(a) : null;
    case 'ceiling':
      return typeof a === 'number' ? Math.ceil(a) : null;
  }
}

function codePointLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const unit = s.charCodeAt(i);
    // A low surrogate after a high one continues the same code point.
    if (unit >= 0xdc00 && unit <= 0xdfff && i > 0 && isHigh(s.charCodeAt(i - 1))) continue;
    n++;
  }
  return n;
}

const isHigh = (unit: number): boolean => unit >= 0xd800 && unit <= 0xdbff;

function substring(s: LiteralValue, start: LiteralValue, count: LiteralValue | undefined): LiteralValue {
  if (typeof s !== 'string' || typeof start !== 'number' || !Number.isInteger(start)) return null;
  if (count !== undefined && (typeof count !== 'number' || !Number.isInteger(count) || count < 0)) return null;
  const points = Array.from(s);
  const from = Math.max(start, 0);
  return points.slice(from, count === undefined ? undefined : from + count).join('');
}

function datePart(name: 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', v: LiteralValue): number | null {
  const date = asDate(v);
  if (date === null) return null;
  const d = new Date(date.ms);
  switch (name) {
    case 'year':
      return d.getUTCFullYear();
    case 'month':
      return d.getUTCMonth() + 1;
    case 'day':
      return d.getUTCDate();
    case 'hour':
      return d.getUTCHours();
    case 'minute':
      return d.getUTCMinutes();
    case 'second':
      return d.getUTCSeconds();
  }
}
