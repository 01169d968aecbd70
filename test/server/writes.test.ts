import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { RunningServer } from '../../src/server/start-server.js';
import { createClient, DIALECTS, type Client } from './support/client.js';
import { DATABASES } from './support/databases.js';
import { startTestServer } from './support/test-server.js';

const WIRE_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe.each(DATABASES)('writes on %s', (kind) => {
  let server: RunningServer;
  let dispose: () => Promise<void>;
  let api: Client;
  beforeAll(async () => {
    ({ server, dispose } = await startTestServer(kind, 'writes', {
      tables: [{ name: 'todoitem' }, { name: 'hard', softDelete: false }],
      bodyLimit: 4096,
    }));
    api = createClient(server.url);
  });
  afterAll(async () => dispose());
  beforeEach(async () => server.reset());

  const insert = async (body: Record<string, unknown>, table = 'todoitem') => {
    const r = await api('POST', `/tables/${table}`, { body, dialect: 'v2' });
    expect(r.status).toBe(201);
    return r.body as Record<string, unknown> & { id: string; version: string; updatedAt: string };
  };
  const stored = async (table = 'todoitem') =>
    (await api('GET', `/tables/${table}?__includeDeleted=true`, { dialect: 'v2' })).body as Record<string, unknown>[];

  describe.each(DIALECTS)('%s', (dialect) => {
    test(`S-06: POST of a new row gets 201, five system properties, ETag and Location (${dialect})`, async () => {
      const r = await api('POST', '/tables/todoitem', { dialect, body: { id: 'a1', text: 'hi' } });
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ id: 'a1', text: 'hi', deleted: false });
      expect(r.body.createdAt).toMatch(WIRE_DATE);
      expect(r.body.createdAt).toBe(r.body.updatedAt);
      expect(typeof r.body.version).toBe('string');
      expect(r.headers.get('etag')).toBe(`"${r.body.version}"`);
      expect(r.headers.get('location')).toBe(`${server.url}/tables/todoitem/a1`);
    });

    test.each([{ body: {} }, { body: { id: null } }])(`S-07: POST with id %j gets a lowercase UUIDv4 (${dialect})`, async ({ body }) => {
      const r = await api('POST', '/tables/todoitem', { dialect, body: { ...body, text: 'x' } });
      expect(r.status).toBe(201);
      expect(r.body.id).toMatch(UUID_V4);
    });

    test.each(['', '..', 'a/b', 'x'.repeat(256), 42])(`S-08: POST with id %j gets 400 invalid_id and stores nothing (${dialect})`, async (id) => {
      const r = await api('POST', '/tables/todoitem', { dialect, body: { id, text: 'x' } });
      expect(r.status).toBe(400);
      expect(r.body.code).toBe('invalid_id');
      expect(await stored()).toEqual([]);
    });

    test(`S-09: POST reusing a live or tombstoned id gets 409 with the stored row and ETag (${dialect})`, async () => {
      const live = await insert({ id: 'dup', text: 'first' });
      const again = await api('POST', '/tables/todoitem', { dialect, body: { id: 'dup', text: 'second' } });
      expect(again.status).toBe(409);
      expect(again.body).toEqual(live);
      expect(again.headers.get('etag')).toBe(`"${live.version}"`);
      await insert({ id: 'gone', text: 'x' });
      const tomb = await api('DELETE', '/tables/todoitem/gone', { dialect: 'v2' });
      const onTomb = await api('POST', '/tables/todoitem', { dialect, body: { id: 'gone', text: 'y' } });
      expect(onTomb.status).toBe(409);
      expect(onTomb.body).toEqual(tomb.body);
      expect(await stored()).toEqual([live, tomb.body]);
    });

    test(`S-11: bad JSON gets invalid_json; non-objects, nested values and bad names get invalid_item; nothing stored (${dialect})`, async () => {
      const bad = await api('POST', '/tables/todoitem', { dialect, raw: '{"text":', headers: { 'content-type': 'application/json' } });
      expect([bad.status, bad.body.code]).toEqual([400, 'invalid_json']);
      for (const body of [[1], 'text', 5, null, { a: { b: 1 } }, { a: [1] }, { 'a-b': 1 }, { '1a': 1 }]) {
        const r = await api('POST', '/tables/todoitem', { dialect, body });
        expect([r.status, r.body.code]).toEqual([400, 'invalid_item']);
      }
      expect(await stored()).toEqual([]);
    });

    test(`S-12: a text/plain body gets 415 and a body over the limit 413 (${dialect})`, async () => {
      const plain = await api('POST', '/tables/todoitem', { dialect, raw: '{"text":"x"}', headers: { 'content-type': 'text/plain' } });
      expect([plain.status, plain.body.code]).toEqual([415, 'unsupported_media_type']);
      const big = await api('POST', '/tables/todoitem', { dialect, body: { text: 'x'.repeat(5000) } });
      expect([big.status, big.body.code]).toEqual([413, 'payload_too_large']);
      expect(await stored()).toEqual([]);
    });

    test.each(['PATCH', 'PUT'])(`S-16: %s merges or replaces and answers 200 with a new ETag (${dialect})`, async (method) => {
      const row = await insert({ id: 'u', text: 'a', done: false, extra: 1 });
      const r = await api(method, '/tables/todoitem/u', { dialect, body: { text: 'b' } });
      expect(r.status).toBe(200);
      expect(r.body.text).toBe('b');
      if (method === 'PATCH') expect(r.body).toMatchObject({ done: false, extra: 1 });
      else expect(r.body).not.toHaveProperty('extra');
      expect(r.body.version).not.toBe(row.version);
      expect(r.headers.get('etag')).toBe(`"${r.body.version}"`);
      expect(r.body.createdAt).toBe(row.createdAt);
    });

    test.each([
      { name: 'the current ETag', ifMatch: (v: string) => `"${v}"` },
      { name: '*', ifMatch: () => '*' },
      { name: 'no precondition', ifMatch: () => null },
    ])(`S-17: an update and a delete succeed with $name (${dialect})`, async ({ ifMatch }) => {
      const row = await insert({ id: 'p', text: 'a' });
      const h = (v: string): Record<string, string> => {
        const tag = ifMatch(v);
        return tag === null ? {} : { 'if-match': tag };
      };
      const upd = await api('PATCH', '/tables/todoitem/p', { dialect, body: { text: 'b' }, headers: h(row.version) });
      expect(upd.status).toBe(200);
      const del = await api('DELETE', '/tables/todoitem/p', { dialect, headers: h(upd.body.version) });
      expect(del.status).toBe(dialect === 'v2' ? 200 : 204);
    });

    test.each(['"stale"', 'W/"CURRENT"'])(`S-18: If-Match %s gets 412 with the current row and its ETag; nothing changes (${dialect})`, async (tag) => {
      const row = await insert({ id: 's', text: 'a' });
      const ifMatch = tag.replace('CURRENT', row.version);
      for (const [method, body] of [['PATCH', { text: 'b' }], ['PUT', { text: 'b' }], ['DELETE', undefined]] as const) {
        const r = await api(method, '/tables/todoitem/s', { dialect, headers: { 'if-match': ifMatch }, ...(body ? { body } : {}) });
        expect(r.status).toBe(412);
        expect(r.body).toEqual(row);
        expect(r.headers.get('etag')).toBe(`"${row.version}"`);
      }
      expect(await stored()).toEqual([row]);
    });

    test(`S-20: a write to a missing id gets 404 item_not_found; a body id unlike the URL's 400 id_mismatch (${dialect})`, async () => {
      for (const method of ['PATCH', 'PUT', 'DELETE']) {
        const r = await api(method, '/tables/todoitem/nope', { dialect, ...(method === 'DELETE' ? {} : { body: { text: 'x' } }) });
        expect([r.status, r.body.code]).toEqual([404, 'item_not_found']);
      }
      await insert({ id: 'm', text: 'a' });
      const r = await api('PATCH', '/tables/todoitem/m', { dialect, body: { id: 'other', text: 'x' } });
      expect([r.status, r.body.code]).toEqual([400, 'id_mismatch']);
    });

    test(`S-21: PATCH, PUT or DELETE of a tombstone gets ${dialect === 'v2' ? '404 item_not_found' : '410 item_deleted'}`, async () => {
      await insert({ id: 't', text: 'a' });
      await api('DELETE', '/tables/todoitem/t', { dialect });
      const want = dialect === 'v2' ? [404, 'item_not_found'] : [410, 'item_deleted'];
      for (const method of ['PATCH', 'PUT', 'DELETE']) {
        const r = await api(method, '/tables/todoitem/t', { dialect, ...(method === 'DELETE' ? {} : { body: { text: 'x' } }) });
        expect([r.status, r.body.code]).toEqual(want);
      }
    });

    test(`S-22: POST /{id} (201) and PUT ?__includedeleted=true (200) undelete with a new version; stale If-Match gets 412 (${dialect})`, async () => {
      await insert({ id: 'ud', text: 'a' });
      const tomb = await api('DELETE', '/tables/todoitem/ud', { dialect: 'v2' });
      const stale = await api('POST', '/tables/todoitem/ud', { dialect, headers: { 'if-match': '"stale"' } });
      expect(stale.status).toBe(412);
      expect(stale.body).toEqual(tomb.body);
      const post = await api('POST', '/tables/todoitem/ud', { dialect });
      expect(post.status).toBe(201);
      expect(post.body).toMatchObject({ id: 'ud', text: 'a', deleted: false });
      expect(post.body.version).not.toBe(tomb.body.version);
      await api('DELETE', '/tables/todoitem/ud', { dialect });
      const put = await api('PUT', '/tables/todoitem/ud?__includedeleted=true', { dialect, body: { text: 'back' } });
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({ id: 'ud', text: 'back', deleted: false });
    });

    test(`S-23: a soft DELETE ${dialect === 'v2' ? 'answers 200 with the tombstone' : 'answers an empty 204'}; a pull with ge the old updatedAt lists it`, async () => {
      const row = await insert({ id: 'sd', text: 'a' });
      const r = await api('DELETE', '/tables/todoitem/sd', { dialect });
      if (dialect === 'v2') {
        expect(r.status).toBe(200);
        expect(r.body).toMatchObject({ id: 'sd', deleted: true });
        expect(r.body.version).not.toBe(row.version);
        expect(r.body.updatedAt >= row.updatedAt).toBe(true);
        expect(r.headers.get('etag')).toBe(`"${r.body.version}"`);
      } else {
        expect(r.status).toBe(204);
        expect(r.text).toBe('');
      }
      const filter = encodeURIComponent(`updatedAt ge datetimeoffset'${row.updatedAt}'`);
      const pull = await api('GET', `/tables/todoitem?$filter=${filter}&__includeDeleted=true`, { dialect: 'v2' });
      expect(pull.body).toEqual([expect.objectContaining({ id: 'sd', deleted: true })]);
    });

    test(`S-24: a hard DELETE removes the row (${dialect})`, async () => {
      await insert({ id: 'hd', text: 'a' }, 'hard');
      const r = await api('DELETE', '/tables/hard/hd', { dialect });
      if (dialect === 'v2') expect([r.status, r.body.deleted, r.body.id]).toEqual([200, true, 'hd']);
      else expect([r.status, r.text]).toEqual([204, '']);
      const get = await api('GET', '/tables/hard/hd?__includeDeleted=true', { dialect });
      expect([get.status, get.body.code]).toEqual([404, 'item_not_found']);
      expect(await stored('hard')).toEqual([]);
    });
  });

  test.each(['createdAt', 'UPDATEDAT', 'Deleted'])('S-10: v2 refuses %s in a write body with 400 reserved_property', async (name) => {
    const r = await api('POST', '/tables/todoitem', { dialect: 'v2', body: { id: 'r', [name]: name === 'Deleted' ? true : '2000-01-01T00:00:00Z' } });
    expect([r.status, r.body.code]).toEqual([400, 'reserved_property']);
    await insert({ id: 'r2', text: 'a' });
    const u = await api('PATCH', '/tables/todoitem/r2', { dialect: 'v2', body: { [name]: true } });
    expect([u.status, u.body.code]).toEqual([400, 'reserved_property']);
  });

  test('S-10: v3 accepts system properties in a write body and stores the server values', async () => {
    const r = await api('POST', '/tables/todoitem', {
      dialect: 'v3',
      body: { id: 'r3', text: 'a', createdAt: '2000-01-01T00:00:00.000Z', updatedAt: '2000-01-01T00:00:00.000Z', deleted: true, version: 'mine' },
    });
    expect(r.status).toBe(201);
    expect(r.body.createdAt).not.toBe('2000-01-01T00:00:00.000Z');
    expect(r.body.deleted).toBe(false);
    expect(r.body.version).not.toBe('mine');
  });

  test('S-19: v2 PATCH with a stale body version and no If-Match gets 409 with the current row', async () => {
    const row = await insert({ id: 'bv', text: 'a' });
    const r = await api('PATCH', '/tables/todoitem/bv', { dialect: 'v2', body: { text: 'b', version: 'stale' } });
    expect(r.status).toBe(409);
    expect(r.body).toEqual(row);
    expect(r.headers.get('etag')).toBe(`"${row.version}"`);
    const ok = await api('PATCH', '/tables/todoitem/bv', { dialect: 'v2', body: { text: 'b', version: row.version } });
    expect(ok.status).toBe(200);
  });

  test('S-19: v3 ignores a body version', async () => {
    await insert({ id: 'bv3', text: 'a' });
    const r = await api('PATCH', '/tables/todoitem/bv3', { dialect: 'v3', body: { text: 'b', version: 'stale' } });
    expect(r.status).toBe(200);
    expect(r.body.text).toBe('b');
  });

  test('S-06/S-07: concurrent POSTs, which the server inserts together, each get their own answer', async () => {
    // Sent at once, most of these share one INSERT; an id sent three times is created once, the others get 409 with that row.
    const bodies = [{ id: 'dup', n: 1 }, ...Array.from({ length: 12 }, (_, i) => ({ id: `c${i}`, n: i })), { id: 'dup', n: 2 }, { id: 'dup', n: 3 }];
    const answers = await Promise.all(bodies.map((body) => api('POST', '/tables/todoitem', { dialect: 'v2', body })));
    const dup = answers.filter((r) => r.body.id === 'dup');
    expect(dup.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    const created = dup.find((r) => r.status === 201)?.body as { n: number; version: string };
    for (const r of dup) expect(r.body).toMatchObject({ n: created.n, version: created.version });
    for (const [i, r] of answers.entries()) if (bodies[i]?.id !== 'dup') expect([r.status, r.body.n]).toEqual([201, bodies[i]?.n]);
    expect(new Set(answers.filter((r) => r.status === 201).map((r) => r.body.version)).size).toBe(13);
    // Concurrent reads by id, which the server also reads together: each gets its own row, a missing id 404.
    const ids = ['c3', 'dup', 'nope', 'c11', 'c3'];
    const reads = await Promise.all(ids.map((id) => api('GET', `/tables/todoitem/${id}`, { dialect: 'v2' })));
    expect(reads.map((r) => [r.status, r.status === 200 ? r.body.id : null])).toEqual([[200, 'c3'], [200, 'dup'], [404, null], [200, 'c11'], [200, 'c3']]);
    expect((await stored()).length).toBe(13);
  });

  test('S-13: 1,000 writes to one row give 1,000 distinct versions and non-decreasing updatedAt', async () => {
    // Versions come from one sequence inside the row lock, so their order is the commit order; the
    // updates go ten at a time, which the row lock serialises.
    const seen: { version: string; updatedAt: string }[] = [];
    const take = (r: { status: number; body: { version: string; updatedAt: string } }): void => {
      expect(r.status).toBeLessThan(300);
      seen.push({ version: r.body.version, updatedAt: r.body.updatedAt });
    };
    take(await api('POST', '/tables/todoitem', { dialect: 'v2', body: { id: 'k', n: 0 } }));
    for (let i = 1; i <= 996; i += 10) {
      const batch = Array.from({ length: Math.min(10, 997 - i) }, (_, j) => api('PATCH', '/tables/todoitem/k', { dialect: 'v2', body: { n: i + j } }));
      for (const r of await Promise.all(batch)) take(r);
    }
    take(await api('DELETE', '/tables/todoitem/k', { dialect: 'v2' }));
    take(await api('POST', '/tables/todoitem/k', { dialect: 'v2' }));
    take(await api('PATCH', '/tables/todoitem/k', { dialect: 'v2', body: { n: -1 } }));
    expect(seen).toHaveLength(1000);
    expect(new Set(seen.map((s) => s.version)).size).toBe(1000);
    const sequence = (v: string): bigint => Buffer.from(v, 'base64').readBigUInt64BE();
    const ordered = [...seen].sort((a, b) => (sequence(a.version) < sequence(b.version) ? -1 : 1));
    for (const [i, s] of ordered.entries()) {
      expect(s.updatedAt).toMatch(WIRE_DATE);
      if (i > 0) expect(s.updatedAt >= (ordered[i - 1]?.updatedAt ?? '')).toBe(true);
    }
  });
});
