/**
 * Issue 5 acceptance: two tabs of the app writing at once. The worker is the only writer of the
 * local database, so both tabs see every write; the pushes are serialised (U-01), and the server
 * gets each write once.
 */
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { appFields, listShape, openApp, pageApi, syncApi, useStack, waitForDrain, type Answer, type Row } from './fixtures/e2e/harness.js';

const stack = useStack();

/** Inserts `n` rows from one tab, all in flight at once. */
const insertMany = (page: Page, prefix: string, n: number): Promise<Answer[]> =>
  page.evaluate(
    ([p, count]) => {
      const api = (window as unknown as { api: { insert(row: unknown): Promise<Answer> } }).api;
      return Promise.all(Array.from({ length: count }, (_, i) => api.insert({ id: `${p}-${String(i).padStart(2, '0')}`, text: `${p} ${i}`, done: false })));
    },
    [prefix, n] as const,
  );

describe('e2e-tabs', () => {
  test('U-01 W-03: two tabs writing at once both see every write; the server gets each once', async () => {
    const app = await openApp(stack.browser, stack.proxy, '/index.html');
    const tabA = app.page;
    const tabB = await app.open('/index.html');
    await pageApi(tabA).list();
    await syncApi(tabA).pull();

    // Both tabs insert ten rows each, concurrently.
    const [fromA, fromB] = await Promise.all([insertMany(tabA, 'a', 10), insertMany(tabB, 'b', 10)]);
    expect([...fromA, ...fromB].map((r) => r.status)).toEqual(Array.from({ length: 20 }, () => 201));
    // Both tabs edit the same row at once, different fields (PATCH merges).
    const [editA, editB] = await Promise.all([
      pageApi(tabA).patch('a-00', { text: 'renamed in A' }),
      pageApi(tabB).patch('a-00', { done: true }),
    ]);
    expect([editA.status, editB.status]).toEqual([200, 200]);

    // Both tabs see every write, identically.
    const all = '$orderby=id&$top=100&$count=true';
    const seenA = await pageApi(tabA).list(all);
    const seenB = await pageApi(tabB).list(all);
    expect(listShape(seenA)).toEqual(listShape(seenB));
    expect((seenA.body as { count: number }).count).toBe(20);
    expect(appFields((await pageApi(tabB).get('a-00')).body as Row)).toEqual({ id: 'a-00', text: 'renamed in A', done: true });

    // Both tabs push at once while a sync event fires: one upstream write at a time (U-01).
    await Promise.all([syncApi(tabA).push(), syncApi(tabB).push(), app.devtools.dispatchSync(stack.origin)]);
    await waitForDrain(tabA);
    expect(stack.proxy.maxWritesInFlight()).toBe(1);

    // The server got each insert once, and the two edits of a-00.
    const posts = stack.proxy.writes().filter((s) => s.method === 'POST');
    const ids = posts.map((s) => String((s.body as Row)['id'])).sort();
    expect(ids).toEqual([...Array.from({ length: 10 }, (_, i) => `a-${String(i).padStart(2, '0')}`), ...Array.from({ length: 10 }, (_, i) => `b-${String(i).padStart(2, '0')}`)]);
    expect(posts.every((s) => s.status === 201)).toBe(true);
    const server = await stack.remote.all();
    expect(server.size).toBe(20);
    expect(appFields(server.get('a-00')!)).toEqual({ id: 'a-00', text: 'renamed in A', done: true });
    for (const [id, row] of server) if (id !== 'a-00') expect(appFields(row)).toEqual({ id, text: id.replace('-', ' ').replace(/ 0(\d)$/, ' $1'), done: false });

    // And both tabs now read the server's rows, system properties included.
    const fromServer = listShape(await stack.remote.list(all), (r) => r);
    expect(listShape(await pageApi(tabA).list(all), (r) => r)).toEqual(fromServer);
    expect(listShape(await pageApi(tabB).list(all), (r) => r)).toEqual(fromServer);

    expect([...app.devtools.errors]).toEqual([]);
    await app.close();
  });
});
