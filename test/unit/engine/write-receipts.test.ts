/**
 * Found by the fault suite (issue 11): Chromium dispatches a fetch event again to a new worker instance when the
 * one handling it stopped before answering, so one app write reaches the engine twice. The second delivery must
 * get the answer of the write that happened, never a 409 (insert), 404 (delete) or a second row (an id-less insert).
 */
import { describe, expect, test } from 'vitest';
import type { OutboundRequest } from '../../../src/engine/ports.js';
import { createHarness } from './harness.js';

async function online() {
  const h = createHarness({ writes: 'online-first', writeTimeoutMs: 5000 });
  await h.ready();
  return h;
}

/** Holds every upstream write until `release()`: the instance that sent it is stopped meanwhile. */
function hang(h: ReturnType<typeof createHarness>) {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  h.server.onRequest(async (r: OutboundRequest) => {
    if (r.method !== 'GET') await gate;
  });
  return { release };
}

const drain = async (p: Promise<unknown>): Promise<void> => {
  await Promise.race([p, new Promise((resolve) => setTimeout(resolve, 0))]);
};

describe('re-delivered writes (a worker stopped before answering)', () => {
  test('answered already: the second delivery gets the same answer, and nothing is written twice', async () => {
    const h = await online();
    const first = await h.request('POST', '/tables/todo', { body: { id: 'a', text: 'one' } });
    expect([first.status, first.headers['x-tablesync']]).toEqual([201, 'upstream']);
    await h.restart();
    const again = await h.request('POST', '/tables/todo', { body: { id: 'a', text: 'one' } });
    expect(again).toEqual(first);
    expect(h.server.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(h.ops()).toEqual([]);

    // The same instance getting the same request again is the app's own retry: the server's 409, as without a worker.
    const own = await h.request('POST', '/tables/todo', { body: { id: 'a', text: 'one' } });
    expect(own.status).toBe(409);
  });

  test('died before answering: an insert, an id-less insert, an update and a delete are told they happened', async () => {
    const h = await online();
    await h.request('POST', '/tables/todo', { body: { id: 'u', text: 'before' } });
    await h.request('POST', '/tables/todo', { body: { id: 'd', text: 'doomed' } });
    const held = hang(h);
    const writes = [
      ['POST', '/tables/todo', { body: { id: 'a', text: 'one' } }],
      ['POST', '/tables/todo', { body: { text: 'no id' } }],
      ['PUT', '/tables/todo/u', { body: { text: 'after' } }],
      ['DELETE', '/tables/todo/d', {}],
    ] as const;
    // Each write is journaled and sent; its answer hangs; the instance is stopped (never answers).
    for (const [method, path, req] of writes) await drain(h.request(method, path, req));
    await h.settle();
    const idless = h.ops().find((op) => op.kind === 'insert' && op.itemId !== 'a')!.itemId;
    await h.restart();
    held.release();
    const answers = [];
    for (const [method, path, req] of writes) answers.push(await h.request(method, path, req));
    expect(answers.map((a) => [a.status, a.headers['x-tablesync']])).toEqual([[201, 'local'], [201, 'local'], [200, 'local'], [204, 'local']]);
    expect((answers[1]!.body as { id: string }).id).toBe(idless);
    await h.engine.push();
    const rows = h.server.rows('todo').filter((r) => r['deleted'] !== true);
    expect(rows.map((r) => [r['id'], r['text']]).sort()).toEqual([['a', 'one'], [idless, 'no id'], ['u', 'after']].sort());
    expect([h.ops(), h.conflictRecords()]).toEqual([[], []]);
  });
});
