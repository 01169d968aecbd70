import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunningServer } from '../../src/server/start-server.js';
import { createClient, DIALECTS, type Client } from './support/client.js';
import { DATABASES } from './support/databases.js';
import { startTestServer } from './support/test-server.js';

const SEED = [
  { id: 'a', text: 'apple', n: 3, done: false },
  { id: 'b', text: 'banana', n: 1, done: true },
  { id: 'c', text: 'cherry', n: null },
  { id: 'd', text: 'date', n: 2 },
  { id: 'e', text: 'elder' },
  { id: 'f', text: 'fig', n: 10, done: true },
];
const LIVE = ['a', 'b', 'c', 'e', 'f'];
const BULK = 520;

const ids = (body: unknown): string[] => {
  const rows = Array.isArray(body) ? body : ((body as { items?: unknown[]; results?: unknown[] }).items ?? (body as { results: unknown[] }).results);
  return (rows as { id: string }[]).map((r) => r.id);
};

describe.each(DATABASES)('reads on %s', (kind) => {
  let server: RunningServer;
  let dispose: () => Promise<void>;
  let api: Client;
  const rows: Record<string, Record<string, unknown>> = {};

  beforeAll(async () => {
    ({ server, dispose } = await startTestServer(kind, 'reads', {
      tables: [{ name: 'todoitem' }, { name: 'bulk' }, { name: 'pages', pageSize: 2 }],
    }));
    api = createClient(server.url);
    for (const body of SEED) rows[body.id] = (await api('POST', '/tables/todoitem', { dialect: 'v2', body })).body;
    rows['d'] = (await api('DELETE', '/tables/todoitem/d', { dialect: 'v2' })).body;
    for (const id of ['p1', 'p2', 'p3', 'p4', 'p5']) await api('POST', '/tables/pages', { dialect: 'v2', body: { id } });
    const bulkIds = Array.from({ length: BULK }, (_, i) => `r${String(i).padStart(4, '0')}`);
    for (let i = 0; i < bulkIds.length; i += 20) {
      await Promise.all(bulkIds.slice(i, i + 20).map((id) => api('POST', '/tables/bulk', { dialect: 'v2', body: { id, i } })));
    }
  });
  afterAll(async () => dispose());

  test.each([
    { version: '2.0.0', shape: 'array' },
    { version: '3.0.0', shape: 'items' },
    { version: null, shape: 'items' },
  ])('S-01: a list with ZUMO-API-VERSION $version is an $shape', async ({ version, shape }) => {
    const r = await api('GET', '/tables/todoitem', { dialect: null, headers: version === null ? {} : { 'zumo-api-version': version } });
    expect(r.status).toBe(200);
    if (shape === 'array') expect(Array.isArray(r.body)).toBe(true);
    else expect(Object.keys(r.body)).toEqual(['items']);
    expect(ids(r.body)).toEqual(LIVE);
  });

  test.each(['zumo-api-version', 'ZUMO-API-VERSION', 'Zumo-Api-Version'])('S-02: ?%s=2.0.0 selects v2 over a 3.0.0 header', async (name) => {
    const r = await api('GET', `/tables/todoitem?${name}=2.0.0`, { dialect: 'v3' });
    expect(Array.isArray(r.body)).toBe(true);
  });

  test.each(['2.0', '2.0.7', '3.0', '3.0.1'])('S-03: ZUMO-API-VERSION %s is accepted', async (version) => {
    const r = await api('GET', '/tables/todoitem', { dialect: null, headers: { 'zumo-api-version': version } });
    expect(r.status).toBe(200);
  });

  test.each(['1.0.0', '2.1.0', '4.0.0', 'x'])('S-03: ZUMO-API-VERSION %s gets 400 invalid_api_version', async (version) => {
    const header = await api('GET', '/tables/todoitem', { dialect: null, headers: { 'zumo-api-version': version } });
    const query = await api('GET', `/tables/todoitem?ZUMO-API-VERSION=${version}`, { dialect: null });
    for (const r of [header, query]) expect([r.status, r.body.code]).toEqual([400, 'invalid_api_version']);
  });

  test('S-04: OPTIONS without version or credentials gets 204 with CORS allow headers', async () => {
    const r = await api('OPTIONS', '/tables/todoitem/a', {
      dialect: null,
      headers: { origin: 'http://app.example', 'access-control-request-method': 'PATCH', 'access-control-request-headers': 'zumo-api-version,if-match,authorization' },
    });
    expect(r.status).toBe(204);
    expect(r.headers.get('access-control-allow-methods')).toMatch(/PATCH/);
    expect(r.headers.get('access-control-allow-headers')).toMatch(/if-match/);
    expect(r.headers.get('access-control-allow-origin')).toBeTruthy();
  });

  test.each([
    ['GET', '/tables/todoitem'],
    ['GET', '/tables/todoitem/a'],
    ['GET', '/tables/nope'],
    ['POST', '/tables/todoitem'],
  ])('S-04: %s %s with Origin exposes ETag, Link, Location, Last-Modified', async (method, path) => {
    const r = await api(method, path, { headers: { origin: 'http://app.example' }, ...(method === 'POST' ? { raw: 'x' } : {}) });
    const exposed = (r.headers.get('access-control-expose-headers') ?? '').split(/,\s*/).map((h) => h.toLowerCase());
    expect(exposed).toEqual(expect.arrayContaining(['etag', 'link', 'location', 'last-modified']));
  });

  test.each(DIALECTS)('S-05: an unconfigured table gets 404 table_not_found; PATCH or DELETE /tables/t gets 405 with Allow (%s)', async (dialect) => {
    const r = await api('GET', '/tables/nope', { dialect });
    expect([r.status, r.body.code]).toEqual([404, 'table_not_found']);
    for (const method of ['PATCH', 'DELETE']) {
      const m = await api(method, '/tables/todoitem', { dialect });
      expect([m.status, m.body.code]).toEqual([405, 'method_not_allowed']);
      expect(m.headers.get('allow')).toMatch(/GET/);
    }
  });

  describe.each(DIALECTS)('%s', (dialect) => {
    test(`S-14: GET by id gets the full row (even with $select), ETag, Last-Modified; If-None-Match hits 304 (${dialect})`, async () => {
      const r = await api('GET', '/tables/todoitem/a?$select=text', { dialect });
      expect(r.status).toBe(200);
      expect(r.body).toEqual(rows['a']);
      expect(r.headers.get('etag')).toBe(`"${String(rows['a']?.['version'])}"`);
      expect(new Date(r.headers.get('last-modified') ?? '').getTime()).toBe(Math.floor(Date.parse(String(rows['a']?.['updatedAt'])) / 1000) * 1000);
      const cached = await api('GET', '/tables/todoitem/a', { dialect, headers: { 'if-none-match': r.headers.get('etag') ?? '' } });
      expect([cached.status, cached.text]).toEqual([304, '']);
      expect(cached.headers.get('etag')).toBe(r.headers.get('etag'));
      const missing = await api('GET', '/tables/todoitem/zz', { dialect });
      expect([missing.status, missing.body.code]).toEqual([404, 'item_not_found']);
    });

    test(`S-15: GET by id of a tombstone gets ${dialect === 'v2' ? '404' : '410'}, and 200 with __includeDeleted=true`, async () => {
      const r = await api('GET', '/tables/todoitem/d', { dialect });
      expect([r.status, r.body.code]).toEqual(dialect === 'v2' ? [404, 'item_not_found'] : [410, 'item_deleted']);
      const flagged = await api('GET', '/tables/todoitem/d?__includeDeleted=true', { dialect });
      expect(flagged.status).toBe(200);
      expect(flagged.body).toEqual(rows['d']);
    });

    test.each([
      { query: '', want: LIVE },
      { query: '?__includeDeleted=true', want: ['a', 'b', 'c', 'd', 'e', 'f'] },
      { query: '?__INCLUDEDELETED=TRUE', want: ['a', 'b', 'c', 'd', 'e', 'f'] },
      { query: '?__includedeleted=True', want: ['a', 'b', 'c', 'd', 'e', 'f'] },
      { query: '?__includeDeleted=false', want: LIVE },
      { query: '?__includeDeleted=1', want: LIVE },
    ])(`S-25: a list with '$query' (${dialect})`, async ({ query, want }) => {
      expect(ids((await api('GET', `/tables/todoitem${query}`, { dialect })).body)).toEqual(want);
    });

    test.each(['$inlinecount=allpages', '$count=true'])(`S-26: %s counts every match, ignoring $skip and $top (${dialect})`, async (option) => {
      const r = await api('GET', `/tables/todoitem?${option}&$skip=1&$top=2`, { dialect });
      if (dialect === 'v2') {
        expect(Object.keys(r.body).sort()).toEqual(['count', 'results']);
        expect(ids(r.body)).toEqual(['b', 'c']);
      } else {
        expect(r.body.count).toBe(5);
        expect(ids(r.body)).toEqual(['b', 'c']);
      }
      expect(r.body.count).toBe(5);
      const none = await api('GET', `/tables/todoitem?${option.replace('allpages', 'none').replace('true', 'false')}`, { dialect });
      expect(none.body.count).toBeUndefined();
    });

    test(`S-31: rows follow $orderby then id; nulls first ascending, last descending (${dialect})`, async () => {
      expect(ids((await api('GET', '/tables/todoitem?$orderby=n', { dialect })).body)).toEqual(['c', 'e', 'b', 'a', 'f']);
      expect(ids((await api('GET', '/tables/todoitem?$orderby=n desc', { dialect })).body)).toEqual(['f', 'a', 'b', 'c', 'e']);
      expect(ids((await api('GET', '/tables/todoitem?$orderby=done desc,text', { dialect })).body)).toEqual(['b', 'f', 'a', 'c', 'e']);
      expect(ids((await api('GET', '/tables/todoitem', { dialect })).body)).toEqual(LIVE);
    });

    test(`S-32: $select=text,done returns list rows with only those keys (${dialect})`, async () => {
      const r = await api('GET', '/tables/todoitem?$select=text,done&$filter=id eq \'a\'', { dialect });
      const [row] = dialect === 'v2' ? r.body : r.body.items;
      expect(row).toEqual({ text: 'apple', done: false });
    });

    test(`S-35: not (n gt 1) matches null and missing n; n gt 1 does not (${dialect})`, async () => {
      expect(ids((await api('GET', `/tables/todoitem?$filter=${encodeURIComponent('not (n gt 1)')}`, { dialect })).body)).toEqual(['b', 'c', 'e']);
      expect(ids((await api('GET', `/tables/todoitem?$filter=${encodeURIComponent('n gt 1')}`, { dialect })).body)).toEqual(['a', 'f']);
    });

    test(`S-34: updatedAt ge T includes the row stamped T and gt excludes it, in every literal form (${dialect})`, async () => {
      const stamp = String(rows['a']?.['updatedAt']);
      const [date, time] = stamp.slice(0, -1).split('T') as [string, string];
      const [hms, ms] = time.split('.') as [string, string];
      for (const digits of [3, 4, 5, 6, 7]) {
        for (const zone of ['Z', '+00:00']) {
          const t = `${date}T${hms}.${ms.padEnd(digits, '0')}${zone}`;
          for (const literal of [`datetimeoffset'${t}'`, `datetime'${t}'`, `cast(${t},Edm.DateTimeOffset)`, t]) {
            const q = (op: string): string => `/tables/todoitem?$filter=${encodeURIComponent(`(updatedAt ${op} ${literal}) and (id eq 'a')`)}`;
            expect(ids((await api('GET', q('ge'), { dialect })).body), `ge ${literal}`).toEqual(['a']);
            expect(ids((await api('GET', q('gt'), { dialect })).body), `gt ${literal}`).toEqual([]);
          }
        }
      }
      const whole = `datetimeoffset'${date}T${hms}Z'`; // 0 digits: the second the row was stamped in
      const q0 = (op: string): string => `/tables/todoitem?$filter=${encodeURIComponent(`(updatedAt ${op} ${whole}) and (id eq 'a')`)}`;
      expect(ids((await api('GET', q0('ge'), { dialect })).body)).toEqual(['a']);
      expect(ids((await api('GET', q0('lt'), { dialect })).body)).toEqual([]);
    });
  });

  test('S-27: v3 nextLink appears exactly while more rows remain, is a bare query string, and fetches the next page', async () => {
    const seen: string[] = [];
    let query = '';
    for (let page = 0; page < 5; page++) {
      const r = await api('GET', `/tables/pages${query === '' ? '' : `?${query}`}`, { dialect: 'v3' });
      seen.push(...ids(r.body));
      if (r.body.nextLink === undefined) break;
      expect(r.body.nextLink).toMatch(/^[^?/]*\$skip=\d+/);
      expect(r.body.nextLink).toContain(`$skip=${seen.length}`);
      query = r.body.nextLink;
    }
    expect(seen).toEqual(['p1', 'p2', 'p3', 'p4', 'p5']);
    const topped = await api('GET', '/tables/pages?$top=3', { dialect: 'v3' });
    expect(ids(topped.body)).toEqual(['p1', 'p2']);
    expect(topped.body.nextLink).toMatch(/\$top=1/);
    const rest = await api('GET', `/tables/pages?${topped.body.nextLink}`, { dialect: 'v3' });
    expect([ids(rest.body), rest.body.nextLink]).toEqual([['p3'], undefined]);
    const exact = await api('GET', '/tables/pages?$top=2', { dialect: 'v3' });
    expect(exact.body.nextLink).toBeUndefined();
  });

  test('S-28: v2 Link: <absolute URL>; rel=next without angle brackets, none on the last page', async () => {
    const seen: string[] = [];
    let url = `${server.url}/tables/pages?$filter=${encodeURIComponent("id ne 'zz'")}`;
    for (let page = 0; page < 5; page++) {
      const r = await api('GET', url.slice(server.url.length), { dialect: 'v2' });
      seen.push(...ids(r.body));
      const link = r.headers.get('link');
      if (link === null) break;
      expect(link).toMatch(new RegExp(`^${server.url.replace(/[.]/g, '\\.')}/tables/pages\\?.*; rel=next$`));
      url = link.replace(/; rel=next$/, '');
    }
    expect(seen).toEqual(['p1', 'p2', 'p3', 'p4', 'p5']);
  });

  test('S-29: pages hold 50 (v2) or 100 (v3) rows without $top; $top=500 gives 500 in v2, 100 and nextLink in v3', async () => {
    expect(ids((await api('GET', '/tables/bulk', { dialect: 'v2' })).body)).toHaveLength(50);
    expect(ids((await api('GET', '/tables/bulk', { dialect: 'v3' })).body)).toHaveLength(100);
    expect(ids((await api('GET', '/tables/bulk?$top=500', { dialect: 'v2' })).body)).toHaveLength(500);
    const v3 = await api('GET', '/tables/bulk?$top=500', { dialect: 'v3' });
    expect(ids(v3.body)).toHaveLength(100);
    expect(v3.body.nextLink).toBe('$top=400&$skip=100');
  });

  test.each([
    { query: '$top=1001', dialect: 'v2', code: 'top_too_large' },
    { query: '$top=128001', dialect: 'v3', code: 'top_too_large' },
    { query: '$top=-1', dialect: 'v3', code: 'invalid_query' },
    { query: '$skip=x', dialect: 'v2', code: 'invalid_query' },
    { query: '$expand=x', dialect: 'v3', code: 'invalid_query' },
  ] as const)('S-30: $query gets 400 $code ($dialect)', async ({ query, dialect, code }) => {
    const r = await api('GET', `/tables/bulk?${query}`, { dialect });
    expect([r.status, r.body.code]).toEqual([400, code]);
  });

  test('S-30: $top=1001 is fine in v3, $top=0 gives an empty page, unknown parameters are ignored', async () => {
    expect(ids((await api('GET', '/tables/bulk?$top=1001', { dialect: 'v3' })).body)).toHaveLength(100);
    for (const dialect of DIALECTS) {
      const r = await api('GET', '/tables/bulk?$top=0', { dialect });
      expect([r.status, ids(r.body)]).toEqual([200, []]);
    }
    expect(ids((await api('GET', '/tables/todoitem?foo=bar&x', { dialect: 'v2' })).body)).toEqual(LIVE);
  });
  test('sync reads (a pull: $top, __includeDeleted=true, $orderby=updatedAt first, no $skip) get pages of up to 1000 rows and say so; other reads, and tables with a page size, keep theirs', async () => {
    const pull = '$orderby=updatedAt,id&$top=1000&__includeDeleted=true';
    const sync = await api('GET', `/tables/bulk?${pull}`, { dialect: 'v3' });
    expect([ids(sync.body).length, sync.headers.get('x-tablesync-pull-top'), (sync.body as { nextLink?: string }).nextLink]).toEqual([BULK, '1000', undefined]);
    const plain = await api('GET', '/tables/bulk?$orderby=updatedAt,id&$top=1000', { dialect: 'v3' });
    expect([ids(plain.body).length, plain.headers.get('x-tablesync-pull-top')]).toEqual([100, null]);
    const skipped = await api('GET', `/tables/bulk?${pull}&$skip=10`, { dialect: 'v3' });
    expect([ids(skipped.body).length, skipped.headers.get('x-tablesync-pull-top')]).toEqual([100, null]);
    const configured = await api('GET', `/tables/pages?${pull}`, { dialect: 'v3' });
    expect([ids(configured.body).length, configured.headers.get('x-tablesync-pull-top')]).toEqual([2, null]);
    const v2 = await api('GET', `/tables/bulk?${pull.replace('1000', '300')}`, { dialect: 'v2' });
    expect([ids(v2.body).length, v2.headers.get('x-tablesync-pull-top')]).toEqual([300, '1000']);
  });
});
