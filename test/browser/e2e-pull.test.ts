/**
 * Issue 5 acceptance: another client's changes and deletes arrive by incremental pull, after which
 * reads never leave the worker (F-05); a 1,000-row table where 300 rows share one `updatedAt`
 * millisecond pulls completely across pages (L-08, L-10).
 *
 * Rows sharing a millisecond can only be made in SQL, so this file runs the reference server on
 * PostgreSQL (`startServer({ databaseUrl, databaseSchema })`, the suite's TEST_DATABASE_URL) and
 * writes those rows into its schema directly.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { assertPostgresReachable, dropSchema, TEST_DATABASE_URL, uniqueSchema } from '../server/support/databases.js';
import { listShape, openApp, pageApi, syncApi, useStack, waitForPull, type Answer, type Row, type Sent } from './fixtures/e2e/harness.js';

const schema = uniqueSchema('e2e_pull');
const stack = useStack({
  // A configured page size holds for pulls too (no bigger sync pages), so L-08's drain runs across 100-row pages.
  server: { databaseUrl: TEST_DATABASE_URL, databaseSchema: schema, tables: [{ name: 'todoitem', softDelete: true, pageSize: 100 }] },
  cleanup: () => dropSchema(schema),
});
let sql: pg.Pool;

beforeAll(async () => {
  await assertPostgresReachable();
  sql = new pg.Pool({ connectionString: TEST_DATABASE_URL, options: `-c search_path=${schema}`, max: 2 });
});
afterAll(async () => {
  await sql?.end();
});

const gets = (since: number): Sent[] => stack.proxy.sent.slice(since).filter((s) => s.method === 'GET');
const items = (s: Sent): Row[] => ((s.responseBody as { items?: Row[] } | undefined)?.items ?? []) as Row[];

/** Every local row, following nextLink as an app would. */
async function allLocal(api: ReturnType<typeof pageApi>): Promise<Row[]> {
  const rows: Row[] = [];
  let query = '$orderby=id&$top=1000';
  for (let page = 0; page < 100; page++) {
    const answer: Answer = await api.list(query);
    expect(answer.headers['x-tablesync']).toBe('local');
    const body = answer.body as { items: Row[]; nextLink?: string };
    rows.push(...body.items);
    if (!body.nextLink) return rows;
    query = body.nextLink;
  }
  throw new Error('too many pages');
}

describe('e2e-pull', () => {
  test("F-05 L-02 L-03 L-05: another client's changes and deletes arrive by incremental pull; reads then stay local", async () => {
    const { remote, proxy } = stack;
    for (const [i, text] of ['one', 'two', 'three', 'four'].entries()) await remote.insert({ id: `p${i + 1}`, text, done: false, rank: i + 1 });

    const app = await openApp(stack.browser, proxy, '/index.html');
    const api = pageApi(app.page);
    const sync = syncApi(app.page);
    await sync.pull();
    // L-02: the first pull (the one the page's load started, T-09, or this one) asks for everything (no
    // watermark), tombstones included, by updatedAt then id.
    const [first] = gets(0).filter((s) => s.url.searchParams.has('$orderby'));
    expect(first!.url.searchParams.get('$filter') ?? '').not.toContain('updatedAt');
    expect(first!.url.searchParams.get('$orderby')?.replace(/\s/g, '')).toBe('updatedAt,id');
    expect(first!.url.searchParams.get('__includeDeleted')).toBe('true');
    expect((await api.list('$count=true&$top=0')).body).toMatchObject({ count: 4 });

    // Another client changes, deletes and inserts, straight on the server.
    await remote.replace('p2', { text: 'two, changed elsewhere', done: true, rank: 2 });
    await remote.remove('p3');
    await remote.insert({ id: 'p5', text: 'five', done: false, rank: 5 });

    let mark = proxy.sent.length;
    await sync.pull();
    const incremental = gets(mark);
    // L-03: from the watermark (less the overlap), tombstones included.
    expect(incremental[0]!.url.searchParams.get('$filter')).toMatch(/updatedAt ge cast\(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z,Edm\.DateTimeOffset\)/);
    expect(incremental.flatMap(items).some((r) => r['id'] === 'p3' && r['deleted'] === true)).toBe(true);

    // L-05: the tombstone removed p3, the changed row replaced p2; local equals the server, system properties and all.
    const everything = '$orderby=id&$top=50';
    expect(listShape(await api.list(everything), (r) => r)).toEqual(listShape(await remote.list(everything), (r) => r));
    expect((await api.get('p3')).status).toBe(404);

    // F-05: after a complete pull, reads make no network request.
    mark = proxy.sent.length;
    const reads = [
      await api.list(),
      await api.list('$filter=(done eq false)&$orderby=rank desc'),
      await api.list('$count=true&$top=1&$skip=1'),
      await api.get('p2'),
      await api.get('p3'),
      await api.get('nope'),
    ];
    expect(reads.map((r) => r.headers['x-tablesync'])).toEqual(reads.map(() => 'local'));
    expect(reads.map((r) => r.status)).toEqual([200, 200, 200, 200, 404, 404]);
    expect(proxy.sent.slice(mark)).toEqual([]);

    expect([...app.devtools.errors]).toEqual([]);
    await app.close();
  });

  test('L-06 L-07 L-08 L-10: 1,000 rows, 300 of them in one millisecond, pull completely across pages', async () => {
    // Rows r0000…r0999 five milliseconds apart, except r0350…r0649, which all share 00:00:01.750.
    await sql.query(`
      insert into todoitem (id, created_at, updated_at, version, deleted, data)
      select id, at, at, encode(int8send(nextval('tablesync_version')), 'base64'), false,
             jsonb_build_object('text', 'row ' || i, 'done', i % 3 = 0, 'rank', i)
      from (select i, 'r' || lpad(i::text, 4, '0') as id,
                   timestamptz '2026-01-01 00:00:00+00' + (case when i between 350 and 649 then 350 else i end) * interval '5 milliseconds' as at
            from generate_series(0, 999) as i) rows`);
    const shared = await sql.query<{ n: string }>(`select count(*) as n from todoitem where updated_at = timestamptz '2026-01-01 00:00:01.750+00'`);
    expect(Number(shared.rows[0]!.n)).toBe(300);

    const app = await openApp(stack.browser, stack.proxy, '/index.html');
    const api = pageApi(app.page);
    await syncApi(app.page).pull();
    // The first complete pull: the page's load starts one too (T-09), so it is this one or that one. Pulls of a
    // table never overlap, so its requests run from the one without a watermark to the first short page.
    const sent = gets(0);
    const start = sent.findIndex((s) => !(s.url.searchParams.get('$filter') ?? '').includes('updatedAt'));
    const end = sent.findIndex((s, i) => i >= start && items(s).length < 100 && (s.responseBody as { nextLink?: string }).nextLink === undefined);
    expect([start >= 0, end >= start]).toEqual([true, true]);
    const pulls = sent.slice(start, end + 1);

    // Every row arrived, none missing, none extra.
    const local = await allLocal(api);
    expect(local.length).toBe(1000);
    expect(local.map((r) => r['id'])).toEqual(Array.from({ length: 1000 }, (_, i) => `r${String(i).padStart(4, '0')}`));
    expect(listShape(await api.list('$orderby=id&$skip=340&$top=320'), (r) => r)).toEqual(
      listShape(await stack.remote.list('$orderby=id&$skip=340&$top=320'), (r) => r),
    );

    // L-07: the cursor moves by updatedAt, never by $skip.
    expect(pulls.filter((s) => s.url.searchParams.has('$skip'))).toEqual([]);
    // L-08: the shared millisecond is drained by id within [C, C+1ms).
    const drains = pulls.filter((s) => (s.url.searchParams.get('$filter') ?? '').includes('updatedAt lt'));
    expect(drains.length).toBeGreaterThanOrEqual(3);
    for (const d of drains) {
      expect(d.url.searchParams.get('$filter')).toContain('01.750Z');
      expect(d.url.searchParams.get('$orderby')?.replace(/\s/g, '')).toBe('id');
    }
    expect(drains.slice(1).every((d) => /id gt '/.test(d.url.searchParams.get('$filter') ?? ''))).toBe(true);
    const drained = new Set(drains.flatMap(items).map((r) => r['id']));
    for (let i = 350; i < 650; i++) expect(drained.has(`r${String(i).padStart(4, '0')}`)).toBe(true);
    // L-10: it ended (the short page without a continuation found above) after a bounded number of requests.
    expect(pulls.length).toBeLessThan(30);

    // L-06: the watermark is the newest updatedAt (00:00:04.995): the next pull starts there, less the 1 s overlap.
    const again = stack.proxy.sent.length;
    await syncApi(app.page).pull();
    expect(gets(again)[0]!.url.searchParams.get('$filter')).toContain('cast(2026-01-01T00:00:03.995Z,Edm.DateTimeOffset)');

    expect([...app.devtools.errors]).toEqual([]);
    await app.close();
  });
  test('L-06 L-11 with prefetch: the worker stopped while page n commits and page n+1 is on the wire resumes from a stored page; every row arrives', async () => {
    await sql.query('delete from todoitem');
    // 450 rows a millisecond apart: pages of 100, each fetched while the one before it commits.
    await sql.query(`
      insert into todoitem (id, created_at, updated_at, version, deleted, data)
      select 'p' || lpad(i::text, 4, '0'), at, at, encode(int8send(nextval('tablesync_version')), 'base64'), false, jsonb_build_object('rank', i)
      from (select i, timestamptz '2026-02-01 00:00:00+00' + i * interval '1 millisecond' as at from generate_series(0, 449) as i) rows`);
    const pullGets = (s: Sent): boolean => s.method === 'GET' && s.url.searchParams.get('__includeDeleted') === 'true';
    let seen = 0;
    // The third page's answer is held: by then the second page's rows and cursor are being committed.
    const held = stack.proxy.holdAnswer((s) => pullGets(s) && ++seen === 3);
    const app = await openApp(stack.browser, stack.proxy, '/index.html');
    const api = pageApi(app.page);
    void api.list().catch(() => undefined); // the first read starts the pull (F-04)
    const third = await held.arrived;
    expect(items(third)).toHaveLength(100);
    await app.devtools.stopAllWorkers();
    held.release();

    const restartedAt = stack.proxy.sent.length;
    await syncApi(app.page).pull();
    const local = await allLocal(api);
    expect(local.map((r) => r['id'])).toEqual(Array.from({ length: 450 }, (_, i) => `p${String(i).padStart(4, '0')}`));
    // Resumed from a committed page's watermark (page 1's or page 2's last row, less the overlap), not from the start.
    const resumed = stack.proxy.sent.slice(restartedAt).filter(pullGets);
    const from = resumed[0]!.url.searchParams.get('$filter');
    expect(['updatedAt ge cast(2026-01-31T23:59:59.099Z,Edm.DateTimeOffset)', 'updatedAt ge cast(2026-01-31T23:59:59.198Z,Edm.DateTimeOffset)']).toContain(from);
    expect([...app.devtools.errors]).toEqual([]);
    await app.close();
  });
});
