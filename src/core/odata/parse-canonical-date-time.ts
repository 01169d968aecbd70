import { parseDateTime } from '../dates.js';
import type { DateValue } from './ast.js';

/** True for `YYYY-MM-DDTHH:mm:ss.sssZ`, the one form servers write dates in (PROTOCOL.md §2.2). */
export function isCanonicalDateTime(s: string): boolean {
  return s.length === 24 && s.charCodeAt(23) === 0x5a && s.charCodeAt(10) === 0x54 && s.charCodeAt(19) === 0x2e &&
    s.charCodeAt(4) === 0x2d && s.charCodeAt(7) === 0x2d && s.charCodeAt(13) === 0x3a && s.charCodeAt(16) === 0x3a;
}

/**
 * parseDateTime with a fast path for the canonical form, which every row's system dates use:
 * local reads parse one per row, so skipping the regex matters. Same results as parseDateTime.
 */
export function parseDateTimeFast(s: string): DateValue | null {
  if (!isCanonicalDateTime(s)) return parseDateTime(s);
  const year = digits(s, 0, 4), month = digits(s, 5, 2), day = digits(s, 8, 2);
  const hour = digits(s, 11, 2), minute = digits(s, 14, 2), second = digits(s, 17, 2), ms = digits(s, 20, 3);
  // Days past the 28th depend on the month, and Date.UTC moves years 0–99: leave those to the full parser.
  if (year < 100 || month < 1 || month > 12 || day < 1 || day > 28 || hour > 23 || minute > 59 || second > 59 || ms < 0) {
    return parseDateTime(s);
  }
  return { kind: 'date', ms: Date.UTC(year, month - 1, day, hour, minute, second, ms), us: 0 };
}

/** The decimal number in s[at, at+n), or -1 when a character there is not a digit. */
function digits(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const d = s.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}
