import type { DateValue } from './odata/ast.js';

/** `YYYY-MM-DDTHH:mm[:ss[.f{1,7}]]` plus `Z`, `±hh:mm` or nothing (UTC), as PROTOCOL.md §2.2 reads dates. */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?(Z|[+-]\d{2}:\d{2})?$/i;

/** Parses a date-time string into an instant at microsecond precision; null when it is not one. */
export function parseDateTime(text: string): DateValue | null {
  const m = DATE_TIME.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s = '0', frac = '', zone = 'Z'] = m;
  const year = Number(y), month = Number(mo), day = Number(d), hour = Number(h), minute = Number(mi), second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  let offsetMinutes = 0;
  if (zone.toUpperCase() !== 'Z') {
    const oh = Number(zone.slice(1, 3)), om = Number(zone.slice(4, 6));
    if (oh > 23 || om > 59) return null;
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (oh * 60 + om);
  }
  const micros = Number((frac + '000000').slice(0, 6));
  const ms = utcMs(year, month, day, hour, minute, second) - offsetMinutes * 60_000 + Math.floor(micros / 1000);
  return { kind: 'date', ms, us: micros % 1000 };
}

/** Sign of a − b for two instants: -1, 0 or 1. */
export function compareInstants(a: DateValue, b: DateValue): number {
  if (a.ms !== b.ms) return a.ms < b.ms ? -1 : 1;
  return a.us === b.us ? 0 : a.us < b.us ? -1 : 1;
}

/** `cast(YYYY-MM-DD,Edm.Date)`: the date at 00:00Z (only a bare date reads as one with that time appended). */
export const parseDate = (text: string): DateValue | null => parseDateTime(`${text}T00:00`);

/** Epoch milliseconds of a date-time string (L-14), or null. */
export function epochMsOf(text: string): number | null {
  const value = parseDateTime(text);
  return value === null ? null : value.ms;
}

/** `YYYY-MM-DDTHH:mm:ss.sssZ`: the one way dates are written. */
export function formatDateTime(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

// Date.UTC maps years 0–99 to 1900–1999, so the year is set separately.
function utcMs(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second));
  date.setUTCFullYear(year, month - 1, day);
  return date.getTime();
}

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 ? (leap ? 29 : 28) : [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}
