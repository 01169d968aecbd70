import { describe, expect, test } from 'vitest';
import { continuationQuery, formatList, pageLimit, type ListPage, type ListRequest } from '../../../../src/core/dialect/format-list.js';
import type { Dialect, ListQuery, TableSettings } from '../../../../src/core/dialect/types.js';
import type { Item } from '../../../../src/core/item.js';

const settings: TableSettings = { name: 't', softDelete: true, pageSize: null, maxTop: null, strict: false };
const small: TableSettings = { ...settings, pageSize: 2, maxTop: 10 };
const ORIGIN = 'http://127.0.0.1:8080';
const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-cache' };

const query = (over: Partial<ListQuery> = {}): ListQuery => ({
  filter: null, orderBy: [], skip: 0, top: null, select: null, count: false, includeDeleted: false, ...over,
});
const list = (dialect: Dialect, q: Partial<ListQuery> = {}, search = ''): ListRequest => ({
  table: 't', dialect, url: `${ORIGIN}/tables/t${search}`, kind: 'list', query: query(q),
});
const rows = (n: number, from = 0): Item[] =>
  Array.from({ length: n }, (_, i) => ({ id: `r${from + i}`, text: `t${from + i}`, done: false, version: 'v' }));

describe('pageLimit', () => {
  const cases = [
    { id: 'S-29', dialect: 'v2', top: null, s: settings, want: 50 },
    { id: 'S-29', dialect: 'v3', top: null, s: settings, want: 100 },
    { id: 'S-29', dialect: 'v2', top: 500, s: settings, want: 500 },
    { id: 'S-29', dialect: 'v3', top: 500, s: settings, want: 100 },
    { id: 'S-29', dialect: 'v3', top: 7, s: settings, want: 7 },
    { id: 'S-30', dialect: 'v2', top: 0, s: settings, want: 0 },
    { id: 'S-29', dialect: 'v2', top: null, s: small, want: 2 },
    { id: 'S-29', dialect: 'v3', top: 5, s: small, want: 2 },
    { id: 'S-29', dialect: 'v2', top: 5, s: small, want: 5 },
  ] as const;
  test.each(cases)('$id: $dialect $top with table pageSize $s.pageSize fetches $want', ({ dialect, top, s, want }) => {
    expect(pageLimit(list(dialect, { top }), s)).toBe(want);
  });
});

describe('continuationQuery', () => {
  const cases = [
    { raw: '', q: query(), n: 50, want: '$skip=50' },
    { raw: '$filter=a%20eq%201&x=y', q: query(), n: 3, want: '$filter=a%20eq%201&x=y&$skip=3' },
    { raw: '$top=500&$skip=10&zumo-api-version=3.0.0', q: query({ top: 500, skip: 10 }), n: 100, want: '$top=400&$skip=110&zumo-api-version=3.0.0' },
    { raw: '%24skip=1&%24top=9&&$skip=1', q: query({ top: 9, skip: 1 }), n: 2, want: '$skip=3&$top=7' },
  ];
  test.each(cases)('S-27: $raw after $n rows gives $want', ({ raw, q, n, want }) => {
    expect(continuationQuery(raw, q, n)).toBe(want);
  });
});

describe('formatList: shapes', () => {
  const items = rows(2);
  const cases = [
    { id: 'S-01', name: 'v2 is an array', req: list('v2'), page: { items, matches: 2 }, body: items },
    { id: 'S-01', name: 'v3 is {items}', req: list('v3'), page: { items, matches: 2 }, body: { items } },
    { id: 'S-26', name: 'v2 with a count is {results, count}', req: list('v2', { count: true, skip: 1, top: 2 }, '?$skip=1&$top=2'), page: { items: rows(2, 1), matches: 3 }, body: { results: rows(2, 1), count: 3 } },
    { id: 'S-26', name: 'v3 with a count adds count', req: list('v3', { count: true }), page: { items, matches: 2 }, body: { items, count: 2 } },
    { id: 'S-26', name: 'v3 count from a hasMore page', req: list('v3', { count: true }), page: { items, hasMore: false, count: 9 }, body: { items, count: 9 } },
    { id: 'S-26', name: 'v2 count defaults to 0 when the caller has none', req: list('v2', { count: true }), page: { items: [], hasMore: false, count: null }, body: { results: [], count: 0 } },
    { id: 'S-30', name: 'v3 $top=0 gives an empty page', req: list('v3', { top: 0 }, '?$top=0'), page: { items: [], matches: 5 }, body: { items: [] } },
    { id: 'S-30', name: 'v2 $top=0 gives an empty array and no Link', req: list('v2', { top: 0 }, '?$top=0'), page: { items: [], matches: 5 }, body: [] },
    { id: 'S-32', name: 'v2 $select keeps only those keys', req: list('v2', { select: ['text', 'done'] }), page: { items, matches: 2 }, body: [{ text: 't0', done: false }, { text: 't1', done: false }] },
    { id: 'S-32', name: 'v3 $select keeps only those keys', req: list('v3', { select: ['id', 'nope'] }), page: { items, matches: 2 }, body: { items: [{ id: 'r0' }, { id: 'r1' }] } },
  ];
  test.each(cases)('$id: $name', ({ req, page, body }) => {
    expect(formatList(req, settings, page as ListPage)).toEqual({ status: 200, headers: JSON_HEADERS, body });
  });
});

describe('formatList: paging', () => {
  test('S-29: v3 $top=500 returns 100 rows plus a nextLink', () => {
    const r = formatList(list('v3', { top: 500 }, '?$top=500'), settings, { items: rows(101), hasMore: false, count: null });
    expect(r.body).toEqual({ items: rows(100), nextLink: '$top=400&$skip=100' });
  });

  test('S-29: v2 $top=500 returns 500 rows', () => {
    const r = formatList(list('v2', { top: 500 }, '?$top=500'), settings, { items: rows(500), matches: 500 });
    expect(r.body).toEqual(rows(500));
    expect(r.headers['link']).toBeUndefined();
  });

  test('S-29: v2 without $top holds at most 50 rows', () => {
    const r = formatList(list('v2'), settings, { items: rows(60), hasMore: false, count: null });
    expect((r.body as unknown[]).length).toBe(50);
    expect(r.headers['link']).toBe(`${ORIGIN}/tables/t?$skip=50; rel=next`);
  });

  const more = [
    { id: 'S-27', name: 'v3: more matches than the page', dialect: 'v3', q: {}, search: '', page: { items: rows(100), matches: 250 }, next: '$skip=100' },
    { id: 'S-27', name: 'v3: the last page has no nextLink', dialect: 'v3', q: { skip: 200 }, search: '?$skip=200', page: { items: rows(50), matches: 250 }, next: null },
    { id: 'S-27', name: 'v3: exactly one full page has no nextLink', dialect: 'v3', q: {}, search: '', page: { items: rows(100), matches: 100 }, next: null },
    { id: 'S-27', name: 'v3: $top reached, no nextLink', dialect: 'v3', q: { top: 100 }, search: '?$top=100', page: { items: rows(100), matches: 300 }, next: null },
    { id: 'S-27', name: 'v3: hasMore from the caller', dialect: 'v3', q: {}, search: '?$filter=done%20eq%20false', page: { items: rows(100), hasMore: true, count: null }, next: '$filter=done%20eq%20false&$skip=100' },
    { id: 'S-27', name: 'v3: an extra row means more', dialect: 'v3', q: { skip: 5 }, search: '?$skip=5&__includedeleted=true', page: { items: rows(101), hasMore: false, count: null }, next: '$skip=105&__includedeleted=true' },
    { id: 'S-28', name: 'v2: more matches than the page', dialect: 'v2', q: {}, search: '?zumo-api-version=2.0.0', page: { items: rows(50), matches: 51 }, next: `${ORIGIN}/tables/t?zumo-api-version=2.0.0&$skip=50; rel=next` },
    { id: 'S-28', name: 'v2: the last page has no Link', dialect: 'v2', q: { skip: 50 }, search: '?$skip=50', page: { items: rows(1), matches: 51 }, next: null },
    { id: 'S-28', name: 'v2: a capped $top continues with top − n', dialect: 'v2', q: { top: 100, skip: 0 }, search: '?$top=100', page: { items: rows(40), hasMore: true, count: null }, next: `${ORIGIN}/tables/t?$top=60&$skip=40; rel=next` },
  ] as const;
  test.each(more)('$id: $name', ({ dialect, q, search, page, next }) => {
    const r = formatList(list(dialect, q, search), settings, page);
    if (dialect === 'v3') {
      expect((r.body as { nextLink?: string }).nextLink).toBe(next ?? undefined);
      expect(r.headers['link']).toBeUndefined();
    } else {
      expect(r.headers['link']).toBe(next ?? undefined);
    }
  });

  test('S-29: a table pageSize applies to both dialects', () => {
    for (const dialect of ['v2', 'v3'] as const) {
      const r = formatList(list(dialect, { count: true }), small, { items: rows(3), matches: 3 });
      expect(r.body).toEqual(dialect === 'v2' ? { results: rows(2), count: 3 } : { items: rows(2), count: 3, nextLink: '$skip=2' });
    }
  });
});
