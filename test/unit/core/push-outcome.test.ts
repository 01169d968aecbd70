import { describe, expect, test } from 'vitest';
import type { Item } from '../../../src/core/item.js';
import type { Op } from '../../../src/core/op.js';
import {
  asServerRow, classifyLookupResponse, classifyPushResponse, classifyWithServerRow, MAX_UNCONFIRMED, parseRetryAfter, rebaseAfterUndelete, rebasePush,
  rememberSent, settlePush, withSystemProperties, type PushAnswer, type PushOutcome,
} from '../../../src/core/push-outcome.js';

const base: Item = { id: 'a', version: 'v1', createdAt: '2024-01-01T00:00:00.000Z', updatedAt: '2024-01-01T00:00:00.000Z', deleted: false, text: 'old', done: false };
const local: Item = { ...base, text: 'new' };
const op = (fields: Partial<Op>): Op => ({
  seq: 1, table: 't', itemId: 'a', kind: 'update', snapshot: local, baseVersion: 'v1', baseRow: base, serverRow: null,
  state: 'inflight', attempted: true, attempts: 1, lastAttemptAt: 0, lastStatus: null, lastError: null,
  editCounter: 0, identity: null, editedAt: 0, blockedReason: null, nextAttemptAt: null, ...fields,
});
const insert = op({ kind: 'insert', snapshot: { id: 'a', text: 'new' }, baseVersion: null, baseRow: null });
const update = op({});
const del = op({ kind: 'delete', snapshot: null });

const other: Item = { ...base, version: 'v2', updatedAt: '2024-02-01T00:00:00.000Z', text: 'theirs' };
const same: Item = { ...base, version: 'v2', updatedAt: '2024-02-01T00:00:00.000Z', text: 'new' };
const tomb: Item = { ...base, version: 'v3', deleted: true };
const res = (status: number, body: unknown = null, retryAfter: string | null = null): PushAnswer => ({ kind: 'response', status, body, retryAfter });
const error = { error: 'x', code: 'item_not_found' };
const NOW = Date.UTC(2024, 0, 1, 0, 0, 0);

describe('classifyPushResponse', () => {
  const cases: { id: string; name: string; op: Op; answer: PushAnswer; want: PushOutcome }[] = [
    { id: 'U-08', name: 'a 201 to an insert is done with the server row', op: insert, answer: res(201, same), want: { kind: 'done', serverRow: same } },
    { id: 'U-08', name: 'a 200 to an update is done', op: update, answer: res(200, same), want: { kind: 'done', serverRow: same } },
    { id: 'U-08', name: 'a v3 delete 204 is done without a row', op: del, answer: res(204), want: { kind: 'done', serverRow: null } },
    { id: 'U-08', name: 'a v2 delete 200 is done with the tombstone', op: del, answer: res(200, tomb), want: { kind: 'done', serverRow: tomb } },
    { id: 'U-08', name: 'a 2xx body for another id is no server row', op: update, answer: res(200, { ...same, id: 'b' }), want: { kind: 'done', serverRow: null } },
    { id: 'U-10', name: 'a delete answered 404 is done', op: del, answer: res(404, error), want: { kind: 'done-gone', serverRow: null } },
    { id: 'U-10', name: 'a delete answered 410 is done', op: del, answer: res(410, error), want: { kind: 'done-gone', serverRow: null } },
    { id: 'U-10', name: 'a delete answered 412 with a tombstone is done', op: del, answer: res(412, tomb), want: { kind: 'done-gone', serverRow: tomb } },
    { id: 'U-10', name: 'a delete answered 409 with a tombstone is done', op: del, answer: res(409, tomb), want: { kind: 'done-gone', serverRow: tomb } },
    { id: 'K-01', name: 'a delete answered 412 with a live row conflicts on precondition', op: del, answer: res(412, other), want: { kind: 'conflict', reason: 'precondition', status: 412, serverRow: other } },
    { id: 'K-01', name: 'a delete answered 409 with a live row conflicts on precondition', op: del, answer: res(409, other), want: { kind: 'conflict', reason: 'precondition', status: 409, serverRow: other } },
    { id: 'U-11', name: 'an insert answered 409 with a live row holding its fields is adopted', op: insert, answer: res(409, same), want: { kind: 'adopt', serverRow: same } },
    { id: 'U-11', name: 'an update answered 412 with a live row holding its fields is adopted', op: update, answer: res(412, same), want: { kind: 'adopt', serverRow: same } },
    { id: 'U-11', name: 'an update answered 409 with a live row holding its fields is adopted', op: update, answer: res(409, same), want: { kind: 'adopt', serverRow: same } },
    { id: 'K-01', name: 'an insert answered 409 with another row conflicts as already-exists', op: insert, answer: res(409, other), want: { kind: 'conflict', reason: 'already-exists', status: 409, serverRow: other } },
    { id: 'K-05', name: 'an insert answered 409 with a tombstone re-creates the row: rebased on it as an undelete, no conflict', op: insert, answer: res(409, { ...tomb, text: 'old' }), want: { kind: 'adopt-rebase', serverRow: { ...tomb, text: 'old' } } },
    { id: 'K-01', name: 'an update answered 412 with another row conflicts on precondition', op: update, answer: res(412, other), want: { kind: 'conflict', reason: 'precondition', status: 412, serverRow: other } },
    { id: 'K-01', name: 'an update answered 409 with another row conflicts on precondition', op: update, answer: res(409, other), want: { kind: 'conflict', reason: 'precondition', status: 409, serverRow: other } },
    { id: 'K-01', name: 'an insert answered 412 conflicts on precondition', op: insert, answer: res(412, other), want: { kind: 'conflict', reason: 'precondition', status: 412, serverRow: other } },
    { id: 'K-01', name: 'an update answered 410 with a tombstone is deleted-on-server', op: update, answer: res(410, tomb), want: { kind: 'conflict', reason: 'deleted-on-server', status: 410, serverRow: tomb } },
    { id: 'U-12', name: 'an update answered 404 with an error body needs a lookup', op: update, answer: res(404, error), want: { kind: 'needs-lookup', status: 404 } },
    { id: 'U-12', name: 'an update answered 410 without a body needs a lookup', op: update, answer: res(410), want: { kind: 'needs-lookup', status: 410 } },
    { id: 'U-12', name: 'an insert 409 echoing the request (no version) needs a lookup', op: insert, answer: res(409, { id: 'a', text: 'new' }), want: { kind: 'needs-lookup', status: 409 } },
    { id: 'U-12', name: 'a delete 412 without a row needs a lookup', op: del, answer: res(412, error), want: { kind: 'needs-lookup', status: 412 } },
    { id: 'U-12', name: 'a conflict body with nested values is not a server row', op: update, answer: res(412, { ...other, nested: { x: 1 } }), want: { kind: 'needs-lookup', status: 412 } },
    { id: 'U-13', name: '401 needs auth', op: update, answer: res(401, error), want: { kind: 'needs-auth', status: 401 } },
    { id: 'U-13', name: '403 needs auth', op: insert, answer: res(403), want: { kind: 'needs-auth', status: 403 } },
    { id: 'U-14', name: 'a network error retries', op: update, answer: { kind: 'network-error' }, want: { kind: 'retry', status: null, retryAfterMs: null } },
    { id: 'U-14', name: '408 retries', op: update, answer: res(408), want: { kind: 'retry', status: 408, retryAfterMs: null } },
    { id: 'U-14', name: '429 retries after Retry-After seconds', op: update, answer: res(429, null, '120'), want: { kind: 'retry', status: 429, retryAfterMs: 120_000 } },
    { id: 'U-14', name: '503 retries after a Retry-After date', op: del, answer: res(503, null, 'Mon, 01 Jan 2024 00:00:30 GMT'), want: { kind: 'retry', status: 503, retryAfterMs: 30_000 } },
    { id: 'U-14', name: '500 retries', op: insert, answer: res(500, error), want: { kind: 'retry', status: 500, retryAfterMs: null } },
    { id: 'U-16', name: '400 is rejected with its body', op: insert, answer: res(400, error), want: { kind: 'rejected', status: 400, body: error } },
    { id: 'U-16', name: 'an insert answered 404 is rejected', op: insert, answer: res(404, error), want: { kind: 'rejected', status: 404, body: error } },
    { id: 'U-16', name: '413 is rejected', op: update, answer: res(413, error), want: { kind: 'rejected', status: 413, body: error } },
    { id: 'U-16', name: 'an unexpected 3xx is rejected', op: update, answer: res(304), want: { kind: 'rejected', status: 304, body: null } },
  ];
  test.each(cases)('$id: $name', ({ op: o, answer, want }) => {
    expect(classifyPushResponse(o, answer, NOW)).toEqual(want);
  });
});

describe('classifyWithServerRow and the U-12 lookup', () => {
  test.each([
    { id: 'U-10', name: 'a delete whose row is gone completes', op: del, status: 412, row: null, want: { kind: 'done-gone', serverRow: null } },
    { id: 'K-01', name: 'an update 404 whose lookup finds nothing is deleted-on-server', op: update, status: 404, row: null, want: { kind: 'conflict', reason: 'deleted-on-server', status: 404, serverRow: null } },
    { id: 'K-01', name: 'an update 404 whose lookup finds a tombstone is deleted-on-server', op: update, status: 404, row: tomb, want: { kind: 'conflict', reason: 'deleted-on-server', status: 404, serverRow: tomb } },
    { id: 'K-01', name: 'an insert 409 whose lookup finds nothing (another owner) is already-exists', op: insert, status: 409, row: null, want: { kind: 'conflict', reason: 'already-exists', status: 409, serverRow: null } },
    { id: 'U-11', name: 'an insert 409 whose lookup finds its own write is adopted', op: insert, status: 409, row: same, want: { kind: 'adopt', serverRow: same } },
    { id: 'K-01', name: 'an update 412 with a tombstone conflicts on precondition', op: update, status: 412, row: tomb, want: { kind: 'conflict', reason: 'precondition', status: 412, serverRow: tomb } },
  ] as { id: string; name: string; op: Op; status: number; row: Item | null; want: PushOutcome }[])('$id: $name', ({ op: o, status, row, want }) => {
    expect(classifyWithServerRow(o, status, row)).toEqual(want);
  });

  test('U-11: a v2 update that dropped a field is adopted only when the server has it null', () => {
    const dropped = op({ snapshot: { id: 'a', text: 'new' } });
    expect(classifyWithServerRow(dropped, 412, { ...same, done: null }).kind).toBe('adopt');
    expect(classifyWithServerRow(dropped, 412, { ...same, done: true }).kind).toBe('conflict');
    expect(classifyWithServerRow(op({ kind: 'delete', snapshot: null }), 412, same).kind).toBe('conflict');
  });

  test.each([
    { id: 'U-12', name: 'a v2 array listing the row', lookup: res(200, [other]), want: { kind: 'conflict', reason: 'precondition', status: 412, serverRow: other } },
    { id: 'U-12', name: 'a v2 {results} listing the row', lookup: res(200, { results: [tomb], count: 1 }), want: { kind: 'conflict', reason: 'precondition', status: 412, serverRow: tomb } },
    { id: 'U-12', name: 'a v3 {items} listing the row among others', lookup: res(200, { items: [{ ...other, id: 'b' }, other] }), want: { kind: 'conflict', reason: 'precondition', status: 412, serverRow: other } },
    { id: 'U-12', name: 'an empty list', lookup: res(200, { items: [] }), want: { kind: 'conflict', reason: 'precondition', status: 412, serverRow: null } },
    { id: 'U-12', name: 'a 2xx that is no list is rejected', lookup: res(200, 'nope'), want: { kind: 'rejected', status: 412, body: 'nope' } },
    { id: 'U-12', name: 'a 2xx object that is no list is rejected', lookup: res(200, { rows: [] }), want: { kind: 'rejected', status: 412, body: { rows: [] } } },
    { id: 'U-14', name: 'a lookup network error retries', lookup: { kind: 'network-error' } as const, want: { kind: 'retry', status: null, retryAfterMs: null } },
    { id: 'U-14', name: 'a lookup 503 retries', lookup: res(503, null, '5'), want: { kind: 'retry', status: 503, retryAfterMs: 5000 } },
    { id: 'U-13', name: 'a lookup 401 needs auth', lookup: res(401), want: { kind: 'needs-auth', status: 401 } },
    { id: 'U-16', name: 'a lookup 400 is rejected with the lookup body', lookup: res(400, error), want: { kind: 'rejected', status: 412, body: error } },
  ] as { id: string; name: string; lookup: PushAnswer; want: PushOutcome }[])('$id: $name', ({ lookup, want }) => {
    expect(classifyLookupResponse(update, 412, lookup, NOW)).toEqual(want);
  });
});

describe('server rows and Retry-After', () => {
  test.each([
    { name: 'a row with the id and a string version', body: same, want: same },
    { name: 'an array', body: [same], want: null },
    { name: 'null', body: null, want: null },
    { name: 'a numeric version', body: { ...same, version: 2 }, want: null },
    { name: 'another id', body: { ...same, id: 'b' }, want: null },
    { name: 'an error body', body: error, want: null },
  ])('U-12: $name is a server row: $want', ({ body, want }) => {
    expect(asServerRow('a', body)).toEqual(want);
  });

  test.each([
    { value: null, want: null },
    { value: '0', want: 0 },
    { value: ' 7 ', want: 7000 },
    { value: 'Mon, 01 Jan 2024 00:01:00 GMT', want: 60_000 },
    { value: 'Sunday, 31-Dec-23 23:59:00 GMT', want: 0 },
    { value: 'Monday, 01-Jan-24 00:00:10 GMT', want: 10_000 },
    { value: 'Mon Jan  1 00:00:20 2024', want: 20_000 },
    { value: 'Mon, 01 Foo 2024 00:01:00 GMT', want: null },
    { value: 'Mon, 32 Jan 2024 00:01:00 GMT', want: null },
    { value: '-5', want: null },
    { value: 'soon', want: null },
  ])('U-14: Retry-After $value waits $want ms', ({ value, want }) => {
    expect(parseRetryAfter(value, NOW)).toBe(want);
  });
});

describe('settlePush', () => {
  test.each([
    { id: 'U-08', name: 'an unchanged insert completes with the server row', op: insert, server: same, want: { kind: 'complete', row: same, version: 'v2' } },
    { id: 'U-08', name: 'an unchanged update completes with the server row', op: update, server: same, want: { kind: 'complete', row: same, version: 'v2' } },
    { id: 'U-08', name: 'an unchanged delete completes and removes the row', op: del, server: tomb, want: { kind: 'complete', row: null, version: 'v3' } },
    { id: 'U-08', name: 'an unchanged v3 delete completes without a version', op: del, server: null, want: { kind: 'complete', row: null, version: null } },
    { id: 'U-08', name: 'an update answered without a row keeps the local row', op: update, server: null, want: { kind: 'complete', row: local, version: null } },
    { id: 'U-10', name: 'an update settled by a tombstone removes the row', op: update, server: tomb, want: { kind: 'complete', row: null, version: 'v3' } },
  ] as { id: string; name: string; op: Op; server: Item | null; want: unknown }[])('$id: $name', ({ op: o, server, want }) => {
    expect(settlePush(o, 0, server)).toEqual(want);
  });

  const edited = (o: Op, snapshot: Item | null): Op => ({ ...o, editCounter: 1, snapshot });
  test('U-09: an insert edited in flight becomes a pending update on the server row with the local app fields', () => {
    const server: Item = { id: 'a', version: 'v2', createdAt: 'c', updatedAt: 'u', deleted: false, text: 'new' };
    const out = settlePush(edited(insert, { id: 'a', text: 'newer', extra: 1 }), 0, server);
    const row = { id: 'a', version: 'v2', createdAt: 'c', updatedAt: 'u', deleted: false, text: 'newer', extra: 1 };
    expect(out).toEqual({ kind: 'rebase', version: 'v2', row, op: { ...edited(insert, row), kind: 'update', state: 'pending', baseVersion: 'v2', baseRow: server, serverRow: server } });
  });

  test('U-09: an update edited in flight keeps the newer snapshot on the new base', () => {
    const out = settlePush(edited(update, { ...local, text: 'newer' }), 0, same);
    expect(out).toMatchObject({ kind: 'rebase', row: { ...same, text: 'newer' }, op: { kind: 'update', baseVersion: 'v2', baseRow: same, snapshot: { ...same, text: 'newer' }, state: 'pending' } });
  });

  test('U-09: an attempted insert deleted in flight stays a delete against the new version', () => {
    const deleting = { ...insert, kind: 'delete' as const, snapshot: null, editCounter: 1 };
    expect(settlePush(deleting, 0, same)).toMatchObject({ kind: 'rebase', row: null, op: { kind: 'delete', baseVersion: 'v2', baseRow: same, snapshot: null } });
  });

  test('K-05: a delete re-inserted in flight rebases onto the tombstone as an undelete', () => {
    const reinserted = { ...del, kind: 'update' as const, snapshot: { id: 'a', text: 'back' }, editCounter: 2 };
    const out = settlePush(reinserted, 0, tomb);
    expect(out).toMatchObject({ kind: 'rebase', row: { text: 'back', deleted: false, version: 'v3' }, op: { kind: 'update', undelete: true, baseVersion: 'v3' } });
  });

  test('U-09: a delete re-inserted in flight with no server row left re-inserts without precondition', () => {
    const reinserted = { ...del, kind: 'update' as const, snapshot: { id: 'a', text: 'back' }, editCounter: 2, undelete: true as const };
    const out = settlePush(reinserted, 0, null);
    expect(out).toEqual({ kind: 'rebase', row: { id: 'a', text: 'back' }, version: null, op: { ...reinserted, undelete: undefined, kind: 'insert', state: 'pending', baseVersion: null, baseRow: null, serverRow: null } });
    expect(out.kind === 'rebase' && 'undelete' in out.op).toBe(false);
  });

  test('U-09: a rebased row takes the server system properties only', () => {
    expect(withSystemProperties({ id: 'x', version: 'old', text: 't' }, { id: 'a', version: 'v9', other: 'ignored' }, 'a')).toEqual({ id: 'a', version: 'v9', text: 't' });
    expect(withSystemProperties(null, same, 'a')).toEqual({ id: 'a', version: 'v2', createdAt: same['createdAt'], updatedAt: same['updatedAt'], deleted: false });
  });

  test('K-05: after a v2 undelete the op is a plain update against the revived row', () => {
    const revived: Item = { ...tomb, version: 'v4', deleted: false };
    const out = rebaseAfterUndelete({ ...update, undelete: true, baseVersion: 'v3', baseRow: tomb }, revived);
    expect(out).toMatchObject({ kind: 'update', baseVersion: 'v4', baseRow: revived, serverRow: revived, snapshot: { text: 'new', version: 'v4', deleted: false } });
    expect('undelete' in out).toBe(false);
  });
});

describe('unconfirmed sends: an echo of an earlier attempt after a local edit (U-11, W-13, P10 + P12)', () => {
  // The first attempt sent `text: 'new'` and its answer was lost; the app then edited the op to `text: 'newer'`.
  const first: Item = { id: 'a', text: 'new' };
  const later: Item = { id: 'a', text: 'newer' };
  const editedInsert = op({ kind: 'insert', snapshot: later, baseVersion: null, baseRow: null, editCounter: 1, unconfirmed: [first, later] });
  const editedUpdate = op({ snapshot: { ...base, text: 'newer' }, editCounter: 1, unconfirmed: [local, { ...base, text: 'newer' }] });
  const echoOfLater: Item = { ...same, text: 'newer' };
  const { unconfirmed: _unconfirmed, ...recordedBefore } = editedInsert; // an op stored before the field existed

  test.each([
    { id: 'U-11', name: 'an insert 409 holding the current snapshot completes as before', op: editedInsert, answer: res(409, echoOfLater), want: { kind: 'adopt', serverRow: echoOfLater } },
    { id: 'U-11', name: 'an update 412 holding the current snapshot completes as before', op: editedUpdate, answer: res(412, echoOfLater), want: { kind: 'adopt', serverRow: echoOfLater } },
    { id: 'U-11', name: 'an insert 409 holding an earlier unconfirmed snapshot rebases', op: editedInsert, answer: res(409, same), want: { kind: 'adopt-rebase', serverRow: same } },
    { id: 'U-11', name: 'an update 412 holding an earlier unconfirmed snapshot rebases', op: editedUpdate, answer: res(412, same), want: { kind: 'adopt-rebase', serverRow: same } },
    { id: 'U-11', name: 'an update 409 holding an earlier unconfirmed snapshot rebases', op: editedUpdate, answer: res(409, same), want: { kind: 'adopt-rebase', serverRow: same } },
    { id: 'K-01', name: 'an insert 409 holding neither still conflicts as already-exists', op: editedInsert, answer: res(409, other), want: { kind: 'conflict', reason: 'already-exists', status: 409, serverRow: other } },
    { id: 'K-01', name: 'an update 412 holding neither still conflicts on precondition', op: editedUpdate, answer: res(412, other), want: { kind: 'conflict', reason: 'precondition', status: 412, serverRow: other } },
    { id: 'K-01', name: 'a tombstone holding an earlier snapshot is no echo', op: editedUpdate, answer: res(412, { ...tomb, text: 'new' }), want: { kind: 'conflict', reason: 'precondition', status: 412, serverRow: { ...tomb, text: 'new' } } },
    { id: 'K-01', name: 'an op stored before the field existed has none unconfirmed and conflicts as before', op: recordedBefore, answer: res(409, same), want: { kind: 'conflict', reason: 'already-exists', status: 409, serverRow: same } },
    { id: 'U-11', name: 'a delete collapsed onto an update whose answer was lost: a 412 holding that update rebases', op: { ...del, unconfirmed: [local] }, answer: res(412, same), want: { kind: 'adopt-rebase', serverRow: same } },
    { id: 'U-11', name: 'a delete collapsed onto an update whose answer was lost: a 409 holding that update rebases', op: { ...del, unconfirmed: [local] }, answer: res(409, same), want: { kind: 'adopt-rebase', serverRow: same } },
    { id: 'K-01', name: 'a delete whose 412 holds none of its sent snapshots still conflicts', op: { ...del, unconfirmed: [local] }, answer: res(412, other), want: { kind: 'conflict', reason: 'precondition', status: 412, serverRow: other } },
    { id: 'U-10', name: 'a delete with sent snapshots answered with a tombstone is done', op: { ...del, unconfirmed: [local] }, answer: res(412, { ...tomb, text: 'new' }), want: { kind: 'done-gone', serverRow: { ...tomb, text: 'new' } } },
  ] as { id: string; name: string; op: Op; answer: PushAnswer; want: PushOutcome }[])('$id: $name', ({ op: o, answer, want }) => {
    expect(classifyPushResponse(o, answer, NOW)).toEqual(want);
  });

  test('U-11, U-12: a lookup finding an earlier unconfirmed snapshot rebases too', () => {
    expect(classifyLookupResponse(editedInsert, 409, res(200, { items: [same] }), NOW)).toEqual({ kind: 'adopt-rebase', serverRow: same });
  });

  test('U-11: an earlier v2 update that dropped a field is an echo only when the server has it null', () => {
    const dropped = op({ snapshot: { id: 'a', text: 'newer', done: true }, editCounter: 1, unconfirmed: [{ id: 'a', text: 'new' }] });
    expect(classifyWithServerRow(dropped, 412, { ...same, done: null }).kind).toBe('adopt-rebase');
    expect(classifyWithServerRow(dropped, 412, { ...same, done: false }).kind).toBe('conflict');
  });

  test('U-03, U-11: marking an op inflight remembers its snapshot, newest last, an equal one moved to the end', () => {
    const once = rememberSent(insert);
    expect(once.unconfirmed).toEqual([insert.snapshot]);
    expect(insert.unconfirmed).toBeUndefined(); // pure: the op given is unchanged
    const twice = rememberSent({ ...once, snapshot: later });
    expect(twice.unconfirmed).toEqual([insert.snapshot, later]);
    expect(rememberSent({ ...twice, snapshot: { ...first, version: 'v9' } }).unconfirmed).toEqual([later, { ...first, version: 'v9' }]);
    expect(rememberSent(twice).unconfirmed).toEqual(twice.unconfirmed);
  });

  test('U-11: the unconfirmed list is bounded to the newest MAX_UNCONFIRMED sends', () => {
    let o: Op = insert;
    for (let n = 1; n <= MAX_UNCONFIRMED + 3; n++) o = rememberSent({ ...o, snapshot: { id: 'a', n } });
    expect(MAX_UNCONFIRMED).toBe(4);
    expect(o.unconfirmed?.map((s) => s['n'])).toEqual([4, 5, 6, 7]);
    // the oldest was forgotten: its echo conflicts as before
    expect(classifyWithServerRow(o, 409, { id: 'a', version: 'v2', n: 3 }).kind).toBe('conflict');
    expect(classifyWithServerRow(o, 409, { id: 'a', version: 'v2', n: 4 }).kind).toBe('adopt-rebase');
  });

  test('U-11: a delete sends no snapshot; it remembers that a delete went, whose tombstone a later re-insert may meet', () => {
    expect(rememberSent(del)).toEqual({ ...del, deleteUnconfirmed: true });
    const reinserted = { ...del, kind: 'update' as const, snapshot: local, deleteUnconfirmed: true as const };
    const tombstone = { ...same, deleted: true };
    expect(classifyWithServerRow(reinserted, 410, tombstone)).toEqual({ kind: 'adopt-rebase', serverRow: tombstone });
    expect(classifyWithServerRow({ ...del, kind: 'update', snapshot: local }, 410, tombstone)).toMatchObject({ kind: 'conflict', reason: 'deleted-on-server' });
    const rebased = rebasePush(reinserted, tombstone);
    expect(rebased.op).toMatchObject({ kind: 'update', undelete: true, baseVersion: 'v2' });
    expect('deleteUnconfirmed' in rebased.op).toBe(false);
  });

  test('U-09, U-11: a delete rebased on the echo of its lost update goes again with If-Match that version', () => {
    const out = rebasePush({ ...del, unconfirmed: [local] }, same);
    expect(out).toMatchObject({ kind: 'rebase', row: null, version: 'v2', op: { kind: 'delete', baseVersion: 'v2', baseRow: same, state: 'pending', snapshot: null } });
    expect('unconfirmed' in out.op).toBe(false);
  });

  test('U-09, U-11: the rebase onto the echo keeps the local fields against the server row and clears unconfirmed', () => {
    const out = rebasePush(editedInsert, same);
    const row: Item = { id: 'a', text: 'newer', version: 'v2', createdAt: base['createdAt'] ?? null, updatedAt: same['updatedAt'] ?? null, deleted: false }; // local app fields, server system properties
    expect(out).toEqual({ kind: 'rebase', version: 'v2', row, op: { ...editedInsert, unconfirmed: undefined, kind: 'update', snapshot: row, state: 'pending', baseVersion: 'v2', baseRow: same, serverRow: same } });
    expect('unconfirmed' in out.op).toBe(false);
    // an update 412: same shape, the If-Match of the re-send is the echo's version
    expect(rebasePush(editedUpdate, same)).toMatchObject({ op: { kind: 'update', baseVersion: 'v2', baseRow: same, snapshot: { ...same, text: 'newer' } } });
    expect('unconfirmed' in rebasePush(editedUpdate, same).op).toBe(false);
  });

  test('U-09, U-11: every rebase onto a confirmed server row clears unconfirmed; a completion removes the op', () => {
    const settled = settlePush({ ...editedUpdate, editCounter: 2 }, 1, same);
    expect(settled.kind === 'rebase' && 'unconfirmed' in settled.op).toBe(false);
    expect(settlePush(editedUpdate, 1, same).kind).toBe('complete');
    const revived: Item = { ...tomb, version: 'v4', deleted: false };
    expect('unconfirmed' in rebaseAfterUndelete({ ...editedUpdate, undelete: true, baseVersion: 'v3', baseRow: tomb }, revived)).toBe(false);
  });
});
