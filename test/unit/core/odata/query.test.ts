import { describe, expect, test } from 'vitest';
import type { Item } from '../../../../src/core/item.js';
import type { Expr } from '../../../../src/core/odata/ast.js';
import { compareItems } from '../../../../src/core/odata/order-by.js';
import { parseFilter } from '../../../../src/core/odata/parse-filter.js';
import { runQuery, type PageQuery } from '../../../../src/core/odata/query.js';

const filter = (text: string): Expr => {
  const r = parseFilter(text);
  if (!r.ok) throw r.error;
  return r.value;
};
const base: PageQuery = { filter: null, orderBy: [], skip: 0, limit: 50, select: null };
const rows: Item[] = Array.from({ length: 3000 }, (_, i) => ({
  id: `k${String((i * 7919) % 3000).padStart(4, '0')}`,
  n: (i * 31) % 17,
  even: i % 2 === 0,
  updatedAt: new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString(),
}));

describe('runQuery', () => {
  test('S-26: counts every match regardless of skip and limit', () => {
    const page = runQuery(rows, { ...base, filter: filter('even'), skip: 10, limit: 5 });
    expect(page.matches).toBe(1500);
    expect(page.items).toHaveLength(5);
  });

  test.each([
    { skip: 0, limit: 1 },
    { skip: 3, limit: 7 },
    { skip: 240, limit: 50 },
    { skip: 2995, limit: 50 },
    { skip: 0, limit: 5000 },
    { skip: 600, limit: 300 },
    { skip: 10, limit: Number.POSITIVE_INFINITY },
  ])('S-31: the page at skip $skip, limit $limit equals sorting every match then slicing', ({ skip, limit }) => {
    const q: PageQuery = { ...base, filter: filter('n ge 3'), orderBy: [{ field: 'n', direction: 'desc' }], skip, limit };
    const want = rows.filter((r) => (r['n'] as number) >= 3).sort(compareItems(q.orderBy)).slice(skip, skip + limit);
    expect(runQuery(rows, q).items).toEqual(want);
  });

  test.each(['asc', 'desc'] as const)('S-31: updatedAt %s over rows already in (or against) that order', (direction) => {
    const q: PageQuery = { ...base, orderBy: [{ field: 'updatedAt', direction }], skip: 5, limit: 20 };
    const want = [...rows].sort(compareItems(q.orderBy)).slice(5, 25);
    expect(runQuery(rows, q).items).toEqual(want);
    expect(runQuery([...rows].reverse(), q).items).toEqual(want);
  });

  test('limit 0 gives an empty page with the count', () => {
    expect(runQuery(rows, { ...base, limit: 0 })).toEqual({ items: [], matches: 3000 });
  });

  test('S-32: select projects the page', () => {
    const page = runQuery(rows, { ...base, orderBy: [{ field: 'id', direction: 'asc' }], limit: 2, select: ['n', 'even'] });
    const want = [...rows].sort(compareItems([])).slice(0, 2).map((r) => ({ n: r['n'], even: r['even'] }));
    expect(page.items).toEqual(want);
    expect(Object.keys(page.items[0] ?? {})).toEqual(['n', 'even']);
  });

  test('rows that compare equal keep their input order (stable)', () => {
    const same: Item[] = Array.from({ length: 2500 }, (_, k) => ({ id: 'x', k }));
    for (const limit of [2, 700, 5000]) {
      expect(runQuery(same, { ...base, skip: 1, limit }).items.map((i) => i['k'])).toEqual(same.slice(1, 1 + limit).map((i) => i['k']));
    }
  });

  test('accepts any iterable, once', () => {
    function* gen(): Generator<Item> {
      yield { id: 'b' };
      yield { id: 'a' };
    }
    expect(runQuery(gen(), base)).toEqual({ items: [{ id: 'a' }, { id: 'b' }], matches: 2 });
  });
});
