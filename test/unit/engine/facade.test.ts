import { describe, expect, test } from 'vitest';
import { createEngine } from '../../../src/engine/create-engine.js';
import { createHarness } from './harness.js';

const json = (body: unknown) => body as Record<string, unknown>;

describe('façade', () => {
  test('F-01: only {upstream}/tables/{configured table}[/{id}] is intercepted', () => {
    const h = createHarness();
    // A path under a configured table is the worker's even when malformed (`/a/b`): the core answers it as the server would (F-14).
    const yes = ['http://upstream.test/tables/todo', 'http://upstream.test/tables/todo?$top=1', 'http://upstream.test/tables/todo/a%2Fb', 'http://upstream.test/tables/todo/x', 'http://upstream.test/tables/todo/a/b', 'http://upstream.test/tables/todo/%E0%A4%A', 'http://upstream.test/tables/to%64o'];
    const no = ['http://upstream.test/tables/other', 'http://elsewhere.test/tables/todo', 'http://upstream.test/api/tables/todo', 'http://upstream.test/tables/', 'http://upstream.test/tables//todo', 'http://upstream.test/tables/%ZZ', 'http://upstream.test/index.html'];
    expect(yes.map((u) => h.engine.intercepts(u))).toEqual(yes.map(() => true));
    expect(no.map((u) => h.engine.intercepts(u))).toEqual(no.map(() => false));
  });

  test('F-01: with a same-origin upstream (\'\') only the worker\'s own origin is intercepted', () => {
    const h = createHarness();
    const make = (origin?: string) =>
      createEngine({
        store: h.store, meta: h.meta, remote: h.server.remote, lock: h.lock, scheduler: h.scheduler, clock: h.clock, entropy: h.entropy, log: h.log,
        config: { upstream: '', tables: [{ name: 'todo' }], ...(origin === undefined ? {} : { origin }) },
      });
    expect(make('http://app.test').intercepts('http://app.test/tables/todo')).toBe(true);
    expect(make('http://app.test').intercepts('http://other.test/tables/todo')).toBe(false);
    expect(make().intercepts('http://other.test/tables/todo')).toBe(true);
  });

  test('F-14: malformed paths, methods and OPTIONS under a configured table get the server\'s answers', async () => {
    const h = createHarness();
    await h.ready();
    const answer = async (method: string, path: string) => {
      const r = await h.request(method, path);
      return [r.status, r.status === 204 ? null : json(r.body)['code'], r.headers['allow'] ?? null];
    };
    expect(await answer('GET', '/tables/todo/a/b')).toEqual([400, 'invalid_id', null]);
    expect(await answer('DELETE', '/tables/todo/%E0%A4%A')).toEqual([400, 'invalid_id', null]);
    expect(await answer('patch', '/tables/todo/a')).toEqual([405, 'method_not_allowed', 'GET, POST, PATCH, PUT, DELETE']);
    expect(await answer('PROPFIND', '/tables/todo')).toEqual([405, 'method_not_allowed', 'GET, POST']);
    expect(await answer('OPTIONS', '/tables/todo/a')).toEqual([204, null, null]);
    expect(h.store.snapshot().ops).toEqual([]);
  });

  test('F-01: local answers carry x-tablesync: local, errors included', async () => {
    const h = createHarness();
    await h.ready();
    expect((await h.request('GET', '/tables/todo')).headers['x-tablesync']).toBe('local');
    expect((await h.request('GET', '/tables/todo?$top=x')).headers['x-tablesync']).toBe('local');
  });

  test('F-02: answers use the request\'s dialect; none gives the table\'s appDialect; a bad version gets 400', async () => {
    const h = createHarness({ tables: [{ name: 'todo' }, { name: 'old', appDialect: 'v2' }] });
    await h.ready();
    expect(Array.isArray((await h.request('GET', '/tables/todo', { version: '2.0.0' })).body)).toBe(true);
    expect(json((await h.request('GET', '/tables/todo')).body)['items']).toEqual([]);
    expect((await h.request('GET', '/tables/old')).body).toEqual([]);
    expect(json((await h.request('GET', '/tables/old?zumo-api-version=3.0.0')).body)['items']).toEqual([]);
    const bad = await h.request('GET', '/tables/todo', { version: '1.0.0' as '2.0.0' });
    expect([bad.status, json(bad.body)['code']]).toEqual([400, 'invalid_api_version']);
  });

  test('the app\'s latest dialect per table is persisted and used upstream after a restart (PROTOCOL §1 rule 3)', async () => {
    const h = createHarness();
    await h.ready();
    await h.request('POST', '/tables/todo', { body: { id: 'a' }, version: '2.0.0' });
    await h.restart();
    await h.engine.push();
    expect(h.server.requests[0]?.headers['zumo-api-version']).toBe('2.0.0');
  });

  test('F-04: before the first complete pull, with no ops and equal dialects, a read is forwarded and starts the pull', async () => {
    const h = createHarness();
    h.server.write('todo', { id: 'a', text: 's' });
    await h.engine.start();
    const res = await h.request('GET', '/tables/todo?$top=1');
    expect(res.headers['x-tablesync']).toBeUndefined();
    expect(json(res.body)['items']).toEqual([expect.objectContaining({ id: 'a', text: 's' })]);
    expect(h.server.requests[0]?.path).toBe('/tables/todo?$top=1');
    await h.settle();
    expect(h.rows().map((r) => r.id)).toEqual(['a']);
    expect(h.store.snapshot().syncStates[0]?.complete).toBe(true);
    h.server.requests.length = 0;
    expect((await h.request('GET', '/tables/todo')).headers['x-tablesync']).toBe('local');
    expect(h.server.requests).toEqual([]);
  });

  test('F-04: on a network failure the forwarded read is answered locally', async () => {
    const h = createHarness();
    await h.engine.start();
    h.server.inject({ kind: 'network' }, { times: 5 });
    const res = await h.request('GET', '/tables/todo');
    expect(res.headers['x-tablesync']).toBe('local');
    expect(json(res.body)['items']).toEqual([]);
  });

  test('F-04: a background pull that did not finish is retried by a read 30 s later', async () => {
    const h = createHarness();
    await h.engine.start();
    h.server.inject({ kind: 'network' }, { times: 2 });
    await h.request('GET', '/tables/todo');
    await h.settle();
    await h.request('GET', '/tables/todo');
    await h.settle();
    expect(h.store.snapshot().syncStates).toEqual([]);
    h.clock.advance(30_000);
    await h.request('GET', '/tables/todo');
    await h.settle();
    expect(h.store.snapshot().syncStates[0]?.complete).toBe(true);
  });

  test('F-04: before the first complete pull, a write to a row seen only upstream looks it up instead of answering 404', async () => {
    const h = createHarness();
    const server = h.server.write('todo', { id: 'a', text: 's', done: false });
    await h.engine.start();
    const res = await h.request('PATCH', '/tables/todo/a', { body: { done: true } });
    expect(res.status).toBe(200);
    expect(json(res.body)).toMatchObject({ text: 's', done: true, version: server['version'] });
    expect(h.ops()).toEqual([expect.objectContaining({ kind: 'update', baseVersion: server['version'] })]);
    h.server.inject({ kind: 'network' });
    expect((await h.request('PATCH', '/tables/todo/zz', { body: { done: true } })).status).toBe(404);
  });

  test('F-04: with ops, or another dialect upstream, reads stay local', async () => {
    const h = createHarness({ tables: [{ name: 'todo' }, { name: 'v2up', upstreamDialect: 'v2' }] });
    await h.engine.start();
    h.server.inject({ kind: 'network' }, { times: 10 }); // keep the background pulls from completing
    await h.request('POST', '/tables/todo', { body: { id: 'a' } });
    expect((await h.request('GET', '/tables/todo')).headers['x-tablesync']).toBe('local');
    expect((await h.request('GET', '/tables/v2up')).headers['x-tablesync']).toBe('local');
    expect(h.server.requests.filter((r) => !r.path.includes('updatedAt') && !r.path.includes('orderby'))).toEqual([]);
  });

  test('F-15: credentials from app requests live in memory only and a restarted worker sends none until the app does', async () => {
    const h = createHarness();
    await h.ready();
    await h.request('POST', '/tables/todo', { body: { id: 'a' }, headers: { authorization: 'Bearer SECRET1', 'x-zumo-auth': 'SECRET2' } });
    await h.engine.push();
    expect(h.server.requests[0]?.headers).toMatchObject({ authorization: 'Bearer SECRET1', 'x-zumo-auth': 'SECRET2' });
    const persisted = JSON.stringify([h.store.snapshot(), [...h.meta.entries], h.log.entries]);
    expect(persisted).not.toContain('SECRET');
    await h.restart();
    await h.request('POST', '/tables/todo', { body: { id: 'b' } });
    await h.engine.push();
    // (The first push replayed an op, so a pull followed it, T-09: the second write is what matters.)
    const second = h.server.requests.filter((r) => r.method === 'POST')[1];
    expect(second?.body).toContain('"b"');
    expect(second?.headers['authorization']).toBeUndefined();
    expect(second?.headers['x-zumo-auth']).toBeUndefined();
  });

  test('the façade never throws: a broken store answers 500 internal_error', async () => {
    const h = createHarness();
    await h.ready();
    h.store.commit = () => Promise.reject(new Error('boom'));
    const res = await h.request('POST', '/tables/todo', { body: { id: 'a' } });
    expect([res.status, json(res.body)['code']]).toEqual([500, 'internal_error']);
  });
});
