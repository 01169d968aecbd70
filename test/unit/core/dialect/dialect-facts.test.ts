import { describe, expect, test } from 'vitest';
import { dialectFacts, pagingOf } from '../../../../src/core/dialect/dialect-facts.js';
import type { TableSettings } from '../../../../src/core/dialect/types.js';

const settings = (pageSize: number | null, maxTop: number | null): TableSettings => ({
  name: 't',
  softDelete: true,
  pageSize,
  maxTop,
  strict: false,
});

describe('dialectFacts', () => {
  const cases = [
    {
      id: 'S-29',
      dialect: 'v2',
      want: {
        apiVersion: '2.0.0', pageSize: 50, maxTop: 1000, updateMethod: 'PATCH', deleteStatus: 200, listShape: 'array',
        tombstoneCode: 'item_not_found', reservedProperties: 'reject', bodyVersionIsPrecondition: true,
      },
      literal: "datetimeoffset'2024-01-02T03:04:05.678Z'",
    },
    {
      id: 'S-29',
      dialect: 'v3',
      want: {
        apiVersion: '3.0.0', pageSize: 100, maxTop: 128000, updateMethod: 'PUT', deleteStatus: 204, listShape: 'items',
        tombstoneCode: 'item_deleted', reservedProperties: 'ignore', bodyVersionIsPrecondition: false,
      },
      literal: 'cast(2024-01-02T03:04:05.678Z,Edm.DateTimeOffset)',
    },
  ] as const;
  test.each(cases)('$id: the $dialect facts of PROTOCOL.md §1', ({ dialect, want, literal }) => {
    const facts = dialectFacts(dialect);
    expect(facts).toMatchObject({ dialect, ...want });
    expect(facts.dateLiteral(Date.UTC(2024, 0, 2, 3, 4, 5, 678))).toBe(literal);
  });

  const paging = [
    { dialect: 'v2', pageSize: null, maxTop: null, want: { pageSize: 50, maxTop: 1000 } },
    { dialect: 'v3', pageSize: null, maxTop: null, want: { pageSize: 100, maxTop: 128000 } },
    { dialect: 'v2', pageSize: 10, maxTop: 20, want: { pageSize: 10, maxTop: 20 } },
    { dialect: 'v3', pageSize: 10, maxTop: 20, want: { pageSize: 10, maxTop: 20 } },
  ] as const;
  test.each(paging)('S-29: $dialect with table pageSize $pageSize / maxTop $maxTop', ({ dialect, pageSize, maxTop, want }) => {
    expect(pagingOf(dialect, settings(pageSize, maxTop))).toEqual(want);
  });
});
