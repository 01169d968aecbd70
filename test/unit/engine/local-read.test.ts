import { describe, expect, test } from 'vitest';
import type { TableResponse } from '../../../src/core/dialect/types.js';
import { createHarness, type Harness } from './harness.js';

const json = (body: unknown) => body as Record<string, unknown>;

/** Seeds the server with rows, pulls them, and returns a function comparing local with server answers. */
async function seeded(count: number): Promise<{ h: Harness; both: (path: string, version?: '2.0.0' | '3.0.0') => Promise<[TableResponse, TableResponse]> }> {
  const h = createHarness({ tables: [{ name: 'todo', pageSize: 10 }], upstreamTables: [{ name: 'todo', pageSize: 10 }] });
  for (let i = 0; i < count; i++) {
    h.server.write('todo', { id: `id${String(i).padStart(2, '0')}`, n: i % 7, text: i % 3 === 0 ? null : `t${i}`, done: i % 2 === 0 });
    h.clock.advance(1);
  }
  h.server.remove('todo', 'id05');
  await h.ready();
  const both = async (path: string, version?: '2.0.0' | '3.0.0'): Promise<[TableResponse, TableResponse]> => {
    const headers: Record<string, string> = version === undefined ? {} : { 'zumo-api-version': version };
    const local = await h.request('GET', path, { headers });
    const remote = await h.server.remote.send({ method: 'GET', path, headers, body: null });
    if (remote.kind !== 'response') throw new Error('network');
    return [local, { status: remote.status, headers: remote.headers, body: remote.body }];
  };
  return { h, both };
}

const queries = [
  '/tables/todo',
  '/tables/todo?$top=5',
  '/tables/todo?$top=25',
  '/tables/todo?$skip=20',
  '/tables/todo?$orderby=n desc,text&$top=7&$skip=3',
  '/tables/todo?$filter=(done eq true) and (n gt 2)&$count=true',
  '/tables/todo?$filter=not (text eq null)&$inlinecount=allpages&$top=4',
  '/tables/todo?$select=n,done&$top=3',
  '/tables/todo?$filter=startswith(text, \'t1\')&$orderby=text desc',
  '/tables/todo?$top=0',
  '/tables/todo?$filter=bad eq',
  '/tables/todo?$orderby=n%20bogus',
];

describe('local reads', () => {
  test.each(['2.0.0', '3.0.0'] as const)('F-03: list reads give the server\'s rows, order, shape, paging, count, continuation and errors (%s)', async (version) => {
    const { both } = await seeded(30);
    for (const path of queries) {
      const [local, remote] = await both(path, version);
      expect({ path, status: local.status, body: local.body }).toEqual({ path, status: remote.status, body: remote.body });
      expect(local.headers['link']).toBe(remote.headers['link']);
      expect(local.headers['x-tablesync']).toBe('local');
    }
  });

  test('F-03: local rows have no tombstones, so __includeDeleted changes nothing in a list', async () => {
    const { h } = await seeded(8);
    const plain = await h.request('GET', '/tables/todo');
    const flagged = await h.request('GET', '/tables/todo?__includeDeleted=true');
    expect((json(flagged.body)['items'] as unknown[]).length).toBe(7);
    expect(flagged.body).toEqual(plain.body);
  });

  test('F-03: following nextLink pages through every row exactly once', async () => {
    const { h } = await seeded(30);
    const ids: string[] = [];
    let path: string | null = '/tables/todo?$orderby=n';
    while (path !== null) {
      const res: TableResponse = await h.request('GET', path);
      const body = json(res.body);
      ids.push(...(body['items'] as { id: string }[]).map((r) => r.id));
      path = typeof body['nextLink'] === 'string' ? `/tables/todo?${body['nextLink']}` : null;
    }
    expect(ids).toHaveLength(29);
    expect(new Set(ids).size).toBe(29);
  });

  test('F-05: after the first complete pull reads make no network request, and never reload the table', async () => {
    const { h } = await seeded(5);
    // The first read after the pull walks the store; a second later the table warms: once.
    await h.request('GET', '/tables/todo');
    h.clock.advance(1000);
    await h.settle();
    const loads = h.store.getRowsCalls;
    expect(loads).toBe(1);
    for (let i = 0; i < 3; i++) await h.request('GET', '/tables/todo?$filter=n gt 1');
    await h.request('GET', '/tables/todo/id01');
    expect(h.server.requests).toEqual([]);
    expect(h.store.getRowsCalls).toBe(loads);
  });

  test('F-06: GET by id gives the row with ETag, 304 on If-None-Match, 404 when absent in both dialects; __includeDeleted changes nothing', async () => {
    const { h } = await seeded(6);
    const res = await h.request('GET', '/tables/todo/id01');
    expect(res.status).toBe(200);
    const etag = res.headers['etag'] as string;
    expect(etag).toBe(`"${json(res.body)['version'] as string}"`);
    const cached = await h.request('GET', '/tables/todo/id01', { headers: { 'if-none-match': etag } });
    expect([cached.status, cached.body]).toEqual([304, null]);
    for (const version of ['2.0.0', '3.0.0'] as const) {
      for (const path of ['/tables/todo/id05', '/tables/todo/id05?__includeDeleted=true', '/tables/todo/nope']) {
        const missing = await h.request('GET', path, { version });
        expect([missing.status, json(missing.body)['code']]).toEqual([404, 'item_not_found']);
      }
    }
  });

  test('F-07: a row the server never acknowledged has no version, createdAt, updatedAt or ETag; every row has deleted: false', async () => {
    const h = createHarness();
    await h.ready();
    await h.request('POST', '/tables/todo', { body: { id: 'a', text: 'x', deleted: true } });
    const res = await h.request('GET', '/tables/todo/a');
    expect(res.body).toEqual({ id: 'a', text: 'x', deleted: false });
    expect(res.headers['etag']).toBeUndefined();
    const list = await h.request('GET', '/tables/todo');
    expect(json(list.body)['items']).toEqual([{ id: 'a', text: 'x', deleted: false }]);
  });

  test('a repeated read is answered again only after its table changed (writes, pushes, pulls)', async () => {
    const h = createHarness();
    await h.ready();
    const ids = async (): Promise<string[]> => (json((await h.request('GET', '/tables/todo?$orderby=id')).body)['items'] as { id: string }[]).map((r) => r.id);
    expect(await ids()).toEqual([]);
    await h.request('POST', '/tables/todo', { body: { id: 'a' } });
    expect(await ids()).toEqual(['a']);
    h.server.write('todo', { id: 'b' });
    h.clock.advance(5000);
    await h.engine.pull({ table: 'todo' });
    expect(await ids()).toEqual(['a', 'b']);
    const first = await h.request('GET', '/tables/todo?$orderby=id');
    expect(json(first.body)['items']).toEqual([expect.objectContaining({ id: 'a', version: expect.any(String) }), expect.objectContaining({ id: 'b' })]);
  });

  test('reads see writes at once: the in-memory index follows every commit', async () => {
    const h = createHarness();
    await h.ready();
    await h.request('GET', '/tables/todo');
    await h.request('POST', '/tables/todo', { body: { id: 'a', n: 1 } });
    await h.request('POST', '/tables/todo', { body: { id: 'b', n: 2 } });
    await h.request('DELETE', '/tables/todo/a');
    const res = await h.request('GET', '/tables/todo?$filter=n ge 1');
    expect((json(res.body)['items'] as { id: string }[]).map((r) => r.id)).toEqual(['b']);
  });
});
