/**
 * Issue 11 item 2 in headless Chromium, through the real worker against the reference server: a 401 pauses the
 * queue as needs-auth without burning attempts (U-13), ops of another identity wait visibly (U-17), rejected ops
 * become dead letters the page retries or discards (U-16), a write that cannot be stored gets 507 and leaves
 * nothing (F-14, W-02), a pull that cannot store its page fails cleanly (L-06), and an IndexedDB made by the
 * previous schema keeps every op, row, watermark and conflict through the upgrade (W-15).
 */
import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { INDEXES, VERSION } from '../../sw/idb/database.js';
import { createOldSchema, dumpDatabase } from './fixtures/resilience/old-schema.js';
import { openApp, pageApi, useStack, waitFor, type App, type Json, type Row } from './fixtures/e2e/harness.js';

const SECRET = 'resilience-secret-at-least-32-bytes!!';
/** The reference server refuses bodies over this many bytes; the worker takes up to 1 MiB, so a bigger write fails only upstream. */
const SERVER_BODY_LIMIT = 16_384;

const stack = useStack({
  server: {
    auth: { secret: SECRET },
    bodyLimit: SERVER_BODY_LIMIT,
    tables: [
      { name: 'todoitem', auth: false },
      { name: 'secure', auth: true },
    ],
  },
});

/** An HS256 token the server accepts (or, with `expired`, one it refuses with 401 while its identity still decodes). */
async function token(sub: string, expired = false, claims: Record<string, string> = {}): Promise<string> {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setIssuedAt(expired ? Math.floor(Date.now() / 1000) - 7200 : undefined);
  return jwt.setExpirationTime(expired ? Math.floor(Date.now() / 1000) - 3600 : '1h').sign(new TextEncoder().encode(SECRET));
}

interface Answer {
  readonly status: number;
  readonly body: Json;
  readonly source: string | null;
}

/** The app's own request from the page (plain fetch, v3), with whatever credentials the app holds. */
async function appRequest(page: Page, method: string, path: string, body?: Row, headers: Record<string, string> = {}): Promise<Answer> {
  const answer: { status: number; body: unknown; source: string | null } = await page.evaluate(
    async ([m, p, b, h]) => {
      const init: RequestInit = { method: m, headers: { 'ZUMO-API-VERSION': '3.0.0', ...(b === null ? {} : { 'content-type': 'application/json' }), ...h } };
      if (b !== null) init.body = JSON.stringify(b);
      const response = await fetch(p, init);
      const text = await response.text();
      return { status: response.status, body: text === '' ? null : (JSON.parse(text) as unknown), source: response.headers.get('x-tablesync') };
    },
    [method, path, (body ?? null) as Record<string, unknown> | null, headers] as const,
  );
  return answer as Answer;
}

/** Text IndexedDB cannot compress away (Chromium compresses stored values). */
const noise = (length: number): string => randomBytes(length).toString('base64').slice(0, length);

const bearer = (jwt: string): Record<string, string> => ({ authorization: `Bearer ${jwt}` });

interface Op {
  seq: number;
  table: string;
  itemId: string;
  kind: string;
  state: string;
  attempts: number;
  lastStatus: number | null;
  lastError: Json;
  blockedReason: string | null;
  identity: string | null;
}

interface Status {
  pending: number;
  failed: number;
  held: number;
  blockedReason: string | null;
  storageFull: boolean;
}

type Event = { kind: string } & Record<string, Json>;

/** The page API (window.tablesync) as these tests drive it. */
function client(page: Page) {
  type T = {
    tablesync: {
      pendingOperations(): Promise<Op[]>;
      conflicts(): Promise<Row[]>;
      status(): Promise<Status>;
      push(): Promise<{ completed: number; failed: number; held: number; stopped: string | null }>;
      pull(o: { table: string; push?: boolean }): Promise<{ rows: number }>;
      setAuth(h: { authorization?: string } | null): Promise<void>;
      retryOperation(seq: number): Promise<void>;
      discardOperation(seq: number): Promise<void>;
      on(kind: string, callback: (e: Event) => void): () => void;
    };
    events?: Event[];
  };
  return {
    ops: () => page.evaluate(() => (window as unknown as T).tablesync.pendingOperations()),
    conflicts: () => page.evaluate(() => (window as unknown as T).tablesync.conflicts()),
    status: () => page.evaluate(() => (window as unknown as T).tablesync.status()),
    push: () => page.evaluate(() => (window as unknown as T).tablesync.push()),
    pull: (table: string) => page.evaluate((t) => (window as unknown as T).tablesync.pull({ table: t, push: false }), table),
    pullError: (table: string) =>
      page.evaluate((t) => (window as unknown as T).tablesync.pull({ table: t, push: false }).then(() => null, (e: { code?: string }) => e.code ?? String(e)), table),
    setAuth: (authorization: string) => page.evaluate((a) => (window as unknown as T).tablesync.setAuth({ authorization: a }), authorization),
    retry: (seq: number) => page.evaluate((s) => (window as unknown as T).tablesync.retryOperation(s), seq),
    discard: (seq: number) => page.evaluate((s) => (window as unknown as T).tablesync.discardOperation(s), seq),
    /** Starts recording these event kinds in the page. */
    async record(kinds: readonly string[]): Promise<void> {
      await page.evaluate((ks) => {
        const win = window as unknown as T;
        win.events = [];
        for (const k of ks) win.tablesync.on(k, (e) => win.events?.push(e));
      }, kinds);
    },
    events: () => page.evaluate(() => (window as unknown as T).events ?? []),
  };
}

const PAGE = '/configured.html?tables=todoitem,secure&writes=local-first';
/** The origin's quota in the storage test: the app's start (about 200 kB: worker script, shell cache, database) fits. */
const QUOTA = 1_000_000;

/** The app in a fresh context; with `quota`, the origin's storage quota is set first (DevTools protocol). */
function open(query = '', quota?: number, before?: (page: Page) => Promise<void>): Promise<App> {
  return openApp(stack.browser, stack.proxy, `${PAGE}${query}`, {}, async (devtools, page) => {
    if (quota !== undefined) await devtools.cdp.send('Storage.overrideQuotaForOrigin', { origin: stack.origin, quotaSize: quota });
    await before?.(page);
  });
}

/** The server's rows of a table, tombstones included, by id (from Node, with a valid token). */
async function serverRows(table: string): Promise<Map<string, Row>> {
  const response = await fetch(`${stack.server.url}/tables/${table}?__includeDeleted=true&$top=1000`, {
    headers: { 'ZUMO-API-VERSION': '3.0.0', ...bearer(await token('node')) },
  });
  const body = (await response.json()) as { items: Row[] };
  return new Map(body.items.map((row) => [String(row['id']), row]));
}

/** Waits until the op-log (every table's) holds only the ops `keep` accepts; a timeout names what is left. */
async function drained(page: Page, keep: (op: Op) => boolean = () => false): Promise<void> {
  const api = client(page);
  await waitFor(async () => (await api.ops()).every(keep), { timeoutMs: 5000, message: 'the op-log to drain' }).catch(async (error: unknown) => {
    throw new Error(`${String(error)}; ops: ${JSON.stringify(await api.ops())}; status: ${JSON.stringify(await api.status())}`);
  });
}

/** Upstream writes of one item that reached the server (not those cut at the proxy), as `[method, status]`, in order. */
const writesOf = (id: string): [string, number | undefined][] =>
  stack.proxy.sent
    .filter((s) => s.method !== 'GET' && s.status !== undefined && (s.url.pathname.endsWith(`/${id}`) || (s.body as Row | undefined)?.['id'] === id))
    .map((s) => [s.method, s.status]);

describe('e2e-resilience', () => {
  test('U-13: a 401 mid-queue pauses it as needs-auth (status, events) without burning attempts; setAuth, then an app request with a new token, resume it and each write lands once', async () => {
    const app = await open();
    const api = client(app.page);
    await api.record(['status', 'pushed']);
    const expired = bearer(await token('alice', true));
    const fresh = bearer(await token('alice'));

    // Queued while the network is cut: an open table's write, then two under a token that has since expired.
    app.upstream.block(true);
    expect((await appRequest(app.page, 'POST', '/tables/todoitem', { id: 'a-open', text: 'no auth needed' })).status).toBe(201);
    expect((await appRequest(app.page, 'POST', '/tables/secure', { id: 'a-1', text: 'one' }, expired)).status).toBe(201);
    expect((await appRequest(app.page, 'POST', '/tables/secure', { id: 'a-2', text: 'two' }, expired)).status).toBe(201);
    app.upstream.block(false);

    await api.push();
    await waitFor(async () => (await api.status()).blockedReason === 'needs-auth', { message: 'the queue paused as needs-auth' });
    expect((await serverRows('todoitem')).has('a-open')).toBe(true);
    const blocked = await api.ops();
    expect(blocked.map((o) => [o.itemId, o.state, o.blockedReason])).toEqual([
      ['a-1', 'pending', 'needs-auth'],
      ['a-2', 'pending', null],
    ]);
    expect(writesOf('a-1')).toEqual([['POST', 401]]);
    const events = await api.events();
    expect(events.some((e) => e.kind === 'status' && (e['status'] as Row)['blockedReason'] === 'needs-auth')).toBe(true);
    expect(events.some((e) => e.kind === 'pushed' && (e['result'] as Row)['stopped'] === 'needs-auth')).toBe(true);

    // Every trigger while paused: an explicit push, a sync event, an intercepted request with the same token.
    expect(await api.push()).toEqual({ completed: 0, failed: 0, held: 0, stopped: 'needs-auth' });
    await app.devtools.dispatchSync(stack.origin);
    expect((await appRequest(app.page, 'GET', '/tables/secure', undefined, expired)).status).toBe(200);
    expect((await api.push()).stopped).toBe('needs-auth');
    expect((await api.ops()).map((o) => o.attempts)).toEqual(blocked.map((o) => o.attempts));
    expect(writesOf('a-1')).toEqual([['POST', 401]]);
    expect(writesOf('a-2')).toEqual([]);

    // New credentials from the page: the queue drains, once per write, with the new token.
    await api.setAuth(fresh['authorization']!);
    await drained(app.page);
    expect((await api.status()).blockedReason).toBe(null);
    expect(writesOf('a-1')).toEqual([['POST', 401], ['POST', 201]]);
    expect(writesOf('a-2')).toEqual([['POST', 201]]);
    const sentWith = (id: string): string | undefined => stack.proxy.sent.filter((x) => (x.body as Row | undefined)?.['id'] === id).at(-1)?.headers['authorization'];
    expect(sentWith('a-2')).toBe(fresh['authorization']);

    // The app's next request carries the expired token again: paused; its request with a new one resumes it.
    expect((await appRequest(app.page, 'POST', '/tables/secure', { id: 'a-3', text: 'three' }, expired)).status).toBe(201);
    await waitFor(async () => (await api.status()).blockedReason === 'needs-auth', { message: 'paused again' });
    expect((await appRequest(app.page, 'GET', '/tables/secure', undefined, fresh)).status).toBe(200);
    await drained(app.page);
    expect(writesOf('a-3')).toEqual([['POST', 401], ['POST', 201]]);
    expect([...(await serverRows('secure')).keys()].sort()).toEqual(['a-1', 'a-2', 'a-3']);
    expect([...app.devtools.errors]).toEqual([]);
    await app.close();
  });

  test('U-13: a 403 (a gateway refusing the token) pauses the queue the same way; a token it accepts resumes it', async () => {
    const app = await open();
    const api = client(app.page);
    const refused = bearer(await token('carol'));
    const accepted = bearer(await token('carol', false, { jti: 'renewed' }));
    let forbidden = 0;
    await app.context.route('**/tables/secure', async (route) => {
      if (route.request().method() === 'POST' && (await route.request().headerValue('authorization')) === refused['authorization']) {
        forbidden++;
        await route.fulfill({ status: 403, contentType: 'application/json', body: JSON.stringify({ error: 'Forbidden', code: 'forbidden' }) });
      } else await route.continue();
    });
    app.upstream.block(true);
    expect((await appRequest(app.page, 'POST', '/tables/secure', { id: 'f-1', text: 'x' }, refused)).status).toBe(201);
    app.upstream.block(false);
    await api.push();
    await waitFor(async () => (await api.status()).blockedReason === 'needs-auth', { message: 'paused by the 403' });
    expect((await api.push()).stopped).toBe('needs-auth');
    await app.devtools.dispatchSync(stack.origin);
    expect((await api.push()).stopped).toBe('needs-auth');
    expect(forbidden).toBe(1);
    await api.setAuth(accepted['authorization']!);
    await drained(app.page);
    expect(forbidden).toBe(1);
    expect(writesOf('f-1')).toEqual([['POST', 201]]);
    expect([...app.devtools.errors]).toEqual([]);
    await app.close();
  });

  test('poisoned 5xx: an op answered 500 on maxServerErrors consecutive attempts (data-max-server-errors=2 here) becomes a dead letter with the answer, and the queue goes on', async () => {
    const app = await open('&max-server-errors=2');
    const api = client(app.page);
    const appApi = pageApi(app.page);
    const poison = { error: 'Invalid column name "colour"', code: 'internal_error' };
    let answered500 = 0;
    // The genuine Azure server answers 500 forever to a body with an undeclared column: played here for one row.
    await app.context.route('**/tables/todoitem', async (route) => {
      if (route.request().method() === 'POST' && route.request().postData()?.includes('"p-poison"') === true) {
        answered500++;
        await route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify(poison) });
      } else await route.continue();
    });
    app.upstream.block(true);
    expect((await appApi.insert({ id: 'p-poison', colour: 'red' })).status).toBe(201);
    expect((await appApi.insert({ id: 'p-ok', text: 'fine' })).status).toBe(201);
    app.upstream.block(false);

    // Explicit pushes ignore the back-off the first 500 starts.
    await api.push();
    await api.push();
    await drained(app.page, (op) => op.state === 'failed');
    expect((await api.ops()).map((o) => [o.itemId, o.state, o.lastStatus, o.lastError])).toEqual([['p-poison', 'failed', 500, poison]]);
    expect(answered500).toBe(2);
    expect(writesOf('p-ok')).toEqual([['POST', 201]]);
    expect(await api.push()).toEqual({ completed: 0, failed: 0, held: 0, stopped: null });
    expect(answered500).toBe(2);
    expect([...app.devtools.errors]).toEqual([]);
    await app.close();
  });

  test('U-17: an op made under identity A waits visibly while B is signed in, B\'s ops drain, and it goes once A is back', async () => {
    const app = await open();
    const api = client(app.page);
    const alice = bearer(await token('alice'));
    const bob = bearer(await token('bob'));

    app.upstream.block(true);
    expect((await appRequest(app.page, 'POST', '/tables/secure', { id: 'i-alice', text: 'by alice' }, alice)).status).toBe(201);
    expect((await appRequest(app.page, 'POST', '/tables/secure', { id: 'i-bob-1', text: 'by bob' }, bob)).status).toBe(201);
    expect((await appRequest(app.page, 'POST', '/tables/secure', { id: 'i-bob-2', text: 'by bob too' }, bob)).status).toBe(201);
    app.upstream.block(false);
    const sentBefore = stack.proxy.sent.length;

    const pushed = await api.push();
    // Seen once in CI on a loaded machine, not since: a timeout says what the push returned and what reached the server.
    await waitFor(async () => (await api.ops()).length === 1, { message: `bob's ops to drain after a push that returned ${JSON.stringify(pushed)}` }).catch(
      async (error: unknown) => {
        const sent = stack.proxy.sent.slice(sentBefore).map((x) => [x.method, x.url.pathname, x.status ?? 'no answer']);
        throw new Error(`${String(error)}; ops ${JSON.stringify(await api.ops())}; sent since ${JSON.stringify(sent)}`);
      },
    );
    const [waiting] = await api.ops();
    expect(waiting).toMatchObject({ itemId: 'i-alice', state: 'pending', blockedReason: 'identity', identity: '|alice' });
    expect((await api.status()).blockedReason).toBe('identity');
    const afterSwitch = stack.proxy.sent.slice(sentBefore);
    expect(afterSwitch.filter((x) => (x.body as Row | undefined)?.['id'] === 'i-alice')).toEqual([]);
    expect(afterSwitch.filter((x) => x.method === 'POST').map((x) => [(x.body as Row)['id'], x.status, x.headers['authorization']])).toEqual([
      ['i-bob-1', 201, bob['authorization']],
      ['i-bob-2', 201, bob['authorization']],
    ]);

    // Alice is back (the app's next request carries her token): her op goes, with her token, once.
    expect((await appRequest(app.page, 'GET', '/tables/secure', undefined, alice)).status).toBe(200);
    await drained(app.page);
    const aliceSends = stack.proxy.sent.slice(sentBefore).filter((x) => (x.body as Row | undefined)?.['id'] === 'i-alice');
    expect(aliceSends.map((x) => [x.status, x.headers['authorization']])).toEqual([[201, alice['authorization']]]);
    expect([...(await serverRows('secure')).keys()].sort()).toEqual(['i-alice', 'i-bob-1', 'i-bob-2']);
    expect([...app.devtools.errors]).toEqual([]);
    await app.close();
  });

  test('U-16: writes the server rejects for good become dead letters with its answer while the rest drains; the page discards one (row restored or removed) and retries one that then lands once', async () => {
    const server = await stack.remote.insert({ id: 'd-u', text: 'server' });
    const app = await open();
    const api = client(app.page);
    const appApi = pageApi(app.page);
    await api.pull('todoitem');
    await api.record(['op-failed']);
    // Until "fixed", the server refuses d-retry as a schema mismatch (answered in front of it, for this one row).
    let fixed = false;
    await app.context.route('**/tables/todoitem', async (route) => {
      const body = route.request().postData();
      if (!fixed && route.request().method() === 'POST' && body?.includes('"d-retry"') === true) {
        await route.fulfill({ status: 422, contentType: 'application/json', body: JSON.stringify({ error: 'Unknown column "colour"', code: 'invalid_item' }) });
      } else await route.continue();
    });

    const tooBig = noise(SERVER_BODY_LIMIT + 1000);
    app.upstream.block(true);
    expect((await appApi.insert({ id: 'd-big', text: tooBig })).status).toBe(201);
    expect((await appApi.insert({ id: 'd-ok', text: 'fine' })).status).toBe(201);
    expect((await appApi.replace('d-u', { id: 'd-u', text: tooBig }, `"${String(server['version'])}"`)).status).toBe(200);
    expect((await appApi.insert({ id: 'd-retry', colour: 'red' })).status).toBe(201);
    app.upstream.block(false);

    await api.push();
    await drained(app.page, (op) => op.state === 'failed');
    const failed = await api.ops();
    expect(failed.map((o) => [o.itemId, o.kind, o.state, o.lastStatus, (o.lastError as Row | null)?.['code']])).toEqual([
      ['d-big', 'insert', 'failed', 413, 'payload_too_large'],
      ['d-u', 'update', 'failed', 413, 'payload_too_large'],
      ['d-retry', 'insert', 'failed', 422, 'invalid_item'],
    ]);
    expect((await api.status()).failed).toBe(3);
    await waitFor(async () => (await api.events()).length === 3, { message: 'three op-failed events in the page' });
    expect((await api.events()).map((e) => (e['operation'] as Row)['itemId'])).toEqual(['d-big', 'd-u', 'd-retry']);
    const onServer = await serverRows('todoitem');
    expect([...onServer.keys()].sort()).toEqual(['d-ok', 'd-u']);
    expect(onServer.get('d-u')?.['text']).toBe('server');

    // A dead letter stays put: a push sends none of them again.
    const sent = stack.proxy.sent.length;
    expect(await api.push()).toEqual({ completed: 0, failed: 0, held: 0, stopped: null });
    expect(stack.proxy.sent.slice(sent).filter((x) => x.method !== 'GET')).toEqual([]);

    // Discard: the insert's row goes, the update's row is the server's again.
    const seqOf = (id: string): number => failed.find((o) => o.itemId === id)!.seq;
    await api.discard(seqOf('d-big'));
    await api.discard(seqOf('d-u'));
    expect((await appApi.get('d-big')).status).toBe(404);
    const restored = await appApi.get('d-u');
    expect([restored.status, (restored.body as Row)['text'], restored.headers['x-tablesync']]).toEqual([200, 'server', 'local']);
    expect(await app.page.evaluate((seq) => (window as unknown as { tablesync: { discardOperation(s: number): Promise<void> } }).tablesync.discardOperation(seq).then(() => null, (e: { code: string }) => e.code), seqOf('d-big'))).toBe('operation_not_found');

    // Retry once the server takes it: it lands once.
    fixed = true;
    await api.retry(seqOf('d-retry'));
    await drained(app.page);
    expect((await serverRows('todoitem')).get('d-retry')).toMatchObject({ colour: 'red' });
    expect(writesOf('d-retry')).toEqual([['POST', 201]]);
    expect(writesOf('d-big')).toEqual([['POST', 413]]);
    expect((await api.status()).failed).toBe(0);
    expect([...app.devtools.errors]).toEqual([]);
    await app.close();
  });

  test.each([1, 2] as const)('W-15: a database made by schema version %i, holding pending, failed and held ops, rows, watermarks and a conflict, is upgraded keeping all; the pending op replays once', async (oldVersion) => {
    const plain = await stack.remote.insert({ id: 'u-plain', text: 'pulled' });
    const failedBase = await stack.remote.insert({ id: 'u-failed', text: 'server' });
    const heldBase = await stack.remote.insert({ id: 'u-held', text: 'base' });
    const heldServer = await stack.remote.replace('u-held', { id: 'u-held', text: 'theirs' });
    const watermarkMs = Date.parse(String(plain['updatedAt'])) - 60_000;
    const watermark = { ms: watermarkMs, raw: new Date(watermarkMs).toISOString() };
    const stored = (item: Row, known: string[]): Row => ({ table: 'todoitem', id: item['id']!, item: { ...item, deleted: false }, knownVersions: known });
    const op = (seq: number, itemId: string, kind: string, state: string, snapshot: Row | null, base: Row | null, extra: Row = {}): Row => ({
      seq, table: 'todoitem', itemId, kind, snapshot, baseVersion: base === null ? null : base['version']!, baseRow: base, serverRow: null, state,
      attempted: state !== 'pending', attempts: state === 'pending' ? 0 : 1, lastAttemptAt: state === 'pending' ? null : watermarkMs, lastStatus: null,
      lastError: null, editCounter: 0, identity: null, editedAt: watermarkMs, blockedReason: null, nextAttemptAt: null, ...extra,
    });
    const mineFailed = { id: 'u-failed', text: 'mine, refused' };
    const mineHeld = { id: 'u-held', text: 'mine' };
    const data = {
      rows: [
        stored(plain, [String(plain['version'])]),
        stored({ ...failedBase, ...mineFailed }, [String(failedBase['version'])]),
        stored({ ...heldBase, ...mineHeld }, [String(heldBase['version'])]),
        stored({ id: 'u-pending', text: 'not sent yet' }, []),
      ],
      ops: [
        op(1, 'u-pending', 'insert', 'pending', { id: 'u-pending', text: 'not sent yet' }, null),
        op(2, 'u-failed', 'update', 'failed', mineFailed, failedBase, { lastStatus: 400, lastError: { error: 'no', code: 'invalid_item' } }),
        op(3, 'u-held', 'update', 'held', mineHeld, heldBase, { lastStatus: 412 }),
      ],
      conflicts: [
        { opSeq: 3, table: 'todoitem', itemId: 'u-held', opKind: 'update', reason: 'precondition', status: 412, baseRow: heldBase, localRow: mineHeld, serverRow: heldServer, detectedAt: watermarkMs },
      ],
      // Version 2 wrote `complete`; version 1 did not.
      syncStates: [
        { table: 'todoitem', queryId: '*', watermark, drain: null, lastPullAt: watermarkMs, ...(oldVersion === 2 ? { complete: true } : {}) },
        { table: 'todoitem', queryId: 'mine', watermark, drain: { ms: watermarkMs, afterId: 'u-f' }, lastPullAt: watermarkMs, ...(oldVersion === 2 ? { complete: false } : {}) },
      ],
      meta: { config: { upstream: '', tables: [{ name: 'todoitem' }] } },
    };
    const app = await open('', undefined, async (page) => {
      await page.goto(`${stack.origin}/bare.html`); // the origin, with no worker yet
      await createOldSchema(page, oldVersion, data);
    });
    const api = client(app.page);
    const appApi = pageApi(app.page);

    await drained(app.page, (o) => o.state === 'failed' || o.state === 'held'); // not inflight: its answer must be in
    expect(writesOf('u-pending')).toEqual([['POST', 201]]);
    expect((await serverRows('todoitem')).get('u-pending')).toMatchObject({ text: 'not sent yet' });
    expect((await api.ops()).map((o) => [o.seq, o.itemId, o.kind, o.state, o.lastStatus])).toEqual([
      [2, 'u-failed', 'update', 'failed', 400],
      [3, 'u-held', 'update', 'held', 412],
    ]);
    expect(await api.conflicts()).toEqual([
      expect.objectContaining({ id: 3, itemId: 'u-held', reason: 'precondition', localRow: mineHeld, serverRow: heldServer, baseRow: heldBase }),
    ]);
    expect(((await appApi.get('u-plain')).body as Row)['text']).toBe('pulled');
    expect(((await appApi.get('u-failed')).body as Row)['text']).toBe('mine, refused');
    expect(((await appApi.get('u-held')).body as Row)['text']).toBe('mine');
    expect(writesOf('u-failed')).toEqual([]);
    expect(writesOf('u-held')).toEqual([]);

    // The old watermark went on: the first pull after the upgrade asked only for what changed since (less the overlap).
    const firstPull = stack.proxy.sent.find((x) => x.method === 'GET' && x.url.pathname === '/tables/todoitem' && x.url.searchParams.has('$orderby'));
    expect(firstPull?.url.searchParams.get('$filter')).toBe(`updatedAt ge cast(${new Date(watermarkMs - 1000).toISOString()},Edm.DateTimeOffset)`);
    const after = await dumpDatabase(app.page);
    expect(after.version).toBe(VERSION); // every later migration ran on the way
    expect(after.indexes['ops']).toContain('table');
    expect(after.indexes['rows']).toContain(INDEXES.rowsByUpdatedAt);
    expect(after.stores['rows']).toHaveLength(4);
    expect(after.stores['syncState']).toEqual([
      expect.objectContaining({ table: 'todoitem', queryId: '*', complete: expect.any(Boolean) }),
      { table: 'todoitem', queryId: 'mine', watermark, drain: { ms: watermarkMs, afterId: 'u-f' }, lastPullAt: watermarkMs, complete: false },
    ]);
    expect((after.stores['syncState']![0] as { watermark: { ms: number } }).watermark.ms).toBeGreaterThanOrEqual(watermarkMs);
    expect(after.stores['meta']).toContainEqual(expect.objectContaining({ tables: expect.arrayContaining([expect.objectContaining({ name: 'todoitem' })]) }));
    expect([...app.devtools.errors]).toEqual([]);
    await app.close();
  });

  // About 1 MB of rows crosses the network and IndexedDB here: some 5 s under load.
  test('F-14, W-02, L-06: a write that cannot be stored gets 507 storage_full and leaves nothing; reads go on; a pull that cannot store its page fails and resumes', async () => {
    // Chromium caches an origin's free space once its IndexedDB is first used, so a lower quota must be in force
    // before the app starts (a raised one is seen after the next refusal).
    const app = await open('', QUOTA);
    const api = client(app.page);
    const appApi = pageApi(app.page);
    expect((await appApi.insert({ id: 'q-1', text: 'fits' })).status).toBe(201);
    await drained(app.page);
    await api.pull('todoitem');
    await api.record(['storage-full', 'status']);
    const opsBefore = await api.ops();
    const free = QUOTA - (await app.page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0));
    expect(free).toBeGreaterThan(100_000);

    // The row and its op each hold the text: twice the free space.
    const refused = await appRequest(app.page, 'POST', '/tables/todoitem', { id: 'q-big', text: noise(free) });
    expect([refused.status, (refused.body as Row)['code'], refused.source]).toEqual([507, 'storage_full', 'local']);
    expect(typeof (refused.body as Row)['error']).toBe('string');
    expect(await api.ops()).toEqual(opsBefore);
    expect((await appApi.get('q-big')).status).toBe(404);
    const list = await appApi.list();
    expect(list.status).toBe(200);
    expect((list.body as { items: Row[] }).items.map((r) => r['id'])).toEqual(['q-1']);
    await waitFor(async () => (await api.events()).some((e) => e.kind === 'storage-full'), { message: 'a storage-full event in the page' });
    expect((await api.status()).storageFull).toBe(true);
    expect(writesOf('q-big')).toEqual([]);

    // A pull whose one page holds more than the free space: rows another device wrote.
    const rows = Math.min(100, Math.ceil(free / 12_000) + 5);
    await Promise.all(Array.from({ length: rows }, (_, i) => stack.remote.insert({ id: `p-${String(i).padStart(3, '0')}`, text: noise(12_000) })));
    const cursorBefore = await syncState(app.page, 'todoitem');
    expect(await api.pullError('todoitem')).toBe('storage_full');
    expect(await syncState(app.page, 'todoitem')).toEqual(cursorBefore);
    expect((await api.status()).storageFull).toBe(true);
    expect(((await appApi.list('$top=1000')).body as { items: Row[] }).items).toHaveLength(1);

    // Space returns: the next pull stores every row and the status clears.
    await app.devtools.cdp.send('Storage.overrideQuotaForOrigin', { origin: app.origin });
    expect((await api.pull('todoitem')).rows).toBeGreaterThanOrEqual(rows);
    expect(((await appApi.list('$top=1000')).body as { items: Row[] }).items).toHaveLength(rows + 1);
    expect((await api.status()).storageFull).toBe(false);
    expect([...app.devtools.errors]).toEqual([]);
    await app.close();
  });

  test('quota errors never hang the app: a worker first started on a full disk answers the page at once, reads reach the server, an offline write gets 507 and leaves nothing; once space returns it journals and replays once', async () => {
    await stack.remote.insert({ id: 'd-1', text: 'on the server' });
    // The disk is full before the worker first opens its database (a lowered quota is seen only then, see above).
    const started = Date.now();
    const app = await open('', 1);
    // Before, the worker's start failed storing its configuration, and ready waited out five call timeouts (about 25 s).
    expect(Date.now() - started).toBeLessThan(5000);
    const api = client(app.page);
    expect(await api.status()).toMatchObject({ pending: 0 });
    const read = await appRequest(app.page, 'GET', '/tables/todoitem');
    expect([read.status, (read.body as { items: Row[] }).items.map((r) => r['id'])]).toEqual([200, ['d-1']]);

    app.upstream.block(true);
    const refused = await appRequest(app.page, 'POST', '/tables/todoitem', { id: 'd-2', text: 'offline' });
    expect([refused.status, (refused.body as Row)['code'], refused.source]).toEqual([507, 'storage_full', 'local']);
    expect(await api.ops()).toEqual([]);

    // Space returns: the same offline write is journaled, and replayed once when the server is back.
    await app.devtools.cdp.send('Storage.overrideQuotaForOrigin', { origin: app.origin });
    expect((await appRequest(app.page, 'POST', '/tables/todoitem', { id: 'd-2', text: 'offline' })).status).toBe(201);
    expect((await api.ops()).map((op) => [op.itemId, op.kind])).toEqual([['d-2', 'insert']]);
    app.upstream.block(false);
    await api.push();
    expect(writesOf('d-2')).toEqual([['POST', 201]]);
    await app.close();
  });

  test('a database the worker cannot open (a newer schema, left by a later version since rolled back) never hangs the app: its calls fail at once with storage_unavailable, its requests go to the server', async () => {
    await stack.remote.insert({ id: 'n-1', text: 'on the server' });
    const started = Date.now();
    const app = await open('', undefined, async (page) => {
      await page.goto(`${stack.origin}/bare.html`); // the origin, with no worker yet
      await page.evaluate(
        (version) =>
          new Promise<void>((resolve, reject) => {
            const request = indexedDB.open('tablesync', version);
            request.onsuccess = () => (request.result.close(), resolve());
            request.onerror = () => reject(request.error ?? new Error('open failed'));
          }),
        VERSION + 1,
      );
    });
    expect(Date.now() - started).toBeLessThan(5000);
    const failed = await app.page.evaluate(() =>
      (window as unknown as { tablesync: { status(): Promise<unknown> } }).tablesync.status().then(
        () => null,
        (e: { name?: string; code?: string; message?: string }) => ({ name: e.name, code: e.code, message: e.message }),
      ),
    );
    expect(failed).toEqual({ name: 'SyncError', code: 'storage_unavailable', message: expect.stringMatching(/^Local storage cannot be opened: .*version/i) });
    const read = await appRequest(app.page, 'GET', '/tables/todoitem');
    expect([read.status, read.source, (read.body as { items: Row[] }).items.map((r) => r['id'])]).toEqual([200, null, ['n-1']]);
    const written = await appRequest(app.page, 'POST', '/tables/todoitem', { id: 'n-2', text: 'straight to the server' });
    expect([written.status, written.source]).toEqual([201, null]);
    expect(writesOf('n-2')).toEqual([['POST', 201]]);
    await app.close();
  });
});

/** The unfiltered pull cursor of a table, read from the worker's database by the page (same origin). */
function syncState(page: Page, table: string): Promise<Json> {
  return page.evaluate(
    (t) =>
      new Promise<Json>((resolve, reject) => {
        const request = indexedDB.open('tablesync');
        request.onerror = () => reject(request.error ?? new Error('open failed'));
        request.onsuccess = () => {
          const db = request.result;
          const get = db.transaction('syncState').objectStore('syncState').get([t, '*']);
          get.onsuccess = () => {
            db.close();
            const value = get.result as { watermark: Json; drain: Json; complete: Json } | undefined;
            resolve(value === undefined ? null : { watermark: value.watermark, drain: value.drain, complete: value.complete });
          };
          get.onerror = () => reject(get.error ?? new Error('get failed'));
        };
      }),
    table,
  );
}
