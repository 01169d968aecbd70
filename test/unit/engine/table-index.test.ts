import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { compareItems } from '../../../src/core/odata/order-by.js';
import type { OrderKey } from '../../../src/core/odata/ast.js';
import type { Change } from '../../../src/engine/ports.js';
import { createMutex } from '../../../src/engine/mutex.js';
import { createTableIndex } from '../../../src/engine/table-index.js';
import type { StoredRow } from '../../../src/engine/ports.js';
import { createMemoryLocalStore } from '../../support/memory-ports.js';

const row = (id: string, n = 0): StoredRow => ({ table: 't', id, item: { id, n, deleted: false }, knownVersions: [] });

describe('table index', () => {
  test('warms once from the store, then follows applied commits', async () => {
    const store = createMemoryLocalStore();
    await store.commit([{ kind: 'put-row', row: row('a') }, { kind: 'put-row', row: row('b') }]);
    const index = createTableIndex(store);
    expect((await index.rows('t')).items().map((i) => i['id'])).toEqual(['a', 'b']);
    index.apply([{ kind: 'put-row', row: row('c') }, { kind: 'delete-row', table: 't', id: 'a' }, { kind: 'put-row', row: { ...row('x'), table: 'u' } }]);
    const rows = await index.rows('t');
    expect(rows.items().map((i) => i['id'])).toEqual(['b', 'c']);
    expect(rows.get('c')?.item['n']).toBe(0);
    index.apply([{ kind: 'delete-table-rows', table: 't' }]);
    expect((await index.rows('t')).size).toBe(0);
    expect(store.getRowsCalls).toBe(1);
  });

  test('a commit landing while a table loads is not lost', async () => {
    const store = createMemoryLocalStore();
    await store.commit([{ kind: 'put-row', row: row('a') }]);
    const index = createTableIndex(store);
    const loading = index.rows('t');
    index.apply([{ kind: 'put-row', row: row('b') }, { kind: 'delete-row', table: 't', id: 'a' }]);
    expect((await loading).items().map((i) => i['id'])).toEqual(['b']);
  });

  test('a big table loads in slices, and a cold read waits for one slice, not the whole load; commits between slices land', async () => {
    const store = createMemoryLocalStore();
    const ids = Array.from({ length: 45_000 }, (_, i) => `r${String(i).padStart(5, '0')}`);
    await store.commit(ids.map((id) => ({ kind: 'put-row' as const, row: row(id) })));
    store.slowRowLoads(true);
    const index = createTableIndex(store);
    const order: string[] = [];
    const loading = index.rows('t').then((rows) => (order.push('loaded'), rows));
    await new Promise((resolve) => setTimeout(resolve, 0)); // the first slice is answered
    index.apply([{ kind: 'delete-row', table: 't', id: 'r00001' }, { kind: 'put-row', row: row('r44999', 7) }]);
    const cold = index.whileCold('t', async () => (order.push('cold read'), 'answered'));
    expect(await cold).toBe('answered');
    const rows = await loading;
    expect(order).toEqual(['cold read', 'loaded']);
    expect(store.getRowsCalls).toBe(3);
    expect(rows.size).toBe(44_999);
    expect([rows.get('r00001'), rows.get('r44999')?.item['n']]).toEqual([undefined, 7]);
    expect(await index.whileCold('t', async () => 'cold')).toBeNull();
  });

  test('sorted orders stay equal to a fresh sort through random puts, deletes, bulk commits and clears', async () => {
    const orders: OrderKey[][] = [[], [{ field: 'n', direction: 'desc' }], [{ field: 'text', direction: 'asc' }, { field: 'n', direction: 'asc' }], [{ field: 'updatedAt', direction: 'desc' }]];
    const op = fc.oneof(
      fc.record({ kind: fc.constant('put' as const), id: fc.nat(30), n: fc.option(fc.nat(5), { nil: null }), text: fc.option(fc.constantFrom('a', 'b', 'B', 'é'), { nil: null }), ms: fc.nat(5) }),
      fc.record({ kind: fc.constant('delete' as const), id: fc.nat(30) }),
      fc.record({ kind: fc.constant('bulk' as const), count: fc.integer({ min: 65, max: 80 }) }),
      fc.record({ kind: fc.constant('clear' as const) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 40 }), async (ops) => {
        const index = createTableIndex(createMemoryLocalStore());
        const rows = await index.rows('t');
        for (const o of ops) {
          for (const orderBy of orders) rows.ordered(orderBy); // keep every order warm
          let changes: Change[];
          if (o.kind === 'put') {
            const id = `r${o.id}`;
            changes = [{ kind: 'put-row', row: { table: 't', id, item: { id, n: o.n, text: o.text, updatedAt: new Date(o.ms).toISOString(), deleted: false }, knownVersions: [] } }];
          } else if (o.kind === 'delete') changes = [{ kind: 'delete-row', table: 't', id: `r${o.id}` }];
          else if (o.kind === 'bulk') changes = Array.from({ length: o.count }, (_, i) => ({ kind: 'put-row', row: row(`b${i % 40}`, i) }) as const);
          else changes = [{ kind: 'delete-table-rows', table: 't' }];
          index.apply(changes);
          for (const orderBy of orders) expect(rows.ordered(orderBy)).toEqual([...rows.items()].sort(compareItems(orderBy)));
        }
      }),
      { numRuns: 200 },
    );
  });

  test('the mutex runs tasks one at a time in call order, surviving a failed task', async () => {
    const mutex = createMutex();
    const log: string[] = [];
    const task = (name: string, fail = false) => async () => {
      log.push(`start ${name}`);
      await Promise.resolve();
      log.push(`end ${name}`);
      if (fail) throw new Error(name);
      return name;
    };
    const results = await Promise.allSettled([mutex.run(task('a')), mutex.run(task('b', true)), mutex.run(task('c'))]);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });
});
