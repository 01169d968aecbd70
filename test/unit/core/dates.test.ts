import { describe, expect, test } from 'vitest';
import { compareInstants, epochMsOf, formatDateTime, parseDate, parseDateTime } from '../../../src/core/dates.js';

describe('dates', () => {
  test.each([
    ['2024-01-02T03:04:05Z', Date.UTC(2024, 0, 2, 3, 4, 5)],
    ['2024-01-02T03:04:05.6Z', Date.UTC(2024, 0, 2, 3, 4, 5, 600)],
    ['2024-01-02T03:04:05.678Z', Date.UTC(2024, 0, 2, 3, 4, 5, 678)],
    ['2024-01-02T03:04:05.6789999Z', Date.UTC(2024, 0, 2, 3, 4, 5, 678)],
    ['2024-01-02T03:04:05.678+02:00', Date.UTC(2024, 0, 2, 1, 4, 5, 678)],
    ['2024-01-02T03:04:05.678-01:30', Date.UTC(2024, 0, 2, 4, 34, 5, 678)],
    ['2024-01-02T03:04', Date.UTC(2024, 0, 2, 3, 4)],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
  ])('L-14: %s is epoch ms %d', (text, ms) => {
    expect(epochMsOf(text)).toBe(ms);
  });

  test('L-14: a 7th fractional digit is truncated, microseconds kept', () => {
    expect(parseDateTime('1970-01-01T00:00:00.0000019Z')).toEqual({ kind: 'date', ms: 0, us: 1 });
  });

  test.each(['2023-02-29T00:00:00Z', '2024-13-01T00:00:00Z', '2024-01-01T24:00:00Z', '2024-01-01', 'x', '2024-01-01T00:00:00+25:00', '1900-02-29T00:00:00Z'])(
    'L-14: %s is not a date-time',
    (text) => {
      expect(parseDateTime(text)).toBeNull();
    },
  );

  test('S-34: instants stay exact at microseconds past the year 2255 (2^53 µs) and before 1970', () => {
    const a = parseDateTime('9999-12-31T23:59:59.999998Z');
    const b = parseDateTime('9999-12-31T23:59:59.999999Z');
    expect(a && b && compareInstants(a, b)).toBe(-1);
    expect(b).toEqual({ kind: 'date', ms: Date.UTC(9999, 11, 31, 23, 59, 59, 999), us: 999 });
    expect(parseDateTime('1969-12-31T23:59:59.9999995Z')).toEqual({ kind: 'date', ms: -1, us: 999 });
    const c = parseDateTime('1969-12-31T23:59:59.999Z');
    expect(c && compareInstants(c, { kind: 'date', ms: -1, us: 0 })).toBe(0);
  });

  test('years 0–99 keep their year (Date.UTC would move them to the 1900s)', () => {
    const year50 = parseDateTime('0050-06-01T00:00:00Z');
    expect(year50).not.toBeNull();
    expect(new Date(year50?.ms ?? 0).getUTCFullYear()).toBe(50);
    expect(parseDateTime('0000-02-29T00:00:00Z')).not.toBeNull();
    expect(parseDate('0004-02-29')).not.toBeNull();
  });

  test('cast(YYYY-MM-DD,Edm.Date) is 00:00Z; dates are written with 3 digits and Z', () => {
    expect(parseDate('2024-03-04')).toEqual({ kind: 'date', ms: Date.UTC(2024, 2, 4), us: 0 });
    expect(parseDate('2024-02-30')).toBeNull();
    expect(formatDateTime(Date.UTC(2024, 0, 2, 3, 4, 5, 6))).toBe('2024-01-02T03:04:05.006Z');
  });
});
