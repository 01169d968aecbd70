import fc from 'fast-check';
import { expect, test } from 'vitest';
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
interface Change {
  readonly id: number;
  readonly n: number | null;
  readonly text: string | null;
  readonly remove: boolean;
}
const change: fc.Arbitrary<Change> = fc.record({ id: fc.nat(40), n: fc.option(fc.nat(9), { nil: null }), text: fc.option(fc.nat(30).map((t) => `t${t}`), { nil: null }), remove: fc.boolean() });

test('F-03: local list reads, kept in order across pulls, answer as the server does for random data and queries', async () => {
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
        const params: string[] = [];
        if (q.filter !== null) params.push(`$filter=${encodeURIComponent(q.filter)}`);
        if (q.orderBy.length > 0) params.push(`$orderby=${q.orderBy.map((k) => `${k.field}${k.desc ? ' desc' : ''}`).join(',')}`);
        if (q.skip !== null) params.push(`$skip=${q.skip}`);
        if (q.top !== null) params.push(`$top=${q.top}`);
        if (q.count) params.push(q.version === '2.0.0' ? '$inlinecount=allpages' : '$count=true');
        if (q.select) params.push('$select=id,n');
        const path = `/tables/todo${params.length > 0 ? `?${params.join('&')}` : ''}`;
        const headers = { 'zumo-api-version': q.version };
        const local = await h.request('GET', path, { headers });
        const remote = await h.server.remote.send({ method: 'GET', path, headers, body: null });
        expect(remote.kind === 'response' ? [remote.status, remote.body, remote.headers['link']] : null).toEqual([local.status, local.body, local.headers['link']]);
      }
    }),
    { numRuns: 150 },
  );
}, 60_000);
