import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseDateTime } from '../../../../src/core/dates.js';
import { isCanonicalDateTime, parseDateTimeFast } from '../../../../src/core/odata/parse-canonical-date-time.js';

describe('parseDateTimeFast', () => {
  test.each([
    '2024-01-15T10:00:00.000Z',
    '2024-02-29T23:59:59.999Z',
    '2023-02-29T00:00:00.000Z',
    '2024-04-31T00:00:00.000Z',
    '2024-13-01T00:00:00.000Z',
    '2024-00-10T00:00:00.000Z',
    '2024-01-00T00:00:00.000Z',
    '2024-01-15T24:00:00.000Z',
    '2024-01-15T10:60:00.000Z',
    '2024-01-15T10:00:60.000Z',
    '2024-01-15T10:00:00.0a0Z',
    'x024-01-15T10:00:00.000Z',
    '2024-01-15T10:00:00.123+01:00',
    'not a date',
  ])('agrees with parseDateTime on %s', (text) => {
    expect(parseDateTimeFast(text)).toEqual(parseDateTime(text));
  });

  test('agrees with parseDateTime on arbitrary canonical-shaped strings', () => {
    const digit = fc.constantFrom(...'0123456789');
    const d = (n: number) => fc.array(digit, { minLength: n, maxLength: n }).map((a) => a.join(''));
    const shaped = fc.tuple(d(4), d(2), d(2), d(2), d(2), d(2), d(3)).map(([y, mo, da, h, mi, s, ms]) => `${y}-${mo}-${da}T${h}:${mi}:${s}.${ms}Z`);
    fc.assert(
      fc.property(shaped, (text) => {
        expect(isCanonicalDateTime(text)).toBe(true);
        expect(parseDateTimeFast(text)).toEqual(parseDateTime(text));
      }),
      { numRuns: 2000 },
    );
  });
});
