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
  test('answered: the same request again, even on a new instance, is the app\'s own (the server\'s 409)', async () => {
    const h = await online();
    const first = await h.request('POST', '/tables/todo', { body: { id: 'a', text: 'one' } });
    expect([first.status, first.headers['x-tablesync']]).toEqual([201, 'upstream']);
    await h.restart();
    const again = await h.request('POST', '/tables/todo', { body: { id: 'a', text: 'one' } });
    expect([again.status, again.headers['x-tablesync']]).toEqual([409, 'upstream']);
    expect(h.server.rows('todo')).toHaveLength(1);
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
