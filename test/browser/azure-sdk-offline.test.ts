/**
 * Issue 12 item 3 against the genuine Azure Mobile Apps Node server (npm azure-mobile-apps 4.0.2 on
 * SQLite, test/support/azure-sdk-server.cjs): offline writes, through plain fetch and through the
 * official `azure-mobile-apps-client`, replay to it exactly once, and a second browser profile
 * pulls exactly the server's rows. Its quirks on the way: a write to a tombstone gets 404 (P18),
 * `Link` without port or path, no PUT, 400 without ZUMO-API-VERSION.
 */
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { plainV2Page, useAzureSdkStack } from './fixtures/e2e/azure-sdk-stack.js';
import { appFields, etagOf, openApp, openPlain, pageApi, waitForDrain, waitForPull, type Answer, type Json, type Proxy, type Row } from './fixtures/e2e/harness.js';

const stack = useAzureSdkStack();

const SEEDS: Row[] = [
  { id: 'a1', text: 'apples', done: false, rank: 3 },
  { id: 'b1', text: 'bananas', done: false, rank: 2 },
  { id: 'c1', text: 'cherries', done: true, rank: 7 },
  { id: 'd1', text: 'dates', done: false, rank: 4 },
  { id: 'e1', text: 'elderberries', done: true, rank: 8 },
];

const local = (answer: Answer): Answer => {
  expect(answer.headers['x-tablesync'], JSON.stringify(answer)).toBe('local');
  return answer;
};

/** What the worker sent upstream, one line per write: method, path, If-Match, the server's status. */
const writeLines = (): string[] =>
  stack.proxy
    .writes()
    .map((s) => `${s.method} ${decodeURIComponent(s.url.pathname)} ${s.headers['zumo-api-version']} ${s.headers['if-match'] ?? '-'} ${s.status}`)
    .sort();

/** The live rows as the SDK lists them to a v2 client, ordered by id. */
async function serverList(): Promise<Json> {
  const answer = await stack.sdk.request('GET', '/tables/todoitem?$orderby=id&$top=1000');
  expect(answer.status).toBe(200);
  return answer.body ?? null;
}

/** A second profile (a fresh context: empty origin) pulls the table, then answers offline exactly what the server lists. */
async function expectSecondProfileSeesServer(): Promise<void> {
  const other = await openApp(stack.browser, stack.proxy, plainV2Page());
  const api = pageApi(other.page);
  expect((await api.list('$orderby=id')).status).toBe(200); // F-04: forwarded, starts the first pull
  await waitForPull(other.page);
  await other.setOffline(true);
  const answer = local(await api.list('$orderby=id&$top=1000'));
  expect(answer.body).toEqual(await serverList());
  expect([...other.devtools.errors]).toEqual([]);
  await other.close();
}

describe('azure-sdk-offline', () => {
  // Two profiles, one after the other: about 2 s on a quiet machine.
  test('U-04 U-06 U-10 W-05 W-06 L-02 L-10: offline plain-fetch writes reach the genuine server exactly once; another profile pulls exactly its rows', async () => {
    const { sdk } = stack;
    for (const row of SEEDS) await sdk.insert(row);
    const seeded = await sdk.all();
    const version = (id: string): string => String(seeded.get(id)!['version']);

    const app = await openApp(stack.browser, stack.proxy, plainV2Page());
    const api = pageApi(app.page);
    expect((await api.list('$orderby=id')).status).toBe(200);
    await waitForPull(app.page);

    await app.setOffline(true);
    expect(local(await api.insert({ id: 'n1', text: 'nectarines', done: false, rank: 5 })).status).toBe(201);
    const grapes = local(await api.insert({ text: 'grapes', done: true, rank: 1 }));
    expect(grapes.status).toBe(201);
    const grapesId = String((grapes.body as Row)['id']);
    // W-05: an update of an insert never sent stays one insert.
    expect(local(await api.patch('n1', { text: 'nectarines!' })).status).toBe(200);
    const b1 = local(await api.get('b1'));
    expect(local(await api.patch('b1', { text: 'bananas (ripe)' }, b1.headers['etag'])).status).toBe(200);
    expect(local(await api.remove('d1', etagOf(seeded.get('d1')!))).status).toBe(200);
    // W-06: an insert deleted before it was ever sent leaves nothing to send.
    expect(local(await api.insert({ id: 'x1', text: 'typo', done: false, rank: 0 })).status).toBe(201);
    expect(local(await api.remove('x1')).status).toBe(200);
    // Meanwhile another client deletes e1 on the server, and this app deletes it too.
    await sdk.remove('e1');
    expect(local(await api.remove('e1', etagOf(seeded.get('e1')!))).status).toBe(200);
    expect(stack.proxy.writes()).toEqual([]);

    await app.setOffline(false);
    await waitForDrain(app.page);
    // U-10 with P18: the SDK answers 404 to a write to a tombstone; the delete is done, not retried.
    expect(writeLines()).toEqual(
      [
        `DELETE /tables/todoitem/d1 2.0.0 "${version('d1')}" 200`,
        `DELETE /tables/todoitem/e1 2.0.0 "${version('e1')}" 404`,
        `PATCH /tables/todoitem/b1 2.0.0 "${version('b1')}" 200`,
        'POST /tables/todoitem 2.0.0 - 201',
        'POST /tables/todoitem 2.0.0 - 201',
      ].sort(),
    );
    const posted = stack.proxy.writes().filter((s) => s.method === 'POST').map((s) => (s.body as Row)['id']);
    expect(posted.sort()).toEqual(['n1', grapesId].sort());

    const after = await sdk.all();
    expect([...after.keys()].sort()).toEqual(['a1', 'b1', 'c1', 'd1', 'e1', 'n1', grapesId].sort());
    expect(appFields(after.get('n1')!)).toEqual({ id: 'n1', text: 'nectarines!', done: false, rank: 5, note: null });
    expect(appFields(after.get(grapesId)!)).toEqual({ id: grapesId, text: 'grapes', done: true, rank: 1, note: null });
    expect(appFields(after.get('b1')!)).toEqual({ id: 'b1', text: 'bananas (ripe)', done: false, rank: 2, note: null });
    expect(after.get('d1')!['deleted']).toBe(true);
    expect(after.get('e1')!['deleted']).toBe(true);
    for (const id of ['a1', 'c1']) expect(after.get(id)).toEqual(seeded.get(id));

    // This profile now holds the server's rows as the server lists them (U-08: each answer adopted).
    await app.setOffline(true);
    expect(local(await api.list('$orderby=id&$top=1000')).body).toEqual(await serverList());
    await expectSecondProfileSeesServer();
    expect([...app.devtools.errors]).toEqual([]);
    await app.close();
  });

  // Three profiles (worker, none, a second worker): about 3 s on a quiet machine.
  test('F-02 F-08 F-09 F-13 U-04 U-06: the official Azure client offline, replayed once to the genuine server, then pulled by another profile', async () => {
    const { sdk } = stack;
    for (const row of SEEDS) await sdk.insert(row);
    const seeded = await sdk.all();

    const app = await openApp(stack.browser, stack.proxy, '/azure.html');
    const page = app.page;
    await must(az(page, 'query', 'all'));
    await waitForPull(page);

    await app.setOffline(true);
    const n1 = (await must(az(page, 'insert', { id: 'n1', text: 'nectarines', done: false, rank: 5 }))) as Row;
    expect(n1).toMatchObject({ id: 'n1', text: 'nectarines', done: false, rank: 5 });
    const g = (await must(az(page, 'insert', { text: 'grapes', done: true, rank: 1 }))) as Row;
    const gId = String(g['id']);
    const b1 = (await must(az(page, 'lookup', 'b1'))) as Row;
    expect(b1).toEqual(seeded.get('b1'));
    expect(await must(az(page, 'update', { ...b1, text: 'bananas (ripe)' }))).toMatchObject({ id: 'b1', text: 'bananas (ripe)', version: b1['version'] });
    expect(await must(az(page, 'update', { id: 'n1', text: 'nectarines!' }))).toMatchObject({ id: 'n1', text: 'nectarines!' });
    await must(az(page, 'del', (await must(az(page, 'lookup', 'd1'))) as Row));
    expect(await az(page, 'lookup', 'd1')).toMatchObject({ ok: false, status: 404 });
    // A version the row never had is refused as the server would refuse it.
    expect(await az(page, 'update', { id: 'c1', text: 'mine', version: 'OTk=' })).toMatchObject({ ok: false, status: 412 });
    const offline = (await must(az(page, 'query', 'openPage'))) as { rows: Row[]; totalCount: number };
    expect({ ids: offline.rows.map((r) => r['id']), totalCount: offline.totalCount }).toEqual({ ids: ['b1', 'n1'], totalCount: 3 });
    expect(stack.proxy.writes()).toEqual([]);

    await app.setOffline(false);
    await waitForDrain(page);
    expect(writeLines()).toEqual(
      [
        `DELETE /tables/todoitem/d1 2.0.0 "${String(seeded.get('d1')!['version'])}" 200`,
        `PATCH /tables/todoitem/b1 2.0.0 "${String(seeded.get('b1')!['version'])}" 200`,
        'POST /tables/todoitem 2.0.0 - 201',
        'POST /tables/todoitem 2.0.0 - 201',
      ].sort(),
    );
    const after = await sdk.all();
    expect([...after.keys()].sort()).toEqual(['a1', 'b1', 'c1', 'd1', 'e1', gId, 'n1'].sort());
    expect(appFields(after.get('n1')!)).toEqual({ id: 'n1', text: 'nectarines!', done: false, rank: 5, note: null });
    expect(appFields(after.get(gId)!)).toEqual({ id: gId, text: 'grapes', done: true, rank: 1, note: null });
    expect(appFields(after.get('b1')!)).toEqual({ id: 'b1', text: 'bananas (ripe)', done: false, rank: 2, note: null });
    expect(after.get('d1')!['deleted']).toBe(true);
    for (const id of ['a1', 'c1', 'e1']) expect(after.get(id)).toEqual(seeded.get(id));

    // The same client straight to the genuine server (no worker) gets what the worker now answers.
    const plain = await openPlain(stack.browser, stack.origin, '/azure-bare.html');
    for (const query of ['all', 'open', 'openPage', 'ranked', 'paged'])
      expect(await must(az(page, 'query', query)), `query ${query}`).toEqual(await must(az(plain.page, 'query', query)));
    await plain.close();
    await expectSecondProfileSeesServer();
    expect([...app.devtools.errors]).toEqual([]);
    await app.close();
  });

  // Two profiles and the preflights of every cross-origin request: about 3 s on a quiet machine.
  test('F-01 F-04 U-04 U-19: app and tables on two origins, the SDK answering with its own CORS (only Link,Etag exposed): the official client offline, replayed once', async () => {
    const { sdk, proxy } = stack;
    for (const row of SEEDS) await sdk.insert(row);
    const seeded = await sdk.all();
    const tables = proxy.origin;
    // The SDK's default CORS allows the host name `localhost` only, so the app is served as localhost.
    const appOrigin = tables.replace('127.0.0.1', 'localhost');
    const pathname = `/azure-cross.html?upstream=${encodeURIComponent(tables)}`;
    const app = await openApp(stack.browser, Object.create(proxy, { origin: { value: appOrigin } }) as Proxy, pathname);
    const page = app.page;
    await must(az(page, 'query', 'all'));
    await waitForPull(page);
    const forwarded = proxy.reads().find((s) => s.method === 'GET' && s.url.pathname === '/tables/todoitem' && !s.url.searchParams.has('__includeDeleted'));
    expect(forwarded?.headers['origin']).toBe(appOrigin);

    await app.setOffline(true);
    await must(az(page, 'insert', { id: 'n1', text: 'nectarines', done: false, rank: 5 }));
    const b1 = (await must(az(page, 'lookup', 'b1'))) as Row;
    await must(az(page, 'update', { ...b1, text: 'bananas (ripe)' }));
    await must(az(page, 'del', (await must(az(page, 'lookup', 'd1'))) as Row));
    expect(proxy.writes()).toEqual([]);

    await app.setOffline(false);
    await waitForDrain(page);
    expect(writeLines()).toEqual(
      [
        `DELETE /tables/todoitem/d1 2.0.0 "${String(seeded.get('d1')!['version'])}" 200`,
        `PATCH /tables/todoitem/b1 2.0.0 "${String(seeded.get('b1')!['version'])}" 200`,
        'POST /tables/todoitem 2.0.0 - 201',
      ].sort(),
    );
    // Cross-origin indeed: each write came from the app's origin after a preflight the SDK answered.
    expect(new Set(proxy.writes().map((s) => s.headers['origin']))).toEqual(new Set([appOrigin]));
    const preflights = proxy.sent.filter((s) => s.method === 'OPTIONS' && s.url.pathname.startsWith('/tables/todoitem'));
    expect(preflights.length).toBeGreaterThan(0);
    expect(preflights.every((s) => s.status === 200)).toBe(true);
    const after = await sdk.all();
    expect(appFields(after.get('n1')!)).toEqual({ id: 'n1', text: 'nectarines', done: false, rank: 5, note: null });
    expect(appFields(after.get('b1')!)).toEqual({ id: 'b1', text: 'bananas (ripe)', done: false, rank: 2, note: null });
    expect(after.get('d1')!['deleted']).toBe(true);

    // The same client on the same origin without a worker (straight through the SDK's CORS) gets what the worker answers.
    const plain = await openPlain(stack.browser, appOrigin, pathname);
    for (const query of ['all', 'open', 'openPage', 'ranked', 'paged'])
      expect(await must(az(page, 'query', query)), `query ${query}`).toEqual(await must(az(plain.page, 'query', query)));
    await plain.close();
    expect([...app.devtools.errors]).toEqual([]);
    await app.close();
  });

  test("L-07 L-08 L-10: 130 rows sharing one millisecond on the SDK, paged with its portless, pathless Link, are all pulled", async () => {
    const { sdk } = stack;
    const at = new Date(Date.now() - 60_000);
    await sdk.seed(130, at);
    await sdk.insert({ id: 'z1', text: 'later', done: false, rank: 0 });
    const app = await openApp(stack.browser, stack.proxy, plainV2Page());
    const api = pageApi(app.page);
    expect((await api.list('$orderby=id')).status).toBe(200);
    await waitForPull(app.page);

    const pulls = stack.proxy.reads().filter((s) => s.url.searchParams.get('__includeDeleted') === 'true');
    // P18: the SDK's continuation names neither the port nor the path; the engine only uses its presence (§2.5).
    const full = pulls.find((s) => Array.isArray(s.responseBody) && s.responseBody.length === 50 && s.url.searchParams.get('$orderby') === 'updatedAt,id');
    expect(full, 'a full first page').toBeDefined();
    const again = await sdk.request('GET', `${full!.url.pathname}${full!.url.search}`);
    expect(again.headers['link']).toMatch(/^http:\/\/127\.0\.0\.1\/\?\S*%24skip=50; rel=next$/);
    // L-08: the one-millisecond run is drained by id, page after page.
    const drains = pulls.filter((s) => s.url.searchParams.get('$orderby') === 'id');
    expect(drains.length).toBeGreaterThanOrEqual(2);
    expect(drains.slice(1).every((s) => (s.url.searchParams.get('$filter') ?? '').includes('id gt'))).toBe(true);
    const delivered = pulls.flatMap((s) => (s.responseBody as Row[]).map((r) => String(r['id'])));
    expect(new Set(delivered).size).toBe(131);

    await app.setOffline(true);
    const answer = local(await api.list('$orderby=id&$top=1000'));
    expect((answer.body as Row[]).length).toBe(131);
    expect(answer.body).toEqual(await serverList());
    expect([...app.devtools.errors]).toEqual([]);
    await app.close();
  });
});

type Outcome = { ok: true; value: Json } | { ok: false; status: number | null; message: string; body: string | null };

/** Calls `window.az[method](...args)` (www/azure-app.js) in the page. */
const az = (page: Page, method: string, ...args: unknown[]): Promise<Outcome> =>
  page.evaluate(
    ({ m, a }: { m: string; a: unknown[] }) => (window as unknown as { az: Record<string, (...x: unknown[]) => Promise<Outcome>> }).az[m]!(...a),
    { m: method, a: args },
  ) as Promise<Outcome>;

async function must(p: Promise<Outcome>): Promise<Json> {
  const outcome = await p;
  if (!outcome.ok) throw new Error(`azure client call failed: ${JSON.stringify(outcome)}`);
  return outcome.value;
}
