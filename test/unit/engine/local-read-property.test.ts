import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createHarness } from './harness.js';

const field = fc.constantFrom('n', 'text', 'done', 'updatedAt', 'createdAt', 'id', 'missing');
const orderBy = fc.uniqueArray(fc.record({ field, desc: fc.boolean() }), { selector: (k) => k.field, maxLength: 3 });
const filter = fc.oneof(
  fc.constant(null),
  fc.nat(9).map((n) => `n gt ${n}`),
  fc.nat(9).map((n) => `(n le ${n}) and (done eq true)`),
  fc.constantFrom("startswith(text, 't1')", 'text eq null', 'not (n gt 4)', "id lt 'r5'", 'done eq false or n eq 3'),
);
const query = fc.record({
  filter,
  orderBy,
  skip: fc.option(fc.nat(30), { nil: null }),
  top: fc.option(fc.nat(40), { nil: null }),
  count: fc.boolean(),
  select: fc.boolean(),
  version: fc.constantFrom('2.0.0' as const, '3.0.0' as const),
});
type Query = typeof query extends fc.Arbitrary<infer Q> ? Q : never;
interface Change {
  readonly id: number;
  readonly n: number | null;
  readonly text: string | null;
  readonly remove: boolean;
}
const change: fc.Arbitrary<Change> = fc.record({ id: fc.nat(40), n: fc.option(fc.nat(9), { nil: null }), text: fc.option(fc.nat(30).map((t) => `t${t}`), { nil: null }), remove: fc.boolean() });

/** The request path of a generated query. */
function pathOf(q: Query): string {
  const params: string[] = [];
  if (q.filter !== null) params.push(`$filter=${encodeURIComponent(q.filter)}`);
  if (q.orderBy.length > 0) params.push(`$orderby=${q.orderBy.map((k) => `${k.field}${k.desc ? ' desc' : ''}`).join(',')}`);
  if (q.skip !== null) params.push(`$skip=${q.skip}`);
  if (q.top !== null) params.push(`$top=${q.top}`);
  if (q.count) params.push(q.version === '2.0.0' ? '$inlinecount=allpages' : '$count=true');
  if (q.select) params.push('$select=id,n');
  return `/tables/todo${params.length > 0 ? `?${params.join('&')}` : ''}`;
}

/** True when the cold path answers this query itself (no count, first key walkable by the store). */
const walkable = (q: Query): boolean => !q.count && ['id', 'updatedAt', undefined].includes(q.orderBy[0]?.field);

/**
 * Each read either meets the warm in-memory index, or (cold) a worker just restarted whose index
 * is still loading, so the store answers by walking its rows (or the read waits for the index).
 */
describe.each(['warm', 'cold'] as const)('%s reads', (path) => {
  test('F-03: local list reads, kept in order across pulls, answer as the server does for random data and queries', async () => {
    let walkedReads = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(change, { minLength: 1, maxLength: 60 }), fc.array(fc.tuple(query, fc.array(change, { maxLength: 4 })), { minLength: 1, maxLength: 8 }), async (initial, steps) => {
        const h = createHarness({ tables: [{ name: 'todo', pageSize: 12 }], upstreamTables: [{ name: 'todo', pageSize: 12 }] });
        const apply = (c: Change): void => {
          h.clock.advance(c.id % 3);
          const id = `r${c.id}`;
          if (c.remove) h.server.remove('todo', id);
          else h.server.write('todo', { id, n: c.n, text: c.text, done: c.id % 2 === 0 });
        };
        initial.forEach(apply);
        await h.ready();
        for (const [q, changes] of steps) {
          changes.forEach(apply);
          h.clock.advance(2000);
          await h.engine.pull({ table: 'todo', push: false });
          if (path === 'cold') {
            h.store.slowRowLoads(true);
            await h.restart();
          }
          const walks = h.store.walkRowsCalls;
          const headers = { 'zumo-api-version': q.version };
          const local = await h.request('GET', pathOf(q), { headers });
          if (path === 'cold') {
            expect(h.store.walkRowsCalls - walks).toBe(walkable(q) ? 1 : 0);
            if (walkable(q)) walkedReads++;
            h.store.slowRowLoads(false);
          }
          const remote = await h.server.remote.send({ method: 'GET', path: pathOf(q), headers, body: null });
          expect(remote.kind === 'response' ? [remote.status, remote.body, remote.headers['link']] : null).toEqual([local.status, local.body, local.headers['link']]);
        }
      }),
      { numRuns: 150 },
    );
    if (path === 'cold') expect(walkedReads).toBeGreaterThan(100);
  }, 60_000);
});

/** A local write while offline: its op stays pending, and its row is what reads must show (read-your-writes). */
const localWrite = fc.record({ id: fc.nat(40), n: fc.option(fc.nat(9), { nil: null }), text: fc.option(fc.nat(30).map((t) => `t${t}`), { nil: null }), kind: fc.constantFrom('insert' as const, 'patch' as const, 'delete' as const) });

test('F-03: with pending local writes, a cold read (store walk) answers exactly as the warm index does', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(change, { maxLength: 40 }), fc.array(localWrite, { minLength: 1, maxLength: 12 }), fc.array(query, { minLength: 1, maxLength: 6 }), async (initial, writes, queries) => {
      const h = createHarness({ tables: [{ name: 'todo', pageSize: 12 }], upstreamTables: [{ name: 'todo', pageSize: 12 }] });
      for (const c of initial) {
        h.clock.advance(c.id % 3);
        if (!c.remove) h.server.write('todo', { id: `r${c.id}`, n: c.n, text: c.text, done: c.id % 2 === 0 });
      }
      await h.ready();
      await h.request('POST', '/tables/todo', { body: { id: 'r', n: 1, text: 't1' }, version: '3.0.0' });
      for (const w of writes) {
        const id = `r${w.id}`;
        const body = { id, n: w.n, text: w.text };
        if (w.kind === 'insert') await h.request('POST', '/tables/todo', { body, version: '3.0.0' });
        else if (w.kind === 'patch') await h.request('PATCH', `/tables/todo/${id}`, { body: { n: w.n, text: w.text }, version: '3.0.0' });
        else await h.request('DELETE', `/tables/todo/${id}`, { version: '3.0.0' });
      }
      expect(h.ops().length).toBeGreaterThan(0);
      for (const q of queries) {
        const headers = { 'zumo-api-version': q.version };
        const warm = await h.request('GET', pathOf(q), { headers });
        h.store.slowRowLoads(true);
        await h.restart();
        const walks = h.store.walkRowsCalls;
        const cold = await h.request('GET', pathOf(q), { headers });
        expect(h.store.walkRowsCalls - walks).toBe(walkable(q) ? 1 : 0);
        h.store.slowRowLoads(false);
        expect([cold.status, cold.body, cold.headers['link']]).toEqual([warm.status, warm.body, warm.headers['link']]);
      }
    }),
    { numRuns: 100 },
  );
}, 60_000);
