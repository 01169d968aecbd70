// The shipped bundles against the reference server (PGlite in memory): the drop-in tag on a plain
// page, F-01, W-01, U-20 over CDP, U-21 without SyncManager. One browser, tests in order.
import path from 'node:path';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../src/server/start-server.js';
import { collectLogs, launchBrowser, newContext, openApp, swDevtools, waitFor, type SwDevtools } from '../support/browser.js';

let server: RunningServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let sw: SwDevtools;
let logs: string[];

beforeAll(async () => {
  // PGlite takes 3–5 s to start (TESTING.md §8): once per file.
  [server, browser] = await Promise.all([
    startServer({ memory: true, port: 0, publicDir: path.resolve('test/browser/fixtures/shell') }),
    launchBrowser(),
  ]);
  context = await newContext({ browser });
  logs = collectLogs(context);
  page = await context.newPage();
  sw = await swDevtools(context, page);
  await openApp(page, `${server.url}/index.html`);
});

afterEach((ctx) => {
  if (ctx.task.result?.state === 'fail') console.log(logs.join('\n'));
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
});

const fetchInPage = (url: string, init?: { method: string; body?: string }) =>
  page.evaluate(
    async ({ url, init }) => {
      const response = await fetch(url, init && { ...init, headers: { 'content-type': 'application/json' } });
      return { status: response.status, local: response.headers.get('x-tablesync'), body: await response.text() };
    },
    { url, init },
  );

/** The row as the server holds it, asked from Node (not through the worker). */
const serverRow = async (id: string): Promise<Record<string, unknown> | null> => {
  const response = await fetch(`${server.url}/tables/todoitem/${id}`, { headers: { 'zumo-api-version': '3.0.0' } });
  return response.status === 200 ? ((await response.json()) as Record<string, unknown>) : null;
};

const pending = () => page.evaluate(() => window.tablesync!.pendingOperations());

test('F-01: the drop-in registers the worker, which answers /tables/todoitem locally; others reach the server', async () => {
  expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toBe(`${server.url}/tablesync-sw.js?tables=todoitem`);
  const list = await fetchInPage('/tables/todoitem');
  expect([list.status, list.local]).toEqual([200, 'local']);
  const other = await fetchInPage('/tables/other');
  const page404 = await fetchInPage('/nothing-here.txt');
  expect([other.status, other.local, page404.status, page404.local]).toEqual([404, null, 404, null]);
  expect(JSON.parse(other.body)).toMatchObject({ code: 'table_not_found' });
  expect([...sw.errors]).toEqual([]);
});

test('W-01: a 201 is answered only once row and op are in IndexedDB', async () => {
  // Hold pushes back (before any worker restart: once, a restarted worker's push escaped context.route).
  await context.route('**/tables/todoitem', (route) => route.abort('internetdisconnected'));
  const created = await fetchInPage('/tables/todoitem', { method: 'POST', body: JSON.stringify({ id: 'w01', text: 'first' }) });
  expect([created.status, created.local]).toEqual([201, 'local']);
  const stored = await page.evaluate(
    () =>
      new Promise<{ row: unknown; ops: unknown[] }>((resolve, reject) => {
        const open = indexedDB.open('tablesync');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction(['rows', 'ops'], 'readonly');
          const row = tx.objectStore('rows').get(['todoitem', 'w01']);
          const ops = tx.objectStore('ops').getAll();
          tx.oncomplete = () => {
            open.result.close();
            resolve({ row: row.result, ops: ops.result });
          };
        };
      }),
  );
  expect(stored.row).toMatchObject({ table: 'todoitem', id: 'w01', item: { id: 'w01', text: 'first' } });
  expect(stored.ops).toMatchObject([{ table: 'todoitem', itemId: 'w01', kind: 'insert' }]);
  // Its write-through attempt failed on the route (so it was answered locally), as does the real sync event the
  // write registered (50–110 ms later).
  await waitFor(async () => ((await pending())[0]?.attempts ?? 0) >= 1);
  expect(await serverRow('w01')).toBeNull();
  expect([...sw.errors]).toEqual([]);
});

test('U-20: a sync event dispatched over CDP pushes the write to the server', async () => {
  // A stopped worker has no timers left (the write's own delayed push, the back-off retry); the event
  // ignores back-off. The page's 10 s ping may restart the worker once the route is gone, and a worker
  // start pushes too (U-21), so the server is checked while the route still holds: the strict form of
  // this rule is e2e-replay's U-20.
  await sw.stopAllWorkers();
  expect(await serverRow('w01')).toBeNull();
  await context.unroute('**/tables/todoitem');
  await sw.dispatchSync(server.url);
  await waitFor(async () => (await serverRow('w01'))?.['text'] === 'first', { message: 'the server holds w01' });
  await waitFor(async () => (await pending()).length === 0);
  expect([...sw.errors]).toEqual([]);
});

test('Comlink: a call made while the worker is stopped completes after a reconnect', async () => {
  const first = await page.evaluate(() => window.tablesync!.bootId());
  await sw.stopAllWorkers();
  const after = await page.evaluate(async () => ({ status: await window.tablesync!.status(), boot: await window.tablesync!.bootId() }));
  expect(after.status).toMatchObject({ pending: 0, failed: 0, held: 0 });
  expect(after.boot).not.toBe(first);
  expect([...sw.errors]).toEqual([]);
});

test('U-21: with SyncManager removed, the page relays online and the worker pushes', async () => {
  const [worker] = context.serviceWorkers();
  await worker!.evaluate(() => {
    delete (self as { SyncManager?: unknown }).SyncManager;
  });
  await context.setOffline(true);
  const created = await fetchInPage('/tables/todoitem', { method: 'POST', body: JSON.stringify({ id: 'u21', text: 'offline' }) });
  expect([created.status, created.local]).toEqual([201, 'local']);
  // The intercepted request's fallback push (at most one per 30 s) fails offline.
  await waitFor(async () => (await pending())[0]?.attempts === 1);
  await context.setOffline(false); // the page hears `online`; the client relays it
  await waitFor(async () => (await serverRow('u21'))?.['text'] === 'offline', { message: 'the server holds u21' });
  await waitFor(async () => (await pending()).length === 0);
  expect([...sw.errors]).toEqual([]);
});
