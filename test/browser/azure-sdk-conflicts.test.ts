/**
 * Issue 12 item 3 against the genuine Azure Mobile Apps Node server: a real conflict from the SDK,
 * detected and resolved by each policy, the server's final row checked each time. The app writes
 * offline with the version it read while another client changes the row on the server; back
 * online, the replay meets the SDK's 412 (K-01). Then its quirks: an insert 409 that echoes the
 * request without a row or version (P9, U-12), and an update of a server tombstone answered 404
 * instead of 410 (P18), each resolved.
 */
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { plainV2Page, useAzureSdkStack } from './fixtures/e2e/azure-sdk-stack.js';
import { appFields, etagOf, openApp, pageApi, syncApi, waitFor, type App, type Row, type Sent } from './fixtures/e2e/harness.js';

const stack = useAzureSdkStack();

const BASE: Row = { id: 'k1', text: 'base', done: false, rank: 1 };
/** The app fields of BASE as the SDK stores them (declared columns: an unset one is null). */
const BASE_FIELDS: Row = { ...BASE, note: null };

/** Opens the app under `policy`, has it read (pull) `rows`, then cuts it off the network. */
async function offlineApp(policy: string, rows: readonly Row[] = [BASE]): Promise<App> {
  for (const row of rows) await stack.sdk.insert(row);
  const app = await openApp(stack.browser, stack.proxy, plainV2Page(policy));
  await app.page.evaluate(() => {
    const w = window as unknown as { conflictEvents: unknown[]; tablesync: { on(kind: string, cb: (e: unknown) => void): void } };
    w.conflictEvents = [];
    w.tablesync.on('conflict', (event) => w.conflictEvents.push(event));
  });
  const api = pageApi(app.page);
  expect((await api.list()).status).toBe(200);
  await waitFor(async () => (await syncApi(app.page).status()).lastPullAt !== null && !(await syncApi(app.page).status()).pulling, {
    message: 'the first pull',
  });
  // Offline from here: no pull can bring the other client's change before the app writes.
  await app.setOffline(true);
  return app;
}

/** The app patches k1 offline with the ETag it read; another client then patches `server` on the server; back online. */
async function conflict(policy: string, mine: Row, server: Row): Promise<{ app: App; page: Page; stale: string; serverRow: Row }> {
  const app = await offlineApp(policy);
  const api = pageApi(app.page);
  const stale = etagOf((await api.get('k1')).body as Row);
  expect((await api.patch('k1', mine, stale)).status).toBe(200);
  const serverRow = await stack.sdk.patch('k1', server);
  await app.setOffline(false);
  return { app, page: app.page, stale, serverRow };
}

const traffic = (id = 'k1'): string[] =>
  stack.proxy.sent
    .filter((s: Sent) => s.method !== 'GET' || s.url.searchParams.get('$filter')?.includes(`'${id}'`) === true)
    .filter((s) => s.method === 'GET' || decodeURIComponent(s.url.pathname).endsWith(`/${id}`) || (s.method === 'POST' && (s.body as Row | undefined)?.['id'] === id))
    .map((s) => `${s.method} ${s.method === 'GET' ? 'lookup' : s.headers['if-match'] ?? '-'} ${s.status ?? '-'}`);

/** Waits until no op is left but `held` held ones. */
const settled = (page: Page, held = 0): Promise<boolean> =>
  waitFor(
    async () => {
      const ops = await syncApi(page).pending();
      return ops.length === held && ops.every((op) => op.state === 'held');
    },
    { timeoutMs: 5000, message: `the push to settle with ${held} held` },
  );

const serverRowOf = async (id = 'k1'): Promise<Row> => (await stack.sdk.all()).get(id)!;

describe('azure-sdk-conflicts', () => {
  test('K-01 K-03: serverWins on the SDK\'s 412 keeps the server row and drops the op', async () => {
    const { app, page, stale, serverRow } = await conflict('serverWins', { text: 'mine' }, { done: true });
    await settled(page);
    expect(traffic()).toEqual([`PATCH ${stale} 412`]);
    expect(await serverRowOf()).toEqual(serverRow);
    expect((await pageApi(page).get('k1')).body).toEqual(serverRow);
    // K-03: the known versions were reset, so the version read before is stale locally too.
    expect((await pageApi(page).patch('k1', { text: 'again' }, stale)).status).toBe(412);
    expect([...app.devtools.errors]).toEqual([]);
    await app.close();
  });

  test('K-01 K-04: clientWins re-sends with If-Match = the SDK row\'s version and the server takes the client row', async () => {
    const { app, page, stale, serverRow } = await conflict('clientWins', { text: 'mine' }, { done: true });
    await settled(page);
    expect(traffic()).toEqual([`PATCH ${stale} 412`, `PATCH ${etagOf(serverRow)} 200`]);
    const now = await serverRowOf();
    expect(appFields(now)).toEqual({ ...BASE_FIELDS, text: 'mine' });
    expect((await pageApi(page).get('k1')).body).toEqual(now);
    expect([...app.devtools.errors]).toEqual([]);
    await app.close();
  });

  test('K-13: lastWriteWins keeps the later of the offline edit and the server edit', async () => {
    const app = await offlineApp('lastWriteWins', [BASE, { ...BASE, id: 'k2' }]);
    const api = pageApi(app.page);
    const stale1 = etagOf((await api.get('k1')).body as Row);
    const stale2 = etagOf((await api.get('k2')).body as Row);
    // k1: the server edit comes first, the app's later; k2: the other way round.
    const server1 = await stack.sdk.patch('k1', { done: true });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await api.patch('k1', { text: 'mine later' }, stale1)).status).toBe(200);
    expect((await api.patch('k2', { text: 'mine earlier' }, stale2)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const server2 = await stack.sdk.patch('k2', { done: true });
    await app.setOffline(false);
    await settled(app.page);
    expect(traffic('k1')).toEqual([`PATCH ${stale1} 412`, `PATCH ${etagOf(server1)} 200`]);
    expect(traffic('k2')).toEqual([`PATCH ${stale2} 412`]);
    expect(appFields(await serverRowOf('k1'))).toEqual({ ...BASE_FIELDS, text: 'mine later' });
    expect(await serverRowOf('k2')).toEqual(server2);
    expect((await api.get('k2')).body).toEqual(server2);
    expect([...app.devtools.errors]).toEqual([]);
    await app.close();
  });

  test('K-07: merge keeps the non-overlapping changes of both sides on the SDK', async () => {
    const { app, page, stale, serverRow } = await conflict('merge', { text: 'mine' }, { done: true });
    await settled(page);
    expect(traffic()).toEqual([`PATCH ${stale} 412`, `PATCH ${etagOf(serverRow)} 200`]);
    const now = await serverRowOf();
    expect(appFields(now)).toEqual({ ...BASE_FIELDS, text: 'mine', done: true });
    expect((await pageApi(page).get('k1')).body).toEqual(now);
    expect([...app.devtools.errors]).toEqual([]);
    await app.close();
  });

  test('K-07 K-09: merge holds a field both sides changed differently; the SDK row stays as the other client left it', async () => {
    const { app, page, stale, serverRow } = await conflict('merge', { text: 'mine' }, { text: 'theirs' });
    await settled(page, 1);
    expect(traffic()).toEqual([`PATCH ${stale} 412`]);
    expect(await serverRowOf()).toEqual(serverRow);
    const [held] = await syncApi(page).conflicts();
    expect(held).toMatchObject({ itemId: 'k1', reason: 'precondition', status: 412, localRow: { text: 'mine' }, serverRow: { text: 'theirs', version: serverRow['version'] } });
    expect([...app.devtools.errors]).toEqual([]);
    await app.close();
  });

  test('K-09 K-10: hold keeps the conflict for the user; the page resolves it with a merged row that the SDK then holds', async () => {
    const { app, page, stale, serverRow } = await conflict('hold', { text: 'mine' }, { done: true, rank: 9 });
    await settled(page, 1);
    expect(traffic()).toEqual([`PATCH ${stale} 412`]);
    expect(await serverRowOf()).toEqual(serverRow);
    const conflicts = await syncApi(page).conflicts();
    expect(conflicts).toHaveLength(1);
    const [held] = conflicts as (Row & { id: number })[];
    expect(held).toMatchObject({
      itemId: 'k1',
      opKind: 'update',
      reason: 'precondition',
      status: 412,
      baseRow: { id: 'k1', text: 'base', done: false, rank: 1 },
      localRow: { id: 'k1', text: 'mine', done: false, rank: 1 },
      serverRow: { id: 'k1', text: 'base', done: true, rank: 9, version: serverRow['version'] },
    });
    const events = await page.evaluate(() => (window as unknown as { conflictEvents: { conflict: { itemId: string } }[] }).conflictEvents);
    expect(events.map((e) => e.conflict.itemId)).toEqual(['k1']);

    // K-10: the user keeps their text and the other client's rank, but not its done.
    const value = { id: 'k1', text: 'mine', done: false, rank: 9 };
    await page.evaluate(
      ({ id, resolution }) => (window as unknown as { tablesync: { resolve(id: number, r: unknown): Promise<void> } }).tablesync.resolve(id, resolution),
      { id: held!.id, resolution: { kind: 'merge', value } },
    );
    await settled(page);
    expect(await syncApi(page).conflicts()).toEqual([]);
    expect(traffic()).toEqual([`PATCH ${stale} 412`, `PATCH ${etagOf(serverRow)} 200`]);
    const now = await serverRowOf();
    expect(appFields(now)).toEqual({ ...value, note: null });
    expect((await pageApi(page).get('k1')).body).toEqual(now);
    expect([...app.devtools.errors]).toEqual([]);
    await app.close();
  });

  test('K-01 K-04 U-12: the SDK\'s insert 409 echoes the request without a row; the engine looks the row up and clientWins updates it', async () => {
    const app = await offlineApp('clientWins', []);
    const api = pageApi(app.page);
    expect((await api.insert({ id: 'k9', text: 'mine', done: false, rank: 1 })).status).toBe(201);
    const theirs = await stack.sdk.insert({ id: 'k9', text: 'theirs', done: true, rank: 2 });
    await app.setOffline(false);
    await settled(app.page);
    expect(traffic('k9')).toEqual(['POST - 409', 'GET lookup 200', `PATCH ${etagOf(theirs)} 200`]);
    // P9: the 409 body was the request echoed, no version: not a server row.
    const echoed = stack.proxy.writes().find((s) => s.method === 'POST')!;
    expect(echoed.responseBody).toEqual({ id: 'k9', text: 'mine', done: false, rank: 1 });
    const now = await serverRowOf('k9');
    expect(appFields(now)).toEqual({ id: 'k9', text: 'mine', done: false, rank: 1, note: null });
    expect((await api.get('k9')).body).toEqual(now);
    expect([...app.devtools.errors]).toEqual([]);
    await app.close();
  });

  test('K-01 K-05 U-12: an update of a row deleted on the SDK gets 404, not 410; clientWins undeletes it (POST /{id}) and patches it', async () => {
    const app = await offlineApp('clientWins');
    const api = pageApi(app.page);
    const stale = etagOf((await api.get('k1')).body as Row);
    expect((await api.patch('k1', { text: 'mine' }, stale)).status).toBe(200);
    const tombstone = await stack.sdk.remove('k1');
    await app.setOffline(false);
    await settled(app.page);
    const revived = stack.proxy.writes().find((s) => s.method === 'POST')?.responseBody as Row | undefined;
    expect(traffic()).toEqual([`PATCH ${stale} 404`, 'GET lookup 200', `POST ${etagOf(tombstone)} 201`, `PATCH ${etagOf(revived ?? {})} 200`]);
    const now = await serverRowOf();
    expect(now['deleted']).toBe(false);
    expect(appFields(now)).toEqual({ ...BASE_FIELDS, text: 'mine' });
    expect((await api.get('k1')).body).toEqual(now);
    expect([...app.devtools.errors]).toEqual([]);
    await app.close();
  });

  test('K-05 U-12: re-inserting an id whose delete the SDK confirmed: its 409 echo, the lookup finds the tombstone, the row is undeleted and written, no conflict held', async () => {
    const app = await offlineApp('hold');
    const api = pageApi(app.page);
    const read = etagOf((await api.get('k1')).body as Row);
    expect((await api.remove('k1', read)).status).toBe(200);
    await app.setOffline(false);
    await settled(app.page);
    const tombstone = await serverRowOf();
    expect(tombstone['deleted']).toBe(true);
    await app.setOffline(true);
    expect((await api.insert({ id: 'k1', text: 'again', done: true, rank: 2 })).status).toBe(201);
    await app.setOffline(false);
    await settled(app.page);
    const revived = stack.proxy.writes().find((s) => s.method === 'POST' && s.url.pathname.endsWith('/k1'))?.responseBody as Row | undefined;
    expect(traffic()).toEqual([
      `DELETE ${read} 200`,
      'POST - 409',
      'GET lookup 200',
      `POST ${etagOf(tombstone)} 201`,
      `PATCH ${etagOf(revived ?? {})} 200`,
    ]);
    expect(await syncApi(app.page).conflicts()).toEqual([]);
    const now = await serverRowOf();
    expect(now['deleted']).toBe(false);
    expect(appFields(now)).toEqual({ id: 'k1', text: 'again', done: true, rank: 2, note: null });
    expect((await api.get('k1')).body).toEqual(now);
    expect([...app.devtools.errors]).toEqual([]);
    await app.close();
  });

  test('K-01 K-03 U-12: serverWins on an update the SDK answers 404 (a tombstone) removes the local row', async () => {
    const app = await offlineApp('serverWins');
    const api = pageApi(app.page);
    const stale = etagOf((await api.get('k1')).body as Row);
    expect((await api.patch('k1', { text: 'mine' }, stale)).status).toBe(200);
    const tombstone = await stack.sdk.remove('k1');
    await app.setOffline(false);
    await settled(app.page);
    expect(traffic()).toEqual([`PATCH ${stale} 404`, 'GET lookup 200']);
    expect(await serverRowOf()).toEqual(tombstone);
    expect((await api.get('k1')).status).toBe(404);
    expect([...app.devtools.errors]).toEqual([]);
    await app.close();
  });
});
