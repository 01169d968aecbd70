import { describe, expect, test } from 'vitest';
import { compareCodePoints } from '../../../../src/core/odata/compare-code-points.js';

describe('compareCodePoints', () => {
  test.each([
    { a: 'a', b: 'b', want: -1 },
    { a: 'b', b: 'a', want: 1 },
    { a: 'same', b: 'same', want: 0 },
    { a: 'ab', b: 'abc', want: -1 },
    { a: 'B', b: 'a', want: -1 },
    { a: '\uffff', b: '\ud83d\ude00', want: -1 },
    { a: '\ud83d\ude00', b: '\uffff', want: 1 },
    { a: '\ud83d\ude00', b: '\ud83d\ude00x', want: -1 },
    { a: '\ud83d\ude01', b: '\ud83d\ude00', want: 1 },
    { a: 'x\ud83d\ude00', b: 'x\ue000', want: 1 },
  ])('S-31: $a vs $b is $want (code points, not UTF-16 units)', ({ a, b, want }) => {
    expect(compareCodePoints(a, b)).toBe(want);
  });
});
