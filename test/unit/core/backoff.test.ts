import { describe, expect, test } from 'vitest';
import { backoffDelay, MAX_BACKOFF_MS, nextAttemptAt } from '../../../src/core/backoff.js';

describe('backoff', () => {
  test.each([
    { n: 0, j: 0.5, want: 0 },
    { n: 1, j: 0, want: 500 },
    { n: 1, j: 0.5, want: 750 },
    { n: 2, j: 0, want: 1000 },
    { n: 3, j: 0.999, want: 4000 * (0.5 + 0.999 / 2) },
    { n: 9, j: 0, want: 128_000 },
    { n: 10, j: 0, want: 150_000 },
    { n: 50, j: 1, want: MAX_BACKOFF_MS },
    { n: 2, j: -3, want: 1000 },
    { n: 2, j: Number.NaN, want: 1000 },
    { n: Number.NaN, j: 0.5, want: 0 },
  ])('U-15: after $n stopped pushes with jitter $j the delay is $want ms', ({ n, j, want }) => {
    expect(backoffDelay(n, j)).toBeCloseTo(want, 6);
  });

  test.each([
    { name: 'no Retry-After: the back-off', retryAfterMs: null, want: 10_000 + 2000 },
    { name: 'a shorter Retry-After: the back-off', retryAfterMs: 500, want: 10_000 + 2000 },
    { name: 'a later Retry-After wins', retryAfterMs: 60_000, want: 70_000 },
  ])('U-14: $name', ({ retryAfterMs, want }) => {
    expect(nextAttemptAt({ now: 10_000, stoppedPushes: 3, jitter: 0, retryAfterMs })).toBe(want);
  });
});
