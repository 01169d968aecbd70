import fc from 'fast-check';
import { expect, test } from 'vitest';
import { appFields, isTombstone, type Item } from '../../../src/core/item.js';
import type { Failure } from '../../support/fake-upstream.js';
import { createHarness } from './harness.js';

const ids = ['a', 'b', 'c'] as const;
const failure = fc.constantFrom<Failure | null>(null, null, { kind: 'network' }, { kind: 'drop-after-apply' }, { kind: 'status', status: 503 });
const action = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), id: fc.constantFrom(...ids), n: fc.nat(9) }),
  fc.record({ kind: fc.constant('patch' as const), id: fc.constantFrom(...ids), n: fc.nat(9) }),
  fc.record({ kind: fc.constant('put' as const), id: fc.constantFrom(...ids), n: fc.nat(9) }),
  fc.record({ kind: fc.constant('delete' as const), id: fc.constantFrom(...ids) }),
  fc.record({ kind: fc.constant('push' as const), failure }),
  fc.record({ kind: fc.constant('pull' as const), failure }),
  fc.record({ kind: fc.constant('remote' as const), id: fc.constantFrom(...ids), n: fc.nat(9), remove: fc.boolean() }),
  fc.record({ kind: fc.constant('restart' as const) }),
  /** The next upstream request is answered only after the app edited an item (an edit in flight, U-09). */
  fc.record({ kind: fc.constant('race' as const), id: fc.constantFrom(...ids), n: fc.nat(9) }),
);

/** Live rows' app fields by id; a null field counts as missing (PROTOCOL.md §2.4 rule 1). */
const live = (rows: readonly Item[]) =>
  Object.fromEntries(
    rows
      .filter((r) => !isTombstone(r))
      .map((r) => [r['id'] as string, Object.fromEntries(Object.entries(appFields(r)).filter(([, v]) => v !== null))]),
  );

test('W-03, U-23: random writes, pushes, pulls, failures and restarts never leave two ops per item, and local and server converge', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(action, { maxLength: 25 }), fc.constantFrom('v2' as const, 'v3' as const), async (actions, dialect) => {
      const h = createHarness({ tables: [{ name: 'todo', policy: 'clientWins', upstreamDialect: dialect }] });
      await h.ready();
      for (const a of actions) {
        h.clock.advance(7);
        switch (a.kind) {
          case 'insert':
            await h.request('POST', '/tables/todo', { body: { id: a.id, n: a.n } });
            break;
          case 'patch':
          case 'race':
            await h.request('PATCH', `/tables/todo/${a.id}`, { body: { n: a.n, p: true } });
            break;
          case 'put':
            await h.request('PUT', `/tables/todo/${a.id}`, { body: { n: a.n } });
            break;
          case 'delete':
            await h.request('DELETE', `/tables/todo/${a.id}`);
            break;
          case 'push':
          case 'pull':
            if (a.failure) h.server.inject(a.failure);
            if (a.kind === 'push') await h.engine.push({ explicit: true });
            else await h.engine.pull({ table: 'todo' });
            break;
          case 'remote':
            if (a.remove) h.server.remove('todo', a.id);
            else h.server.write('todo', { id: a.id, n: a.n, remote: true });
            break;
          case 'restart': {
            const attempted = h.ops().filter((o) => o.attempted);
            if (attempted.length > 0) await h.store.commit(attempted.map((o) => ({ kind: 'put-op', op: { ...o, state: 'inflight' } }) as const));
            await h.restart();
            break;
          }
        }
        const keys = h.ops().map((o) => o.itemId);
        expect(new Set(keys).size).toBe(keys.length);
      }
      // heal: no more failures; push until the log is empty, then pull everything
      h.server.clearFailures();
      h.clock.advance(10_000);
      for (let i = 0; i < 5 && h.ops().length > 0; i++) await h.engine.push({ explicit: true });
      expect(h.ops()).toEqual([]);
      h.clock.advance(10_000);
      await h.engine.pull({ table: 'todo' });
      expect(live(h.rows().map((r) => r.item))).toEqual(live(h.server.rows('todo')));
    }),
    { numRuns: Number(process.env.CONVERGENCE_RUNS ?? 150) },
  );
}, 60_000);

test('W-01, U-23: with no other device, every acknowledged local write reaches the server exactly as the app last saw it', async () => {
  const localOnly = action.filter((a) => a.kind !== 'remote');
  await fc.assert(
    fc.asyncProperty(fc.array(localOnly, { maxLength: 25 }), fc.constantFrom('v2' as const, 'v3' as const), async (actions, dialect) => {
      // hold: with no other device every conflict would be the engine mistaking its own echo (U-11), and
      // a held one would stall the queue, so the app's last write arriving proves there were none.
      const h = createHarness({ tables: [{ name: 'todo', policy: 'hold', upstreamDialect: dialect }] });
      await h.ready();
      const model = new Map<string, Record<string, unknown>>();
      let race: { id: string; n: number } | null = null;
      h.server.onRequest(async () => {
        if (race === null) return;
        const { id, n } = race;
        race = null;
        if ((await h.request('PATCH', `/tables/todo/${id}`, { body: { n, r: true } })).status === 200) model.set(id, { ...model.get(id), n, r: true });
      });
      for (const a of actions) {
        h.clock.advance(7);
        if (a.kind === 'insert') {
          if ((await h.request('POST', '/tables/todo', { body: { id: a.id, n: a.n } })).status === 201) model.set(a.id, { n: a.n });
        } else if (a.kind === 'patch') {
          if ((await h.request('PATCH', `/tables/todo/${a.id}`, { body: { n: a.n, p: true } })).status === 200) model.set(a.id, { ...model.get(a.id), n: a.n, p: true });
        } else if (a.kind === 'put') {
          if ((await h.request('PUT', `/tables/todo/${a.id}`, { body: { n: a.n } })).status === 200) model.set(a.id, { n: a.n });
        } else if (a.kind === 'delete') {
          if ((await h.request('DELETE', `/tables/todo/${a.id}`)).status === 204) model.delete(a.id);
        } else if (a.kind === 'push' || a.kind === 'pull') {
          if (a.failure) h.server.inject(a.failure);
          if (a.kind === 'push') await h.engine.push({ explicit: true });
          else await h.engine.pull({ table: 'todo' });
        } else if (a.kind === 'race') {
          race = { id: a.id, n: a.n };
        } else if (a.kind === 'restart') {
          const attempted = h.ops().filter((o) => o.attempted);
          if (attempted.length > 0) await h.store.commit(attempted.map((o) => ({ kind: 'put-op', op: { ...o, state: 'inflight' } }) as const));
          await h.restart();
        }
      }
      h.server.clearFailures();
      race = null;
      for (let i = 0; i < 3 && h.ops().length > 0; i++) await h.engine.push({ explicit: true });
      expect(h.ops()).toEqual([]);
      const want = Object.fromEntries([...model].sort(([x], [y]) => (x < y ? -1 : 1)));
      expect(live(h.server.rows('todo'))).toEqual(want);
      expect(live(h.rows().map((r) => r.item))).toEqual(want);
    }),
    { numRuns: Number(process.env.CONVERGENCE_RUNS ?? 150) },
  );
}, 60_000);
