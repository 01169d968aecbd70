/**
 * Issue 5 acceptance: a v2 app (ZUMO-API-VERSION 2.0.0, PATCH, 200 on DELETE) against a v2
 * upstream, and a v3 app (3.0.0, PUT, 204) against a v3 upstream, end to end: the worker answers
 * each app in its dialect and speaks the same dialect upstream for pushes and pulls.
 */
import { describe, expect, test } from 'vitest';
import { appFields, etagOf, openApp, pageApi, syncApi, useStack, waitForDrain, waitForPull, type Row, type Sent } from './fixtures/e2e/harness.js';

const stack = useStack();

interface Dialect {
  readonly name: 'v2' | 'v3';
  readonly version: string;
  readonly update: 'PATCH' | 'PUT';
  readonly pageSize: number;
  readonly literal: RegExp;
}

const dialects: readonly Dialect[] = [
  { name: 'v2', version: '2.0.0', update: 'PATCH', pageSize: 50, literal: /updatedAt ge datetimeoffset'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z'/ },
  { name: 'v3', version: '3.0.0', update: 'PUT', pageSize: 100, literal: /updatedAt ge cast\(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z,Edm\.DateTimeOffset\)/ },
];

const filterOf = (s: Sent): string => s.url.searchParams.get('$filter') ?? '';

describe('e2e-dialects', () => {
  test.each(dialects)('F-02 F-13 U-04 U-05 L-02 L-03: a $name app against a $name upstream, end to end', async (d) => {
    const { remote, proxy } = stack;
    await remote.insert({ id: 's1', text: 'first', done: false, rank: 1 });
    await remote.insert({ id: 's2', text: 'second', done: false, rank: 2 });

    // The app names its dialect on every request; the upstream follows it (PROTOCOL.md §1, rule 3).
    // `local-first`: this is about the worker's own answers (F-13) and the replay (U-04, U-05); online writes
    // in each dialect get the server's answers (e2e-online-writes.test.ts, T-01).
    const app = await openApp(stack.browser, proxy, `/configured.html?api=${d.name}&dialect=${d.name}&writes=local-first`);
    const api = pageApi(app.page);
    const sync = syncApi(app.page);
    expect(await app.page.evaluate(() => (window as unknown as { api: { version: string } }).api.version)).toBe(d.version);
    await api.list();
    await waitForPull(app.page);

    // F-02: list shapes of the app's dialect.
    const list = await api.list('$orderby=id');
    const counted = await api.list(d.name === 'v2' ? '$orderby=id&$inlinecount=allpages&$top=1' : '$orderby=id&$count=true&$top=1');
    if (d.name === 'v2') {
      expect((list.body as Row[]).map((r) => r['id'])).toEqual(['s1', 's2']);
      expect(counted.body).toMatchObject({ results: [{ id: 's1' }], count: 2 });
    } else {
      expect((list.body as { items: Row[] }).items.map((r) => r['id'])).toEqual(['s1', 's2']);
      expect(counted.body).toMatchObject({ items: [{ id: 's1' }], count: 2 });
    }

    // Writes in the app's dialect.
    const s1 = (await api.get('s1')).body as Row;
    const s2 = (await api.get('s2')).body as Row;
    expect((await api.insert({ id: 's3', text: 'third', done: true, rank: 3 })).status).toBe(201);
    const updated =
      d.name === 'v2' ? await api.patch('s1', { text: 'first, renamed' }, etagOf(s1)) : await api.replace('s1', { text: 'first, renamed', done: false, rank: 1 }, etagOf(s1));
    expect(updated.status).toBe(200);
    expect(appFields(updated.body as Row)).toEqual({ id: 's1', text: 'first, renamed', done: false, rank: 1 });
    const deleted = await api.remove('s2', etagOf(s2));
    if (d.name === 'v2') {
      // F-13: v2 answers 200 with the last row, deleted: true.
      expect(deleted.status).toBe(200);
      expect(deleted.body).toMatchObject({ id: 's2', text: 'second', deleted: true });
    } else {
      expect([deleted.status, deleted.body]).toEqual([204, undefined]);
    }

    // U-04 / U-05: pushed in the same dialect.
    await sync.push();
    await waitForDrain(app.page);
    const writes = proxy.writes().map((s) => ({ call: `${s.method} ${s.url.pathname}`, version: s.headers['zumo-api-version'], ifMatch: s.headers['if-match'] ?? null, status: s.status }));
    expect(writes).toEqual([
      { call: 'POST /tables/todoitem', version: d.version, ifMatch: null, status: 201 },
      { call: `${d.update} /tables/todoitem/s1`, version: d.version, ifMatch: etagOf(s1), status: 200 },
      { call: 'DELETE /tables/todoitem/s2', version: d.version, ifMatch: etagOf(s2), status: d.name === 'v2' ? 200 : 204 },
    ]);
    // Bodies keep `id` and carry no other system property (U-04, U-05).
    for (const s of proxy.writes().filter((x) => x.body !== undefined)) {
      expect(Object.keys(s.body as Row).filter((k) => ['createdAt', 'updatedAt', 'version', 'deleted'].includes(k))).toEqual([]);
      expect((s.body as Row)['id']).toBeDefined();
    }
    const server = await remote.all();
    expect(appFields(server.get('s1')!)).toEqual({ id: 's1', text: 'first, renamed', done: false, rank: 1 });
    expect(server.get('s2')!['deleted']).toBe(true);
    expect(appFields(server.get('s3')!)).toEqual({ id: 's3', text: 'third', done: true, rank: 3 });

    // L-02 / L-03: another client's change comes back by an incremental pull in the same dialect.
    await remote.replace('s3', { text: 'third, from elsewhere', done: true, rank: 3 });
    const before = proxy.sent.length;
    await sync.pull();
    const pulls = proxy.sent.slice(before).filter((s) => s.method === 'GET');
    expect(pulls.length).toBeGreaterThan(0);
    for (const s of pulls) {
      expect(s.headers['zumo-api-version']).toBe(d.version);
      expect(s.url.searchParams.get('$orderby')?.replace(/\s/g, '')).toBe('updatedAt,id');
      expect(s.url.searchParams.get('$top')).toBe(String(d.pageSize));
      expect(s.url.searchParams.get('__includeDeleted')).toBe('true');
      expect(['$skip', '$select', '$count', '$inlinecount'].filter((k) => s.url.searchParams.has(k))).toEqual([]);
    }
    expect(filterOf(pulls[0]!)).toMatch(d.literal);
    expect(appFields((await api.get('s3')).body as Row)).toEqual({ id: 's3', text: 'third, from elsewhere', done: true, rank: 3 });

    expect([...app.devtools.errors]).toEqual([]);
    await app.close();
  });
});
