/**
 * Issue 5 acceptance: each conflict policy on a real 412. The page reads a row, another client
 * changes it on the server, the page updates it with its (now stale) ETag, and the push meets
 * the server's 412 (K-01). serverWins, clientWins, merge and a held conflict resolved from the page.
 */
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import {
  appFields,
  etagOf,
  openApp,
  pageApi,
  syncApi,
  useStack,
  waitFor,
  waitForPull,
  type App,
  type Row,
  type Sent,
} from './fixtures/e2e/harness.js';

const stack = useStack();

const BASE: Row = { id: 'k1', text: 'base', done: false, rank: 1 };

/**
 * The page read k1, then another client changed `server` fields; the page then writes `mine` with its ETag.
 * `local-first`: these are the replay's conflicts (an online write would get the server's 412 itself, T-02).
 */
const configured = (policy: string): string => `/configured.html?policy=${policy}&writes=local-first`;

async function conflict(policy: string, mine: Row, server: Row): Promise<{ app: App; page: Page; stale: string; serverRow: Row }> {
  await stack.remote.insert(BASE);
  const app = await openApp(stack.browser, stack.proxy, configured(policy));
  const api = pageApi(app.page);
  await app.page.evaluate(() => {
    const w = window as unknown as { conflictEvents: unknown[]; tablesync: { on(kind: string, cb: (e: unknown) => void): void } };
    w.conflictEvents = [];
    w.tablesync.on('conflict', (event) => w.conflictEvents.push(event));
  });
  await api.list();
  await waitForPull(app.page);
  const read = (await api.get('k1')).body as Row;
  const stale = etagOf(read);
  const serverRow = await stack.remote.replace('k1', { ...appFields(BASE), ...server });
  // The app's update passes locally (its ETag is a known version) and is pushed soon after.
  expect((await api.replace('k1', { ...appFields(BASE), ...mine }, stale)).status).toBe(200);
  return { app, page: app.page, stale, serverRow };
}

const puts = (): Sent[] => stack.proxy.writes().filter((s) => s.method === 'PUT' && s.url.pathname.endsWith('/k1'));
const settled = (page: Page, held = 0): Promise<boolean> =>
  waitFor(
    async () => {
      const ops = await syncApi(page).pending();
      return ops.length === held && ops.every((op) => op.state === 'held');
    },
    { timeoutMs: 4000, message: `the push to settle with ${held} held` },
  );

describe('e2e-conflicts', () => {
  test('K-01 K-03: serverWins takes the server row, drops the op and resets the known versions', async () => {
    const { app, page, stale, serverRow } = await conflict('serverWins', { text: 'mine' }, { done: true });
    await settled(page);
    expect(puts().map((s) => [s.headers['if-match'], s.status])).toEqual([[stale, 412]]);
    expect((await stack.remote.all()).get('k1')).toEqual(serverRow);
    const api = pageApi(page);
    expect((await api.get('k1')).body).toEqual(serverRow);
    // Known versions reset: the old ETag is stale locally too now (F-11).
    expect((await api.replace('k1', { text: 'again' }, stale)).status).toBe(412);
    expect([...app.devtools.errors]).toEqual([]);
    await app.close();
  });

  test('K-01 K-04: clientWins re-sends with If-Match = the server version, and the server takes the client row', async () => {
    const { app, page, stale, serverRow } = await conflict('clientWins', { text: 'mine' }, { done: true });
    await settled(page);
    expect(puts().map((s) => [s.headers['if-match'], s.status])).toEqual([
      [stale, 412],
      [etagOf(serverRow), 200],
    ]);
    const now = (await stack.remote.all()).get('k1')!;
    expect(appFields(now)).toEqual({ id: 'k1', text: 'mine', done: false, rank: 1 });
    expect((await pageApi(page).get('k1')).body).toEqual(now);
    expect([...app.devtools.errors]).toEqual([]);
    await app.close();
  });

  test('K-07: merge keeps the non-overlapping changes of both sides', async () => {
    const { app, page, stale, serverRow } = await conflict('merge', { text: 'mine' }, { done: true });
    await settled(page);
    expect(puts().map((s) => [s.headers['if-match'], s.status])).toEqual([
      [stale, 412],
      [etagOf(serverRow), 200],
    ]);
    const now = (await stack.remote.all()).get('k1')!;
    expect(appFields(now)).toEqual({ id: 'k1', text: 'mine', done: true, rank: 1 });
    expect((await pageApi(page).get('k1')).body).toEqual(now);
    expect([...app.devtools.errors]).toEqual([]);
    await app.close();
  });

  test('K-07 K-09: merge holds a field changed differently on both sides; other items keep pushing', async () => {
    const { app, page, serverRow } = await conflict('merge', { text: 'mine' }, { text: 'theirs' });
    expect((await pageApi(page).insert({ id: 'other', text: 'goes through', done: false })).status).toBe(201);
    await waitFor(async () => (await stack.remote.all()).has('other'), { message: 'the other item to be pushed' });
    await settled(page, 1);
    expect((await stack.remote.all()).get('k1')).toEqual(serverRow);
    const [held] = await syncApi(page).conflicts();
    expect(held).toMatchObject({ itemId: 'k1', reason: 'precondition', status: 412, localRow: { text: 'mine' }, serverRow: { text: 'theirs' } });
    expect([...app.devtools.errors]).toEqual([]);
    await app.close();
  });

  test('K-09 K-10: hold keeps the conflict for the user, tells every page, and the page resolves it', async () => {
    const { app, page, stale, serverRow } = await conflict('hold', { text: 'mine' }, { done: true });
    const second = await app.open(configured('hold'));
    await settled(page, 1);
    expect(puts().map((s) => [s.headers['if-match'], s.status])).toEqual([[stale, 412]]);

    // K-09: the op is held with base, local and server rows; the server is untouched.
    const conflicts = await syncApi(page).conflicts();
    expect(conflicts).toHaveLength(1);
    const [held] = conflicts as (Row & { id: number })[];
    expect(held).toMatchObject({
      table: 'todoitem',
      itemId: 'k1',
      opKind: 'update',
      reason: 'precondition',
      status: 412,
      baseRow: { id: 'k1', text: 'base', done: false },
      localRow: { id: 'k1', text: 'mine', done: false },
      serverRow: { id: 'k1', text: 'base', done: true, version: serverRow['version'] },
    });
    expect((await stack.remote.all()).get('k1')).toEqual(serverRow);
    // The page that was connected when the conflict arose got the event.
    const events = await page.evaluate(() => (window as unknown as { conflictEvents: { conflict: { itemId: string } }[] }).conflictEvents);
    expect(events.map((e) => e.conflict.itemId)).toEqual(['k1']);
    // A pull leaves the held row as the user left it.
    await syncApi(page).pull();
    expect(appFields((await pageApi(page).get('k1')).body as Row)).toEqual({ id: 'k1', text: 'mine', done: false, rank: 1 });

    // K-10: an unknown id fails with conflict_not_found; the real one resolves ("keep mine").
    const unknown = await page.evaluate(async () => {
      try {
        await (window as unknown as { tablesync: { resolve(id: number, r: unknown): Promise<void> } }).tablesync.resolve(987654, { kind: 'client' });
        return null;
      } catch (error) {
        return (error as { code?: string }).code ?? String(error);
      }
    });
    expect(unknown).toBe('conflict_not_found');
    await page.evaluate(
      (id) => (window as unknown as { tablesync: { resolve(id: number, r: unknown): Promise<void> } }).tablesync.resolve(id, { kind: 'client' }),
      held!.id,
    );
    await waitFor(async () => appFields((await stack.remote.all()).get('k1')!)['text'] === 'mine', { message: 'the resolved row to reach the server' });
    await settled(page);
    expect(await syncApi(page).conflicts()).toEqual([]);
    expect(puts().map((s) => [s.headers['if-match'], s.status])).toEqual([
      [stale, 412],
      [etagOf(serverRow), 200],
    ]);
    const now = (await stack.remote.all()).get('k1')!;
    expect(appFields(now)).toEqual({ id: 'k1', text: 'mine', done: false, rank: 1 });
    expect((await pageApi(second).get('k1')).body).toEqual(now);
    expect([...app.devtools.errors]).toEqual([]);
    await app.close();
  });
});
