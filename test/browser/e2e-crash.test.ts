/**
 * Issue 5 acceptance, U-23: the worker is stopped after it marked an op attempted and sent it, and
 * before the server's answer arrives (the server applied the write; the proxy holds its answer).
 * Restarted, it sends the op again and recognises its own write: exactly one server copy.
 */
import { describe, expect, test } from 'vitest';
import {
  etagOf,
  openApp,
  pageApi,
  syncApi,
  useStack,
  waitForDrain,
  waitForPull,
  type Answer,
  type Row,
  type Sent,
} from './fixtures/e2e/harness.js';

const stack = useStack();

interface Case {
  readonly kind: 'insert' | 'update' | 'delete';
  readonly id: string;
  readonly method: string;
  /** The local write, given the row as the page read it. */
  readonly write: (api: ReturnType<typeof pageApi>, row: Row | undefined) => Promise<Answer>;
  /** What the resent request may be answered (PROTOCOL.md §3.4.5: adopted or already done). */
  readonly retryStatuses: readonly number[];
}

const cases: readonly Case[] = [
  {
    kind: 'insert',
    id: 'i1',
    method: 'POST',
    write: (api) => api.insert({ id: 'i1', text: 'inserted once', done: false }),
    retryStatuses: [409], // U-11: the stored row holds the snapshot's app fields
  },
  {
    kind: 'update',
    id: 'u1',
    method: 'PUT',
    write: (api, row) => api.replace('u1', { text: 'updated once', done: true }, etagOf(row!)),
    retryStatuses: [412], // U-11: the current row holds the snapshot's app fields
  },
  {
    kind: 'delete',
    id: 'x1',
    method: 'DELETE',
    write: (api, row) => api.remove('x1', etagOf(row!)),
    retryStatuses: [404, 410, 412], // U-10: the tombstone is already there
  },
];

describe('e2e-crash', () => {
  test.each(cases)('U-03 U-23: worker stopped while the answer to its $kind is in flight, restarted: one server copy', async ({ kind, id, method, write, retryStatuses }) => {
    const { remote, proxy } = stack;
    await remote.insert({ id: 'u1', text: 'before', done: false });
    await remote.insert({ id: 'x1', text: 'doomed', done: false });

    // Online-first: the write goes at once (§3.9); its answer is held, so after 300 ms the app gets the local one.
    const app = await openApp(stack.browser, proxy, '/configured.html?write-timeout-ms=300');
    const api = pageApi(app.page);
    const sync = syncApi(app.page);
    await api.list();
    await waitForPull(app.page);
    const read = (await api.get(id)).body as Row | undefined;

    const isTheWrite = (s: Sent): boolean => s.method === method && (kind === 'insert' || s.url.pathname.endsWith(`/${id}`));
    const held = proxy.holdAnswer(isTheWrite);
    expect((await write(api, kind === 'insert' ? undefined : read)).status).toBe(kind === 'insert' ? 201 : kind === 'update' ? 200 : 204);
    const first = await held.arrived;
    expect(first.status).toBe(kind === 'insert' ? 201 : kind === 'update' ? 200 : 204);

    // U-03: the op was committed inflight and attempted before the request left.
    expect((await sync.pending()).map((op) => [op.itemId, op.kind, op.state, op.attempts])).toEqual([[id, kind, 'inflight', 1]]);
    const applied = (await remote.all()).get(id);

    // Stop the worker while the server's answer is held, then let the answer go: it is lost.
    await app.devtools.stopAllWorkers();
    held.release();

    // A sync event restarts the worker (inflight ops return to pending) and pushes again.
    await app.devtools.dispatchSync(stack.origin);
    await waitForDrain(app.page);

    const attempts = proxy.writes().filter(isTheWrite);
    expect(attempts.length).toBe(2);
    expect(retryStatuses).toContain(attempts[1]!.status);
    // Exactly one server copy: the row is as the first (lost-answer) request left it.
    const after = await remote.all();
    expect(after.get(id)).toEqual(applied);
    expect([...after.keys()].sort()).toEqual(kind === 'insert' ? ['i1', 'u1', 'x1'] : ['u1', 'x1']);
    // And the page sees the server's row (or none, for the delete).
    const local = await api.get(id);
    if (kind === 'delete') expect(local.status).toBe(404);
    else expect(local.body).toEqual(applied);

    expect([...app.devtools.errors]).toEqual([]);
    await app.close();
  });
});
