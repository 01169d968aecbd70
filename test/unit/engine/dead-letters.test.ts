/**
 * The dead-letter list (issue 11 item 2): `failed` ops, made by a non-retryable 4xx (U-16) or by too many consecutive
 * 5xx answers (a poisoned op), and the page API that retries or discards one; plus the `storage-full` event and status.
 */
import { describe, expect, test } from 'vitest';
import { MAX_SERVER_ERRORS } from '../../../src/engine/push.js';
import { createHarness } from './harness.js';

const poison = { error: 'column "color" does not exist', code: 'internal_error' };

describe('dead letters', () => {
  test('U-16: a retried dead letter goes back to pending and is sent once; the push after it completes it', async () => {
    const h = createHarness();
    await h.ready();
    await h.request('POST', '/tables/todo', { body: { id: 'a', text: 'x' } });
    h.server.inject({ kind: 'status', status: 422, body: { error: 'schema', code: 'invalid_item' } });
    expect(await h.engine.push()).toEqual({ completed: 0, failed: 1, held: 0, stopped: null });
    const [failed] = await h.engine.pendingOperations();
    expect(failed).toMatchObject({ itemId: 'a', state: 'failed', lastStatus: 422, lastError: { code: 'invalid_item' } });
    expect(await h.engine.push()).toEqual({ completed: 0, failed: 0, held: 0, stopped: null }); // skipped, not resent
    const scheduled = h.scheduler.calls;
    await h.engine.retryOperation(failed!.seq);
    expect(h.ops()).toEqual([expect.objectContaining({ itemId: 'a', state: 'pending', nextAttemptAt: null })]);
    expect(h.scheduler.calls).toBe(scheduled + 1);
    expect((await h.engine.status()).failed).toBe(0);
    expect(await h.engine.push()).toEqual({ completed: 1, failed: 0, held: 0, stopped: null });
    expect(h.server.rows('todo').map((r) => r['id'])).toEqual(['a']);
    expect(h.server.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
  });

  test('U-16: discarding a failed insert removes op and row; a failed update restores the server row', async () => {
    const h = createHarness();
    h.server.write('todo', { id: 'u', text: 'server' });
    await h.ready();
    await h.engine.pull({ table: 'todo' });
    await h.request('POST', '/tables/todo', { body: { id: 'n', text: 'new' } });
    await h.request('PATCH', '/tables/todo/u', { body: { text: 'mine' }, version: '2.0.0' });
    h.server.inject({ kind: 'status', status: 400, body: { error: 'no', code: 'invalid_item' } }, { times: 2 });
    expect((await h.engine.push()).failed).toBe(2);
    const [insert, update] = await h.engine.pendingOperations();
    await h.engine.discardOperation(insert!.seq);
    await h.engine.discardOperation(update!.seq);
    expect(h.ops()).toEqual([]);
    expect((await h.request('GET', '/tables/todo/n')).status).toBe(404);
    const row = await h.request('GET', '/tables/todo/u');
    expect(row.body).toMatchObject({ id: 'u', text: 'server' });
    // The restored row's version is known again: an update with it passes.
    const version = (row.body as { version: string }).version;
    expect((await h.request('PUT', '/tables/todo/u', { body: { id: 'u', text: 'again' }, headers: { 'if-match': `"${version}"` } })).status).toBe(200);
  });

  test('retryOperation and discardOperation refuse anything but a failed op with operation_not_found', async () => {
    const h = createHarness();
    await h.ready();
    await h.request('POST', '/tables/todo', { body: { id: 'a' } });
    const [pending] = await h.engine.pendingOperations();
    await expect(h.engine.retryOperation(pending!.seq)).rejects.toMatchObject({ code: 'operation_not_found' });
    await expect(h.engine.discardOperation(99)).rejects.toMatchObject({ code: 'operation_not_found' });
    expect(h.ops()).toEqual([expect.objectContaining({ itemId: 'a', state: 'pending' })]);
  });
});

describe('poisoned 5xx', () => {
  test(`an op answered 5xx ${MAX_SERVER_ERRORS} times in a row becomes a dead letter with the answer; the queue goes on`, async () => {
    const h = createHarness();
    await h.ready();
    await h.request('POST', '/tables/todo', { body: { id: 'a', color: 'red' } });
    await h.request('POST', '/tables/todo', { body: { id: 'b' } });
    h.server.inject({ kind: 'status', status: 500, body: poison }, { times: MAX_SERVER_ERRORS, match: (r) => r.body?.includes('"a"') === true });
    for (let n = 1; n < MAX_SERVER_ERRORS; n++) {
      expect(await h.engine.push({ explicit: true })).toEqual({ completed: 0, failed: 0, held: 0, stopped: 'backoff' });
      expect(h.ops()[0]).toMatchObject({ itemId: 'a', state: 'pending', serverErrors: n });
    }
    expect(await h.engine.push({ explicit: true })).toEqual({ completed: 1, failed: 1, held: 0, stopped: null });
    expect(h.ops()).toEqual([expect.objectContaining({ itemId: 'a', state: 'failed', lastStatus: 500, lastError: poison })]);
    expect(h.events.filter((e) => e.kind === 'op-failed')).toEqual([
      { kind: 'op-failed', operation: expect.objectContaining({ itemId: 'a', state: 'failed', lastStatus: 500 }) },
    ]);
    expect(h.server.rows('todo').map((r) => r['id'])).toEqual(['b']);
  });

  test('a burst of 5xx shorter than the limit, with network errors between, only delays the op', async () => {
    const h = createHarness();
    await h.ready();
    await h.request('POST', '/tables/todo', { body: { id: 'a' } });
    for (let n = 1; n < MAX_SERVER_ERRORS; n++) {
      h.server.inject({ kind: 'status', status: 503 });
      await h.engine.push({ explicit: true });
      h.server.inject({ kind: 'network' });
      await h.engine.push({ explicit: true });
    }
    expect(h.ops()[0]).toMatchObject({ state: 'pending', serverErrors: MAX_SERVER_ERRORS - 1 });
    expect((await h.engine.push({ explicit: true })).completed).toBe(1);
    expect(h.ops()).toEqual([]);
  });

  test('maxServerErrors is an option; a new edit starts the count again, a retried dead letter too', async () => {
    const h = createHarness({ maxServerErrors: 2 });
    await h.ready();
    await h.request('POST', '/tables/todo', { body: { id: 'a', v: 1 } });
    h.server.inject({ kind: 'status', status: 500 });
    await h.engine.push({ explicit: true });
    await h.request('PATCH', '/tables/todo/a', { body: { v: 2 }, version: '2.0.0' });
    expect(h.ops()[0]).not.toHaveProperty('serverErrors');
    h.server.inject({ kind: 'status', status: 500 }, { times: 2 });
    expect((await h.engine.push({ explicit: true })).stopped).toBe('backoff');
    expect((await h.engine.push({ explicit: true })).failed).toBe(1);
    await h.engine.retryOperation(h.ops()[0]!.seq);
    expect(h.ops()[0]).not.toHaveProperty('serverErrors');
    h.server.inject({ kind: 'status', status: 500 });
    expect((await h.engine.push({ explicit: true })).stopped).toBe('backoff');
    expect((await h.engine.push({ explicit: true })).completed).toBe(1);
    expect(h.server.rows('todo')).toEqual([expect.objectContaining({ id: 'a', v: 2 })]);
  });
});

describe('storage full', () => {
  test('F-14, W-02: a write that cannot be stored gets 507, a storage-full event and status; the next stored commit clears it', async () => {
    const h = createHarness();
    await h.ready();
    h.events.length = 0;
    h.store.failCommits(1);
    const refused = await h.request('POST', '/tables/todo', { body: { id: 'a' } });
    expect([refused.status, (refused.body as { code: string }).code]).toEqual([507, 'storage_full']);
    expect(h.ops()).toEqual([]);
    expect(h.events.some((e) => e.kind === 'storage-full')).toBe(true);
    expect((await h.engine.status()).storageFull).toBe(true);
    await h.settle();
    expect(h.events.filter((e) => e.kind === 'status').at(-1)).toMatchObject({ status: { storageFull: true } });
    expect((await h.request('POST', '/tables/todo', { body: { id: 'a' } })).status).toBe(201);
    expect((await h.engine.status()).storageFull).toBe(false);
  });

  test('L-06: a pull page that cannot be stored fails the pull with storage_full and leaves the watermark; a later pull completes', async () => {
    const h = createHarness();
    h.server.write('todo', { id: 'a' });
    h.server.write('todo', { id: 'b' });
    await h.engine.start();
    h.store.failCommits(1);
    await expect(h.engine.pull({ table: 'todo' })).rejects.toMatchObject({ code: 'storage_full' });
    expect(h.store.snapshot().syncStates).toEqual([]);
    expect(h.rows()).toEqual([]);
    expect((await h.engine.status()).storageFull).toBe(true);
    expect(h.events.some((e) => e.kind === 'storage-full')).toBe(true);
    expect((await h.engine.pull({ table: 'todo' })).rows).toBe(2);
    expect(h.rows().map((r) => r.id)).toEqual(['a', 'b']);
    expect((await h.engine.status()).storageFull).toBe(false);
  });
});
