import { describe, expect, test } from 'vitest';
import {
  clientWins, conflictContextOf, conflictRound, hold, isResolution, lastWriteWins, MAX_CONFLICT_ROUNDS, merge, planResolution,
  resolutionOrDefer, resolveConflict, serverWins, type ConflictContext, type ConflictReason, type ConflictPolicy, type Resolution, type ResolutionPlan,
} from '../../../src/core/conflict.js';
import type { Item } from '../../../src/core/item.js';
import type { Op } from '../../../src/core/op.js';
import { classifyPushResponse } from '../../../src/core/push-outcome.js';
import type { Resolution as PageResolution, ConflictReason as PageReason } from '../../../src/protocol.js';
import type { ConflictRecord } from '../../../src/engine/ports.js';

const base: Item = { id: 'a', version: 'v1', createdAt: '2024-01-01T00:00:00.000Z', updatedAt: '2024-01-01T00:00:00.000Z', deleted: false, text: 'old', done: false };
const local: Item = { ...base, text: 'mine' };
const server: Item = { ...base, version: 'v2', updatedAt: '2024-01-02T00:00:00.000Z', done: true };
const tomb: Item = { ...base, version: 'v3', updatedAt: '2024-01-03T00:00:00.000Z', deleted: true };
const op = (fields: Partial<Op>): Op => ({
  seq: 9, table: 't', itemId: 'a', kind: 'update', snapshot: local, baseVersion: 'v1', baseRow: base, serverRow: null,
  state: 'inflight', attempted: true, attempts: 1, lastAttemptAt: 0, lastStatus: null, lastError: null,
  editCounter: 2, identity: null, editedAt: Date.UTC(2024, 0, 1, 12), blockedReason: null, nextAttemptAt: null, ...fields,
});
const update = op({});
const insert = op({ kind: 'insert', snapshot: { id: 'a', text: 'mine' }, baseVersion: null, baseRow: null });
const del = op({ kind: 'delete', snapshot: null });
const ctx = (fields: Partial<ConflictContext>): ConflictContext => ({
  table: 't', itemId: 'a', opKind: 'update', reason: 'precondition', status: 412, baseRow: base, localRow: local, serverRow: server, ...fields,
});

describe('K-01, K-02: conflict context', () => {
  test('K-02: the context carries table, item, op kind, reason, status, base, local and server rows', () => {
    const outcome = classifyPushResponse(update, { kind: 'response', status: 412, body: server, retryAfter: null }, 0);
    if (outcome.kind !== 'conflict') throw new Error(`expected a conflict, got ${outcome.kind}`);
    expect(conflictContextOf(update, outcome)).toEqual(ctx({}));
    const record: ConflictRecord = { ...conflictContextOf(del, { reason: 'precondition', status: 409, serverRow: null }), opSeq: 9, detectedAt: 1 };
    expect(record).toMatchObject({ opKind: 'delete', localRow: null, serverRow: null, status: 409 });
  });

  test.each([
    { op: update, status: 412, want: 'precondition' },
    { op: update, status: 409, want: 'precondition' },
    { op: del, status: 409, want: 'precondition' },
    { op: del, status: 412, want: 'precondition' },
    { op: insert, status: 409, want: 'already-exists' },
    { op: update, status: 404, want: 'deleted-on-server' },
    { op: update, status: 410, want: 'deleted-on-server' },
  ])('K-01: $op.kind answered $status gives $want', ({ op: o, status, want }) => {
    const body = status >= 404 && status <= 410 && status !== 409 ? tomb : { ...server, text: 'theirs' };
    expect(classifyPushResponse(o, { kind: 'response', status, body, retryAfter: null }, 0)).toMatchObject({ kind: 'conflict', reason: want });
  });

  test('K-02: core types pass through to the page types unchanged', () => {
    const resolution: Resolution = { kind: 'merge', value: local };
    const page: PageResolution = resolution;
    const back: Resolution = page;
    const reason: PageReason = ctx({}).reason;
    const reasonBack: ConflictReason = reason;
    expect([back, reasonBack]).toEqual([resolution, 'precondition']);
  });
});

describe('K-03…K-08: presets', () => {
  test.each([
    { id: 'K-03', name: 'serverWins', got: serverWins(ctx({})), want: { kind: 'server' } },
    { id: 'K-04', name: 'clientWins', got: clientWins(ctx({})), want: { kind: 'client' } },
    { id: 'K-09', name: 'hold', got: hold(ctx({})), want: { kind: 'defer' } },
  ])('$id: $name always answers $want.kind', ({ got, want }) => {
    expect(got).toEqual(want);
  });

  const mergedValue = { ...server, text: 'mine' };
  test.each([
    { name: 'non-overlapping changes merge onto the server row', c: ctx({}), want: { kind: 'merge', value: mergedValue } },
    { name: 'equal changes merge', c: ctx({ serverRow: { ...server, text: 'mine' } }), want: { kind: 'merge', value: mergedValue } },
    { name: 'a field changed differently defers', c: ctx({ serverRow: { ...server, text: 'theirs' } }), want: { kind: 'defer' } },
    { name: 'an insert merges against {}', c: ctx({ opKind: 'insert', reason: 'already-exists', baseRow: null, localRow: { id: 'a', text: 'old' } }), want: { kind: 'merge', value: server } },
    { name: 'an insert against different values defers', c: ctx({ opKind: 'insert', reason: 'already-exists', baseRow: null }), want: { kind: 'defer' } },
    { name: 'a delete op defers', c: ctx({ opKind: 'delete', localRow: null }), want: { kind: 'defer' } },
    { name: 'a server tombstone defers', c: ctx({ reason: 'deleted-on-server', status: 410, serverRow: tomb }), want: { kind: 'defer' } },
    { name: 'no server row defers', c: ctx({ reason: 'deleted-on-server', status: 404, serverRow: null }), want: { kind: 'defer' } },
  ])('K-07: merge: $name', ({ c, want }) => {
    expect(merge(c)).toEqual(want);
  });

  test.each([
    { name: 'an edit after the server change keeps the client', editedAt: Date.UTC(2024, 0, 2, 0, 0, 1), serverRow: server, want: 'client' },
    { name: 'an edit before the server change takes the server', editedAt: Date.UTC(2024, 0, 1, 12), serverRow: server, want: 'server' },
    { name: 'an edit at the same millisecond takes the server', editedAt: Date.UTC(2024, 0, 2), serverRow: server, want: 'server' },
    { name: 'a 7-digit updatedAt is parsed', editedAt: Date.UTC(2024, 0, 2, 0, 0, 0, 124), serverRow: { ...server, updatedAt: '2024-01-02T00:00:00.1234567Z' }, want: 'client' },
    { name: 'an offset updatedAt is parsed', editedAt: Date.UTC(2024, 0, 1, 23, 30), serverRow: { ...server, updatedAt: '2024-01-02T00:00:00.000+01:00' }, want: 'client' },
    { name: 'no server row keeps the client', editedAt: 0, serverRow: null, want: 'client' },
    { name: 'an unreadable updatedAt takes the server', editedAt: Date.UTC(2030, 0, 1), serverRow: { ...server, updatedAt: 'yesterday' }, want: 'server' },
    { name: 'a missing updatedAt takes the server', editedAt: Date.UTC(2030, 0, 1), serverRow: { id: 'a', version: 'v2' }, want: 'server' },
  ])('K-13: lastWriteWins: $name', ({ editedAt, serverRow, want }) => {
    expect(lastWriteWins(ctx({ serverRow }), editedAt)).toEqual({ kind: want });
  });
});

describe('K-12: resolveConflict', () => {
  const late = Date.UTC(2030, 0, 1);
  test.each([
    { name: 'no policy resolves by merge', policy: undefined, want: { kind: 'merge', value: { ...server, text: 'mine' } } },
    { name: 'merge', policy: 'merge', want: { kind: 'merge', value: { ...server, text: 'mine' } } },
    { name: 'serverWins', policy: 'serverWins', want: { kind: 'server' } },
    { name: 'clientWins', policy: 'clientWins', want: { kind: 'client' } },
    { name: 'hold', policy: 'hold', want: { kind: 'defer' } },
    { name: 'lastWriteWins', policy: 'lastWriteWins', want: { kind: 'client' } },
    { name: 'a resolver’s valid answer', policy: () => ({ kind: 'discard' }), want: { kind: 'discard' } },
    { name: 'an async resolver’s valid answer', policy: async () => ({ kind: 'server' }), want: { kind: 'server' } },
    { name: 'a resolver that throws defers', policy: () => { throw new Error('boom'); }, want: { kind: 'defer' } },
    { name: 'a resolver that rejects defers', policy: () => Promise.reject(new Error('boom')), want: { kind: 'defer' } },
    { name: 'a resolver returning nothing defers', policy: () => undefined, want: { kind: 'defer' } },
    { name: 'a resolver returning an unknown kind defers', policy: () => ({ kind: 'mine' }), want: { kind: 'defer' } },
  ] as { name: string; policy: ConflictPolicy | undefined; want: Resolution }[])('K-12: $name', async ({ policy, want }) => {
    expect(await resolveConflict(policy, ctx({}), late)).toEqual(want);
  });

  test('K-12: a resolver sees the K-02 context', async () => {
    const seen: ConflictContext[] = [];
    await resolveConflict((c) => { seen.push(c); return { kind: 'client' }; }, ctx({}), 0);
    expect(seen).toEqual([ctx({})]);
  });

  test.each([
    { value: { kind: 'server' }, want: true },
    { value: { kind: 'client' }, want: true },
    { value: { kind: 'discard' }, want: true },
    { value: { kind: 'defer' }, want: true },
    { value: { kind: 'merge', value: { id: 'a', text: 't', n: 1, b: true, z: null } }, want: true },
    { value: { kind: 'merge' }, want: false },
    { value: { kind: 'merge', value: null }, want: false },
    { value: { kind: 'merge', value: [1] }, want: false },
    { value: { kind: 'merge', value: { nested: { a: 1 } } }, want: false },
    { value: { kind: 'merge', value: { n: Number.NaN } }, want: false },
    { value: { kind: 'Server' }, want: false },
    { value: 'server', want: false },
    { value: null, want: false },
  ])('K-12: isResolution($value) is $want', ({ value, want }) => {
    expect(isResolution(value)).toBe(want);
    expect(resolutionOrDefer(value)).toEqual(want ? value : { kind: 'defer' });
  });
});

describe('K-03…K-08: planResolution', () => {
  const pending = { state: 'pending', blockedReason: null, nextAttemptAt: null } as const;
  const cases: { id: string; name: string; op: Op; resolution: Resolution; serverRow: Item | null; want: ResolutionPlan }[] = [
    { id: 'K-03', name: 'server adopts a live server row', op: update, resolution: { kind: 'server' }, serverRow: server, want: { kind: 'adopt-server', row: server } },
    { id: 'K-03', name: 'server removes the row for a tombstone', op: update, resolution: { kind: 'server' }, serverRow: tomb, want: { kind: 'adopt-server', row: null } },
    { id: 'K-03', name: 'server removes the row when there is none', op: update, resolution: { kind: 'server' }, serverRow: null, want: { kind: 'adopt-server', row: null } },
    { id: 'K-04', name: 'client re-sends an update against the server version', op: update, resolution: { kind: 'client' }, serverRow: server,
      want: { kind: 'resend', localRow: null, op: { ...update, ...pending, serverRow: server, baseVersion: 'v2', baseRow: server } } },
    { id: 'K-04', name: 'client turns an already-exists insert into an update', op: insert, resolution: { kind: 'client' }, serverRow: server,
      want: { kind: 'resend', localRow: null, op: { ...insert, ...pending, kind: 'update', serverRow: server, baseVersion: 'v2', baseRow: server } } },
    { id: 'K-04', name: 'client re-sends a delete against the server version', op: del, resolution: { kind: 'client' }, serverRow: server,
      want: { kind: 'resend', localRow: null, op: { ...del, ...pending, serverRow: server, baseVersion: 'v2', baseRow: server } } },
    { id: 'K-05', name: 'client on deleted-on-server without a server row inserts', op: update, resolution: { kind: 'client' }, serverRow: null,
      want: { kind: 'resend', localRow: null, op: { ...update, ...pending, kind: 'insert', serverRow: null, baseVersion: null, baseRow: null } } },
    { id: 'K-05', name: 'client on a tombstone undeletes with its version first', op: update, resolution: { kind: 'client' }, serverRow: tomb,
      want: { kind: 'resend', localRow: null, op: { ...update, ...pending, serverRow: tomb, baseVersion: 'v3', baseRow: tomb, undelete: true } } },
    { id: 'K-05', name: 'client on an insert meeting a tombstone undeletes', op: insert, resolution: { kind: 'client' }, serverRow: tomb,
      want: { kind: 'resend', localRow: null, op: { ...insert, ...pending, kind: 'update', serverRow: tomb, baseVersion: 'v3', baseRow: tomb, undelete: true } } },
    { id: 'K-04', name: 'client for a delete whose row is gone has nothing to send', op: del, resolution: { kind: 'client' }, serverRow: tomb, want: { kind: 'discard', row: null } },
    { id: 'K-06', name: 'merge stores the value with its id forced and sends it against the server version', op: update, resolution: { kind: 'merge', value: { ...server, id: 'zzz', text: 'm' } }, serverRow: server,
      want: { kind: 'resend', localRow: { ...server, text: 'm' }, op: { ...update, ...pending, snapshot: { ...server, text: 'm' }, serverRow: server, baseVersion: 'v2', baseRow: server } } },
    { id: 'K-06', name: 'merge on an insert updates the existing row', op: insert, resolution: { kind: 'merge', value: { text: 'm' } }, serverRow: server,
      want: { kind: 'resend', localRow: { text: 'm', id: 'a' }, op: { ...insert, ...pending, kind: 'update', snapshot: { text: 'm', id: 'a' }, serverRow: server, baseVersion: 'v2', baseRow: server } } },
    { id: 'K-06', name: 'merge on a delete turns it into an update', op: del, resolution: { kind: 'merge', value: { text: 'm' } }, serverRow: server,
      want: { kind: 'resend', localRow: { text: 'm', id: 'a' }, op: { ...del, ...pending, kind: 'update', snapshot: { text: 'm', id: 'a' }, serverRow: server, baseVersion: 'v2', baseRow: server } } },
    { id: 'K-08', name: 'discard takes the conflict server row', op: op({ serverRow: { ...server, version: 'pulled' } }), resolution: { kind: 'discard' }, serverRow: server, want: { kind: 'discard', row: server } },
    { id: 'K-08', name: 'discard falls back to the op server row', op: op({ serverRow: { ...server, version: 'pulled' } }), resolution: { kind: 'discard' }, serverRow: null, want: { kind: 'discard', row: { ...server, version: 'pulled' } } },
    { id: 'K-08', name: 'discard falls back to the base row', op: update, resolution: { kind: 'discard' }, serverRow: null, want: { kind: 'discard', row: base } },
    { id: 'K-08', name: 'discard removes the row for a tombstone', op: update, resolution: { kind: 'discard' }, serverRow: tomb, want: { kind: 'discard', row: null } },
    { id: 'K-08', name: 'discard removes the row when nothing is known', op: insert, resolution: { kind: 'discard' }, serverRow: null, want: { kind: 'discard', row: null } },
    { id: 'K-09', name: 'defer holds', op: update, resolution: { kind: 'defer' }, serverRow: server, want: { kind: 'hold' } },
  ];
  test.each(cases)('$id: $name', ({ op: o, resolution, serverRow, want }) => {
    expect(planResolution(o, resolution, { serverRow })).toEqual(want);
  });

  test('K-04: a re-sent op never loses its precondition when a server version exists, and drops a stale undelete flag', () => {
    const plan = planResolution(op({ undelete: true }), { kind: 'client' }, { serverRow: server });
    expect(plan.kind === 'resend' && plan.op.baseVersion).toBe('v2');
    expect(plan.kind === 'resend' && 'undelete' in plan.op).toBe(false);
  });
});

describe('K-11: conflict rounds', () => {
  test.each([
    { rounds: 0, want: 'resolve' },
    { rounds: 4, want: 'resolve' },
    { rounds: MAX_CONFLICT_ROUNDS, want: 'hold' },
    { rounds: 9, want: 'hold' },
  ])('K-11: after $rounds rounds in one push the next conflict is $want', ({ rounds, want }) => {
    expect(conflictRound(rounds)).toBe(want);
  });
});
