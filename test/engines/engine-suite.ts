/**
 * Issue 11 item 5: the worker in the engines without Background Sync (Firefox ESR, WebKitGTK),
 * against the reference server (on PostgreSQL) behind a gateway that can cut it off, with the
 * demo-like plain-fetch page and the drop-in tag (www/). One suite, run by each engine's file.
 *
 * The fallback tests replay one offline write through one trigger each (U-21, PROTOCOL.md §3.4.8)
 * and arrange that nothing else can send it first: the gateway answers the worker's own first
 * attempt 503 with `Retry-After: 60`, so the op backs off for 60 s and the worker's retry timer is
 * 60 s away; the write's delayed push (1 s) then finds it backing off. The online and page-load
 * pushes ignore back-off, so they replay it at once. The request and timer pushes respect it (they
 * are automatic), so for them an explicit push that meets a reset connection (no Retry-After)
 * brings the op's back-off down to 1–2 s while the retry timer stays where it was; once that has
 * passed, only the trigger under test is left to send it. "Exactly once" is counted at the gateway
 * (the writes it let through to the server) and checked in the server's rows. The worker's boot
 * id stays the same throughout, so no worker start (the one trigger not under test) pushed.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, onTestFailed, test } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/start-server.js';
import { assertPostgresReachable, dropSchema, TEST_DATABASE_URL, uniqueSchema } from '../server/support/databases.js';
import { waitFor } from '../support/browser.js';
import type { EngineBrowser } from './engine-browser.js';
import { RETRY_AFTER_S, startGateway, type Gateway, type GatewayEntry } from './gateway.js';

const WWW = path.join(path.dirname(fileURLToPath(import.meta.url)), 'www');
/** How long a healed network must stay quiet before a trigger fires: nothing but that trigger may send. */
const QUIET_MS = 600;
/** The worker's own delayed push of a journaled write (sw/push-triggers.ts WRITE_PUSH_DELAY_MS). */
const WRITE_PUSH_DELAY_MS = 1000;

type Row = Record<string, unknown>;

/** An answer as www/app.js returns it. */
interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Row | { items: Row[] } | null;
}

interface Status {
  readonly pending: number;
  readonly pushing: boolean;
  readonly pulling: boolean;
  readonly lastPushAt: number | null;
  readonly lastPullAt: number | null;
  readonly nextAttemptAt: number | null;
}

interface PushResult {
  readonly completed: number;
  readonly failed: number;
  readonly held: number;
  readonly stopped: string | null;
}

/** The page's globals: www/app.js and the drop-in's `tablesync`. */
interface PageGlobals {
  app: Record<string, (...args: unknown[]) => Promise<Answer>>;
  pageErrors: string[];
  tablesync?: {
    ready: Promise<unknown>;
    bootId(): Promise<string>;
    status(): Promise<Status>;
    push(): Promise<PushResult>;
    pendingOperations(table?: string): Promise<unknown[]>;
  };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The reference server seen directly (v3), not through the gateway. */
function serverApi(url: string) {
  const call = async (method: string, pathname: string, body?: Row): Promise<{ status: number; body: unknown }> => {
    const response = await fetch(new URL(pathname, url), {
      method,
      headers: { 'zumo-api-version': '3.0.0', ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? null : (JSON.parse(text) as unknown) };
  };
  return {
    async insert(row: Row): Promise<Row> {
      const answer = await call('POST', '/tables/todoitem', row);
      if (answer.status !== 201) throw new Error(`seeding ${String(row['id'])}: HTTP ${answer.status}`);
      return answer.body as Row;
    },
    /** Every row, tombstones included, by id. */
    async rows(): Promise<Map<string, Row>> {
      const answer = await call('GET', '/tables/todoitem?__includeDeleted=true&$orderby=id&$top=1000');
      return new Map(((answer.body as { items: Row[] }).items ?? []).map((row) => [String(row['id']), row]));
    },
  };
}

/** The engine's suite; `launch` starts the browser (failing with the install command when it is missing). */
export function engineSuite(title: string, launch: () => Promise<EngineBrowser>): void {
  describe(title, () => {
    const schema = uniqueSchema('engines');
    let browser: EngineBrowser;
    let server: RunningServer | undefined;
    let remote: ReturnType<typeof serverApi>;
    let gateway: Gateway | null = null;
    let pageUrl = '';
    let reportedBefore = 0;

    // A missing browser or database fails every test with one line naming the fix, so the run's
    // count shows failures, not skips (a beforeAll that throws reports its tests as skipped).
    let unavailable: unknown = null;
    beforeAll(async () => {
      try {
        browser = await launch();
        await assertPostgresReachable();
        server = await startServer({ databaseUrl: TEST_DATABASE_URL, databaseSchema: schema, publicDir: WWW, port: 0 });
        remote = serverApi(server.url);
      } catch (error) {
        unavailable = error;
      }
    });
    afterAll(async () => {
      await browser?.close();
      await server?.close();
      await dropSchema(schema).catch(() => undefined);
    });
    beforeEach(async () => {
      if (unavailable !== null) throw unavailable;
      await server?.reset();
      reportedBefore = browser?.reported.length ?? 0;
      onTestFailed(() => {
        const traffic = (gateway?.entries ?? []).map((e) => `${e.at} ${e.method} ${e.path} -> ${e.outcome} ${e.status ?? ''}`);
        console.log(`--- ${browser?.name}: reported ---\n${browser?.reported.slice(reportedBefore).join('\n')}\n--- gateway ---\n${traffic.join('\n')}`);
      });
    });
    afterEach(async () => {
      await gateway?.close(); // kept for onTestFailed's dump; the next openApp replaces it
    });

    const gw = (): Gateway => {
      if (!gateway) throw new Error('no app open');
      return gateway;
    };
    const app = (method: string, ...args: unknown[]): Promise<Answer> =>
      browser.run((m: string, a: unknown[]) => (window as unknown as PageGlobals).app[m]!(...a), method, args);
    const client = {
      bootId: () => browser.run(() => (window as unknown as PageGlobals).tablesync!.bootId()),
      status: () => browser.run(() => (window as unknown as PageGlobals).tablesync!.status()),
      push: () => browser.run(() => (window as unknown as PageGlobals).tablesync!.push()),
      pending: () => browser.run(() => (window as unknown as PageGlobals).tablesync!.pendingOperations('todoitem').then((ops) => ops.length)),
    };

    /** A new origin (a new gateway) with the page loaded, controlled by the worker and connected; the worker's boot id. */
    async function openApp(sw = '/sw-report.js'): Promise<string> {
      gateway = await startGateway(server!.url);
      pageUrl = `${gateway.origin}/index.html?sw=${encodeURIComponent(sw)}`;
      await browser.open(pageUrl);
      return waitUntilConnected();
    }

    async function waitUntilConnected(): Promise<string> {
      return browser.run(async () => {
        const w = window as unknown as PageGlobals;
        while (!w.tablesync) await new Promise((resolve) => setTimeout(resolve, 20));
        await w.tablesync.ready;
        if (!navigator.serviceWorker.controller) throw new Error('the worker does not control the page');
        return w.tablesync.bootId();
      });
    }

    /** F-04: the first read is forwarded and starts the first pull; afterwards reads stay local. */
    async function firstPull(): Promise<void> {
      expect((await app('list')).status).toBe(200);
      await waitFor(async () => {
        const s = await client.status();
        return s.lastPullAt !== null && !s.pulling;
      }, { message: 'the first pull to finish' });
    }

    /** Errors of the worker (its own record, www/sw-report.js), of the page, and those the browser printed. */
    async function errors(): Promise<string[]> {
      const worker = await browser.run(async () => {
        const { port1, port2 } = new MessageChannel();
        const answer = new Promise<string[]>((resolve) => (port1.onmessage = (event) => resolve(event.data as string[])));
        navigator.serviceWorker.controller!.postMessage({ type: 'test:errors' }, [port2]);
        return answer;
      });
      const page = await browser.run(() => (window as unknown as PageGlobals).pageErrors);
      return [...worker.map((e) => `[worker] ${e}`), ...page.map((e) => `[page] ${e}`), ...browser.reported.slice(reportedBefore)];
    }

    /** The op-log drained and the server holds `id` as written, after exactly one write reached it. */
    async function expectReplayedOnce(id: string, fields: Row): Promise<void> {
      await waitFor(async () => (await client.pending()) === 0, { timeoutMs: 5000, message: 'the op-log to drain' });
      const writes = gw().writesOf(id);
      expect(writes.map((e) => [e.method, e.status])).toEqual([['POST', 201]]);
      expect((await remote.rows()).get(id)).toMatchObject({ ...fields, id, deleted: false });
      // Nothing is left to send: a push now sends nothing more.
      expect(await client.push()).toEqual({ completed: 0, failed: 0, held: 0, stopped: null });
      expect(gw().writesOf(id)).toHaveLength(1);
    }

    /**
     * Opens a worker (`sw` sets its query), journals one insert while the server is down (503 with
     * Retry-After) and waits until the worker's own first attempt has met it: the op backs off 60 s.
     * Resolves with the worker's boot id and when the write was made.
     */
    async function journalWhileDown(id: string, fields: Row, sw?: string): Promise<{ bootId: string; writtenAt: number }> {
      const bootId = await openApp(sw);
      expect(await browser.run(() => 'SyncManager' in window)).toBe(false);
      await firstPull();
      gw().mode = 'unavailable';
      const writtenAt = Date.now();
      const answer = await app('insert', { id, ...fields });
      expect(answer.status).toBe(201);
      expect(answer.headers['x-tablesync']).toBe('local');
      // Whichever push met the 503 first, the op now waits out the Retry-After.
      await waitFor(async () => ((await client.status()).nextAttemptAt ?? 0) > Date.now() + (RETRY_AFTER_S * 1000) / 2, {
        message: 'the op to back off after its first attempt met the 503',
      });
      expect(gw().attemptsOf(id).some((e) => e.outcome === 'unavailable')).toBe(true);
      expect(gw().writesOf(id)).toEqual([]);
      return { bootId, writtenAt };
    }

    /** Heals the network and checks that, for a while, nothing sends the op by itself. */
    async function healQuietly(id: string): Promise<void> {
      gw().mode = 'pass';
      await sleep(QUIET_MS);
      expect(gw().writesOf(id), 'nothing may replay the op before the trigger').toEqual([]);
    }

    /**
     * For the automatic triggers: once the write's delayed push has run, an explicit push that
     * meets a reset connection leaves the op backing off 1–2 s (no Retry-After) while the worker's
     * retry stays 60 s away; heals and waits until that back-off has passed, quietly.
     */
    async function dueWhileQuiet(id: string, writtenAt: number): Promise<number> {
      await waitFor(async () => ((await client.status()).lastPushAt ?? 0) >= writtenAt + WRITE_PUSH_DELAY_MS, {
        message: "the write's delayed push to run",
      });
      gw().mode = 'reset';
      expect((await client.push()).stopped).toBe('offline');
      gw().mode = 'pass';
      const due = (await client.status()).nextAttemptAt;
      expect(due).not.toBeNull();
      expect(due! - Date.now()).toBeLessThan(RETRY_AFTER_S * 1000 / 10);
      await sleep(Math.max(0, due! - Date.now()) + 50);
      return due!;
    }

    const arrival = (id: string): Promise<GatewayEntry> =>
      waitFor(() => gw().writesOf(id)[0], { timeoutMs: 8000, message: `the replay of ${id} to reach the server` });

    test('F-05 F-06 F-07 F-08 F-09 F-13: with the server cut off, writes are answered by the worker and reads come from IndexedDB; healed, each write reaches the server once', async () => {
      const seed = [
        { id: 'a', text: 'alpha', done: false, rank: 1 },
        { id: 'b', text: 'bravo', done: false, rank: 2 },
        { id: 'c', text: 'charlie', done: true, rank: 3 },
        { id: 'd', text: 'delta', done: false, rank: 4 },
        { id: 'e', text: 'echo', done: true, rank: 5 },
        { id: 'f', text: 'foxtrot', done: false, rank: 6 },
      ];
      const seeded = new Map<string, Row>();
      for (const row of seed) seeded.set(row.id, await remote.insert(row));
      await openApp();
      await firstPull();

      gw().mode = 'reset';
      const inserted = await app('insert', { id: 'n', text: 'november', done: false, rank: 8 });
      expect(inserted.status).toBe(201);
      expect(inserted.headers['x-tablesync']).toBe('local');
      expect(inserted.headers['location']).toMatch(/\/tables\/todoitem\/n$/);
      expect(inserted.body).toEqual({ id: 'n', text: 'november', done: false, rank: 8, deleted: false }); // F-07
      const patched = await app('patch', 'b', { done: true });
      expect([patched.status, patched.headers['x-tablesync']]).toEqual([200, 'local']);
      expect(patched.body).toMatchObject({ id: 'b', text: 'bravo', done: true, version: seeded.get('b')!['version'] }); // F-09
      const removed = await app('remove', 'd');
      expect([removed.status, removed.headers['x-tablesync'], removed.body]).toEqual([204, 'local', null]); // F-13

      // F-05: reads never wait on the network; they see the local writes.
      const open = await app('list', '$filter=done eq false&$orderby=rank desc&$top=2');
      expect([open.status, open.headers['x-tablesync']]).toEqual([200, 'local']);
      expect((open.body as { items: Row[] }).items.map((row) => [row['id'], row['rank']])).toEqual([['n', 8], ['f', 6]]);
      const done = await app('list', "$filter=done eq true or startswith(text, 'a')&$orderby=text&$select=id,text");
      expect((done.body as { items: Row[] }).items).toEqual([
        { id: 'a', text: 'alpha' },
        { id: 'b', text: 'bravo' },
        { id: 'c', text: 'charlie' },
        { id: 'e', text: 'echo' },
      ]);
      // F-06: by id, with the ETag of the version it was pulled with; F-07: none for a row the server never saw.
      const b = await app('get', 'b');
      expect([b.status, b.headers['x-tablesync'], b.headers['etag']]).toEqual([200, 'local', `"${String(seeded.get('b')!['version'])}"`]);
      const n = await app('get', 'n');
      expect([n.status, n.headers['etag']]).toEqual([200, undefined]);
      const d = await app('get', 'd');
      expect([d.status, (d.body as Row)['code']]).toEqual([404, 'item_not_found']);

      // Nothing reached the server while it was cut off.
      expect(['n', 'b', 'd'].flatMap((id) => gw().writesOf(id))).toEqual([]);
      const during = await remote.rows();
      expect([during.has('n'), during.get('b')!['done'], during.get('d')!['deleted']]).toEqual([false, false, false]);

      gw().mode = 'pass';
      await client.push();
      await waitFor(async () => (await client.pending()) === 0, { message: 'the op-log to drain' });
      expect(gw().writesOf('n').map((e) => [e.method, e.status])).toEqual([['POST', 201]]);
      expect(gw().writesOf('b').map((e) => [e.method, e.status])).toEqual([['PUT', 200]]);
      expect(gw().writesOf('d').map((e) => e.method)).toEqual(['DELETE']);
      const after = await remote.rows();
      expect(after.get('n')).toMatchObject({ text: 'november', done: false, rank: 8, deleted: false });
      expect(after.get('b')).toMatchObject({ text: 'bravo', done: true, deleted: false });
      expect(after.get('d')).toMatchObject({ deleted: true });
      expect(await errors()).toEqual([]);
    });

    // The request and timer tests take about 4 s: the op's shortened back-off (1–2 s) must pass first.
    test('U-21: the next intercepted request replays an offline write exactly once', async () => {
      const fields = { text: 'by request', done: false };
      // Requests may push every 500 ms here (30 s by default), so the app's next read can.
      const { bootId, writtenAt } = await journalWhileDown('q1', fields, '/sw-report.js?requestPushIntervalMs=500');
      await dueWhileQuiet('q1', writtenAt);
      await healQuietly('q1');
      const firedAt = Date.now();
      const read = await app('list', '$filter=done eq false');
      expect([read.status, read.headers['x-tablesync']]).toEqual([200, 'local']);
      expect((await arrival('q1')).at).toBeGreaterThanOrEqual(firedAt);
      await expectReplayedOnce('q1', fields);
      expect(await client.bootId()).toBe(bootId);
      expect(await errors()).toEqual([]);
    });

    test("U-21: the page's online event replays an offline write exactly once", async () => {
      const fields = { text: 'by online', done: true };
      const { bootId } = await journalWhileDown('o1', fields);
      await healQuietly('o1');
      // The drop-in relays the window's `online` to the worker; the engines give no way to toggle the
      // worker's real connectivity, so the page hears a dispatched one.
      const firedAt = Date.now();
      await browser.run(() => void window.dispatchEvent(new Event('online')));
      expect((await arrival('o1')).at).toBeGreaterThanOrEqual(firedAt);
      await expectReplayedOnce('o1', fields);
      expect(await client.bootId()).toBe(bootId);
      expect(await errors()).toEqual([]);
    });

    test('U-21: a page load replays an offline write exactly once', async () => {
      const fields = { text: 'by page load', done: false };
      const { bootId } = await journalWhileDown('l1', fields);
      await healQuietly('l1');
      const firedAt = Date.now();
      await browser.open(pageUrl);
      expect(await waitUntilConnected()).toBe(bootId);
      expect((await arrival('l1')).at).toBeGreaterThanOrEqual(firedAt);
      await expectReplayedOnce('l1', fields);
      expect(await errors()).toEqual([]);
    });

    test('U-21: the fallback timer (pushIntervalMs) replays an offline write exactly once', async () => {
      const fields = { text: 'by timer', done: false };
      const intervalMs = 1000;
      // The timer runs every second here (60 s by default) while the page is connected.
      const { bootId, writtenAt } = await journalWhileDown('t1', fields, `/sw-report.js?pushIntervalMs=${intervalMs}`);
      const due = await dueWhileQuiet('t1', writtenAt);
      // No request, online or page load from here on: the timer's next tick is the only trigger left.
      const replayed = await arrival('t1');
      expect(replayed.at).toBeGreaterThanOrEqual(due);
      // Within a period or so of becoming due (the worker's own retry is 60 s away); slack for a busy machine.
      expect(replayed.at - due).toBeLessThan(intervalMs + 3000);
      await expectReplayedOnce('t1', fields);
      expect(await client.bootId()).toBe(bootId);
      expect(await errors()).toEqual([]);
    });
  });
}
