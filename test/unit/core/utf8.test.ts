import { describe, expect, test } from 'vitest';
import { utf8Length } from '../../../src/core/utf8.js';

describe('utf8Length', () => {
  const cases = [
    { text: '', want: 0 },
    { text: 'abc', want: 3 },
    { text: 'é', want: 2 },
    { text: '€', want: 3 },
    { text: '😀', want: 4 },
    { text: '\ud800', want: 3 },
    { text: '\ud800x', want: 4 },
    { text: '\udc00', want: 3 },
  ];
  test.each(cases)('S-12: $text is $want bytes', ({ text, want }) => {
    expect(utf8Length(text)).toBe(want);
  });
});
