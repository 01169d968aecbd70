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
  test('answered, then stopped before the page had it: the re-delivery gets the same answer; nothing is written twice', async () => {
    const h = await online();
    const first = await h.request('POST', '/tables/todo', { body: { id: 'a', text: 'one' } });
    expect([first.status, first.headers['x-tablesync']]).toEqual([201, 'upstream']);
    await h.restart();
    expect(await h.request('POST', '/tables/todo', { body: { id: 'a', text: 'one' } })).toEqual(first);
    expect(h.server.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    // Taken over by this instance: the same request once more is the app's own (the server's 409).
    expect((await h.request('POST', '/tables/todo', { body: { id: 'a', text: 'one' } })).status).toBe(409);
  });

  test.each(['online-first', 'local-first'] as const)('%s: an id-less insert with a number JSON cannot carry (1e999) is refused as the server does, not given an id and stored as null', async (writes) => {
    const h = createHarness({ writes, writeTimeoutMs: 5000 });
    await h.ready();
    const answer = await h.request('POST', '/tables/todo', { body: '{"n":1e999}' });
    expect([answer.status, (answer.body as { code?: string }).code]).toEqual([400, 'invalid_item']);
    expect(await h.engine.pendingOperations()).toEqual([]);
    expect(h.server.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
  });

  test('an answer its instance wrote on from is no re-delivery: the same request after a restart is a new write (FAULT_SEED=1555473577)', async () => {
    const h = await online();
    await h.request('POST', '/tables/todo', { body: { id: 'a', text: 'one' } });
    expect((await h.request('DELETE', '/tables/todo/a')).status).toBe(204);
    expect((await h.request('POST', '/tables/todo', { body: { id: 'b', text: 'next' } })).status).toBe(201);
    await h.restart();
    // Judged afresh: the row is gone, so the server's own answer (410 for its tombstone), not the stored 204.
    const again = await h.request('DELETE', '/tables/todo/a');
    expect([again.status, again.headers['x-tablesync']]).toEqual([410, 'upstream']);
  });

  test.each([
    { kind: 'insert', method: 'POST', path: '/tables/todo', req: { body: { id: 'a', text: 'one' } }, status: 201 },
    { kind: 'id-less insert', method: 'POST', path: '/tables/todo', req: { body: { text: 'no id' } }, status: 201 },
    { kind: 'update', method: 'PUT', path: '/tables/todo/u', req: { body: { text: 'after' } }, status: 200 },
    { kind: 'delete', method: 'DELETE', path: '/tables/todo/u', req: {}, status: 204 },
  ])('died before answering: a re-delivered $kind is told it happened, and the server has it once', async ({ method, path, req, status }) => {
    const h = await online();
    await h.request('POST', '/tables/todo', { body: { id: 'u', text: 'before' } });
    const held = hang(h);
    // The write is journaled and sent; its answer hangs; the instance is stopped (it never answers).
    await drain(h.request(method, path, req));
    await h.settle();
    const journaled = h.ops()[0]!;
    await h.restart();
    held.release();
    const again = await h.request(method, path, req);
    expect([again.status, again.headers['x-tablesync']]).toEqual([status, 'local']);
    if (method === 'POST') expect((again.body as { id: string }).id).toBe(journaled.itemId);
    await h.engine.push();
    const live = h.server.rows('todo').filter((r) => r['deleted'] !== true).map((r) => [r['id'], r['text']]);
    const text = 'body' in req ? req.body.text : null;
    const expected = method === 'POST' ? [['u', 'before'], [journaled.itemId, text]] : method === 'PUT' ? [['u', text]] : [];
    expect(live.sort()).toEqual(expected.sort());
    expect([h.ops(), h.conflictRecords()]).toEqual([[], []]);
  });
});
