import { describe, expect, test } from 'vitest';
import { createHarness } from './harness.js';

const json = (body: unknown) => body as Record<string, unknown>;

describe('local writes', () => {
  test('W-01: a write is answered only after one commit holding its row and op', async () => {
    const h = createHarness();
    await h.ready();
    const commits: string[][] = [];
    h.store.onCommit((changes) => commits.push(changes.map((c) => c.kind)));
    const res = await h.request('POST', '/tables/todo', { body: { id: 'a', text: 'x' } });
    expect(res.status).toBe(201);
    expect(commits).toEqual([['put-row', 'append-op']]);
    expect(h.rows().map((r) => r.id)).toEqual(['a']);
    expect(h.ops().map((o) => [o.itemId, o.kind])).toEqual([['a', 'insert']]);
  });

  test('W-02: a rejected write (4xx or 507) leaves rows, ops and conflicts unchanged', async () => {
    const h = createHarness();
    await h.ready();
    await h.request('POST', '/tables/todo', { body: { id: 'a', text: 'x' } });
    const before = h.store.snapshot();
    const bad = [
      await h.request('POST', '/tables/todo', { body: { id: 'a', text: 'again' } }),
      await h.request('POST', '/tables/todo', { body: '{nope' }),
      await h.request('POST', '/tables/todo', { body: { id: 'b', nested: { x: 1 } } }),
      await h.request('PATCH', '/tables/todo/missing', { body: { text: 'y' } }),
      await h.request('PATCH', '/tables/todo/a', { body: { id: 'b' } }),
    ];
    expect(bad.map((r) => r.status)).toEqual([409, 400, 400, 404, 400]);
    h.store.failCommits();
    const full = await h.request('POST', '/tables/todo', { body: { id: 'c' } });
    expect(full.status).toBe(507);
    expect(json(full.body)['code']).toBe('storage_full');
    expect(h.store.snapshot()).toEqual(before);
  });

  test('W-04: the first update appends an op with the row\'s version, the row before and the identity; system properties stay', async () => {
    const h = createHarness();
    h.server.write('todo', { id: 'a', text: 'server' });
    await h.ready();
    const payload = Buffer.from(JSON.stringify({ iss: 'https://idp', sub: 'alice' })).toString('base64url');
    const token = `x.${payload}.y`;
    const before = h.rows()[0]?.item;
    const res = await h.request('PATCH', '/tables/todo/a', { body: { text: 'local' }, headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const op = h.ops()[0];
    expect(op).toMatchObject({ kind: 'update', baseVersion: before?.['version'], baseRow: before, identity: 'https://idp|alice' });
    expect(json(res.body)).toMatchObject({ version: before?.['version'], updatedAt: before?.['updatedAt'], createdAt: before?.['createdAt'], text: 'local' });
  });

  test('W-05: insert + update leaves one insert op with the updated snapshot', async () => {
    const h = createHarness();
    await h.ready();
    await h.request('POST', '/tables/todo', { body: { id: 'a', text: '1' } });
    await h.request('PATCH', '/tables/todo/a', { body: { text: '2' } });
    expect(h.ops()).toHaveLength(1);
    expect(h.ops()[0]).toMatchObject({ kind: 'insert', snapshot: { id: 'a', text: '2' }, editCounter: 1 });
  });

  test('W-06: insert (never attempted) + delete leaves no op and no row', async () => {
    const h = createHarness();
    await h.ready();
    await h.request('POST', '/tables/todo', { body: { id: 'a' } });
    expect((await h.request('DELETE', '/tables/todo/a')).status).toBe(204);
    expect(h.ops()).toEqual([]);
    expect(h.rows()).toEqual([]);
  });

  test('W-07: insert (attempted) + delete leaves one delete op with baseVersion null', async () => {
    const h = createHarness();
    await h.ready();
    await h.request('POST', '/tables/todo', { body: { id: 'a' } });
    h.server.inject({ kind: 'network' });
    await h.engine.push();
    await h.request('DELETE', '/tables/todo/a');
    expect(h.ops()).toHaveLength(1);
    expect(h.ops()[0]).toMatchObject({ kind: 'delete', baseVersion: null, attempted: true });
  });

  test('W-08: update + update keeps one update with the latest snapshot and the first base', async () => {
    const h = createHarness();
    const server = h.server.write('todo', { id: 'a', text: 's' });
    await h.ready();
    await h.request('PATCH', '/tables/todo/a', { body: { text: '1' } });
    await h.request('PUT', '/tables/todo/a', { body: { text: '2' } });
    expect(h.ops()).toHaveLength(1);
    expect(h.ops()[0]).toMatchObject({ kind: 'update', snapshot: { text: '2' }, baseVersion: server['version'], baseRow: server });
  });

  test('W-09: update + delete leaves one delete op with the same seq and base', async () => {
    const h = createHarness();
    const server = h.server.write('todo', { id: 'a', text: 's' });
    await h.ready();
    await h.request('PATCH', '/tables/todo/a', { body: { text: '1' } });
    const seq = h.ops()[0]?.seq;
    await h.request('DELETE', '/tables/todo/a');
    expect(h.ops()).toEqual([expect.objectContaining({ seq, kind: 'delete', baseVersion: server['version'], baseRow: server })]);
    expect(h.rows()).toEqual([]);
  });

  test('W-10: delete (base set) + insert of the same id leaves one update with the new snapshot and the delete\'s base', async () => {
    const h = createHarness();
    const server = h.server.write('todo', { id: 'a', text: 's' });
    await h.ready();
    await h.request('DELETE', '/tables/todo/a');
    expect((await h.request('POST', '/tables/todo', { body: { id: 'a', text: 'new' } })).status).toBe(201);
    expect(h.ops()).toEqual([expect.objectContaining({ kind: 'update', snapshot: expect.objectContaining({ text: 'new' }), baseVersion: server['version'] })]);
  });

  test('W-11: delete (base null) + insert leaves one attempted insert op', async () => {
    const h = createHarness();
    await h.ready();
    await h.request('POST', '/tables/todo', { body: { id: 'a' } });
    h.server.inject({ kind: 'network' });
    await h.engine.push();
    await h.request('DELETE', '/tables/todo/a');
    await h.request('POST', '/tables/todo', { body: { id: 'a', text: 'again' } });
    expect(h.ops()).toEqual([expect.objectContaining({ kind: 'insert', attempted: true, snapshot: expect.objectContaining({ text: 'again' }) })]);
  });

  test('W-12: insert onto an op gets 409, update or delete after a delete gets 404, the op unchanged', async () => {
    const h = createHarness();
    h.server.write('todo', { id: 'b', text: 's' });
    await h.ready();
    await h.request('POST', '/tables/todo', { body: { id: 'a' } });
    await h.request('DELETE', '/tables/todo/b');
    const before = h.ops();
    expect((await h.request('POST', '/tables/todo', { body: { id: 'a' } })).status).toBe(409);
    expect((await h.request('PATCH', '/tables/todo/b', { body: { x: 1 } })).status).toBe(404);
    expect((await h.request('DELETE', '/tables/todo/b')).status).toBe(404);
    expect(h.ops()).toEqual(before);
  });

  test('W-13: each collapse keeps seq and increments editCounter; onto an inflight op the sent request is unchanged', async () => {
    const h = createHarness();
    await h.ready();
    await h.request('POST', '/tables/todo', { body: { id: 'a', text: '1' } });
    const seq = h.ops()[0]?.seq;
    let edited = false;
    h.server.onRequest(async (req) => {
      if (req.method !== 'POST' || edited) return;
      edited = true;
      expect(h.ops()[0]?.state).toBe('inflight');
      await h.request('PATCH', '/tables/todo/a', { body: { text: '2' } });
      expect(h.ops()[0]).toMatchObject({ seq, state: 'inflight', editCounter: 1 });
    });
    await h.engine.push();
    expect(JSON.parse(h.server.requests[0]?.body ?? '{}')).toMatchObject({ text: '1' });
  });

  test('W-14: a write onto a failed op makes it pending; onto a held op it stays held and the conflict\'s localRow follows', async () => {
    const h = createHarness({ tables: [{ name: 'todo', policy: 'hold' }] });
    h.server.write('todo', { id: 'h', text: 's' });
    await h.ready();
    await h.request('POST', '/tables/todo', { body: { id: 'f', text: 'x' } });
    h.server.inject({ kind: 'status', status: 400, body: { error: 'no', code: 'invalid_item' } }, { match: (r) => r.method === 'POST' });
    await h.request('PATCH', '/tables/todo/h', { body: { text: 'mine' } });
    h.server.write('todo', { id: 'h', text: 'theirs' });
    const pushed = await h.engine.push();
    expect(pushed).toMatchObject({ failed: 1, held: 1 });
    await h.request('PATCH', '/tables/todo/f', { body: { text: 'fixed' } });
    await h.request('PATCH', '/tables/todo/h', { body: { text: 'mine2' } });
    const ops = Object.fromEntries(h.ops().map((o) => [o.itemId, o.state]));
    expect(ops).toEqual({ f: 'pending', h: 'held' });
    expect(h.conflictRecords()[0]?.localRow).toMatchObject({ id: 'h', text: 'mine2' });
  });

  test('W-03: no sequence of writes, pushes, pulls, purges leaves two ops for one item', async () => {
    const h = createHarness();
    await h.ready();
    for (let i = 0; i < 5; i++) {
      await h.request('POST', '/tables/todo', { body: { id: 'a', n: i } });
      await h.request('PATCH', '/tables/todo/a', { body: { n: i + 1 } });
      if (i % 2 === 0) await h.engine.push();
      await h.request('DELETE', '/tables/todo/a');
      await h.engine.pull({ table: 'todo' });
      const ids = h.ops().map((o) => `${o.table}/${o.itemId}`);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  test('W-03: concurrent writes from several tabs are serialised: every change lands, one op', async () => {
    const h = createHarness();
    h.server.write('todo', { id: 'a', text: 's' });
    await h.ready();
    await Promise.all(Array.from({ length: 10 }, (_, i) => h.request('PATCH', '/tables/todo/a', { body: { [`f${i}`]: i } })));
    expect(h.ops()).toHaveLength(1);
    expect(h.ops()[0]?.editCounter).toBe(9);
    expect(Object.keys(h.rows()[0]?.item ?? {}).filter((k) => k.startsWith('f'))).toHaveLength(10);
  });

  test('U-20: each journaled write schedules a push', async () => {
    const h = createHarness();
    await h.ready();
    await h.request('POST', '/tables/todo', { body: { id: 'a' } });
    await h.request('PATCH', '/tables/todo/a', { body: { x: 1 } });
    expect(h.scheduler.calls).toBe(2);
  });
});

describe('façade writes', () => {
  test('F-08: POST gets 201 with the row and Location, a lowercase UUIDv4 without id, 409 with the local row when the id exists', async () => {
    const h = createHarness();
    await h.ready();
    const res = await h.request('POST', '/tables/todo', { body: { text: 'x' } });
    expect(res.status).toBe(201);
    const id = json(res.body)['id'] as string;
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(res.headers['location']).toBe(`http://upstream.test/tables/todo/${id}`);
    expect(res.headers['x-tablesync']).toBe('local');
    const again = await h.request('POST', '/tables/todo', { body: { id, text: 'y' } });
    expect(again.status).toBe(409);
    expect(json(again.body)).toMatchObject({ id, text: 'x' });
  });

  test.each(['v2', 'v3'] as const)('F-09: PATCH merges and PUT replaces (%s); 404 when absent, 400 id_mismatch', async (dialect) => {
    const version = dialect === 'v2' ? '2.0.0' : '3.0.0';
    const h = createHarness();
    const server = h.server.write('todo', { id: 'a', text: 's', done: false });
    await h.ready();
    const patched = await h.request('PATCH', '/tables/todo/a', { body: { done: true }, version });
    expect(patched.status).toBe(200);
    expect(json(patched.body)).toMatchObject({ text: 's', done: true, version: server['version'], updatedAt: server['updatedAt'] });
    const put = await h.request('PUT', '/tables/todo/a', { body: { text: 'only' }, version });
    expect(json(put.body)).toEqual({ id: 'a', text: 'only', createdAt: server['createdAt'], updatedAt: server['updatedAt'], version: server['version'], deleted: false });
    expect((await h.request('PUT', '/tables/todo/zz', { body: { text: 'x' }, version })).status).toBe(404);
    const mismatch = await h.request('PATCH', '/tables/todo/a', { body: { id: 'b' }, version });
    expect(mismatch.status).toBe(400);
    expect(json(mismatch.body)['code']).toBe('id_mismatch');
  });

  test('F-10: If-Match outside the known versions gets 412 with the local row; * and known versions pass', async () => {
    const h = createHarness();
    const server = h.server.write('todo', { id: 'a', text: 's' });
    await h.ready();
    const stale = await h.request('PATCH', '/tables/todo/a', { body: { text: 'x' }, headers: { 'if-match': '"nope"' } });
    expect(stale.status).toBe(412);
    expect(json(stale.body)).toMatchObject({ id: 'a', text: 's' });
    expect(stale.headers['etag']).toBe(`"${server['version'] as string}"`);
    expect((await h.request('PATCH', '/tables/todo/a', { body: { text: 'y' }, headers: { 'if-match': '*' } })).status).toBe(200);
    expect((await h.request('PATCH', '/tables/todo/a', { body: { text: 'z' }, headers: { 'if-match': `"${server['version'] as string}"` } })).status).toBe(200);
  });

  test('F-11: after the app\'s own update was pushed its earlier ETag passes; after a pull of another device\'s version it gets 412', async () => {
    const h = createHarness();
    h.server.write('todo', { id: 'a', text: 's' });
    await h.ready();
    const first = await h.request('PATCH', '/tables/todo/a', { body: { text: '1' } });
    const etag = first.headers['etag'] as string;
    await h.engine.push();
    expect((await h.request('PATCH', '/tables/todo/a', { body: { text: '2' }, headers: { 'if-match': etag } })).status).toBe(200);
    await h.engine.push();
    h.server.write('todo', { id: 'a', text: 'other device' });
    h.clock.advance(5000);
    await h.engine.pull({ table: 'todo' });
    expect((await h.request('PATCH', '/tables/todo/a', { body: { text: '3' }, headers: { 'if-match': etag } })).status).toBe(412);
  });

  test('F-12: v2 bodies with createdAt, updatedAt, deleted succeed with them dropped (400 if strict); a PATCH body version acts as If-Match', async () => {
    const h = createHarness({ tables: [{ name: 'todo' }, { name: 'strict', strict: true }] });
    const server = h.server.write('todo', { id: 'a', text: 's' });
    await h.ready();
    const v2 = '2.0.0';
    const res = await h.request('POST', '/tables/todo', { body: { id: 'n', text: 'x', createdAt: 'bogus', UpdatedAt: 'x', deleted: false }, version: v2 });
    expect(res.status).toBe(201);
    expect(json(res.body)).toEqual({ id: 'n', text: 'x', deleted: false });
    const strict = await h.request('POST', '/tables/strict', { body: { id: 'n', createdAt: 'x' }, version: v2 });
    expect(strict.status).toBe(400);
    expect(json(strict.body)['code']).toBe('reserved_property');
    expect((await h.request('PATCH', '/tables/todo/a', { body: { text: 'y', version: 'stale' }, version: v2 })).status).toBe(409);
    expect((await h.request('PATCH', '/tables/todo/a', { body: { text: 'y', version: server['version'] }, version: v2 })).status).toBe(200);
  });

  test('F-13: DELETE gets 200 with the last row and deleted: true (v2) or an empty 204 (v3)', async () => {
    const h = createHarness();
    h.server.write('todo', { id: 'a', text: 's' });
    h.server.write('todo', { id: 'b', text: 's' });
    await h.ready();
    const v2 = await h.request('DELETE', '/tables/todo/a', { version: '2.0.0' });
    expect(v2.status).toBe(200);
    expect(json(v2.body)).toMatchObject({ id: 'a', text: 's', deleted: true });
    const v3 = await h.request('DELETE', '/tables/todo/b', { version: '3.0.0' });
    expect(v3.status).toBe(204);
    expect(v3.body).toBeNull();
  });

  test('F-14: bad input gets the server\'s status and code; a quota failure gets 507 storage_full', async () => {
    const h = createHarness();
    await h.ready();
    const cases: [string, string, unknown, Record<string, string>, number, string][] = [
      ['POST', '/tables/todo', '{x', {}, 400, 'invalid_json'],
      ['POST', '/tables/todo', { id: '' }, {}, 400, 'invalid_id'],
      ['POST', '/tables/todo', { 'bad-name': 1 }, {}, 400, 'invalid_item'],
      ['POST', '/tables/todo', 'text', { 'content-type': 'text/plain' }, 415, 'unsupported_media_type'],
      ['GET', '/tables/todo?$top=-1', undefined, {}, 400, 'invalid_query'],
      ['GET', '/tables/todo?$filter=geo.distance(a)', undefined, {}, 400, 'invalid_filter'],
      ['GET', '/tables/todo?$top=200000', undefined, {}, 400, 'top_too_large'],
      ['GET', '/tables/todo', undefined, { 'zumo-api-version': '4.0.0' }, 400, 'invalid_api_version'],
      ['DELETE', '/tables/todo', undefined, {}, 405, 'method_not_allowed'],
    ];
    for (const [method, path, body, headers, status, code] of cases) {
      const local = await h.request(method, path, { body, headers });
      const remote = await h.server.remote.send({ method: method as 'GET', path, headers: { 'content-type': 'application/json', ...headers }, body: body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body) });
      expect([local.status, json(local.body)['code']]).toEqual([status, code]);
      expect(remote.kind === 'response' ? [remote.status, json(remote.body)['code']] : null).toEqual([status, code]);
    }
    expect(h.ops()).toEqual([]);
    h.store.failCommits();
    expect((await h.request('POST', '/tables/todo', { body: { id: 'q' } })).status).toBe(507);
  });
});
