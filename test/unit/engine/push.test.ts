import { describe, expect, test } from 'vitest';
import { createHarness } from './harness.js';

const body = (text: string | null | undefined) => JSON.parse(text ?? 'null') as Record<string, unknown>;

describe('push', () => {
  test('U-01: concurrent push() calls never have two upstream requests in flight', async () => {
    const h = createHarness();
    await h.ready();
    for (const id of ['a', 'b', 'c']) await h.request('POST', '/tables/todo', { body: { id } });
    let inFlight = 0, max = 0;
    h.server.onRequest(async () => {
      inFlight++;
      max = Math.max(max, inFlight);
      await Promise.resolve();
      await Promise.resolve();
      inFlight--;
    });
    const results = await Promise.all([h.engine.push(), h.engine.push({ explicit: true }), h.engine.sync()]);
    expect(max).toBe(1);
    expect(h.lock.maxConcurrent).toBe(1);
    expect(results[0].completed + results[1].completed + results[2].push.completed).toBe(3);
    expect(h.server.rows('todo')).toHaveLength(3);
  });

  test('U-02: ops go one at a time by ascending seq; failed, held and identity-blocked ops are skipped, later ones still go', async () => {
    const h = createHarness({ tables: [{ name: 'todo', policy: 'hold' }] });
    h.server.write('todo', { id: 'held', text: 's' });
    await h.ready();
    await h.request('POST', '/tables/todo', { body: { id: 'fail' } });
    await h.request('PATCH', '/tables/todo/held', { body: { text: 'mine' } });
    h.server.write('todo', { id: 'held', text: 'theirs' });
    await h.request('POST', '/tables/todo', { body: { id: 'ok1' } });
    h.server.inject({ kind: 'status', status: 400, body: { error: 'bad', code: 'invalid_item' } }, { match: (r) => body(r.body)['id'] === 'fail' });
    expect(await h.engine.push()).toEqual({ completed: 1, failed: 1, held: 1, stopped: null });
    expect(h.server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /tables/todo', 'PUT /tables/todo/held', 'POST /tables/todo']);
    h.server.requests.length = 0;
    await h.request('POST', '/tables/todo', { body: { id: 'ok2' } });
    expect(await h.engine.push()).toEqual({ completed: 1, failed: 0, held: 0, stopped: null });
    // The first push replayed ops, so the tables are pulled afterwards too (T-09): only the writes matter here.
    expect(h.server.requests.filter((r) => r.method !== 'GET').map((r) => body(r.body)['id'])).toEqual(['ok2']);
  });

  test('U-03: when the upstream receives a request its op is stored inflight, attempted, attempts + 1; at start inflight ops return to pending', async () => {
    const h = createHarness();
    await h.ready();
    await h.request('POST', '/tables/todo', { body: { id: 'a' } });
    const seen: unknown[] = [];
    h.server.onRequest(() => void seen.push(h.ops()[0]));
    h.server.inject({ kind: 'drop-after-apply' });
    const result = await h.engine.push();
    expect(result.stopped).toBe('offline');
    expect(seen[0]).toMatchObject({ state: 'inflight', attempted: true, attempts: 1, lastAttemptAt: h.clock.now() });
    // A worker stopped mid-request leaves it inflight; the next start makes it pending, still attempted.
    const op = h.ops()[0];
    if (!op) throw new Error('no op');
    await h.store.commit([{ kind: 'put-op', op: { ...op, state: 'inflight' } }]);
    await h.restart();
    expect(h.ops()[0]).toMatchObject({ state: 'pending', attempted: true });
  });

  test('U-04: v2 sends POST, PATCH, DELETE with 2.0.0 and bodies with id and no other system property', async () => {
    const h = createHarness({ tables: [{ name: 'todo', upstreamDialect: 'v2' }] });
    const server = h.server.write('todo', { id: 'u', text: 's' });
    h.server.write('todo', { id: 'd', text: 's' });
    await h.ready();
    await h.request('POST', '/tables/todo', { body: { id: 'i', text: 'new' } });
    await h.request('PATCH', '/tables/todo/u', { body: { text: 'changed' } });
    await h.request('DELETE', '/tables/todo/d');
    await h.engine.push();
    const sent = h.server.requests.map((r) => [r.method, r.path, r.headers['zumo-api-version'], r.body === null ? null : body(r.body)]);
    expect(sent).toEqual([
      ['POST', '/tables/todo', '2.0.0', { id: 'i', text: 'new' }],
      ['PATCH', '/tables/todo/u', '2.0.0', { id: 'u', text: 'changed' }],
      ['DELETE', '/tables/todo/d', '2.0.0', null],
    ]);
    expect(h.server.requests[1]?.headers['if-match']).toBe(`"${server['version'] as string}"`);
  });

  test('U-05: v3 sends POST, PUT with the whole snapshot, DELETE with 3.0.0', async () => {
    const h = createHarness();
    h.server.write('todo', { id: 'u', text: 's', done: false });
    await h.ready();
    await h.request('PATCH', '/tables/todo/u', { body: { done: true } });
    await h.request('DELETE', '/tables/todo/u');
    await h.request('POST', '/tables/todo', { body: { id: 'i' } });
    await h.engine.push();
    expect(h.server.requests.map((r) => [r.method, r.path, r.headers['zumo-api-version']])).toEqual([
      ['DELETE', '/tables/todo/u', '3.0.0'],
      ['POST', '/tables/todo', '3.0.0'],
    ]);
    const h2 = createHarness();
    h2.server.write('todo', { id: 'u', text: 's', done: false });
    await h2.ready();
    await h2.request('PATCH', '/tables/todo/u', { body: { done: true } });
    await h2.engine.push();
    expect(body(h2.server.requests[0]?.body)).toEqual({ id: 'u', text: 's', done: true });
    expect(h2.server.requests[0]?.method).toBe('PUT');
  });

  test('U-06: updates and deletes carry If-Match exactly when baseVersion is not null; inserts never', async () => {
    const h = createHarness();
    h.server.write('todo', { id: 'u', text: 's' });
    await h.ready();
    await h.request('POST', '/tables/todo', { body: { id: 'i' } });
    h.server.inject({ kind: 'network' });
    await h.engine.push();
    await h.request('DELETE', '/tables/todo/i'); // attempted insert + delete: baseVersion null
    const version = h.server.row('todo', 'u')?.['version'] as string;
    await h.request('DELETE', '/tables/todo/u');
    h.server.requests.length = 0;
    await h.engine.push({ explicit: true });
    expect(h.server.requests.map((r) => [r.method, r.path, r.headers['if-match'] ?? null])).toEqual([
      ['DELETE', '/tables/todo/i', null],
      ['DELETE', '/tables/todo/u', `"${version}"`],
    ]);
  });

  test('U-07: a v2 update sends null for each baseRow app field its snapshot lacks', async () => {
    const h = createHarness({ tables: [{ name: 'todo', upstreamDialect: 'v2' }] });
    h.server.write('todo', { id: 'u', text: 's', note: 'n' });
    await h.ready();
    await h.request('PUT', '/tables/todo/u', { body: { text: 'only' } });
    await h.engine.push();
    expect(body(h.server.requests[0]?.body)).toEqual({ id: 'u', text: 'only', note: null });
    expect(h.server.row('todo', 'u')).toMatchObject({ text: 'only', note: null });
  });

  test('U-08: a 2xx with editCounter unchanged removes the op and stores the server row in one commit', async () => {
    const h = createHarness();
    await h.ready();
    await h.request('POST', '/tables/todo', { body: { id: 'a', text: 'x' } });
    const commits: string[][] = [];
    h.store.onCommit((c) => commits.push(c.map((x) => x.kind)));
    expect((await h.engine.push()).completed).toBe(1);
    expect(commits.at(-1)).toEqual(['delete-op', 'delete-conflict', 'put-row']);
    expect(h.ops()).toEqual([]);
    expect(h.rows()[0]?.item).toEqual(h.server.row('todo', 'a'));
    expect(h.rows()[0]?.knownVersions).toEqual([h.server.row('todo', 'a')?.['version']]);
  });

  test('U-09: a 2xx for an op edited in flight keeps it pending with the new baseVersion, insert becomes update, local fields and server system properties', async () => {
    const h = createHarness();
    await h.ready();
    await h.request('POST', '/tables/todo', { body: { id: 'a', text: '1' } });
    h.server.onRequest(async (r) => {
      if (r.method === 'POST') await h.request('PATCH', '/tables/todo/a', { body: { text: '2' } });
    });
    await h.engine.push();
    const server = h.server.row('todo', 'a');
    expect(server?.['text']).toBe('1');
    expect(h.ops()).toEqual([expect.objectContaining({ kind: 'update', state: 'pending', baseVersion: server?.['version'], baseRow: server })]);
    expect(h.rows()[0]?.item).toEqual({ ...server, text: '2' });
    await h.engine.push();
    expect(h.server.row('todo', 'a')?.['text']).toBe('2');
    expect(h.ops()).toEqual([]);
  });

  test('U-10: a delete answered 404, 410 or a tombstone conflict completes without conflict', async () => {
    for (const dialect of ['v2', 'v3'] as const) {
      const h = createHarness({ tables: [{ name: 'todo', upstreamDialect: dialect }] });
      h.server.write('todo', { id: 'a' });
      h.server.write('todo', { id: 'b' });
      await h.ready();
      await h.request('DELETE', '/tables/todo/a');
      await h.request('DELETE', '/tables/todo/b');
      h.server.remove('todo', 'a');
      h.server.remove('todo', 'b');
      expect(await h.engine.push()).toEqual({ completed: 2, failed: 0, held: 0, stopped: null });
      expect(h.server.requests.map((r) => r.status)).toEqual(dialect === 'v2' ? [404, 404] : [410, 410]);
      expect(h.conflictRecords()).toEqual([]);
    }
  });

  test('U-11: an insert answered 409 (lost answer) whose server row holds the snapshot completes and adopts the row', async () => {
    const h = createHarness();
    await h.ready();
    await h.request('POST', '/tables/todo', { body: { id: 'a', text: 'x' } });
    h.server.inject({ kind: 'drop-after-apply' });
    expect((await h.engine.push()).stopped).toBe('offline');
    expect(await h.engine.push({ explicit: true })).toEqual({ completed: 1, failed: 0, held: 0, stopped: null });
    expect(h.server.requests.map((r) => r.status)).toEqual([null, 409]);
    expect(h.rows()[0]?.item).toEqual(h.server.row('todo', 'a'));
    expect(h.server.rows('todo')).toHaveLength(1);
  });

  test('U-11: an update answered 412 after a lost answer, holding the snapshot, completes', async () => {
    const h = createHarness();
    h.server.write('todo', { id: 'a', text: 's' });
    await h.ready();
    await h.request('PATCH', '/tables/todo/a', { body: { text: 'mine' } });
    h.server.inject({ kind: 'drop-after-apply' });
    await h.engine.push();
    expect(await h.engine.push({ explicit: true })).toMatchObject({ completed: 1, held: 0 });
    expect(h.server.requests.map((r) => r.status)).toEqual([null, 412]);
    expect(h.rows()[0]?.item).toEqual(h.server.row('todo', 'a'));
  });

  // P10 + P12: the server row holds the snapshot of an attempt whose answer was lost, not the edited one; the op
  // remembers its unconfirmed sends, so the echo rebases it and it goes again with If-Match that version.
  test('U-11: a retried insert whose lost answer was followed by a local edit completes without a conflict', async () => {
    const h = createHarness();
    await h.ready();
    await h.request('POST', '/tables/todo', { body: { id: 'a', n: 1 } });
    h.server.inject({ kind: 'drop-after-apply' });
    await h.engine.push();
    await h.request('PATCH', '/tables/todo/a', { body: { n: 2 } });
    expect(await h.engine.push({ explicit: true })).toMatchObject({ completed: 1, held: 0 });
    expect(h.server.row('todo', 'a')?.['n']).toBe(2);
  });

  test('U-11, W-13: the retried insert is rebased on its own echo and re-sent with If-Match in the same push', async () => {
    const h = createHarness();
    await h.ready();
    await h.request('POST', '/tables/todo', { body: { id: 'a', n: 1 } });
    h.server.inject({ kind: 'drop-after-apply' });
    await h.engine.push();
    const echo = h.server.row('todo', 'a');
    expect(h.ops()[0]?.unconfirmed?.map((s) => s['n'])).toEqual([1]);
    await h.request('PATCH', '/tables/todo/a', { body: { n: 2 } });
    expect(h.ops()[0]).toMatchObject({ kind: 'insert', unconfirmed: [{ n: 1 }] }); // a collapse keeps them
    expect(await h.engine.push({ explicit: true })).toEqual({ completed: 1, failed: 0, held: 0, stopped: null });
    expect(h.server.requests.map((r) => [r.method, r.status])).toEqual([['POST', null], ['POST', 409], ['PUT', 200]]);
    expect(h.server.requests[2]?.headers['if-match']).toBe(`"${echo?.['version'] as string}"`);
    expect(h.ops()).toEqual([]);
    expect(h.conflictRecords()).toEqual([]);
    expect(h.rows()[0]?.item).toEqual(h.server.row('todo', 'a'));
  });

  for (const dialect of ['v2', 'v3'] as const) {
    test(`U-11 (${dialect}): a retried update whose lost answer was followed by a local edit ends with the latest edit, no conflict`, async () => {
      const h = createHarness({ tables: [{ name: 'todo', upstreamDialect: dialect }] });
      h.server.write('todo', { id: 'a', text: 's', done: false });
      await h.ready();
      await h.request('PATCH', '/tables/todo/a', { body: { text: 'mine' } });
      h.server.inject({ kind: 'drop-after-apply' });
      expect((await h.engine.push()).stopped).toBe('offline');
      const first = h.server.row('todo', 'a');
      expect(first).toMatchObject({ text: 'mine', version: 'v2' });
      await h.request('PATCH', '/tables/todo/a', { body: { done: true } });
      expect(await h.engine.push({ explicit: true })).toEqual({ completed: 1, failed: 0, held: 0, stopped: null });
      const update = dialect === 'v2' ? 'PATCH' : 'PUT';
      expect(h.server.requests.map((r) => [r.method, r.status, r.headers['if-match']])).toEqual([
        [update, null, '"v1"'],
        [update, 412, '"v1"'],
        [update, 200, '"v2"'],
      ]);
      // one server write per applied attempt: the seed (v1), the lost answer's (v2), the re-send's (v3)
      expect(h.server.row('todo', 'a')).toMatchObject({ text: 'mine', done: true, version: 'v3' });
      expect(h.conflictRecords()).toEqual([]);
      expect(h.ops()).toEqual([]);
      expect(h.rows()[0]?.item).toEqual(h.server.row('todo', 'a'));
    });
  }

  test('U-11, U-23: answers lost twice, with edits and a restart between, still end with one server write per applied attempt', async () => {
    const h = createHarness({ tables: [{ name: 'todo', policy: 'hold' }] });
    await h.ready();
    await h.request('POST', '/tables/todo', { body: { id: 'a', n: 1 } });
    h.server.inject({ kind: 'drop-after-apply' });
    await h.engine.push();
    await h.request('PATCH', '/tables/todo/a', { body: { n: 2 } });
    // the 409 rebases the op; the re-sent PUT is applied and its answer lost too
    h.server.inject({ kind: 'drop-after-apply' }, { match: (r) => r.method === 'PUT' });
    expect((await h.engine.push({ explicit: true })).stopped).toBe('offline');
    expect(h.ops()[0]).toMatchObject({ kind: 'update', baseVersion: 'v1', unconfirmed: [{ n: 2 }] }); // the rebase cleared n: 1
    await h.request('PATCH', '/tables/todo/a', { body: { n: 3 } });
    await h.restart();
    expect(await h.engine.push({ explicit: true })).toEqual({ completed: 1, failed: 0, held: 0, stopped: null });
    expect(h.server.requests.map((r) => [r.method, r.status])).toEqual([['POST', null], ['POST', 409], ['PUT', null], ['PUT', 412], ['PUT', 200]]);
    expect(h.server.row('todo', 'a')).toMatchObject({ n: 3, version: 'v3' });
    expect(h.server.rows('todo')).toHaveLength(1);
    expect(h.conflictRecords()).toEqual([]);
  });

  // Issue 11's case: an update applied on the server whose answer was lost, then a local delete collapsed onto it
  // (keeping the old base); the replayed DELETE's 412 holds the device's own update, which is its echo, not a conflict.
  for (const dialect of ['v2', 'v3'] as const) {
    test(`U-11, W-09 (${dialect}): update answered but lost, then delete, then replay: no conflict held, the server row deleted`, async () => {
      const h = createHarness({ tables: [{ name: 'todo', upstreamDialect: dialect }] }); // the default policy, merge
      h.server.write('todo', { id: 'a', text: 's' });
      await h.ready();
      await h.request('PATCH', '/tables/todo/a', { body: { text: 'mine' } });
      h.server.inject({ kind: 'drop-after-apply' });
      expect((await h.engine.push()).stopped).toBe('offline');
      expect(h.server.row('todo', 'a')).toMatchObject({ text: 'mine', version: 'v2' });
      expect((await h.request('DELETE', '/tables/todo/a')).status).toBe(204); // the app speaks v3
      expect(h.ops()[0]).toMatchObject({ kind: 'delete', baseVersion: 'v1', unconfirmed: [{ text: 'mine' }] });
      expect(await h.engine.push({ explicit: true })).toEqual({ completed: 1, failed: 0, held: 0, stopped: null });
      const update = dialect === 'v2' ? 'PATCH' : 'PUT';
      expect(h.server.requests.map((r) => [r.method, r.status, r.headers['if-match']])).toEqual([
        [update, null, '"v1"'],
        ['DELETE', 412, '"v1"'],
        ['DELETE', dialect === 'v2' ? 200 : 204, '"v2"'],
      ]);
      expect(h.server.row('todo', 'a')).toMatchObject({ deleted: true });
      expect(h.conflictRecords()).toEqual([]);
      expect(h.ops()).toEqual([]);
      expect(h.rows()).toEqual([]);
    });
  }

  test('U-11, W-07: insert answered but lost, then update and delete, then replay: one unconditional delete, no conflict', async () => {
    const h = createHarness();
    await h.ready();
    await h.request('POST', '/tables/todo', { body: { id: 'a', n: 1 } });
    h.server.inject({ kind: 'drop-after-apply' });
    expect((await h.engine.push()).stopped).toBe('offline');
    await h.request('PATCH', '/tables/todo/a', { body: { n: 2 } });
    await h.request('DELETE', '/tables/todo/a');
    expect(await h.engine.push({ explicit: true })).toEqual({ completed: 1, failed: 0, held: 0, stopped: null });
    expect(h.server.requests.map((r) => [r.method, r.status, r.headers['if-match'] ?? null])).toEqual([
      ['POST', null, null],
      ['DELETE', 204, null],
    ]);
    expect(h.server.row('todo', 'a')).toMatchObject({ n: 1, deleted: true });
    expect(h.server.rows('todo')).toHaveLength(1);
    expect(h.conflictRecords()).toEqual([]);
    expect(h.ops()).toEqual([]);
  });

  test('U-11: insert answered but lost, update, its rebased send answered but lost, then delete and replay: no conflict', async () => {
    const h = createHarness();
    await h.ready();
    await h.request('POST', '/tables/todo', { body: { id: 'a', n: 1 } });
    h.server.inject({ kind: 'drop-after-apply' });
    await h.engine.push();
    await h.request('PATCH', '/tables/todo/a', { body: { n: 2 } });
    h.server.inject({ kind: 'drop-after-apply' }, { match: (r) => r.method === 'PUT' });
    expect((await h.engine.push({ explicit: true })).stopped).toBe('offline');
    expect(h.ops()[0]).toMatchObject({ kind: 'update', baseVersion: 'v1', unconfirmed: [{ n: 2 }] });
    await h.request('DELETE', '/tables/todo/a');
    expect(await h.engine.push({ explicit: true })).toEqual({ completed: 1, failed: 0, held: 0, stopped: null });
    expect(h.server.requests.map((r) => [r.method, r.status])).toEqual([['POST', null], ['POST', 409], ['PUT', null], ['DELETE', 412], ['DELETE', 204]]);
    expect(h.server.row('todo', 'a')).toMatchObject({ n: 2, deleted: true });
    expect(h.conflictRecords()).toEqual([]);
    expect(h.ops()).toEqual([]);
  });

  // Found by the fault suite (FAULT_SEED=1555473600): a delete applied on the server whose answer was lost, then the
  // app re-inserted the id (delete + insert collapse to an update on the delete's base). The replayed update met the
  // device's own tombstone (410) and was held as deleted-on-server; a later delete stayed held with it.
  for (const dialect of ['v2', 'v3'] as const) {
    test(`U-11, W-10 (${dialect}): delete answered but lost, then insert, then replay: the row comes back by undelete, no conflict`, async () => {
      const h = createHarness({ tables: [{ name: 'todo', upstreamDialect: dialect }] }); // the default policy, merge
      h.server.write('todo', { id: 'a', n: 1 });
      await h.ready();
      expect((await h.request('DELETE', '/tables/todo/a')).status).toBe(204);
      h.server.inject({ kind: 'drop-after-apply' });
      expect((await h.engine.push()).stopped).toBe('offline');
      expect(h.server.row('todo', 'a')).toMatchObject({ deleted: true });
      expect((await h.request('POST', '/tables/todo', { body: { id: 'a', n: 2 } })).status).toBe(201);
      expect(h.ops()[0]).toMatchObject({ kind: 'update', baseVersion: 'v1', deleteUnconfirmed: true });
      expect(await h.engine.push({ explicit: true })).toEqual({ completed: 1, failed: 0, held: 0, stopped: null });
      expect(h.server.row('todo', 'a')).toMatchObject({ n: 2, deleted: false });
      expect(h.conflictRecords()).toEqual([]);
      expect(h.ops()).toEqual([]);
      expect(h.rows()[0]?.item).toEqual(h.server.row('todo', 'a'));
    });
  }

  test('U-11, W-10, W-09: delete answered but lost, insert, delete, then replay: the server row ends deleted, no conflict', async () => {
    const h = createHarness();
    h.server.write('todo', { id: 'a', n: 1 });
    await h.ready();
    await h.request('DELETE', '/tables/todo/a');
    h.server.inject({ kind: 'drop-after-apply' });
    await h.engine.push();
    await h.request('POST', '/tables/todo', { body: { id: 'a', n: 2 } });
    await h.request('DELETE', '/tables/todo/a');
    expect(h.ops()[0]).toMatchObject({ kind: 'delete', baseVersion: 'v1', deleteUnconfirmed: true });
    expect(await h.engine.push({ explicit: true })).toEqual({ completed: 1, failed: 0, held: 0, stopped: null });
    expect(h.server.row('todo', 'a')).toMatchObject({ deleted: true });
    expect([h.conflictRecords(), h.ops(), h.rows()]).toEqual([[], [], []]);
  });

  for (const dialect of ['v2', 'v3'] as const) {
    test(`K-05, W-11 (${dialect}): a row this device deleted (confirmed) and then inserted again is re-created by undelete, no conflict`, async () => {
      const h = createHarness({ tables: [{ name: 'todo', policy: 'hold', upstreamDialect: dialect }] });
      await h.ready();
      await h.request('POST', '/tables/todo', { body: { id: 'a', n: 1 } });
      await h.engine.pull({ table: 'todo' });
      await h.request('DELETE', '/tables/todo/a');
      await h.engine.pull({ table: 'todo' });
      expect(h.server.row('todo', 'a')).toMatchObject({ deleted: true });
      h.server.requests.length = 0;
      expect((await h.request('POST', '/tables/todo', { body: { id: 'a', n: 2 } })).status).toBe(201);
      expect(await h.engine.push({ explicit: true })).toEqual({ completed: 1, failed: 0, held: 0, stopped: null });
      const tombstone = dialect === 'v2' ? [['POST', '/tables/todo', 409], ['POST', '/tables/todo/a', 201], ['PATCH', '/tables/todo/a', 200]] : [['POST', '/tables/todo', 409], ['PUT', '/tables/todo/a?__includedeleted=true', 200]];
      expect(h.server.requests.map((r) => [r.method, r.path, r.status])).toEqual(tombstone);
      expect(h.server.row('todo', 'a')).toMatchObject({ n: 2, deleted: false });
      expect(h.conflictRecords()).toEqual([]);
      expect(h.ops()).toEqual([]);
      expect(h.rows()[0]?.item).toEqual(h.server.row('todo', 'a'));
    });
  }

  test('U-11, K-01: a 412 whose server row holds none of the sent snapshots still conflicts', async () => {
    const h = createHarness({ tables: [{ name: 'todo', policy: 'hold' }] });
    h.server.write('todo', { id: 'a', text: 's' });
    await h.ready();
    await h.request('PATCH', '/tables/todo/a', { body: { text: 'mine' } });
    h.server.inject({ kind: 'network' });
    await h.engine.push();
    await h.request('PATCH', '/tables/todo/a', { body: { text: 'later' } });
    h.server.write('todo', { id: 'a', text: 'theirs' });
    expect(await h.engine.push({ explicit: true })).toMatchObject({ completed: 0, held: 1 });
    expect(h.conflictRecords()).toMatchObject([{ reason: 'precondition', status: 412 }]);
    expect(h.server.row('todo', 'a')?.['text']).toBe('theirs');
  });

  test('U-12: a conflict body that is not a server row makes the engine look the row up first', async () => {
    const h = createHarness();
    await h.ready();
    await h.request('POST', '/tables/todo', { body: { id: "it's", text: 'x' } });
    h.server.inject({ kind: 'drop-after-apply' });
    await h.engine.push();
    h.server.errorBodies(true);
    expect((await h.engine.push({ explicit: true })).completed).toBe(1);
    expect(h.server.requests[2]?.method).toBe('GET');
    expect(h.server.requests[2]?.path).toBe(`/tables/todo?$filter=${encodeURIComponent("(id eq 'it''s')")}&__includeDeleted=true`);
  });

  // Found by the fault suite (FAULT_SEED=424270): the page refreshed its token (setAuth) while a request made with the
  // old one was out; its 401 then blocked the queue against the new credentials, so nothing was sent until the
  // token changed again.
  test('U-13: a 401 to a request sent with older credentials than the current ones does not block the queue', async () => {
    const h = createHarness();
    await h.ready();
    await h.request('POST', '/tables/todo', { body: { id: 'a' } });
    h.engine.setAuth({ authorization: 'Bearer old' });
    h.server.requireAuth((headers) => headers['authorization'] === 'Bearer new');
    let refreshed = false;
    h.server.onRequest(() => {
      if (refreshed) return;
      refreshed = true;
      h.engine.setAuth({ authorization: 'Bearer new' }); // the page refreshes while the old token's request is out
    });
    expect((await h.engine.push()).stopped).toBe('needs-auth');
    expect(await h.engine.push()).toEqual({ completed: 1, failed: 0, held: 0, stopped: null });
    expect(h.server.requests.filter((r) => r.method === 'POST').map((r) => [r.headers['authorization'], r.status])).toEqual([
      ['Bearer old', 401],
      ['Bearer new', 201],
    ]);
  });

  test('U-13: 401 stops the push with needs-auth; nothing is sent until setAuth or an app request brings credentials', async () => {
    const h = createHarness();
    await h.ready();
    await h.request('POST', '/tables/todo', { body: { id: 'a' } });
    h.server.requireAuth((headers) => headers['authorization'] === 'Bearer good');
    expect((await h.engine.push()).stopped).toBe('needs-auth');
    expect(h.ops()[0]).toMatchObject({ state: 'pending', blockedReason: 'needs-auth' });
    expect((await h.engine.status()).blockedReason).toBe('needs-auth');
    expect((await h.engine.push({ explicit: true })).stopped).toBe('needs-auth');
    expect(h.server.requests).toHaveLength(1);
    await h.request('GET', '/tables/todo', { headers: { authorization: 'Bearer good' } });
    expect(await h.engine.push()).toMatchObject({ completed: 1, stopped: null });
    // after a restart the blocked op waits for credentials too
    await h.request('POST', '/tables/todo', { body: { id: 'b' } });
    h.engine.setAuth({ authorization: 'Bearer expired' });
    expect((await h.engine.push()).stopped).toBe('needs-auth');
    await h.restart();
    const before = h.server.requests.length;
    expect((await h.engine.push()).stopped).toBe('needs-auth');
    expect(h.server.requests).toHaveLength(before);
    h.engine.setAuth({ authorization: 'Bearer good' });
    expect((await h.engine.push()).completed).toBe(1);
  });

  test.each([
    ['network error', { kind: 'network' } as const, 'offline'],
    ['408', { kind: 'status', status: 408 } as const, 'backoff'],
    ['429', { kind: 'status', status: 429 } as const, 'backoff'],
    ['503', { kind: 'status', status: 503 } as const, 'backoff'],
  ])('U-14: a %s stops the push with the op pending and nextAttemptAt', async (_name, failure, stopped) => {
    const h = createHarness();
    await h.ready();
    await h.request('POST', '/tables/todo', { body: { id: 'a' } });
    await h.request('POST', '/tables/todo', { body: { id: 'b' } });
    h.server.inject(failure);
    h.entropy.setJitter(0);
    expect(await h.engine.push()).toEqual({ completed: 0, failed: 0, held: 0, stopped });
    expect(h.ops().map((o) => [o.state, o.nextAttemptAt])).toEqual([['pending', h.clock.now() + 500], ['pending', null]]);
    expect(h.server.requests).toHaveLength(1);
  });

  test('U-14: Retry-After wins when later than the back-off', async () => {
    const h = createHarness();
    await h.ready();
    await h.request('POST', '/tables/todo', { body: { id: 'a' } });
    h.server.inject({ kind: 'status', status: 503, headers: { 'retry-after': '120' } });
    await h.engine.push();
    expect(h.ops()[0]?.nextAttemptAt).toBe(h.clock.now() + 120_000);
  });

  test('U-15: after n stopped pushes the delay is min(300000, 1000·2^(n−1))·(0.5 + j/2); an explicit push ignores it', async () => {
    const h = createHarness();
    await h.ready();
    await h.request('POST', '/tables/todo', { body: { id: 'a' } });
    h.entropy.setJitter(0.5);
    const delays: number[] = [];
    for (let n = 1; n <= 4; n++) {
      h.server.inject({ kind: 'network' });
      await h.engine.push({ explicit: true });
      delays.push((h.ops()[0]?.nextAttemptAt ?? 0) - h.clock.now());
    }
    expect(delays).toEqual([750, 1500, 3000, 6000]);
    const sent = h.server.requests.length;
    expect((await h.engine.push()).stopped).toBe('backoff');
    expect(h.server.requests).toHaveLength(sent);
    h.clock.advance(6000);
    expect((await h.engine.push()).completed).toBe(1);
  });

  test('U-16: any other 4xx makes the op failed with lastStatus and body, emits op-failed, and the push goes on', async () => {
    const h = createHarness();
    await h.ready();
    await h.request('POST', '/tables/todo', { body: { id: 'a' } });
    await h.request('POST', '/tables/todo', { body: { id: 'b' } });
    const error = { error: 'nope', code: 'invalid_item' };
    h.server.inject({ kind: 'status', status: 422, body: error });
    expect(await h.engine.push()).toEqual({ completed: 1, failed: 1, held: 0, stopped: null });
    expect(h.ops()).toEqual([expect.objectContaining({ itemId: 'a', state: 'failed', lastStatus: 422, lastError: error })]);
    expect(h.events.filter((e) => e.kind === 'op-failed')).toEqual([
      { kind: 'op-failed', operation: expect.objectContaining({ itemId: 'a', state: 'failed', lastStatus: 422 }) },
    ]);
  });

  test('U-17: an op made under another identity is not sent and is blocked by identity', async () => {
    const h = createHarness();
    await h.ready();
    const token = (sub: string) => `Bearer h.${Buffer.from(JSON.stringify({ iss: 'i', sub })).toString('base64url')}.s`;
    await h.request('POST', '/tables/todo', { body: { id: 'a' }, headers: { authorization: token('alice') } });
    h.engine.setAuth({ authorization: token('bob') });
    await h.request('POST', '/tables/todo', { body: { id: 'b' } });
    expect(await h.engine.push()).toMatchObject({ completed: 1 });
    expect(h.server.requests.map((r) => body(r.body)['id'])).toEqual(['b']);
    expect(h.ops()).toEqual([expect.objectContaining({ itemId: 'a', blockedReason: 'identity', state: 'pending' })]);
    h.engine.setAuth({ authorization: token('alice') });
    expect((await h.engine.push()).completed).toBe(1);
  });

  test('U-18: each request carries the credentials current at send time', async () => {
    const h = createHarness();
    await h.ready();
    await h.request('POST', '/tables/todo', { body: { id: 'a' }, headers: { 'x-zumo-auth': 'old' } });
    await h.request('GET', '/tables/todo', { headers: { 'x-zumo-auth': 'new' } });
    await h.engine.push();
    expect(h.server.requests[0]?.headers['x-zumo-auth']).toBe('new');
  });

  test('U-19: without an exposed ETag pushes behave the same: versions come from bodies', async () => {
    const h = createHarness();
    h.server.write('todo', { id: 'a', text: 's' });
    await h.ready();
    h.server.hideETags(true);
    const first = await h.request('PATCH', '/tables/todo/a', { body: { text: '1' } });
    await h.engine.push();
    const version = h.server.row('todo', 'a')?.['version'];
    expect(h.rows()[0]?.knownVersions).toContain(version);
    expect((await h.request('PATCH', '/tables/todo/a', { body: { text: '2' }, headers: { 'if-match': first.headers['etag'] ?? '' } })).status).toBe(200);
    await h.engine.push();
    expect(h.ops()).toEqual([]);
  });

  test('U-19: a 2xx without a row body falls back to ETag for the version', async () => {
    const h = createHarness();
    await h.ready();
    await h.request('POST', '/tables/todo', { body: { id: 'a', text: 'x' } });
    h.server.inject({ kind: 'status', status: 201, body: null, headers: { etag: '"fromtag"' } });
    expect((await h.engine.push()).completed).toBe(1);
    expect(h.rows()[0]).toMatchObject({ item: { id: 'a', text: 'x', version: 'fromtag' }, knownVersions: ['fromtag'] });
  });

  test('U-22: push() resolves to {completed, failed, held, stopped}; pushed and status events follow', async () => {
    const h = createHarness();
    await h.ready();
    expect(await h.engine.push()).toEqual({ completed: 0, failed: 0, held: 0, stopped: null });
    await h.request('POST', '/tables/todo', { body: { id: 'a' } });
    await h.settle();
    expect(h.events.at(-1)).toMatchObject({ kind: 'status', status: { pending: 1 } }); // after the write
    const result = await h.engine.push();
    expect(result).toEqual({ completed: 1, failed: 0, held: 0, stopped: null });
    expect(h.events.slice(-2).map((e) => e.kind)).toEqual(['pushed', 'status']);
    expect(h.events.at(-1)).toMatchObject({ status: { pending: 0, pushing: false, lastPushAt: h.clock.now() } });
  });

  test('U-23: a worker stopped after U-03 and before the answer leaves exactly one server copy of each insert, update and delete', async () => {
    const h = createHarness();
    h.server.write('todo', { id: 'u', text: 's' });
    h.server.write('todo', { id: 'd', text: 's' });
    await h.ready();
    await h.request('POST', '/tables/todo', { body: { id: 'i', text: 'x' } });
    await h.request('PATCH', '/tables/todo/u', { body: { text: 'mine' } });
    await h.request('DELETE', '/tables/todo/d');
    let completed = 0;
    for (const target of ['POST /tables/todo', 'PUT /tables/todo/u', 'DELETE /tables/todo/d']) {
      // the server applies the op, the answer never arrives, the worker dies with it inflight
      h.server.inject({ kind: 'drop-after-apply' }, { match: (r) => `${r.method} ${r.path}` === target });
      completed += (await h.engine.push({ explicit: true })).completed;
      const inflight = h.ops().find((o) => o.attempted && o.state === 'pending');
      if (inflight) await h.store.commit([{ kind: 'put-op', op: { ...inflight, state: 'inflight' } }]);
      await h.restart();
    }
    expect(await h.engine.push({ explicit: true })).toMatchObject({ completed: 1, held: 0, failed: 0 });
    expect(completed).toBe(2);
    // Between the writes, the pulls that follow a push that replayed ops (T-09).
    expect(h.server.requests.filter((r) => r.method !== 'GET').map((r) => r.status)).toEqual([null, 409, null, 412, null, 410]);
    expect(h.ops()).toEqual([]);
    expect(h.server.rows('todo').map((r) => [r['id'], r['deleted'], r['text'] ?? null])).toEqual([
      ['u', false, 'mine'],
      ['d', true, 's'],
      ['i', false, 'x'],
    ]);
    expect(h.rows().map((r) => r.id).sort()).toEqual(['i', 'u']);
  });
});
