/**
 * Issue 9 acceptance (PROTOCOL.md §3.9, T-01, T-02, T-04, T-05, T-06): an unchanged plain-fetch app online gets
 * the server's own answers through the worker, in either dialect; refusals reach it as they came and leave no
 * op; a hung server or a cut network gives the local answer within writeTimeoutMs and the server still ends with
 * each write once; writes behind an older op are answered locally and reach the server in order; `local-first`
 * keeps the local answers.
 */
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { appFields, etagOf, openApp, pageApi, syncApi, useStack, waitFor, waitForDrain, waitForPull, type Answer, type Row } from './fixtures/e2e/harness.js';

const stack = useStack();

/** Times one app request in the page (performance.now around the fetch). */
async function timed(page: Page, call: () => Promise<Answer>): Promise<{ answer: Answer; ms: number }> {
  const t0 = await page.evaluate(() => performance.now());
  const answer = await call();
  const t1 = await page.evaluate(() => performance.now());
  return { answer, ms: t1 - t0 };
}

const serverRow = async (id: string): Promise<Row | undefined> => (await stack.remote.all()).get(id);

describe('e2e-online-writes', () => {
  for (const dialect of ['v3', 'v2'] as const) {
    test(`T-01: ${dialect} — insert, update and delete online return the server's answers; local rows equal the server's; no op remains`, async () => {
      const app = await openApp(stack.browser, stack.proxy, `/configured.html?api=${dialect}&dialect=${dialect}`);
      const api = pageApi(app.page);
      await api.list();
      await waitForPull(app.page);

      const created = await api.insert({ id: 'o1', text: 'online', done: false, rank: 1 });
      let server = (await serverRow('o1'))!;
      expect(created).toMatchObject({ status: 201, headers: { 'x-tablesync': 'upstream', etag: etagOf(server) }, body: server });
      expect(created.headers['location']).toMatch(/\/tables\/todoitem\/o1$/);
      expect((await api.get('o1')).body).toEqual(server); // the local row is the server row, system properties and all

      const updated = dialect === 'v2' ? await api.patch('o1', { text: 'renamed' }, created.headers['etag']) : await api.replace('o1', { text: 'renamed', done: false, rank: 1 }, created.headers['etag']);
      server = (await serverRow('o1'))!;
      expect(updated).toMatchObject({ status: 200, headers: { 'x-tablesync': 'upstream', etag: etagOf(server) }, body: server });
      expect(server['text']).toBe('renamed');
      const local = await api.get('o1');
      expect([local.headers['x-tablesync'], local.body]).toEqual(['local', server]);

      const deleted = await api.remove('o1', updated.headers['etag']);
      server = (await serverRow('o1'))!;
      expect(server['deleted']).toBe(true);
      if (dialect === 'v2') expect(deleted).toMatchObject({ status: 200, headers: { 'x-tablesync': 'upstream' }, body: server });
      else expect([deleted.status, deleted.headers['x-tablesync'], deleted.body]).toEqual([204, 'upstream', undefined]);
      expect((await api.get('o1')).status).toBe(404);
      expect(await syncApi(app.page).pending()).toEqual([]);
      expect(stack.proxy.writes().map((s) => `${s.method} ${s.status}`)).toEqual(['POST 201', `${dialect === 'v2' ? 'PATCH' : 'PUT'} 200`, `DELETE ${dialect === 'v2' ? 200 : 204}`]);
      expect([...app.devtools.errors]).toEqual([]);
      await app.close();
    });
  }

  test('T-02: a stale If-Match (412), an id another device took (409) and another 4xx reach the app as they came; no op, the local row is the server\'s', async () => {
    await stack.remote.insert({ id: 'k1', text: 'base', done: false });
    const app = await openApp(stack.browser, stack.proxy, '/configured.html?api=v2&dialect=v2&policy=clientWins');
    const api = pageApi(app.page);
    await api.list();
    await waitForPull(app.page);
    const stale = etagOf((await api.get('k1')).body as Row);
    const theirs = await stack.remote.replace('k1', { text: 'theirs', done: true });

    // 412: the app's ETag is stale on the server (locally it still passes, F-11); clientWins does not run.
    const refused = await api.patch('k1', { text: 'mine' }, stale);
    expect(refused).toMatchObject({ status: 412, headers: { 'x-tablesync': 'upstream', etag: etagOf(theirs) }, body: theirs });
    expect((await api.get('k1')).body).toEqual(theirs);
    expect((await serverRow('k1'))!['text']).toBe('theirs');

    // 409: an id another device inserted, not pulled yet.
    const other = await stack.remote.insert({ id: 'x1', text: 'their insert', done: false });
    const taken = await api.insert({ id: 'x1', text: 'mine', done: false });
    expect(taken).toMatchObject({ status: 409, headers: { 'x-tablesync': 'upstream' }, body: other });
    expect((await api.get('x1')).body).toEqual(other);

    // Another 4xx: a v2 body with a reserved property, which the worker alone would drop (F-12); the server refuses it.
    const reserved = await api.insert({ id: 'r1', text: 'reserved', createdAt: '2020-01-01T00:00:00.000Z' });
    expect(reserved).toMatchObject({ status: 400, headers: { 'x-tablesync': 'upstream' }, body: { code: 'reserved_property' } });
    expect((await api.get('r1')).status).toBe(404);
    expect(await serverRow('r1')).toBeUndefined();

    expect([await syncApi(app.page).pending(), await syncApi(app.page).conflicts()]).toEqual([[], []]); // nothing to replay
    expect(stack.proxy.writes().map((s) => `${s.method} ${s.status}`)).toEqual(['PATCH 412', 'POST 409', 'POST 400']);
    expect([...app.devtools.errors]).toEqual([]);
    await app.close();
  });

  test('T-04: a hung server gives the local answer within writeTimeoutMs + 0.5 s, the next write answers at once, and the server has each write once', async () => {
    const app = await openApp(stack.browser, stack.proxy, '/configured.html?write-timeout-ms=800');
    const api = pageApi(app.page);
    await api.list();
    await waitForPull(app.page);

    // The server applies the insert; its answer hangs.
    const held = stack.proxy.holdAnswer((s) => s.method === 'POST');
    const first = await timed(app.page, () => api.insert({ id: 'h1', text: 'hung', done: false }));
    expect([first.answer.status, first.answer.headers['x-tablesync']]).toEqual([201, 'local']);
    expect(first.ms).toBeGreaterThanOrEqual(750);
    expect(first.ms).toBeLessThan(800 + 500);
    await held.arrived;

    // The network counts as down now: the next write does not wait.
    const second = await timed(app.page, () => api.insert({ id: 'h2', text: 'after', done: false }));
    expect([second.answer.status, second.answer.headers['x-tablesync']]).toEqual([201, 'local']);
    expect(second.ms).toBeLessThan(800);

    // The late answer settles the first op; the second is replayed; each write reached the server once.
    held.release();
    await waitForDrain(app.page);
    const posts = stack.proxy.writes().filter((s) => s.method === 'POST').map((s) => [(s.body as Row)['id'], s.status]);
    expect(posts).toEqual([
      ['h1', 201],
      ['h2', 201],
    ]);
    expect([appFields((await serverRow('h1'))!), appFields((await serverRow('h2'))!)]).toEqual([
      { id: 'h1', text: 'hung', done: false },
      { id: 'h2', text: 'after', done: false },
    ]);
    expect([...app.devtools.errors]).toEqual([]);
    await app.close();
  });

  test('T-04: with the network cut the write answers locally and replays once when it returns', async () => {
    const app = await openApp(stack.browser, stack.proxy, '/index.html');
    const api = pageApi(app.page);
    await api.list();
    await waitForPull(app.page);
    stack.proxy.block(true);
    const cut = await timed(app.page, () => api.insert({ id: 'n1', text: 'cut', done: false }));
    expect([cut.answer.status, cut.answer.headers['x-tablesync']]).toEqual([201, 'local']);
    expect(cut.ms).toBeLessThan(5000 + 500);
    stack.proxy.block(false);
    await app.page.evaluate(() => navigator.serviceWorker.controller!.postMessage({ type: 'tablesync:online' }));
    await waitForDrain(app.page);
    expect(stack.proxy.writes().filter((s) => s.method === 'POST').map((s) => s.status)).toEqual([201]);
    // Back online, writes are written through again.
    expect((await api.insert({ id: 'n2', text: 'back', done: false })).headers['x-tablesync']).toBe('upstream');
    expect([...app.devtools.errors]).toEqual([]);
    await app.close();
  });

  test('T-05: writes behind an older op waiting are answered locally at once; the server receives every op in seq order', async () => {
    const app = await openApp(stack.browser, stack.proxy, '/index.html');
    const api = pageApi(app.page);
    await api.list();
    await waitForPull(app.page);
    // The first write's answer hangs on its way back: its op stays in flight meanwhile.
    const held = stack.proxy.holdAnswer((s) => s.method === 'POST' && (s.body as Row)['id'] === 'q1');
    const first = api.insert({ id: 'q1', text: 'first', done: false });
    await held.arrived;
    const later: Answer[] = [];
    for (const id of ['q2', 'q3', 'q4']) later.push(await api.insert({ id, text: id, done: false }));
    expect(later.map((a) => [a.status, a.headers['x-tablesync']])).toEqual([
      [201, 'local'],
      [201, 'local'],
      [201, 'local'],
    ]);
    held.release();
    expect((await first).headers['x-tablesync']).toBe('upstream');
    await waitForDrain(app.page);
    expect(stack.proxy.writes().map((s) => (s.body as Row)['id'])).toEqual(['q1', 'q2', 'q3', 'q4']);
    expect(stack.proxy.maxWritesInFlight()).toBe(1);
    expect([...app.devtools.errors]).toEqual([]);
    await app.close();
  });

  test('T-06: writes: local-first answers every write locally, online too, and replays them afterwards', async () => {
    await stack.remote.insert({ id: 'l1', text: 'base', done: false });
    const app = await openApp(stack.browser, stack.proxy, '/configured.html?writes=local-first');
    const api = pageApi(app.page);
    await api.list();
    await waitForPull(app.page);
    const l1 = (await api.get('l1')).body as Row;
    const answers = [
      await api.insert({ id: 'l2', text: 'new', done: false }),
      await api.replace('l1', { text: 'changed', done: true }, etagOf(l1)),
      await api.remove('l2'),
    ];
    expect(answers.map((a) => [a.status, a.headers['x-tablesync'], a.headers['etag'] ?? null])).toEqual([
      [201, 'local', null],
      [200, 'local', etagOf(l1)],
      [204, 'local', null],
    ]);
    await waitFor(async () => (await serverRow('l1'))?.['text'] === 'changed', { message: 'the replayed update' });
    await waitForDrain(app.page);
    // l2 never lives on the server: never sent (W-06), or sent and then deleted, as the sync event decided.
    expect([undefined, true]).toContain((await serverRow('l2'))?.['deleted']);
    expect([...app.devtools.errors]).toEqual([]);
    await app.close();
  });
});
