/**
 * Issue 9 acceptance (PROTOCOL.md §3.9, T-07, T-08, T-09): reads stay local and fresh. A stale read starts one
 * background pull, however many reads come; an unchanged page sees a row inserted straight on the server within
 * maxStaleMs plus one pull, and after a reload, with no API call; the worker pulls at its start with a page open,
 * on a page's load or visibility, after a push that replayed ops, on `sync`, on `periodicsync`, and on its interval.
 */
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { openApp, pageApi, syncApi, useStack, waitFor, waitForPull, type Answer, type Row, type Sent } from './fixtures/e2e/harness.js';

const stack = useStack();

/** The worker's pull requests (GET with the pull's `$orderby`) that reached the server since `mark`. */
const pullsSince = (mark: number): Sent[] =>
  stack.proxy.sent.slice(mark).filter((s) => s.method === 'GET' && (s.url.searchParams.get('$orderby') ?? '').replace(/\s/g, '') === 'updatedAt,id');

/** Waits until no pull runs and none reached the server for 250 ms: what comes next was started by the test. */
async function quiet(page: Page): Promise<number> {
  let seen = -1;
  let since = Date.now();
  await waitFor(
    async () => {
      const count = pullsSince(0).length;
      if (count !== seen) {
        seen = count;
        since = Date.now();
      }
      return Date.now() - since >= 250 && !(await syncApi(page).status()).pulling;
    },
    { timeoutMs: 8000, stepMs: 50, message: 'the worker to stop pulling' },
  );
  return stack.proxy.sent.length;
}

const ids = (answer: Answer): string[] => ((answer.body as { items: Row[] }).items ?? []).map((r) => String(r['id']));

describe('e2e-freshness', () => {
  test('T-07: a stale read answers locally at once and starts exactly one background pull, however many reads arrive', async () => {
    const app = await openApp(stack.browser, stack.proxy, '/configured.html?max-stale-ms=400');
    const api = pageApi(app.page);
    await api.list();
    await waitForPull(app.page);
    await stack.remote.insert({ id: 's1', text: 'from elsewhere', done: false });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const mark = await quiet(app.page);
    await waitFor(async () => Date.now() - ((await syncApi(app.page).status()).lastPullAt ?? 0) > 450, { message: 'the table to go stale' });

    // The pull's answer is held: every read meanwhile is answered locally, and none starts another pull.
    const held = stack.proxy.holdAnswer((s) => s.method === 'GET' && s.url.searchParams.has('$orderby'));
    const reads = await app.page.evaluate(async () => {
      const api = (window as unknown as { api: { list(q: string): Promise<Answer> } }).api;
      const answers = [];
      for (let i = 0; i < 10; i++) answers.push(await api.list('$orderby=id'));
      return answers;
    });
    expect(reads.map((r) => [r.status, r.headers['x-tablesync'], ids(r).length])).toEqual(reads.map(() => [200, 'local', 0]));
    await held.arrived;
    held.release();
    await waitFor(async () => ids(await api.list('$orderby=id')).includes('s1'), { message: 'the pulled row in a read' });
    await quiet(app.page);
    expect(pullsSince(mark)).toHaveLength(1);
    expect([...app.devtools.errors]).toEqual([]);
    await app.close();
  });

  // Two pages (a short maxStaleMs, then every default) and a reload: about 5 s on a busy machine.
  test('T-08: an unchanged page sees a row inserted straight on the server within maxStaleMs plus one pull, with no API call, and after a reload', async () => {
    const app = await openApp(stack.browser, stack.proxy, '/configured.html?max-stale-ms=500');
    const api = pageApi(app.page);
    await api.list();
    await waitForPull(app.page);
    await quiet(app.page);
    await stack.remote.insert({ id: 'e1', text: 'another device', done: false });
    const inserted = Date.now();
    // The app only reads, as an unchanged app does; the reads are local.
    await waitFor(async () => ids(await api.list()).includes('e1'), { timeoutMs: 500 + 3000, stepMs: 50, message: 'the row in a local read' });
    const seenAfter = Date.now() - inserted;
    expect(seenAfter).toBeLessThan(500 + 3000);

    expect([...app.devtools.errors]).toEqual([]);
    await app.close();

    // After a reload: the unchanged page with every default (maxStaleMs 30 s), as issue 9 measured it.
    const plain = await openApp(stack.browser, stack.proxy, '/index.html');
    await pageApi(plain.page).list();
    await waitForPull(plain.page);
    await stack.remote.insert({ id: 'e2', text: 'and another', done: false });
    await plain.page.reload();
    await plain.page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await waitFor(async () => ids(await pageApi(plain.page).list()).includes('e2'), { timeoutMs: 3000, stepMs: 50, message: 'the row after a reload' });
    expect([...plain.devtools.errors]).toEqual([]);
    await plain.close();
  });

  // Six triggers, each isolated by waiting for the worker to stop pulling (quiet): about 5 s.
  test('T-09: the worker pulls at start with a page open, on load and visibility, after a push that replayed ops, on sync, on periodicsync and on refresh()', async () => {
    const app = await openApp(stack.browser, stack.proxy, '/index.html');
    const api = pageApi(app.page);
    await api.list();
    await waitForPull(app.page);
    const pulled = (mark: number, what: string): Promise<boolean> => waitFor(() => pullsSince(mark).length > 0, { timeoutMs: 4000, message: `a pull ${what}` });

    // Worker start with a page open: stopped, then woken by a message that only counts a page's contact.
    let mark = await quiet(app.page);
    await app.devtools.stopAllWorkers();
    await app.page.evaluate(() => navigator.serviceWorker.controller!.postMessage({ type: 'tablesync:ping', visible: false }));
    await pulled(mark, 'at worker start');

    // A page loads.
    mark = await quiet(app.page);
    const other = await app.open('/bare.html');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(pullsSince(mark)).toEqual([]); // a page without the drop-in says nothing
    await other.close();
    mark = await quiet(app.page);
    const second = await app.open('/index.html');
    await pulled(mark, 'on a page load');
    await second.close();

    // A page becomes visible (the drop-in listens to visibilitychange).
    mark = await quiet(app.page);
    await app.page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(pullsSince(mark)).toEqual([]);
    await app.page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await pulled(mark, 'on visibility');

    // A push that replayed ops: written with the network cut, replayed once a page relays `online`.
    mark = await quiet(app.page);
    stack.proxy.block(true);
    expect((await api.insert({ id: 'p1', text: 'offline', done: false })).headers['x-tablesync']).toBe('local');
    stack.proxy.block(false);
    const before = stack.proxy.sent.length;
    await app.page.evaluate(() => navigator.serviceWorker.controller!.postMessage({ type: 'tablesync:online' }));
    await waitFor(() => stack.proxy.writes().some((s) => (s.body as Row)['id'] === 'p1'), { message: 'the replay' });
    await pulled(stack.proxy.sent.findIndex((s, i) => i >= before && s.method === 'POST'), 'after the replay');

    // A sync event (after its push), and a periodicsync event.
    mark = await quiet(app.page);
    await app.devtools.dispatchSync(stack.origin);
    await pulled(mark, 'on sync');
    mark = await quiet(app.page);
    await app.devtools.dispatchPeriodicSync(stack.origin, 'tablesync-pull');
    await pulled(mark, 'on periodicsync');
    // The page API's refresh(): resolves once the pull it asked for has finished (change-feed pages call it).
    mark = await quiet(app.page);
    await stack.remote.insert({ id: 'f1', text: 'refreshed', done: false });
    await app.page.evaluate(() => (window as unknown as { tablesync: { refresh(t?: string[]): Promise<void> } }).tablesync.refresh(['todoitem']));
    expect(pullsSince(mark).length).toBeGreaterThan(0);
    expect(ids(await api.list())).toContain('f1');
    mark = await quiet(app.page);
    await app.devtools.dispatchPeriodicSync(stack.origin, 'another-tag');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(pullsSince(mark)).toEqual([]);
    expect([...app.devtools.errors]).toEqual([]);
    await app.close();
  });

  test('T-09: every pullIntervalMs while a visible page is connected', async () => {
    const app = await openApp(stack.browser, stack.proxy, '/configured.html?pull-interval-ms=300');
    await waitForPull(app.page);
    // The page's load accounts for a pull or two; the rest is the interval's.
    const mark = stack.proxy.sent.length;
    await waitFor(() => pullsSince(mark).length >= 5, { timeoutMs: 4000, message: 'five interval pulls' });
    await stack.remote.insert({ id: 'i1', text: 'by interval', done: false });
    await waitFor(async () => ids(await pageApi(app.page).list()).includes('i1'), { timeoutMs: 3000, message: 'the row by an interval pull' });
    expect([...app.devtools.errors]).toEqual([]);
    await app.close();
  });
});
