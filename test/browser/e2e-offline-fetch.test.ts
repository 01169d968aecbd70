/**
 * Issue 5 acceptance: an app written against plain `fetch` on /tables/todoitem (no tablesync API)
 * keeps working with the network cut, gets the answers the server would give for the same data,
 * and once the network is back the server holds exactly its writes: none lost, none twice.
 */
import { describe, expect, test } from 'vitest';
import {
  appFields,
  listShape,
  openApp,
  pageApi,
  versionNumber,
  useStack,
  waitForDrain,
  waitForPull,
  type Answer,
  type Row,
} from './fixtures/e2e/harness.js';

const stack = useStack();

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const SEEDS: Row[] = [
  { id: 'a1', text: 'apples', done: false, rank: 3 },
  { id: 'b1', text: 'bananas', done: false, rank: 2 },
  { id: 'c1', text: 'cherries', done: true, rank: 7 },
  { id: 'd1', text: 'dates', done: false, rank: 4 },
  { id: 'e1', text: 'elderberries', done: true, rank: 8 },
  { id: 'f1', text: 'figs', done: false, rank: 6 },
];

/** Queries the app makes offline; each is asked of the server afterwards, for the same data. */
const QUERIES = [
  '',
  '$filter=(done eq false)&$orderby=text',
  '$orderby=rank desc&$top=3&$skip=1&$count=true',
  "$filter=((rank gt 2) and startswith(text,'n'))&$count=true",
  '$orderby=text&$top=2&$count=true',
  '$filter=(done eq true)&$select=id,text&$orderby=text',
  "$filter=(not (text eq 'figs'))&$orderby=rank,text&$skip=2",
  '$orderby=id&$skip=100&$count=true',
  '$top=-1',
  '$filter=(text eq',
  '$filter=geo.distance(a,b) lt 1',
] as const;

describe('e2e-offline-fetch', () => {
  test('F-01 F-03 F-06 F-07 F-08 F-09 F-10 F-13 U-05 U-06: plain fetch writes and reads offline, the server then holds exactly those writes', async () => {
    const remote = stack.remote;
    for (const row of SEEDS) await remote.insert(row);
    const seeded = await remote.all();
    const seedMax = [...seeded.values()].reduce((max, r) => (versionNumber(r['version']) > max ? versionNumber(r['version']) : max), 0n);

    const app = await openApp(stack.browser, stack.proxy, '/index.html');
    const api = pageApi(app.page);
    // Online, the first read starts the first pull (F-04); the app then has the table locally.
    const first = await api.list('$orderby=id');
    expect(first.status).toBe(200);
    await waitForPull(app.page);

    await app.setOffline(true);
    const local = (answer: Answer): Answer => {
      expect(answer.headers['x-tablesync'], JSON.stringify(answer)).toBe('local');
      return answer;
    };

    // F-08: inserts, with and without an id.
    const n1 = local(await api.insert({ id: 'n1', text: 'nectarines', done: false, rank: 5 }));
    expect(n1.status).toBe(201);
    expect(n1.headers['location']).toMatch(/\/tables\/todoitem\/n1$/);
    // F-07: never acknowledged, so no server-made system properties, no ETag.
    expect(n1.body).toEqual({ id: 'n1', text: 'nectarines', done: false, rank: 5, deleted: false });
    expect(n1.headers['etag']).toBeUndefined();
    const grapes = local(await api.insert({ text: 'grapes', done: true, rank: 1 }));
    expect(grapes.status).toBe(201);
    const grapesId = String((grapes.body as Row)['id']);
    expect(grapesId).toMatch(UUID_V4);
    const kiwis = local(await api.insert({ text: 'kiwis', done: false, rank: 9 }));
    const kiwisId = String((kiwis.body as Row)['id']);
    expect(kiwisId).toMatch(UUID_V4);
    expect(local(await api.insert({ id: 'a1', text: 'again', done: false })).status).toBe(409);

    // F-06: lookup, with the pulled row's ETag; 304 on If-None-Match; 404 for an absent id.
    const b1 = local(await api.get('b1'));
    expect(b1.status).toBe(200);
    expect(b1.body).toEqual(seeded.get('b1'));
    expect(b1.headers['etag']).toBe(`"${String(seeded.get('b1')!['version'])}"`);
    expect(local(await api.get('b1', { 'If-None-Match': b1.headers['etag']! })).status).toBe(304);
    const absent = local(await api.get('zz'));
    expect([absent.status, (absent.body as Row)['code']]).toEqual([404, 'item_not_found']);
    expect(local(await api.get(grapesId)).body).toEqual(grapes.body);

    // F-09, F-10: PUT with If-Match replaces; system properties stay the server's; a stale tag gets 412.
    const updated = local(await api.replace('b1', { id: 'b1', text: 'bananas (ripe)', done: true, rank: 2 }, b1.headers['etag']));
    expect(updated.status).toBe(200);
    const b1Server = seeded.get('b1')!;
    expect(updated.body).toEqual({
      id: 'b1',
      text: 'bananas (ripe)',
      done: true,
      rank: 2,
      createdAt: b1Server['createdAt'],
      updatedAt: b1Server['updatedAt'],
      version: b1Server['version'],
      deleted: false,
    });
    const stale = local(await api.replace('c1', { text: 'mine' }, '"not-a-version"'));
    expect(stale.status).toBe(412);
    expect(stale.body).toEqual(seeded.get('c1'));
    // The rename of a row the server never saw collapses into its insert (W-05).
    expect(local(await api.replace('n1', { text: 'nectarines!', done: false, rank: 5 })).status).toBe(200);

    // F-13: DELETE with If-Match answers 204 (v3); the row is gone locally.
    const deleted = local(await api.remove('d1', `"${String(seeded.get('d1')!['version'])}"`));
    expect([deleted.status, deleted.body]).toEqual([204, undefined]);
    expect(local(await api.get('d1')).status).toBe(404);

    // F-03: the queries, answered locally.
    const offline = new Map<string, Answer>();
    for (const query of QUERIES) offline.set(query, local(await api.list(query)));
    expect(app.upstream.writes()).toEqual([]);

    // Back online: Background Sync fires when the network returns (TESTING.md §4) and pushes.
    await app.setOffline(false);
    await waitForDrain(app.page);

    // Exactly these writes reached the server, once each (U-05, U-06).
    const writes = app.upstream.writes().map((s) => ({
      call: `${s.method} ${s.url.pathname}`,
      ifMatch: s.headers['if-match'] ?? null,
      version: s.headers['zumo-api-version'],
      status: s.status,
      id: s.method === 'POST' ? (s.body as Row)['id'] : null,
    }));
    expect(writes.sort((x, y) => `${x.call}${String(x.id)}`.localeCompare(`${y.call}${String(y.id)}`))).toEqual(
      [
        { call: 'DELETE /tables/todoitem/d1', ifMatch: `"${String(seeded.get('d1')!['version'])}"`, version: '3.0.0', status: 204, id: null },
        { call: 'POST /tables/todoitem', ifMatch: null, version: '3.0.0', status: 201, id: grapesId },
        { call: 'POST /tables/todoitem', ifMatch: null, version: '3.0.0', status: 201, id: kiwisId },
        { call: 'POST /tables/todoitem', ifMatch: null, version: '3.0.0', status: 201, id: 'n1' },
        { call: 'PUT /tables/todoitem/b1', ifMatch: `"${String(b1Server['version'])}"`, version: '3.0.0', status: 200, id: null },
      ].sort((x, y) => `${x.call}${String(x.id)}`.localeCompare(`${y.call}${String(y.id)}`)),
    );

    // The server's rows: the writes applied, nothing else changed, each write applied once.
    const after = await remote.all();
    expect([...after.keys()].sort()).toEqual(['a1', 'b1', 'c1', 'd1', 'e1', 'f1', grapesId, kiwisId, 'n1'].sort());
    expect(appFields(after.get('n1')!)).toEqual({ id: 'n1', text: 'nectarines!', done: false, rank: 5 });
    expect(appFields(after.get(grapesId)!)).toEqual({ id: grapesId, text: 'grapes', done: true, rank: 1 });
    expect(appFields(after.get(kiwisId)!)).toEqual({ id: kiwisId, text: 'kiwis', done: false, rank: 9 });
    expect(appFields(after.get('b1')!)).toEqual({ id: 'b1', text: 'bananas (ripe)', done: true, rank: 2 });
    expect(after.get('d1')!['deleted']).toBe(true);
    for (const id of ['a1', 'c1', 'e1', 'f1']) expect(after.get(id)).toEqual(seeded.get(id));
    // Versions come from one database-wide sequence: five writes took exactly five new numbers.
    const fresh = [...after.values()].map((r) => versionNumber(r['version'])).filter((v) => v > seedMax);
    expect(fresh.sort((x, y) => (x < y ? -1 : 1))).toEqual([1n, 2n, 3n, 4n, 5n].map((k) => seedMax + k));

    // F-03: the server answers the same questions the same way for the same data.
    for (const query of QUERIES) {
      const fromServer = await remote.list(query);
      expect(listShape(offline.get(query)!), `GET /tables/todoitem?${query}`).toEqual(listShape(fromServer));
    }
    // And now that every write is acknowledged, the local rows carry the server's system properties.
    const everything = '$orderby=id&$top=50';
    expect(listShape(local(await api.list(everything)), (r) => r)).toEqual(listShape(await remote.list(everything), (r) => r));

    expect([...app.devtools.errors]).toEqual([]);
    await app.close();
  });
});
