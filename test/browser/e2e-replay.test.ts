/**
 * Issue 5 acceptance: the op-log replays from a Background Sync event (U-20) and, in a worker
 * without `SyncManager`, from the fallbacks: an intercepted request, worker start and a page's
 * `online` message (U-21). Each step is arranged so that only the trigger under test can push.
 */
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { swDevtools } from '../support/browser.js';
import { openApp, pageApi, useStack, waitFor, type Row } from './fixtures/e2e/harness.js';

const stack = useStack();

const onServer = async (id: string): Promise<Row | undefined> => (await stack.remote.all()).get(id);
const arrives = (id: string, message: string): Promise<Row> => waitFor(() => onServer(id), { timeoutMs: 3000, message });

describe('e2e-replay', () => {
  test('U-20: a journaled write registers sync tag `tablesync`; a sync event dispatched through CDP replays it', async () => {
    // local-first: every write is journaled and left to the push triggers (online-first would send it at once).
    const app = await openApp(stack.browser, stack.proxy, '/configured.html?writes=local-first');
    const api = pageApi(app.page);

    // The write's own sync event (fired by Chromium ~100 ms after registration) pushes; its request
    // is held before the server and the worker is stopped, so that event is spent and nothing was sent.
    const held = app.upstream.holdRequest((s) => s.method === 'POST');
    expect((await api.insert({ id: 'r1', text: 'replay me', done: false })).status).toBe(201);
    await held.arrived;
    await app.devtools.stopAllWorkers();
    held.release();
    expect(await onServer('r1')).toBeUndefined();

    // Only a sync event can push now (Chromium's own retry is minutes away): dispatch one.
    await app.devtools.dispatchSync(stack.origin);
    const row = await arrives('r1', 'the CDP sync event to push r1');
    expect(row).toMatchObject({ id: 'r1', text: 'replay me', done: false, deleted: false });
    const posts = app.upstream.writes().filter((s) => s.method === 'POST');
    expect(posts.map((s) => s.status)).toEqual([201]);

    // A later write registers the tag again (Chromium keeps one registration per tag: the spent
    // event's retry is still pending, so it does not fire by itself now) and a sync event pushes it.
    expect((await api.insert({ id: 'r2', text: 'and me', done: true })).status).toBe(201);
    const tags = await app.page.evaluate(async () => {
      const registration = (await navigator.serviceWorker.ready) as unknown as { sync: { getTags(): Promise<string[]> } };
      return registration.sync.getTags();
    });
    expect(tags).toContain('tablesync');
    await app.devtools.dispatchSync(stack.origin);
    await arrives('r2', 'the CDP sync event to push r2');
    expect(app.upstream.writes().filter((s) => s.method === 'POST').map((s) => (s.body as Row)['id'])).toEqual(['r1', 'r2']);

    expect([...app.devtools.errors]).toEqual([]);
    await app.close();
  });

  test('U-21: without SyncManager, ops are pushed on an intercepted request, at worker start and on a page `online` message', async () => {
    // configured.html registers /sw-nosync.js: the real worker loaded after SyncManager is deleted.
    const app = await openApp(stack.browser, stack.proxy, '/configured.html?sw=/sw-nosync.js');
    const [worker] = app.context.serviceWorkers();
    expect(worker?.url()).toContain('/sw-nosync.js');
    expect(await worker!.evaluate(() => typeof (self as unknown as { SyncManager?: unknown }).SyncManager)).toBe('undefined');

    // From here on a page without the drop-in drives: it neither relays `online` nor pings, so
    // nothing but the trigger under test reaches the worker.
    const bare: Page = await app.open('/bare.html');
    const devtools = await swDevtools(app.context, bare);
    await app.page.close();
    const api = pageApi(bare);
    const post = (type: string): Promise<void> =>
      bare.evaluate((t) => navigator.serviceWorker.controller!.postMessage({ type: t }), type);

    // 1. Intercepted request. The worker is running and has pushed at its start (nothing to push
    //    then); the write is the first request it intercepts, online, so it pushes at once.
    expect((await api.insert({ id: 'w0', text: 'by request', done: false })).status).toBe(201);
    await arrives('w0', 'the intercepted request to push w0');

    // 2. Worker start. Written while the network is cut (server-side, so no setOffline toggling:
    //    that hangs Playwright while the worker is stopped); the worker is stopped before the network
    //    returns, which kills its own timers (the write's delayed push, the back-off retry), so only
    //    its next start, here for a `ping`, can push.
    app.upstream.block(true);
    expect((await api.insert({ id: 'w1', text: 'by start', done: false })).status).toBe(201);
    await devtools.stopAllWorkers();
    app.upstream.block(false);
    expect(await onServer('w1')).toBeUndefined();
    await post('tablesync:ping');
    await arrives('w1', 'the worker start to push w1');

    // 3. `online` message. Written offline, so the push it triggers fails; back online, the page's
    //    message pushes. The worker's own back-off retry would deliver it too a little later, so this
    //    shows the message path end to end; test/unit/sw/push-triggers.test.ts proves the trigger alone.
    await app.setOffline(true);
    expect((await api.insert({ id: 'w2', text: 'by online', done: false })).status).toBe(201);
    await app.setOffline(false);
    await post('tablesync:online');
    await arrives('w2', 'the online message to push w2');

    // Each write reached the server once.
    const posted = app.upstream.writes().filter((s) => s.method === 'POST');
    expect(posted.map((s) => [(s.body as Row)['id'], s.status])).toEqual([
      ['w0', 201],
      ['w1', 201],
      ['w2', 201],
    ]);
    expect([...app.devtools.errors, ...devtools.errors]).toEqual([]);
    await app.close();
  });
});
