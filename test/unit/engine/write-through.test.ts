import { describe, expect, test } from 'vitest';
import type { OutboundRequest } from '../../../src/engine/ports.js';
import { createHarness, type HarnessOptions } from './harness.js';

const json = (body: unknown) => body as Record<string, unknown>;
const sentBody = (r: OutboundRequest) => JSON.parse(r.body ?? 'null') as Record<string, unknown>;
const writes = (h: ReturnType<typeof createHarness>) => h.server.requests.filter((r) => r.method !== 'GET');

/** An engine in the product's default mode, its tables completely pulled. */
async function online(options: HarnessOptions = {}) {
  const h = createHarness({ writes: 'online-first', ...options });
  await h.ready();
  return h;
}

/** Holds the next upstream request matching `match` until `release()`: a hung server. */
function hold(h: ReturnType<typeof createHarness>, match: (r: OutboundRequest) => boolean) {
  let release!: () => void;
  let arrive!: (r: OutboundRequest) => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const arrived = new Promise<OutboundRequest>((resolve) => (arrive = resolve));
  let used = false;
  h.server.onRequest(async (r) => {
    if (used || !match(r)) return;
    used = true;
    arrive(r);
    await gate;
  });
  return { arrived, release };
}

describe('write-through (PROTOCOL.md §3.9)', () => {
  test('T-01: online, an insert, an update and a delete return the server\'s own answers; the local row is the server row, no op remains', async () => {
    const h = await online();
    const created = await h.request('POST', '/tables/todo', { body: { id: 'a', text: 'one' } });
    const server = h.server.row('todo', 'a')!;
    expect(created).toEqual({
      status: 201,
      headers: expect.objectContaining({ 'x-tablesync': 'upstream', etag: `"${String(server['version'])}"`, location: 'http://upstream.test/tables/todo/a' }),
      body: server,
    });
    expect(h.ops()).toEqual([]);
    expect(h.rows()).toEqual([{ table: 'todo', id: 'a', item: server, knownVersions: [server['version']] }]);

    const updated = await h.request('PUT', '/tables/todo/a', { body: { text: 'two' }, headers: { 'if-match': created.headers['etag']! } });
    const after = h.server.row('todo', 'a')!;
    expect([updated.status, updated.headers['x-tablesync'], updated.body]).toEqual([200, 'upstream', after]);
    expect(after['text']).toBe('two');
    expect(h.rows()[0]).toMatchObject({ item: after, knownVersions: [server['version'], after['version']] });

    const deleted = await h.request('DELETE', '/tables/todo/a');
    expect([deleted.status, deleted.headers['x-tablesync'], deleted.body]).toEqual([204, 'upstream', null]);
    expect(h.server.row('todo', 'a')?.['deleted']).toBe(true);
    expect([h.rows(), h.ops()]).toEqual([[], []]);
    expect(writes(h).map((r) => `${r.method} ${r.headers['if-match'] ?? '-'}`)).toEqual(['POST -', `PUT "${String(server['version'])}"`, 'DELETE -']);
  });

  test('T-01: v2 — PATCH and DELETE answer as the server does (200 with the row, 200 with the tombstone)', async () => {
    const h = await online();
    h.server.write('todo', { id: 'b', text: 's' });
    await h.engine.pull({ table: 'todo', push: false });
    const patched = await h.request('PATCH', '/tables/todo/b', { body: { text: 'p' }, version: '2.0.0' });
    expect([patched.status, patched.headers['x-tablesync'], json(patched.body)['text']]).toEqual([200, 'upstream', 'p']);
    const deleted = await h.request('DELETE', '/tables/todo/b', { version: '2.0.0' });
    expect([deleted.status, deleted.headers['x-tablesync'], json(deleted.body)['deleted']]).toEqual([200, 'upstream', true]);
    expect(writes(h).map((r) => `${r.method} ${r.headers['zumo-api-version']}`)).toEqual(['PATCH 2.0.0', 'DELETE 2.0.0']);
    expect([h.rows(), h.ops()]).toEqual([[], []]);
  });

  test('T-02: a stale If-Match the local known versions pass (F-11) gets the server\'s 412 with its row; the op goes, the local row is the server\'s', async () => {
    const h = await online({ tables: [{ name: 'todo', policy: 'clientWins' }] });
    const v1 = (await h.request('POST', '/tables/todo', { body: { id: 'a', text: 'v1' } })).headers['etag']!;
    const v2 = await h.request('PATCH', '/tables/todo/a', { body: { text: 'v2' }, headers: { 'if-match': v1 } });
    expect(v2.status).toBe(200);
    // The app retries with its first ETag: locally still a known version, on the server stale.
    const stale = await h.request('PATCH', '/tables/todo/a', { body: { text: 'v3' }, headers: { 'if-match': v1 } });
    const server = h.server.row('todo', 'a')!;
    expect([stale.status, stale.headers['x-tablesync'], stale.body, stale.headers['etag']]).toEqual([412, 'upstream', server, v2.headers['etag']]);
    expect(server['text']).toBe('v2');
    // No policy ran (clientWins would have re-sent), no conflict record, no op.
    expect([h.ops(), h.conflictRecords()]).toEqual([[], []]);
    expect(h.rows()[0]?.item).toEqual(server);
    expect(writes(h).at(-1)?.headers['if-match']).toBe(v1);
    expect(h.events.some((e) => e.kind === 'conflict')).toBe(false);
  });

  test('T-02: an insert of an id another device created gets the server\'s 409; the local row becomes the server row', async () => {
    const h = await online();
    const theirs = h.server.write('todo', { id: 'x', text: 'theirs' });
    const answer = await h.request('POST', '/tables/todo', { body: { id: 'x', text: 'mine' } });
    expect([answer.status, answer.headers['x-tablesync'], answer.body]).toEqual([409, 'upstream', theirs]);
    expect(h.ops()).toEqual([]);
    expect(h.rows()).toEqual([{ table: 'todo', id: 'x', item: theirs, knownVersions: [theirs['version']] }]);
  });

  test('T-02: v2 — a PATCH body version without If-Match goes as sent and gets the server\'s 409 when stale', async () => {
    const h = await online();
    const v1 = h.server.write('todo', { id: 'a', text: 'base' });
    await h.engine.pull({ table: 'todo', push: false });
    const theirs = h.server.write('todo', { id: 'a', text: 'theirs' });
    const answer = await h.request('PATCH', '/tables/todo/a', { body: { text: 'mine', version: v1['version'] }, version: '2.0.0' });
    expect([answer.status, answer.headers['x-tablesync'], answer.body]).toEqual([409, 'upstream', theirs]);
    const sent = writes(h)[0]!;
    expect([sent.headers['if-match'], sentBody(sent)['version']]).toEqual([undefined, v1['version']]);
    expect([h.ops(), h.rows()[0]?.item]).toEqual([[], theirs]);
  });

  test('T-02: without If-Match the write goes without one, as without the worker (the server takes it)', async () => {
    const h = await online();
    h.server.write('todo', { id: 'a', text: 'base' });
    await h.engine.pull({ table: 'todo', push: false });
    h.server.write('todo', { id: 'a', other: 'theirs' });
    const answer = await h.request('PATCH', '/tables/todo/a', { body: { text: 'mine' } });
    expect([answer.status, answer.headers['x-tablesync']]).toEqual([200, 'upstream']);
    expect(writes(h)[0]?.headers['if-match']).toBeUndefined();
    expect(h.server.row('todo', 'a')).toMatchObject({ text: 'mine', other: 'theirs' });
  });

  test('T-02: another 4xx (400, 401) reaches the app as it came; the op goes, no failed op, the row returns to the server state', async () => {
    const h = await online();
    h.server.write('todo', { id: 'a', text: 'base' });
    await h.engine.pull({ table: 'todo', push: false });
    const before = h.rows()[0]!;
    h.server.inject({ kind: 'status', status: 400, body: { error: 'Too long', code: 'invalid_item' } });
    const bad = await h.request('PATCH', '/tables/todo/a', { body: { text: 'x'.repeat(20) } });
    expect([bad.status, bad.headers['x-tablesync'], bad.body]).toEqual([400, 'upstream', { error: 'Too long', code: 'invalid_item' }]);
    expect([h.ops(), h.rows()]).toEqual([[], [before]]);
    h.server.inject({ kind: 'status', status: 401, body: { error: 'Who?', code: 'unauthorized' }, headers: { 'www-authenticate': 'Bearer' } });
    const denied = await h.request('POST', '/tables/todo', { body: { id: 'n', text: 'new' } });
    expect([denied.status, denied.headers['www-authenticate'], json(denied.body)['code']]).toEqual([401, 'Bearer', 'unauthorized']);
    expect([h.ops(), h.rows()]).toEqual([[], [before]]);
    expect(h.events.some((e) => e.kind === 'op-failed')).toBe(false);
    // A 401 to a written-through op does not block later pushes (U-13 is for replays).
    expect((await h.request('POST', '/tables/todo', { body: { id: 'm' } })).status).toBe(201);
  });

  test('T-04: a network error gives the local answer; the next writes answer locally at once; the op replays exactly once', async () => {
    const h = await online();
    h.server.inject({ kind: 'network' });
    const first = await h.request('POST', '/tables/todo', { body: { id: 'a', text: 'x' } });
    expect([first.status, first.headers['x-tablesync'], first.body]).toEqual([201, 'local', { id: 'a', text: 'x', deleted: false }]);
    expect(h.ops()).toEqual([expect.objectContaining({ itemId: 'a', state: 'pending', attempted: true, attempts: 1 })]);
    const requests = h.server.requests.length;
    const second = await h.request('POST', '/tables/todo', { body: { id: 'b' } });
    expect(second.headers['x-tablesync']).toBe('local');
    expect(h.server.requests.length).toBe(requests); // no network tried within the offline window
    // 30 s later writes try the network again; the older op goes first (T-05).
    h.clock.advance(30_000);
    const third = await h.request('POST', '/tables/todo', { body: { id: 'c' } });
    expect(third.headers['x-tablesync']).toBe('local');
    await h.engine.push({ explicit: true });
    expect(writes(h).map((r) => [sentBody(r)['id'], r.status])).toEqual([['a', null], ['a', 201], ['b', 201], ['c', 201]]);
    expect(h.ops()).toEqual([]);
    // A later online write is written through again.
    expect((await h.request('POST', '/tables/todo', { body: { id: 'd' } })).headers['x-tablesync']).toBe('upstream');
  });

  test('T-04: a page\'s `online` ends the offline window at once', async () => {
    const h = await online();
    h.server.inject({ kind: 'network' });
    expect((await h.request('POST', '/tables/todo', { body: { id: 'a' } })).headers['x-tablesync']).toBe('local');
    await h.engine.push({ explicit: true });
    h.server.inject({ kind: 'network' });
    await h.engine.push({ explicit: true }).catch(() => undefined);
    expect(h.ops()).toEqual([]);
    h.engine.online();
    expect((await h.request('POST', '/tables/todo', { body: { id: 'b' } })).headers['x-tablesync']).toBe('upstream');
  });

  test('T-04: a 5xx, 408 or 429 gives the local answer and leaves the op to replay', async () => {
    for (const status of [503, 408, 429]) {
      const h = await online();
      h.server.inject({ kind: 'status', status, body: { error: 'busy', code: 'internal_error' } });
      const answer = await h.request('POST', '/tables/todo', { body: { id: 'a', text: 'x' } });
      expect([answer.status, answer.headers['x-tablesync']]).toEqual([201, 'local']);
      expect(h.ops()).toEqual([expect.objectContaining({ state: 'pending', attempted: true, lastStatus: status })]);
      expect(h.ops()[0]?.nextAttemptAt).toBeGreaterThan(h.clock.now());
      await h.engine.push({ explicit: true });
      expect(h.server.rows('todo').map((r) => r['id'])).toEqual(['a']);
    }
  });

  test('T-04: a hung server gives the local answer after writeTimeoutMs; the push settles later, the server has the write once', async () => {
    const h = await online({ writeTimeoutMs: 1500, tables: [{ name: 'todo', policy: 'hold' }] });
    const held = hold(h, (r) => r.method === 'POST');
    const answer = h.request('POST', '/tables/todo', { body: { id: 'a', text: 'x' } });
    await held.arrived;
    h.clock.advance(1499);
    await h.settle();
    let settled = false;
    void answer.then(() => (settled = true));
    await h.settle();
    expect(settled).toBe(false);
    h.clock.advance(1);
    const local = await answer;
    expect([local.status, local.headers['x-tablesync']]).toEqual([201, 'local']);
    // The next write answers locally at once: the network counts as down.
    expect((await h.request('POST', '/tables/todo', { body: { id: 'b' } })).headers['x-tablesync']).toBe('local');
    held.release();
    await h.settle();
    await h.engine.push({ explicit: true });
    expect(h.server.rows('todo').map((r) => r['id'])).toEqual(['a', 'b']);
    expect(writes(h).filter((r) => sentBody(r)['id'] === 'a')).toHaveLength(1);
    expect(h.ops()).toEqual([]);
    expect(h.clock.timers).toBe(0);
  });

  test('T-04: after the wait ended, the late answer settles by the replay rules (the table\'s policy runs)', async () => {
    const h = await online({ writeTimeoutMs: 1000, tables: [{ name: 'todo', policy: 'hold' }] });
    h.server.write('todo', { id: 'a', text: 'base' });
    await h.engine.pull({ table: 'todo', push: false });
    const etag = `"${String(h.server.row('todo', 'a')?.['version'])}"`;
    h.server.write('todo', { id: 'a', text: 'theirs' });
    const held = hold(h, (r) => r.method === 'PUT');
    const answer = h.request('PUT', '/tables/todo/a', { body: { text: 'mine' }, headers: { 'if-match': etag } });
    await held.arrived;
    h.clock.advance(1000);
    expect((await answer).headers['x-tablesync']).toBe('local');
    held.release();
    await h.settle();
    await h.engine.push({ explicit: true });
    // The 412 came when nobody waited: the `hold` policy held it as for any replay.
    expect(h.conflictRecords()).toEqual([expect.objectContaining({ itemId: 'a', reason: 'precondition', status: 412 })]);
  });

  test('T-05: with an older op waiting, a write is answered locally, a push starts and the server gets them in seq order', async () => {
    const h = await online();
    h.server.inject({ kind: 'network' });
    await h.request('POST', '/tables/todo', { body: { id: 'first' } });
    h.clock.advance(30_000); // past the offline window and the back-off
    const held = hold(h, (r) => r.method === 'POST');
    const answer = await h.request('POST', '/tables/todo', { body: { id: 'second' } });
    expect([answer.status, answer.headers['x-tablesync']]).toEqual([201, 'local']);
    expect(sentBody(await held.arrived)['id']).toBe('first'); // the push started by the write
    held.release();
    await h.settle();
    await h.engine.push({ explicit: true });
    expect(writes(h).filter((r) => r.status !== null).map((r) => sentBody(r)['id'])).toEqual(['first', 'second']);
  });

  test('T-06: local-first answers every write locally and sends nothing by itself', async () => {
    const h = createHarness({ writes: 'local-first' });
    await h.ready();
    h.server.write('todo', { id: 'theirs' });
    const answers = [
      await h.request('POST', '/tables/todo', { body: { id: 'a', text: 'x' } }),
      await h.request('PATCH', '/tables/todo/a', { body: { text: 'y' } }),
      await h.request('PATCH', '/tables/todo/theirs', { body: { text: 'y' } }),
      await h.request('DELETE', '/tables/todo/a'),
    ];
    expect(answers.map((a) => [a.status, a.headers['x-tablesync']])).toEqual([[201, 'local'], [200, 'local'], [404, 'local'], [204, 'local']]);
    expect(h.server.requests).toEqual([]);
  });

  test('who is waiting: a push that gets the lock first sends the op with the app\'s preconditions and answers the app', async () => {
    const h = await online({ tables: [{ name: 'todo', policy: 'clientWins' }] });
    const v1 = (await h.request('POST', '/tables/todo', { body: { id: 'a', text: 'v1' } })).headers['etag']!;
    await h.request('PATCH', '/tables/todo/a', { body: { text: 'v2' }, headers: { 'if-match': v1 } });
    h.server.write('todo', { id: 'p', text: 'to pull' });
    // A pull holds the lock on its page request; a background push queues first, then the app's write.
    const page = hold(h, (r) => r.method === 'GET');
    const pulling = h.engine.pull({ table: 'todo', push: false });
    await page.arrived;
    const background = h.engine.push();
    const answer = h.request('PATCH', '/tables/todo/a', { body: { text: 'v3' }, headers: { 'if-match': v1 } });
    await h.settle();
    page.release();
    const [got, pushed] = await Promise.all([answer, background, pulling]);
    expect([got.status, got.headers['x-tablesync']]).toEqual([412, 'upstream']);
    expect(pushed).toMatchObject({ completed: 0, held: 0 }); // the background push sent it, by write-through rules
    expect(writes(h).filter((r) => r.method === 'PATCH').map((r) => r.headers['if-match'])).toEqual([v1, v1]);
    expect([h.ops(), h.conflictRecords()]).toEqual([[], []]);
  });

  test('a local edit made while the write is in flight is kept: a refusal then goes by the replay rules', async () => {
    const h = await online({ tables: [{ name: 'todo', policy: 'hold' }] });
    h.server.write('todo', { id: 'a', text: 'base' });
    await h.engine.pull({ table: 'todo', push: false });
    const etag = `"${String(h.server.row('todo', 'a')?.['version'])}"`;
    h.server.write('todo', { id: 'a', text: 'theirs' });
    const held = hold(h, (r) => r.method === 'PUT');
    const answer = h.request('PUT', '/tables/todo/a', { body: { text: 'mine' }, headers: { 'if-match': etag } });
    await held.arrived;
    const edit = await h.request('PATCH', '/tables/todo/a', { body: { done: true } });
    expect([edit.status, edit.headers['x-tablesync']]).toEqual([200, 'local']); // the op is in flight
    held.release();
    expect((await answer).status).toBe(412);
    // The later edit is not lost: the op stays, held by the table's policy.
    expect(h.ops()).toEqual([expect.objectContaining({ itemId: 'a', state: 'held', snapshot: expect.objectContaining({ text: 'mine', done: true }) })]);
  });

  test('issue 11: a write collapsed onto an edit the app was told succeeded is never discarded by a refusal: the local answer, the replay rules', async () => {
    const h = await online();
    // The insert's answer is lost to the network: the app is told 201 locally, the op is attempted.
    h.server.inject({ kind: 'network' });
    expect((await h.request('POST', '/tables/todo', { body: { id: 'a', text: 'x' }, headers: { authorization: 'Bearer one' } })).headers['x-tablesync']).toBe('local');
    h.clock.advance(30_000); // past the offline window and the back-off
    // The delete collapses onto that insert; the server refuses the token. Discarding the op would drop the insert too.
    h.server.inject({ kind: 'status', status: 401, body: { error: 'Who?', code: 'unauthorized' } });
    const deleted = await h.request('DELETE', '/tables/todo/a', { headers: { authorization: 'Bearer one' } });
    expect([deleted.status, deleted.headers['x-tablesync']]).toEqual([204, 'local']);
    expect(h.ops()).toEqual([expect.objectContaining({ itemId: 'a', kind: 'delete', state: 'pending', blockedReason: 'needs-auth' })]);
    // New credentials: the replay ends the row on the server (its insert never arrived: the delete is done, U-10).
    await h.request('GET', '/tables/todo', { headers: { authorization: 'Bearer two' } });
    await h.engine.push({ explicit: true });
    expect([h.ops(), h.server.row('todo', 'a')?.['deleted'] ?? 'absent']).toEqual([[], 'absent']);
  });

  test('a write in another dialect than the upstream\'s is answered locally and pushed as usual', async () => {
    const h = await online({ tables: [{ name: 'todo', upstreamDialect: 'v3' }] });
    const answer = await h.request('POST', '/tables/todo', { body: { id: 'a' }, version: '2.0.0' });
    expect(answer.headers['x-tablesync']).toBe('local');
    expect(h.ops()).toHaveLength(1);
  });
});

describe('state-dependent local refusals while online (§3.9)', () => {
  test('a write to a row the local copy lacks goes to the server as made; its row is adopted; nothing is journaled', async () => {
    const h = await online();
    const theirs = h.server.write('todo', { id: 'new', text: 'theirs' });
    const answer = await h.request('PATCH', '/tables/todo/new', { body: { text: 'mine' }, headers: { 'if-match': `"${String(theirs['version'])}"` } });
    const server = h.server.row('todo', 'new')!;
    expect([answer.status, answer.headers['x-tablesync'], answer.body]).toEqual([200, 'upstream', server]);
    expect(h.ops()).toEqual([]);
    expect(h.rows()).toEqual([{ table: 'todo', id: 'new', item: server, knownVersions: [server['version']] }]);
    expect(writes(h).map((r) => `${r.method} ${r.path} ${r.headers['if-match']}`)).toEqual([`PATCH /tables/todo/new "${String(theirs['version'])}"`]);
  });

  test('a local 412 or 409 may be stale: the server judges; a delete the server takes removes the local row', async () => {
    const h = await online();
    h.server.write('todo', { id: 'a', text: 'base' });
    await h.engine.pull({ table: 'todo', push: false });
    const theirs = h.server.write('todo', { id: 'a', text: 'theirs' });
    // The app learnt the new version elsewhere (a forwarded read, another tab's server answer).
    const removed = await h.request('DELETE', '/tables/todo/a', { headers: { 'if-match': `"${String(theirs['version'])}"` } });
    expect([removed.status, removed.headers['x-tablesync']]).toEqual([204, 'upstream']);
    expect([h.rows(), h.ops()]).toEqual([[], []]);
    // Re-inserting the id: journaled locally (no row), written through, the server's 409 with its tombstone.
    const again = await h.request('POST', '/tables/todo', { body: { id: 'a', text: 'again' } });
    expect([again.status, again.headers['x-tablesync'], json(again.body)['deleted']]).toEqual([409, 'upstream', true]);
    expect([h.rows(), h.ops()]).toEqual([[], []]);
  });

  test('on a network failure, with an op of the item, or for malformed input, the local refusal stands', async () => {
    const h = await online();
    h.server.inject({ kind: 'network' });
    const missing = await h.request('PATCH', '/tables/todo/zz', { body: { text: 'x' } });
    expect([missing.status, missing.headers['x-tablesync']]).toEqual([404, 'local']);
    const bad = await h.request('POST', '/tables/todo', { body: { id: 'b', nested: { x: 1 } } });
    expect([bad.status, bad.headers['x-tablesync']]).toEqual([400, 'local']);
    expect(h.server.requests.filter((r) => r.path.includes('/b') || (r.body ?? '').includes('nested'))).toEqual([]);
    h.engine.online();
    h.server.inject({ kind: 'network' });
    await h.request('POST', '/tables/todo', { body: { id: 'c' } }); // journaled, pending
    const count = h.server.requests.length;
    const dup = await h.request('POST', '/tables/todo', { body: { id: 'c' } });
    expect([dup.status, dup.headers['x-tablesync']]).toEqual([409, 'local']);
    expect(h.server.requests.length).toBe(count);
  });
});

describe('write-through: the echo of a resent write (issue 11, the fault suite)', () => {
  /** The first attempt reached the server, whose answer was lost; the browser resent the request (a reused connection closed). */
  function firstAttemptApplied(h: ReturnType<typeof createHarness>, method: string, apply: () => void): void {
    let done = false;
    h.server.onRequest((r) => {
      if (done || r.method !== method) return;
      done = true;
      apply();
    });
  }

  test('an insert whose echo gets 409 with the app\'s own fields is told 201 with the server row; no op remains', async () => {
    const h = await online();
    firstAttemptApplied(h, 'POST', () => h.server.write('todo', { id: 'a', text: 'one' }));
    const created = await h.request('POST', '/tables/todo', { body: { id: 'a', text: 'one' } });
    const server = h.server.row('todo', 'a')!;
    expect([created.status, created.headers['x-tablesync'], created.body, created.headers['etag']]).toEqual([201, 'upstream', server, `"${String(server['version'])}"`]);
    expect(h.server.rows('todo')).toHaveLength(1);
    expect([h.ops(), h.conflictRecords()]).toEqual([[], []]);
    expect(h.rows()[0]?.item).toEqual(server);
  });

  test('an update whose echo gets 412 with the app\'s own fields is told 200 with the server row', async () => {
    const h = await online();
    const etag = (await h.request('POST', '/tables/todo', { body: { id: 'a', text: 'one' } })).headers['etag']!;
    firstAttemptApplied(h, 'PUT', () => h.server.write('todo', { id: 'a', text: 'two' }));
    const updated = await h.request('PUT', '/tables/todo/a', { body: { id: 'a', text: 'two' }, headers: { 'if-match': etag } });
    const server = h.server.row('todo', 'a')!;
    expect(writes(h).at(-1)?.headers['if-match']).toBe(etag); // the echo went with the stale version, and got 412
    expect([updated.status, updated.headers['x-tablesync'], updated.body]).toEqual([200, 'upstream', server]);
    expect([h.ops(), h.conflictRecords()]).toEqual([[], []]);
  });

  test('a delete whose echo gets 404 or 410 is told 204 (v3) or 200 with the tombstone (v2)', async () => {
    const h = await online();
    await h.request('POST', '/tables/todo', { body: { id: 'a', text: 'one' } });
    await h.request('POST', '/tables/todo', { body: { id: 'b', text: 'one' } });
    firstAttemptApplied(h, 'DELETE', () => h.server.remove('todo', 'a'));
    const deleted = await h.request('DELETE', '/tables/todo/a');
    expect([deleted.status, deleted.headers['x-tablesync'], deleted.body]).toEqual([204, 'upstream', null]);
    firstAttemptApplied(h, 'DELETE', () => h.server.remove('todo', 'b'));
    const v2 = await h.request('DELETE', '/tables/todo/b', { version: '2.0.0' });
    expect([v2.status, v2.headers['x-tablesync'], json(v2.body)['id'], json(v2.body)['deleted']]).toEqual([200, 'upstream', 'b', true]);
    expect([h.rows(), h.ops(), h.conflictRecords()]).toEqual([[], [], []]);
  });
});
