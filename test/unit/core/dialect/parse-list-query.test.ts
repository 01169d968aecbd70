import { describe, expect, test } from 'vitest';
import { includesDeleted, parseListQuery } from '../../../../src/core/dialect/parse-list-query.js';
import { parseQueryString } from '../../../../src/core/dialect/query-string.js';

const params = (query: string) => {
  const r = parseQueryString(query);
  if (!r.ok) throw r.error;
  return r.value;
};

describe('parseListQuery', () => {
  const cases = [
    { id: 'S-30', name: '$top at maxTop', query: '$top=20', maxTop: 20, want: { top: 20 } },
    { id: 'S-30', name: 'the later $top wins', query: '$top=3&$top=4', maxTop: 20, want: { top: 4 } },
    { id: 'S-31', name: 'a blank $orderby is none', query: '$orderby=%20', maxTop: 20, want: { orderBy: [] } },
    { id: 'S-32', name: 'a blank $select is none', query: '$select=', maxTop: 20, want: { select: null } },
    { id: 'S-30', name: 'parameters without $ are ignored', query: 'top=x&skip=y&filter=z', maxTop: 20, want: { top: null, skip: 0, filter: null } },
  ];
  test.each(cases)('$id: $name', ({ query, maxTop, want }) => {
    const r = parseListQuery(params(query), { maxTop });
    expect(r.ok && r.value).toMatchObject(want);
  });

  test.each(['$filter=', '$filter=%20%20', '%24FILTER=', '$filter'])('S-36: a blank $filter (%s) is invalid_filter at position 0', (query) => {
    const r = parseListQuery(params(query), { maxTop: 20 });
    expect(r.ok ? null : [r.error.code, r.error.details['position']]).toEqual(['invalid_filter', 0]);
  });

  test('S-30: $top over maxTop names maxTop', () => {
    const r = parseListQuery(params('$top=21'), { maxTop: 20 });
    expect(r.ok ? null : [r.error.code, r.error.details['maxTop']]).toEqual(['top_too_large', 20]);
  });
});

describe('includesDeleted', () => {
  const cases = [
    { query: '__includeDeleted=true', want: true },
    { query: '__includedeleted=TRUE', want: true },
    { query: '__IncludeDeleted=%20true%20', want: true },
    { query: '__includeDeleted=false', want: false },
    { query: '__includeDeleted=', want: false },
    { query: '__includeDeleted=yes', want: false },
    { query: '__includeDeleted=true&__includeDeleted=false', want: false },
    { query: 'includeDeleted=true', want: false },
    { query: '', want: false },
  ];
  test.each(cases)('S-25: $query includes tombstones: $want', ({ query, want }) => {
    expect(includesDeleted(params(query))).toBe(want);
  });
});
