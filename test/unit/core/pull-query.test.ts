import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { Dialect } from '../../../src/core/dialect/types.js';
import { dialectFacts } from '../../../src/core/dialect/dialect-facts.js';
import { buildPullRequest, defaultPullPageSize } from '../../../src/core/pull-query.js';
import type { Item } from '../../../src/core/item.js';
import type { PullFetch, PulledPage } from '../../../src/core/watermark.js';
import { applyPage, nextRequest, startPull } from '../../../src/core/watermark.js';
import { createSimulatedServer } from '../../support/simulated-server.js';

const W = Date.UTC(2024, 0, 2, 3, 4, 5, 678);
const scan = (ge: number | null, top = 50): PullFetch => ({ kind: 'fetch', ge, lt: null, afterId: null, orderBy: 'updatedAt', top });
const drain = (ms: number, afterId: string | null, top = 50): PullFetch => ({ kind: 'fetch', ge: ms, lt: ms + 1, afterId, orderBy: 'id', top });

/** The decoded query options of a request path, in order. */
function optionsOf(path: string): [string, string][] {
  const query = path.slice(path.indexOf('?') + 1);
  return query.split('&').map((part) => {
    const eq = part.indexOf('=');
    return [part.slice(0, eq), decodeURIComponent(part.slice(eq + 1))];
  });
}

describe('buildPullRequest', () => {
  test.each([
    ['v2', 50, '2.0.0'],
    ['v3', 100, '3.0.0'],
  ] as const)('L-02: %s without a watermark or filter: no $filter, $orderby=updatedAt,id, $top=%i, __includeDeleted=true', (dialect, top, version) => {
    const step = nextRequest(startPull(null, { pageSize: defaultPullPageSize(dialect) }));
    if (step.kind !== 'fetch') throw new Error('expected a fetch');
    const request = buildPullRequest(step, { table: 'todoitem', dialect, filter: null });
    expect(request).toEqual({
      method: 'GET',
      path: `/tables/todoitem?$orderby=updatedAt%2Cid&$top=${top}&__includeDeleted=true`,
      headers: { 'ZUMO-API-VERSION': version },
      body: null,
    });
  });

  test.each(['v2', 'v3'] as const)('L-02: %s with a filter and no watermark sends the filter alone, never $skip, $select or a count', (dialect) => {
    const request = buildPullRequest(scan(null), { table: 'todoitem', dialect, filter: 'complete eq false' });
    const options = optionsOf(request.path);
    expect(options[0]).toEqual(['$filter', 'complete eq false']);
    const names = options.map(([name]) => name.toLowerCase());
    for (const forbidden of ['$skip', '$select', '$count', '$inlinecount']) expect(names).not.toContain(forbidden);
  });

  const literals = [
    ['v2', "datetimeoffset'2024-01-02T03:04:04.678Z'"],
    ['v3', 'cast(2024-01-02T03:04:04.678Z,Edm.DateTimeOffset)'],
  ] as const;
  test.each(literals)('L-03: %s adds `updatedAt ge W − overlap` as %s', (dialect, literal) => {
    const step = nextRequest(startPull({ watermark: { ms: W, raw: '2024-01-02T03:04:05.6789Z' }, drain: null }, { pageSize: 50 }));
    if (step.kind !== 'fetch') throw new Error('expected a fetch');
    expect(optionsOf(buildPullRequest(step, { table: 'todoitem', dialect, filter: null }).path)[0]).toEqual(['$filter', `updatedAt ge ${literal}`]);
    expect(optionsOf(buildPullRequest(step, { table: 'todoitem', dialect, filter: 'a eq 1 or b eq 2' }).path)[0]).toEqual([
      '$filter',
      `(a eq 1 or b eq 2) and (updatedAt ge ${literal})`,
    ]);
  });

  test.each([
    ['v2', "datetimeoffset'1970-01-01T00:00:00.000Z'"],
    ['v3', 'cast(1970-01-01T00:00:00.000Z,Edm.DateTimeOffset)'],
  ] as const)('L-03: %s literals always carry 3 digits and Z: %s', (dialect, literal) => {
    expect(dialectFacts(dialect).dateLiteral(0)).toBe(literal);
  });

  test.each(['v2', 'v3'] as const)('L-08: %s drain requests bound one millisecond, order by id and continue after the last id, quotes doubled', (dialect) => {
    const lit = (ms: number): string => dialectFacts(dialect).dateLiteral(ms);
    const first = optionsOf(buildPullRequest(drain(W, null), { table: 'todoitem', dialect, filter: 'a eq 1' }).path);
    expect(first).toEqual([
      ['$filter', `(a eq 1) and (updatedAt ge ${lit(W)}) and (updatedAt lt ${lit(W + 1)})`],
      ['$orderby', 'id'],
      ['$top', '50'],
      ['__includeDeleted', 'true'],
    ]);
    const later = optionsOf(buildPullRequest(drain(W, "o'neil & co"), { table: 'todoitem', dialect, filter: null }).path);
    expect(later[0]).toEqual(['$filter', `(updatedAt ge ${lit(W)}) and (updatedAt lt ${lit(W + 1)}) and (id gt 'o''neil & co')`]);
  });

  test('L-02: the table name and every value are percent-encoded', () => {
    const request = buildPullRequest(drain(W, 'a&b=c#d'), { table: 'to do/items', dialect: 'v3', filter: "t eq '100%'" });
    expect(request.path.startsWith('/tables/to%20do%2Fitems?$filter=')).toBe(true);
    expect(request.path).not.toMatch(/[ #]/);
    expect(request.path.split('&')).toHaveLength(4);
  });

  test('L-02: any filter and id survive encoding and decode back to the clauses', () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ minLength: 1 }), fc.constantFrom<Dialect>('v2', 'v3'), (filter, id, dialect) => {
        const options = optionsOf(buildPullRequest(drain(W, id), { table: 't', dialect, filter }).path);
        expect(options.map(([name]) => name)).toEqual(['$filter', '$orderby', '$top', '__includeDeleted']);
        expect(options[0]?.[1]).toBe(
          `(${filter}) and (updatedAt ge ${dialectFacts(dialect).dateLiteral(W)}) and (updatedAt lt ${dialectFacts(dialect).dateLiteral(W + 1)}) and (id gt '${id.replace(/'/g, "''")}')`,
        );
      }),
      { numRuns: 200 },
    );
  });

  test.each(['v2', 'v3'] as const)('L-08: %s a whole pull over the wire shapes, drain ids with quotes included, delivers every row once', (dialect) => {
    const server = createSimulatedServer({ nowMs: W });
    const ids = ["it's", 'a&b', 'c d', 'e=f', "g''h", 'i#j', 'k%l', 'm+n', 'o/p', 'q?r', 'z'];
    for (const id of ids) server.upsert(id, { ms: W });
    server.upsert('late', { ms: W + 5 });
    server.advance(10);
    const seen = new Map<string, number>();
    let cursor = startPull(null, { pageSize: 3 });
    for (let step = nextRequest(cursor); step.kind === 'fetch'; step = nextRequest(cursor)) {
      const answer = server.respond(buildPullRequest(step, { table: 'todoitem', dialect, filter: null }));
      if (answer.kind !== 'response' || answer.status !== 200) throw new Error('unexpected answer');
      const page: PulledPage = Array.isArray(answer.body)
        ? { rows: answer.body as Item[], hasMore: 'link' in answer.headers }
        : { rows: (answer.body as { items: Item[] }).items, hasMore: 'nextLink' in (answer.body as object) };
      for (const r of page.rows) seen.set(r['id'] as string, (seen.get(r['id'] as string) ?? 0) + 1);
      cursor = applyPage(cursor, page).cursor;
    }
    expect([...seen.keys()].sort()).toEqual([...ids, 'late'].sort());
    expect(server.requests.filter((s) => s.orderBy === 'id').length).toBeGreaterThanOrEqual(4);
    expect(server.respond({ method: 'GET', path: '/tables/todoitem?$top=1', headers: {}, body: null })).toMatchObject({ status: 400 });
  });
});
