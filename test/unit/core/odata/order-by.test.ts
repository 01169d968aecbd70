import { describe, expect, test } from 'vitest';
import type { Item } from '../../../../src/core/item.js';
import type { LiteralValue } from '../../../../src/core/odata/ast.js';
import { compareItems, compareValues, parseOrderBy } from '../../../../src/core/odata/order-by.js';

const order = (items: readonly Item[], text: string): string[] => {
  const keys = parseOrderBy(text);
  if (!keys.ok) throw keys.error;
  return [...items].sort(compareItems(keys.value)).map((i) => i.id as string);
};

describe('parseOrderBy', () => {
  test.each([
    { text: 'name', want: [{ field: 'name', direction: 'asc' }] },
    { text: 'name DESC', want: [{ field: 'name', direction: 'desc' }] },
    { text: ' name  Asc , qty desc,id', want: [{ field: 'name', direction: 'asc' }, { field: 'qty', direction: 'desc' }, { field: 'id', direction: 'asc' }] },
  ])('parses $text', ({ text, want }) => {
    expect(parseOrderBy(text)).toEqual({ ok: true, value: want });
  });

  test.each(['', 'name,', 'name up', 'name desc asc', 'a/b', '1abc', 'length(name)', 'name,,qty'])(
    'refuses %j with invalid_query',
    (text) => {
      const r = parseOrderBy(text);
      expect(r.ok ? null : r.error.code).toBe('invalid_query');
    },
  );
});

describe('compareItems', () => {
  const rows: Item[] = [
    { id: 'e', v: 'b' },
    { id: 'a', v: 2 },
    { id: 'g', v: true },
    { id: 'c' },
    { id: 'f', v: 'B' },
    { id: 'b', v: -1.5 },
    { id: 'h', v: false },
    { id: 'd', v: null },
    { id: 'i', v: '\u00e9' },
    { id: 'j', v: 2 },
  ];

  test('S-31: ascending puts null and missing first, then false, true, numbers, strings by code point, then id', () => {
    expect(order(rows, 'v')).toEqual(['c', 'd', 'h', 'g', 'b', 'a', 'j', 'f', 'e', 'i']);
  });

  test('S-31: descending is the exact reverse except the id tie-break, so nulls come last', () => {
    expect(order(rows, 'v desc')).toEqual(['i', 'e', 'f', 'a', 'j', 'b', 'g', 'h', 'c', 'd']);
  });

  test('S-31: without keys rows follow id; an explicit id key replaces the tie-break', () => {
    expect(order(rows, 'id')).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j']);
    expect([...rows].sort(compareItems([])).map((r) => r.id)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j']);
    expect(order(rows, 'id desc')).toEqual(['j', 'i', 'h', 'g', 'f', 'e', 'd', 'c', 'b', 'a']);
  });

  test('rows with equal keys and ids compare equal', () => {
    expect(compareItems([{ field: 'v', direction: 'desc' }])({ id: 'a', v: 1 }, { id: 'a', v: 1 })).toBe(0);
  });

  test('S-31: several keys apply in turn', () => {
    expect(order(rows.filter((r) => typeof r['v'] === 'number'), 'v desc, id desc')).toEqual(['j', 'a', 'b']);
  });

  test('S-31: updatedAt and createdAt sort by instant, app fields as strings', () => {
    const stamped: Item[] = [
      { id: '1', updatedAt: '2024-01-01T10:00:00+02:00', due: '2024-01-01T10:00:00+02:00' },
      { id: '2', updatedAt: '2024-01-01T09:00:00Z', due: '2024-01-01T09:00:00Z' },
      { id: '3', updatedAt: '2024-01-01T08:30:00.0000001Z', due: '2024-01-01T08:30:00.0000001Z' },
      { id: '4', updatedAt: null, due: null },
    ];
    expect(order(stamped, 'updatedAt')).toEqual(['4', '1', '3', '2']);
    expect(order(stamped, 'updatedAt desc')).toEqual(['2', '3', '1', '4']);
    expect(order(stamped, 'createdAt')).toEqual(['1', '2', '3', '4']);
    expect(order(stamped, 'due')).toEqual(['4', '3', '2', '1']);
  });

  test('S-31: canonical and other system date strings order by instant together', () => {
    const stamped: Item[] = [
      { id: '1', updatedAt: '2024-01-01T09:00:00.500Z' },
      { id: '2', updatedAt: '2024-01-01T09:00:00.100Z' },
      { id: '3', updatedAt: '2024-01-01T10:00:00.300+01:00' },
      { id: '4', updatedAt: 'garbage' },
      { id: '5', updatedAt: '2024-01-01T09:00:00.499Z' },
    ];
    expect(order(stamped, 'updatedAt')).toEqual(['2', '3', '5', '1', '4']);
  });

  test('compareValues is a total order with dates between numbers and strings', () => {
    const date = { kind: 'date', ms: 0, us: 0 } as const;
    const ascending: LiteralValue[] = [null, false, true, -1, 0, 5, date, { kind: 'date', ms: 0, us: 1 }, { kind: 'date', ms: 1, us: 0 }, '', 'A', 'a'];
    for (let i = 0; i < ascending.length; i++) {
      for (let j = 0; j < ascending.length; j++) {
        expect(Math.sign(compareValues(ascending[i] ?? null, ascending[j] ?? null))).toBe(Math.sign(i - j));
      }
    }
  });
});
