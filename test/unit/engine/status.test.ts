import { describe, expect, test } from 'vitest';
import { createHarness } from './harness.js';

describe('status and views', () => {
  test('status counts pending, failed and held ops and shows online, pushing, nextAttemptAt', async () => {
    const h = createHarness({ tables: [{ name: 'todo', policy: 'hold' }] });
    h.server.write('todo', { id: 'c', text: 's' });
    await h.ready();
    await h.request('POST', '/tables/todo', { body: { id: 'f' } });
    await h.request('PATCH', '/tables/todo/c', { body: { text: 'mine' } });
    h.server.write('todo', { id: 'c', text: 'theirs' });
    h.server.inject({ kind: 'status', status: 400, body: { error: 'x', code: 'invalid_item' } });
    await h.engine.push();
    await h.request('POST', '/tables/todo', { body: { id: 'p' } });
    let during: boolean | null = null;
    h.server.onRequest(async () => void (during = (await h.engine.status()).pushing));
    h.server.inject({ kind: 'network' });
    h.entropy.setJitter(0);
    await h.engine.push();
    expect(during).toBe(true);
    expect(await h.engine.status()).toEqual({
      pending: 1, failed: 1, held: 1, online: false, pushing: false, pulling: false, blockedReason: null,
      lastPushAt: h.clock.now(), lastPullAt: h.clock.now(), nextAttemptAt: h.clock.now() + 500, storageFull: false,
    });
  });

  test('pendingOperations and conflicts list what pages see, by table', async () => {
    const h = createHarness({ tables: [{ name: 'todo' }, { name: 'other' }] });
    await h.ready();
    await h.request('POST', '/tables/todo', { body: { id: 'a', text: 'x' } });
    await h.request('POST', '/tables/other', { body: { id: 'b' } });
    expect(await h.engine.pendingOperations('todo')).toEqual([
      { seq: 1, table: 'todo', itemId: 'a', kind: 'insert', state: 'pending', attempts: 0, lastStatus: null, lastError: null, blockedReason: null, identity: null, snapshot: { id: 'a', text: 'x', deleted: false } },
    ]);
    expect((await h.engine.pendingOperations()).map((o) => o.itemId)).toEqual(['a', 'b']);
    expect(await h.engine.conflicts()).toEqual([]);
  });

  test('status events show a push and a pull while they run', async () => {
    const h = createHarness();
    await h.ready();
    h.events.length = 0;
    await h.engine.pull({ table: 'todo' });
    const statuses = h.events.flatMap((e) => (e.kind === 'status' ? [[e.status.pushing, e.status.pulling]] : []));
    expect(statuses).toEqual([[false, true], [false, false]]);
    h.events.length = 0;
    await h.engine.push();
    expect(h.events.flatMap((e) => (e.kind === 'status' ? [e.status.pushing] : []))).toEqual([true, false]);
  });

  test('status reads the op-log once per wake (at start), then follows every commit', async () => {
    const h = createHarness();
    await h.ready();
    // The op-log read is slow (thousands of ops): writes keep landing while it runs.
    const listOps = h.store.listOps.bind(h.store);
    let reads = 0;
    h.store.listOps = async (table) => {
      reads++;
      const ops = await listOps(table);
      await new Promise((resolve) => setTimeout(resolve, 5));
      return ops;
    };
    reads = 0;
    await h.restart();
    h.events.length = 0;
    await Promise.all(Array.from({ length: 20 }, (_, i) => h.request('POST', '/tables/todo', { body: { id: `w${i}` } })));
    await new Promise((resolve) => setTimeout(resolve, 30));
    const statuses = h.events.flatMap((e) => (e.kind === 'status' ? [e.status.pending] : []));
    expect(statuses.at(-1)).toBe(20);
    await h.request('DELETE', '/tables/todo/w3');
    expect((await h.engine.status()).pending).toBe(19);
    expect(reads).toBe(1);
  });

  test('subscribe returns an unsubscribe; a throwing listener never breaks the engine', async () => {
    const h = createHarness();
    await h.ready();
    const seen: string[] = [];
    const off = h.engine.subscribe((e) => seen.push(e.kind));
    h.engine.subscribe(() => {
      throw new Error('listener bug');
    });
    await h.engine.push();
    off();
    await h.engine.push();
    expect(seen).toEqual(['status', 'pushed', 'status']);
    expect(h.log.entries.some((e) => e.level === 'error' && e.message === 'event listener threw')).toBe(true);
  });

  test('a quota failure while a page is applied rejects the pull with storage_full and keeps the cursor', async () => {
    const h = createHarness();
    h.server.write('todo', { id: 'a' });
    await h.engine.start();
    h.store.failCommits();
    await expect(h.engine.pull({ table: 'todo', push: false })).rejects.toMatchObject({ code: 'storage_full' });
    expect(h.store.snapshot().syncStates).toEqual([]);
    expect((await h.engine.status()).pulling).toBe(false);
  });
});
