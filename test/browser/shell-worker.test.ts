// The service-worker shell in real Chromium: F-01, W-01, the Comlink bridge across a worker stop,
// Background Sync (U-20) and its fallback (U-21). One browser for the file; tests run in order.
import path from 'node:path';
import type http from 'node:http';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { VERSION } from '../../sw/idb/database.js';
import { collectLogs, launchBrowser, newContext, openApp, serveStatic, swDevtools, waitFor, type StaticServer, type SwDevtools } from '../support/browser.js';

const fixtures = path.resolve('test/browser/fixtures/shell');
const dist = path.resolve('dist');

/** While true the upstream drops every /tables connection (a network error to the worker, TESTING.md §3). */
let upstreamDown = false;

/** Ids of the rows the upstream accepted, in order. */
const accepted: string[] = [];

/** A minimal upstream for the shell's sake: stores POSTed rows, lists them (v3 shape). */
function fakeUpstream(): (req: http.IncomingMessage, res: http.ServerResponse, body: string) => boolean {
  const rows = new Map<string, Record<string, unknown>>();
  let version = 0;
  return (req, res, body) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (!url.pathname.startsWith('/tables/')) return false;
    // A server-side switch: context.route() let a restarted worker's push through in one run here.
    if (upstreamDown) return (req.socket.destroy(), true);
    const json = (status: number, value: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(value));
    };
    if (url.pathname !== '/tables/todoitem') return (json(404, { error: 'no table', code: 'table_not_found' }), true);
    if (req.method === 'POST') {
      const item = JSON.parse(body) as Record<string, unknown>;
      const now = new Date(Date.now() + version).toISOString();
      const row = { ...item, version: `v${++version}`, createdAt: now, updatedAt: now, deleted: false };
      rows.set(String(item['id']), row);
      accepted.push(String(item['id']));
      return (json(201, row), true);
    }
    return (json(200, { items: [...rows.values()] }), true);
  };
}

let browser: Browser;
let server: StaticServer;
let context: BrowserContext;
let page: Page;
let sw: SwDevtools;
let logs: string[];

beforeAll(async () => {
  server = await serveStatic([fixtures, dist], fakeUpstream());
  browser = await launchBrowser();
  context = await newContext({ browser });
  logs = collectLogs(context);
  page = await context.newPage();
  sw = await swDevtools(context, page);
  await openApp(page, `${server.origin}/index.html`);
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

const upstreamPosts = (): string[] => accepted;

test('F-01: the worker controls the page and answers /tables/todoitem locally; other requests pass through', async () => {
  expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toBe(`${server.origin}/tablesync-sw.js?tables=todoitem`);
  const list = await fetchInPage('/tables/todoitem');
  expect([list.status, list.local]).toEqual([200, 'local']);
  const before = server.requests.length;
  const plain = await fetchInPage('/plain.txt');
  const other = await fetchInPage('/tables/other');
  expect([plain.status, plain.local, other.status, other.local]).toEqual([200, null, 404, null]);
  // The first read also started the table's background pull (F-04): that is the worker's own traffic.
  const passedThrough = server.requests.slice(before).filter((r) => !r.startsWith('GET /tables/todoitem?'));
  expect(passedThrough).toEqual(['GET /plain.txt', 'GET /tables/other']);
  expect([...sw.errors]).toEqual([]);
});

test('W-01: after a write is answered 201, IndexedDB already holds its row and its op', async () => {
  // Hold pushes back so the op is still journaled when we look.
  upstreamDown = true;
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
  // The write registered Background Sync; its real sync event (50–110 ms later) fails against the down upstream.
  await waitFor(async () => ((await page.evaluate(() => window.tablesync!.pendingOperations()))[0]?.attempts ?? 0) >= 1);
  expect([...sw.errors]).toEqual([]);
});

test('U-20: a sync event dispatched over CDP pushes the journaled write', async () => {
  // A stopped worker has no timers left, so only the dispatched event can push (the write's own
  // delayed push and the back-off retry died with it); the event ignores back-off.
  await sw.stopAllWorkers();
  upstreamDown = false;
  expect(upstreamPosts()).toEqual([]);
  await sw.dispatchSync(server.origin);
  await waitFor(() => upstreamPosts().length > 0, { message: 'the POST reached the upstream' });
  await waitFor(async () => (await page.evaluate(() => window.tablesync!.pendingOperations())).length === 0);
  expect([...sw.errors]).toEqual([]);
});

test('Comlink: calls work, and a call made while the worker is stopped completes after a reconnect', async () => {
  const first = await page.evaluate(() => window.tablesync!.bootId());
  expect(await page.evaluate(() => window.tablesync!.status())).toMatchObject({ pending: 0 });
  await sw.stopAllWorkers();
  const started = Date.now();
  const after = await page.evaluate(async () => ({ ops: await window.tablesync!.pendingOperations(), boot: await window.tablesync!.bootId() }));
  expect(after.ops).toEqual([]);
  expect(after.boot).not.toBe(first);
  console.log(`call across a worker stop: ${Date.now() - started} ms`);
  expect([...sw.errors]).toEqual([]);
});

test('Comlink: engine errors reach the page as Errors with a stable code', async () => {
  const error = await page.evaluate(() =>
    window.tablesync!.resolve(987654, { kind: 'discard' }).then(
      () => null,
      (e: { name: string; code: string }) => ({ name: e.name, code: e.code, isError: e instanceof Error }),
    ),
  );
  expect(error).toEqual({ name: 'SyncError', code: 'conflict_not_found', isError: true });
  expect([...sw.errors]).toEqual([]);
});

test('events: on() listeners keep receiving after the worker restarted (re-subscribed on reconnect)', async () => {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as { seen?: string[] }).seen = seen;
    window.tablesync!.on('pushed', (event) => seen.push(`${event.kind}:${event.result.completed}`));
  });
  await page.evaluate(() => window.tablesync!.push());
  await waitFor(() => page.evaluate(() => (window as { seen?: string[] }).seen?.length === 1));
  await sw.stopAllWorkers();
  await page.evaluate(() => window.tablesync!.push());
  await waitFor(() => page.evaluate(() => (window as { seen?: string[] }).seen?.length === 2));
  expect([...sw.errors]).toEqual([]);
});

test('U-21: with SyncManager removed, a page online message pushes', async () => {
  const [worker] = context.serviceWorkers();
  await worker!.evaluate(() => {
    delete (self as { SyncManager?: unknown }).SyncManager;
  });
  upstreamDown = true;
  const created = await fetchInPage('/tables/todoitem', { method: 'POST', body: JSON.stringify({ id: 'u21', text: 'offline' }) });
  expect(created.status).toBe(201);
  // The intercepted request triggered a fallback push (throttled to one per 30 s); it failed.
  await waitFor(async () => (await page.evaluate(() => window.tablesync!.pendingOperations()))[0]?.attempts === 1);
  upstreamDown = false;
  const posts = upstreamPosts().length;
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  await waitFor(() => upstreamPosts().length > posts, { message: 'the online push reached the upstream' });
  await waitFor(async () => (await page.evaluate(() => window.tablesync!.pendingOperations())).length === 0);
  expect([...sw.errors]).toEqual([]);
});

test('a page loaded bypassing the worker (as after a shift-reload) is claimed and gets a ready client', async () => {
  const other = await context.newPage();
  const cdp = await context.newCDPSession(other);
  try {
    await cdp.send('Network.enable');
    await cdp.send('Network.setBypassServiceWorker', { bypass: true });
    await other.goto(`${server.origin}/index.html`);
    await cdp.send('Network.setBypassServiceWorker', { bypass: false });
    await other.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 5000 });
    expect(typeof (await other.evaluate(() => window.tablesync!.ready.then((c) => c.bootId())))).toBe('string');
    expect([...sw.errors]).toEqual([]);
  } finally {
    await cdp.detach();
    await other.close();
  }
});

test('W-15: the worker upgrades a v1 database in the real browser and keeps every op, row, watermark and conflict', async () => {
  upstreamDown = true;
  const fresh = await browser.newContext();
  const freshLogs = collectLogs(fresh);
  try {
    const p = await fresh.newPage();
    const dev = await swDevtools(fresh, p);
    await p.goto(`${server.origin}/blank.html`);
    // The v1 schema as the first release wrote it (sw/idb/database.ts, MIGRATIONS[0]), with data.
    await p.evaluate(
      () =>
        new Promise<void>((resolve, reject) => {
          const open = indexedDB.open('tablesync', 1);
          open.onupgradeneeded = () => {
            const db = open.result;
            db.createObjectStore('rows', { keyPath: ['table', 'id'] }).createIndex('table', 'table');
            const ops = db.createObjectStore('ops', { keyPath: 'seq', autoIncrement: true });
            ops.createIndex('tableItem', ['table', 'itemId'], { unique: true });
            ops.createIndex('state', 'state');
            db.createObjectStore('syncState', { keyPath: ['table', 'queryId'] });
            db.createObjectStore('conflicts', { keyPath: 'opSeq' }).createIndex('table', 'table');
            db.createObjectStore('meta');
          };
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const db = open.result;
            const tx = db.transaction(['rows', 'ops', 'syncState', 'conflicts'], 'readwrite');
            const op = (itemId: string, state: string) => ({
              table: 'todoitem', itemId, kind: 'update', snapshot: { id: itemId, text: 'local', deleted: false },
              baseVersion: 'v0', baseRow: { id: itemId, text: 'base', version: 'v0', deleted: false }, serverRow: null,
              state, attempted: false, attempts: 0, lastAttemptAt: null, lastStatus: state === 'failed' ? 400 : null,
              lastError: null, editCounter: 1, identity: null, editedAt: 1, blockedReason: null, nextAttemptAt: null,
            });
            for (const [id, state] of [['a', 'pending'], ['b', 'failed'], ['c', 'held']] as const) {
              tx.objectStore('rows').put({ table: 'todoitem', id, item: { id, text: 'local', version: 'v0', deleted: false }, knownVersions: ['v0'] });
              tx.objectStore('ops').add(op(id, state));
            }
            tx.objectStore('syncState').put({ table: 'todoitem', queryId: '*', watermark: { ms: 1000, raw: '1970-01-01T00:00:01.000Z' }, drain: null, lastPullAt: 5 });
            tx.objectStore('conflicts').put({
              opSeq: 3, table: 'todoitem', itemId: 'c', opKind: 'update', reason: 'precondition', status: 412,
              baseRow: null, localRow: { id: 'c', text: 'local', deleted: false }, serverRow: null, detectedAt: 2,
            });
            tx.oncomplete = () => {
              db.close();
              resolve();
            };
          };
        }),
    );
    await openApp(p, `${server.origin}/index.html`);
    const ops = await p.evaluate(() => window.tablesync!.pendingOperations());
    // The worker pushes waiting ops at start: op 1 may be on the wire (inflight) when this reads it.
    expect(ops.map((o) => [o.seq, o.itemId, o.state === 'inflight' ? 'pending' : o.state])).toEqual([
      [1, 'a', 'pending'],
      [2, 'b', 'failed'],
      [3, 'c', 'held'],
    ]);
    expect((await p.evaluate(() => window.tablesync!.conflicts())).map((c) => c.id)).toEqual([3]);
    const after = await p.evaluate(
      () =>
        new Promise<{ version: number; rows: number; state: unknown }>((resolve) => {
          const open = indexedDB.open('tablesync');
          open.onsuccess = () => {
            const tx = open.result.transaction(['rows', 'syncState'], 'readonly');
            const rows = tx.objectStore('rows').count();
            const state = tx.objectStore('syncState').get(['todoitem', '*']);
            tx.oncomplete = () => {
              resolve({ version: open.result.version, rows: rows.result, state: state.result });
              open.result.close();
            };
          };
        }),
    );
    expect(after).toMatchObject({ version: VERSION, rows: 3, state: { watermark: { ms: 1000 }, complete: false } });
    expect([...dev.errors]).toEqual([]);
  } catch (error) {
    console.log(freshLogs.join('\n'));
    throw error;
  } finally {
    upstreamDown = false;
    await fresh.close();
  }
});
