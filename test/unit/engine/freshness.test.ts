import { describe, expect, test } from 'vitest';
import type { OutboundRequest } from '../../../src/engine/ports.js';
import type { ReceivedRequest } from '../../support/fake-upstream.js';
import { createHarness, type Harness, type HarnessOptions } from './harness.js';

const isPull = (r: OutboundRequest): boolean => r.method === 'GET' && r.path.includes('orderby');
const pulls = (h: Harness, table = 'todo'): ReceivedRequest[] => h.server.requests.filter((r) => isPull(r) && r.path.startsWith(`/tables/${table}?`));

/** Holds upstream requests matching `match` until released, one by one. */
function gate(h: Harness, match: (r: OutboundRequest) => boolean) {
  const waiting: (() => void)[] = [];
  let onArrive: (() => void) | null = null;
  let open = false;
  h.server.onRequest(async (r) => {
    if (open || !match(r)) return;
    await new Promise<void>((resolve) => {
      waiting.push(resolve);
      onArrive?.();
    });
  });
  return {
    /** Resolves once `n` requests are held. */
    async held(n = 1): Promise<void> {
      while (waiting.length < n) await new Promise<void>((resolve) => (onArrive = resolve));
    },
    releaseOne: () => waiting.shift()?.(),
    openAll() {
      open = true;
      for (const release of waiting.splice(0)) release();
    },
  };
}

async function fresh(options: HarnessOptions = {}): Promise<Harness> {
  const h = createHarness({ maxStaleMs: 30_000, ...options });
  await h.ready();
  return h;
}

describe('fresh reads (PROTOCOL.md §3.9)', () => {
  test('T-07: a read of a table pulled longer than maxStaleMs ago is answered locally at once and starts exactly one background pull', async () => {
    const h = await fresh();
    h.server.write('todo', { id: 'late', text: 'from another device' });
    h.clock.advance(30_000);
    await h.request('GET', '/tables/todo');
    await h.settle();
    expect(pulls(h)).toEqual([]); // not older than maxStaleMs yet
    h.clock.advance(1);
    h.events.length = 0;
    const held = gate(h, isPull);
    const answers = await Promise.all(Array.from({ length: 10 }, () => h.request('GET', '/tables/todo')));
    expect(answers.map((a) => [a.status, a.headers['x-tablesync'], (a.body as { items: unknown[] }).items.length])).toEqual(answers.map(() => [200, 'local', 0]));
    await held.held();
    held.openAll();
    await h.settle();
    for (let i = 0; i < 5; i++) await h.request('GET', '/tables/todo'); // fresh again: no more pulls
    await h.settle();
    expect(pulls(h)).toHaveLength(1);
    const after = await h.request('GET', '/tables/todo');
    expect((after.body as { items: { id: string }[] }).items.map((r) => r.id)).toEqual(['late']);
    expect(h.events.filter((e) => e.kind === 'pulled')).toEqual([{ kind: 'pulled', result: expect.objectContaining({ table: 'todo', changed: 1 }) }]);
  });

  test('T-07: a failing background pull backs off as a push does; reads meanwhile start none', async () => {
    const h = await fresh();
    h.clock.advance(30_001);
    h.server.inject({ kind: 'network' });
    await h.request('GET', '/tables/todo');
    await h.settle();
    expect(pulls(h).map((r) => r.status)).toEqual([null]);
    // U-15's first delay with jitter 0: 500 ms.
    h.clock.advance(499);
    await h.request('GET', '/tables/todo');
    await h.settle();
    expect(pulls(h)).toHaveLength(1);
    h.clock.advance(1);
    await h.request('GET', '/tables/todo');
    await h.settle();
    expect(pulls(h).map((r) => r.status)).toEqual([null, 200]);
  });

  test('T-07: after a restart, the stored cursor tells how fresh a table is', async () => {
    const h = await fresh();
    await h.restart();
    await h.request('GET', '/tables/todo');
    await h.settle();
    expect(pulls(h)).toEqual([]);
    h.clock.advance(30_001);
    await h.restart();
    await h.request('GET', '/tables/todo');
    await h.settle();
    expect(pulls(h)).toHaveLength(1);
  });

  test('T-09: refresh() pulls every table, once more after a pull that runs, and resolves when they are done', async () => {
    const h = await fresh({ tables: [{ name: 'todo' }, { name: 'other' }] });
    h.server.write('other', { id: 'o1' });
    const held = gate(h, isPull);
    const first = h.engine.refresh(['todo']);
    await held.held();
    const queued = [h.engine.refresh(), h.engine.refresh(['todo']), h.engine.refresh(['todo'])];
    let done = false;
    void Promise.all([first, ...queued]).then(() => (done = true));
    await h.settle();
    // `todo`'s second run waits for the first; `other` waits for the sync lock its page holds.
    expect(pulls(h)).toHaveLength(0);
    held.openAll();
    await Promise.all([first, ...queued]);
    expect(done).toBe(true);
    expect([pulls(h, 'todo').length, pulls(h, 'other').length]).toEqual([2, 1]);
    expect((await h.engine.status()).pulling).toBe(false);
    await expect(h.engine.refresh(['nope'])).rejects.toMatchObject({ code: 'table_not_found' });
  });

  test('T-09: pulls of one table never overlap, whoever starts them; a pull yields the lock between pages', async () => {
    const h = await fresh({ tables: [{ name: 'todo', pageSize: 2 }], upstreamTables: [{ name: 'todo', pageSize: 2 }], writes: 'online-first' });
    for (let i = 0; i < 5; i++) {
      h.server.write('todo', { id: `r${i}` });
      h.clock.advance(5);
    }
    h.events.length = 0;
    const held = gate(h, isPull);
    const runs = [h.engine.pull({ table: 'todo', push: false }), h.engine.refresh(['todo']), h.engine.pull({ table: 'todo', push: false })];
    await held.held();
    // A write between two pages of the pull: it goes before the next page (it waits one page at most).
    const write = h.request('POST', '/tables/todo', { body: { id: 'w' } });
    await h.settle();
    held.releaseOne();
    const answer = await write;
    expect(answer.headers['x-tablesync']).toBe('upstream');
    const order = h.server.requests.map((r) => (isPull(r) ? 'page' : r.method));
    expect(order.slice(-2)).toEqual(['page', 'POST']);
    held.openAll();
    await Promise.all(runs);
    const progress = h.events.flatMap((e) => (e.kind === 'progress' ? [e.pages] : []));
    // Each run's pages count 1, 2, 3…: runs one after another, never interleaved.
    expect(progress.every((p, i) => p === 1 || p === progress[i - 1]! + 1)).toBe(true);
    expect(progress.filter((p) => p === 1)).toHaveLength(3);
  });

  test('T-09: a push that replayed ops pulls every table; a written-through write alone does not', async () => {
    const h = await fresh({ tables: [{ name: 'todo' }, { name: 'other' }], writes: 'online-first' });
    expect((await h.request('POST', '/tables/todo', { body: { id: 'a' } })).headers['x-tablesync']).toBe('upstream');
    await h.settle();
    expect(pulls(h, 'todo').length + pulls(h, 'other').length).toBe(0);
    h.server.inject({ kind: 'network' });
    await h.request('POST', '/tables/todo', { body: { id: 'b' } });
    await h.engine.push({ explicit: true });
    await h.settle();
    expect([pulls(h, 'todo').length, pulls(h, 'other').length]).toEqual([1, 1]);
  });

  test('T-09: a background pull that changes nothing emits no `pulled`; an explicit pull always does', async () => {
    const h = await fresh();
    h.events.length = 0;
    await h.engine.refresh();
    expect(h.events.filter((e) => e.kind === 'pulled')).toEqual([]);
    await h.engine.pull({ table: 'todo', push: false });
    expect(h.events.filter((e) => e.kind === 'pulled')).toEqual([{ kind: 'pulled', result: expect.objectContaining({ changed: 0 }) }]);
  });

  test('G-07: a purge started between two pages of a pull waits for the whole pull', async () => {
    const h = await fresh({ tables: [{ name: 'todo', pageSize: 2 }], upstreamTables: [{ name: 'todo', pageSize: 2 }] });
    for (let i = 0; i < 5; i++) {
      h.server.write('todo', { id: `r${i}` });
      h.clock.advance(5);
    }
    const held = gate(h, isPull);
    const pulling = h.engine.pull({ table: 'todo', push: false });
    await held.held();
    const purged = h.engine.purge({ table: 'todo', force: true });
    held.openAll();
    const [pulled, removed] = await Promise.all([pulling, purged]);
    expect(pulled.rows).toBeGreaterThan(4);
    expect(removed.rows).toBe(5);
    expect(h.rows()).toEqual([]);
  });
});

describe('pull back-off ends with the network (§3.9)', () => {
  test('T-09: a page\'s `online` or a push that replayed ops ends the back-off a failed pull left', async () => {
    const h = await fresh();
    h.clock.advance(30_001);
    h.server.inject({ kind: 'network' }, { times: 2 });
    await h.request('GET', '/tables/todo');
    await h.settle();
    await h.engine.refresh();
    expect(pulls(h).map((r) => r.status)).toEqual([null]); // the refresh waited out the back-off
    h.engine.online();
    await h.engine.refresh();
    expect(pulls(h).map((r) => r.status)).toEqual([null, null]);
    await h.request('POST', '/tables/todo', { body: { id: 'a' } });
    await h.engine.push();
    await h.settle();
    expect(pulls(h).map((r) => r.status)).toEqual([null, null, 200]);
  });
});
