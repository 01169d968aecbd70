import { describe, expect, test } from 'vitest';
import { parseQueryString } from '../../../../src/core/dialect/query-string.js';

describe('parseQueryString', () => {
  const cases = [
    { query: '', want: [] },
    { query: '$top=5', want: [{ name: '$top', value: '5' }] },
    { query: '%24filter=a%20eq%201&&x', want: [{ name: '$filter', value: 'a eq 1' }, { name: 'x', value: '' }] },
    { query: '$filter=text+eq+%27a+b%27', want: [{ name: '$filter', value: "text eq 'a b'" }] },
    { query: 'a=b=c', want: [{ name: 'a', value: 'b=c' }] },
    { query: 'q=%E2%82%AC', want: [{ name: 'q', value: '€' }] },
  ];
  test.each(cases)('S-30: decodes $query', ({ query, want }) => {
    const r = parseQueryString(query);
    expect(r.ok && r.value.map(({ name, value }) => ({ name, value }))).toEqual(want);
  });

  test.each(['$filter=%', '$filter=%zz', '%E2%82=1', 'x=%E2%82'])('S-30: a malformed escape in %j is invalid_query', (query) => {
    const r = parseQueryString(query);
    expect(r.ok ? null : r.error.code).toBe('invalid_query');
  });

  test('S-27: keeps each raw pair for continuation links', () => {
    const r = parseQueryString('$filter=a%20eq%201&$top=5');
    expect(r.ok && r.value.map((p) => p.raw)).toEqual(['$filter=a%20eq%201', '$top=5']);
  });
});
