import { describe, expect, test } from 'vitest';
import type { CommitResult } from '../../../src/engine/ports.js';
import { SYNC_READ_TOP } from '../../../src/server/sync-read.js';
import { createHarness } from './harness.js';

const N = 5;
const query = (path: string): URLSearchParams => new URLSearchParams(path.slice(path.indexOf('?') + 1));

/** A table of `count` rows, one millisecond each, so pages scan rather than drain. */
function seeded(count: number, options: { readonly pageSize?: number; readonly syncReads?: boolean; readonly writes?: 'online-first' } = {}) {
  const h = createHarness({
    ...(options.writes ? { writes: options.writes } : {}),
    tables: [{ name: 'todo', ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }) }],
    upstreamTables: [{ name: 'todo', ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }), ...(options.syncReads ? { syncReads: true } : {}) }],
  });
  for (let i = 0; i < count; i++) {
    h.server.write('todo', { id: `r${String(i).padStart(5, '0')}` });
    h.clock.advance(1);
  }
  return h;
}

describe('pull: page n+1 on the wire while page n commits', () => {
  test('L-06 with prefetch: the next request leaves before the page commits, and the cursor moves only with a committed page', async () => {
    const h = seeded(12, { pageSize: N });
    await h.engine.start();
    const events: string[] = [];
    h.server.onRequest(() => void events.push(`GET ${h.server.requests.length + 1}`));
    const commit = h.store.commit.bind(h.store);
    h.store.commit = async (changes, options): Promise<CommitResult> => {
      const state = changes.find((c) => c.kind === 'put-sync-state');
      const result = await commit(changes, options);
      if (state?.kind === 'put-sync-state') events.push(`commit ${state.state.watermark?.raw ?? 'none'}`);
      return result;
    };
    await h.engine.pull({ table: 'todo', push: false });
    const rows = h.server.rows('todo');
    const lastOf = (page: number): string => rows[Math.min(rows.length, page * (N - 1) + 1) - 1]?.['updatedAt'] as string;
    // Pages overlap by one row (ge the last row's millisecond): page 1 ends at row 5, page 2 at row 9, page 3 (short: the end) at 12.
    expect(events).toEqual(['GET 1', 'GET 2', `commit ${lastOf(1)}`, 'GET 3', `commit ${lastOf(2)}`, `commit ${lastOf(3)}`]);
    expect(h.rows()).toHaveLength(12);
  });

  test('L-11 with prefetch: the worker killed while page n commits and page n+1 is fetched resumes from page n−1; every row arrives once', async () => {
    const h = seeded(12, { pageSize: N });
    await h.engine.start();
    // The second page's commit never lands: the worker dies in it, with the third page already fetched.
    const commit = h.store.commit.bind(h.store);
    let pageCommits = 0;
    h.store.commit = (changes, options): Promise<CommitResult> => {
      if (changes.some((c) => c.kind === 'put-sync-state') && ++pageCommits === 2) return Promise.reject(new Error('worker stopped'));
      return commit(changes, options);
    };
    await expect(h.engine.pull({ table: 'todo', push: false })).rejects.toThrow('worker stopped');
    expect(h.server.requests).toHaveLength(3);
    const stored = h.store.snapshot().syncStates[0];
    expect(stored?.watermark?.raw).toBe(h.server.rows('todo')[N - 1]?.['updatedAt']);
    expect(h.rows().map((r) => r.id)).toEqual(h.server.rows('todo').slice(0, N).map((r) => r['id']));
    h.store.commit = commit;
    await h.restart();
    const written: string[] = [];
    h.store.onCommit((changes) => written.push(...changes.flatMap((c) => (c.kind === 'put-row' ? [c.row.id] : []))));
    await h.engine.pull({ table: 'todo', push: false });
    expect(h.rows().map((r) => r.id)).toEqual(h.server.rows('todo').map((r) => r['id']));
    // Resumed from page 1's watermark (minus the overlap): rows already stored are not written again.
    expect(written).toEqual(h.server.rows('todo').slice(N).map((r) => r['id']));
  });

  test('a server offering bigger pages for pulls is asked for them from the second request on; one that does not keeps N', async () => {
    const offering = seeded(2500, { syncReads: true });
    await offering.engine.pull({ table: 'todo', push: false });
    expect(offering.server.requests.map((r) => query(r.path).get('$top'))).toEqual(['100', String(SYNC_READ_TOP), String(SYNC_READ_TOP), String(SYNC_READ_TOP)]);
    expect(offering.rows()).toHaveLength(2500);
    const plain = seeded(250);
    await plain.engine.pull({ table: 'todo', push: false });
    expect(plain.server.requests.map((r) => query(r.path).get('$top'))).toEqual(['100', '100', '100']);
    expect(plain.rows()).toHaveLength(250);
  });
});

/**
 * Starts a pull from scratch (a new query) and resolves once its second page's answer is made: the page holds the
 * server's rows as they are now, and reaches the engine only on `release()`.
 */
async function pullFromScratchHoldingPageTwo(h: ReturnType<typeof seeded>) {
  let gets = 0;
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let answered!: () => void;
  const made = new Promise<void>((resolve) => (answered = resolve));
  const send = h.server.remote.send.bind(h.server.remote);
  h.server.remote.send = async (request) => {
    const response = await send(request);
    if (request.method === 'GET' && ++gets === 2) {
      answered();
      await gate;
    }
    return response;
  };
  const pulling = h.engine.pull({ table: 'todo', queryId: 'all-again', filter: "id ne 'none'", push: false });
  await made;
  return { pulling, release };
}

describe('pull: a page fetched before a push settled, committed after it', () => {
  test('a row the device deleted meanwhile stays deleted: the page\'s older live copy does not bring it back (fault suite, issue 11)', async () => {
    // Two pages: the second, the run's last, holds the target's live copy (so no later page of the run brings the tombstone).
    const h = seeded(8, { pageSize: N, writes: 'online-first' });
    await h.engine.start();
    await h.engine.pull({ table: 'todo', push: false });
    const target = 'r00006';
    expect(h.rows().some((r) => r.id === target)).toBe(true);
    const { pulling, release } = await pullFromScratchHoldingPageTwo(h);
    // The app deletes the row now: its push waits for the sync lock, gets it between the pull's pages, and settles.
    const deleting = h.engine.handle({ method: 'DELETE', url: `http://upstream.test/tables/todo/${target}`, headers: {}, body: null });
    await h.settle();
    release();
    await pulling;
    expect((await deleting).headers['x-tablesync']).toBe('upstream');
    expect(h.server.row('todo', target)?.['deleted']).toBe(true);
    expect(h.ops()).toEqual([]);
    expect(h.rows().some((r) => r.id === target)).toBe(false);
    const read = await h.engine.handle({ method: 'GET', url: `http://upstream.test/tables/todo/${target}`, headers: { 'zumo-api-version': '3.0.0' }, body: null });
    expect(read.status).toBe(404);
  });

  test('so does a row a forwarded write removed (§3.9: a local 412 judged by the server, which took the delete)', async () => {
    const h = seeded(8, { pageSize: N, writes: 'online-first' });
    await h.engine.start();
    await h.engine.pull({ table: 'todo', push: false });
    const target = 'r00002';
    // Another device changed it: its newest copy comes with the last page of a pull from scratch.
    h.clock.advance(1);
    const changed = h.server.write('todo', { id: target, text: 'theirs' });
    const { pulling, release } = await pullFromScratchHoldingPageTwo(h);
    // The app deletes it with the version it saw elsewhere: unknown locally (412), so the server judges, and takes it.
    const deleted = await h.engine.handle({
      method: 'DELETE',
      url: `http://upstream.test/tables/todo/${target}`,
      headers: { 'if-match': `"${String(changed['version'])}"` },
      body: null,
    });
    expect([deleted.status, deleted.headers['x-tablesync']]).toEqual([204, 'upstream']);
    release();
    await pulling;
    expect(h.server.row('todo', target)?.['deleted']).toBe(true);
    expect(h.rows().some((r) => r.id === target)).toBe(false);
  });
});
