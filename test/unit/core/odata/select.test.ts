import { describe, expect, test } from 'vitest';
import { parseSelect, project } from '../../../../src/core/odata/select.js';

describe('parseSelect', () => {
  test.each([
    { text: 'text,done', want: ['text', 'done'] },
    { text: ' text , done ,text', want: ['text', 'done'] },
    { text: '_a1', want: ['_a1'] },
  ])('S-32: parses $text', ({ text, want }) => {
    expect(parseSelect(text)).toEqual({ ok: true, value: want });
  });

  test.each(['', 'a,', '*', 'a b', 'a/b', '1a', 'x'.repeat(129)])('refuses %j with invalid_query', (text) => {
    const r = parseSelect(text);
    expect(r.ok ? null : r.error.code).toBe('invalid_query');
  });
});

describe('project', () => {
  test('S-32: keeps only the selected keys the row has', () => {
    expect(project({ id: '1', text: 'a', done: false, n: null }, ['text', 'done', 'n', 'absent'])).toEqual({ text: 'a', done: false, n: null });
    expect(project({ id: '1' }, ['toString', 'constructor'])).toEqual({});
  });
});
