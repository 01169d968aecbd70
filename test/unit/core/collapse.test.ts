import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { collapse, type CollapseContext, type CollapseOutcome, type LocalAction } from '../../../src/core/collapse.js';
import type { Item } from '../../../src/core/item.js';
import type { Op, OpState } from '../../../src/core/op.js';
import { planResolution, type Resolution } from '../../../src/core/conflict.js';
import { MAX_UNCONFIRMED, rebasePush, rememberSent, settlePush } from '../../../src/core/push-outcome.js';

const acked: Item = { id: 'a', version: 'v1', createdAt: '2024-01-01T00:00:00.000Z', updatedAt: '2024-01-01T00:00:00.000Z', deleted: false, text: 'old' };
const edited: Item = { ...acked, text: 'new' };
const fresh: Item = { id: 'a', deleted: false, text: 'first' };
const ctx = (row: Item | null): CollapseContext => ({ table: 't', itemId: 'a', now: 2000, identity: 'iss|alice', row });

const op = (fields: Partial<Op>): Op => ({
  seq: 7, table: 't', itemId: 'a', kind: 'update', snapshot: edited, baseVersion: 'v1', baseRow: acked, serverRow: null,
  state: 'pending', attempted: false, attempts: 0, lastAttemptAt: null, lastStatus: null, lastError: null,
  editCounter: 3, identity: 'iss|bob', editedAt: 1000, blockedReason: null, nextAttemptAt: null, ...fields,
});

const insertOp = op({ kind: 'insert', snapshot: fresh, baseVersion: null, baseRow: null });
const attemptedInsert = op({ kind: 'insert', snapshot: fresh, baseVersion: null, baseRow: null, attempted: true, attempts: 1 });
const updateOp = op({});
const deleteOp = op({ kind: 'delete', snapshot: null });
const deleteNoBase = op({ kind: 'delete', snapshot: null, baseVersion: null, baseRow: null, attempted: true });

const ins = (row: Item): LocalAction => ({ kind: 'insert', row });
const upd = (row: Item): LocalAction => ({ kind: 'update', row });
const del: LocalAction = { kind: 'delete' };
const bumped = (existing: Op, fields: Partial<Op>): Op => ({ ...existing, editCounter: existing.editCounter + 1, editedAt: 2000, ...fields });
const conflict409 = { kind: 'reject', status: 409, code: 'id_conflict' } as const;
const absent404 = { kind: 'reject', status: 404, code: 'item_not_found' } as const;
const newOpBase = { table: 't', itemId: 'a', serverRow: null, state: 'pending', attempted: false, attempts: 0, lastAttemptAt: null, lastStatus: null, lastError: null, editCounter: 0, identity: 'iss|alice', editedAt: 2000, blockedReason: null, nextAttemptAt: null } as const;

describe('collapse: the §3.3 table', () => {
  const cases: { id: string; name: string; existing: Op | null; action: LocalAction; row: Item | null; want: CollapseOutcome }[] = [
    { id: 'W-04', name: 'none + insert appends an insert without base', existing: null, action: ins(fresh), row: null,
      want: { kind: 'append', op: { ...newOpBase, kind: 'insert', snapshot: fresh, baseVersion: null, baseRow: null }, localRow: fresh } },
    { id: 'W-04', name: 'none + update appends an update based on the row and its version', existing: null, action: upd(edited), row: acked,
      want: { kind: 'append', op: { ...newOpBase, kind: 'update', snapshot: edited, baseVersion: 'v1', baseRow: acked }, localRow: edited } },
    { id: 'W-04', name: 'none + update of a never-acknowledged row has baseVersion null', existing: null, action: upd({ ...fresh, text: 'x' }), row: fresh,
      want: { kind: 'append', op: { ...newOpBase, kind: 'update', snapshot: { ...fresh, text: 'x' }, baseVersion: null, baseRow: fresh }, localRow: { ...fresh, text: 'x' } } },
    { id: 'W-04', name: 'none + delete appends a delete based on the row', existing: null, action: del, row: acked,
      want: { kind: 'append', op: { ...newOpBase, kind: 'delete', snapshot: null, baseVersion: 'v1', baseRow: acked }, localRow: null } },
    { id: 'W-12', name: 'none + insert onto an existing row gets 409', existing: null, action: ins(fresh), row: acked, want: conflict409 },
    { id: 'W-12', name: 'none + update of an absent row gets 404', existing: null, action: upd(edited), row: null, want: absent404 },
    { id: 'W-12', name: 'none + delete of an absent row gets 404', existing: null, action: del, row: null, want: absent404 },
    { id: 'W-12', name: 'insert + insert gets 409', existing: insertOp, action: ins(fresh), row: fresh, want: conflict409 },
    { id: 'W-05', name: 'insert + update keeps the insert with the new snapshot', existing: insertOp, action: upd({ ...fresh, text: 'x' }), row: fresh,
      want: { kind: 'replace', op: bumped(insertOp, { snapshot: { ...fresh, text: 'x' } }), localRow: { ...fresh, text: 'x' }, conflictFollows: false } },
    { id: 'W-06', name: 'never-attempted insert + delete drops op and row', existing: insertOp, action: del, row: fresh, want: { kind: 'drop' } },
    { id: 'W-07', name: 'attempted insert + delete becomes a delete with baseVersion null', existing: attemptedInsert, action: del, row: fresh,
      want: { kind: 'replace', op: bumped(attemptedInsert, { kind: 'delete', snapshot: null, baseVersion: null, baseRow: null }), localRow: null, conflictFollows: false } },
    { id: 'W-12', name: 'update + insert gets 409', existing: updateOp, action: ins(fresh), row: edited, want: conflict409 },
    { id: 'W-08', name: 'update + update keeps the first base and the latest snapshot', existing: updateOp, action: upd({ ...acked, text: 'newer' }), row: edited,
      want: { kind: 'replace', op: bumped(updateOp, { snapshot: { ...acked, text: 'newer' } }), localRow: { ...acked, text: 'newer' }, conflictFollows: false } },
    { id: 'W-09', name: 'update + delete becomes a delete in place, base kept', existing: updateOp, action: del, row: edited,
      want: { kind: 'replace', op: bumped(updateOp, { kind: 'delete', snapshot: null }), localRow: null, conflictFollows: false } },
    { id: 'W-10', name: 'delete with base + insert becomes an update with the delete base', existing: deleteOp, action: ins(fresh), row: null,
      want: { kind: 'replace', op: bumped(deleteOp, { kind: 'update', snapshot: fresh }), localRow: fresh, conflictFollows: false } },
    { id: 'W-11', name: 'delete without base + insert becomes an attempted insert', existing: deleteNoBase, action: ins(fresh), row: null,
      want: { kind: 'replace', op: bumped(deleteNoBase, { kind: 'insert', snapshot: fresh, attempted: true }), localRow: fresh, conflictFollows: false } },
    { id: 'W-12', name: 'delete + update gets 404', existing: deleteOp, action: upd(edited), row: null, want: absent404 },
    { id: 'W-12', name: 'delete + delete gets 404', existing: deleteOp, action: del, row: null, want: absent404 },
  ];
  test.each(cases)('$id: $name', ({ existing, action, row, want }) => {
    expect(collapse(existing, action, ctx(row))).toEqual(want);
  });
});

describe('collapse: op state', () => {
  const states: { id: string; from: OpState; to: OpState; follows: boolean }[] = [
    { id: 'W-13', from: 'pending', to: 'pending', follows: false },
    { id: 'W-13', from: 'inflight', to: 'inflight', follows: false },
    { id: 'W-14', from: 'failed', to: 'pending', follows: false },
    { id: 'W-14', from: 'held', to: 'held', follows: true },
  ];
  test.each(states)('$id: a collapse onto a $from op leaves it $to, keeps seq and increments editCounter', ({ from, to, follows }) => {
    const out = collapse(op({ state: from, lastStatus: 400 }), upd({ ...acked, text: 'z' }), ctx(edited));
    expect(out).toMatchObject({ kind: 'replace', conflictFollows: follows, localRow: { text: 'z' }, op: { seq: 7, state: to, editCounter: 4, editedAt: 2000, identity: 'iss|bob' } });
  });

  test('W-13: a collapse never alters the request already sent for an in-flight op', () => {
    const inflight = op({ state: 'inflight', attempted: true });
    const sent = structuredClone(inflight);
    collapse(inflight, upd({ ...acked, text: 'z' }), ctx(edited));
    expect(inflight).toEqual(sent);
  });

  test('W-12: a rejected write leaves the op unchanged', () => {
    const before = structuredClone(deleteOp);
    expect(collapse(deleteOp, del, ctx(null)).kind).toBe('reject');
    expect(deleteOp).toEqual(before);
  });

  const undeleting = op({ undelete: true });
  test.each([
    { id: 'W-09', name: 'an undelete flag is cleared when the op becomes a delete', action: del, want: undefined },
    { id: 'W-08', name: 'an undelete flag survives a further update', action: upd(edited), want: true },
  ])('$id: $name', ({ action, want }) => {
    const out = collapse(undeleting, action, ctx(edited));
    expect(out.kind === 'replace' ? out.op.undelete : 'none').toBe(want);
  });

  test('W-10: a delete based on a server tombstone + insert becomes an update that undeletes first', () => {
    const tombstone: Item = { ...acked, version: 'v3', deleted: true };
    const out = collapse(op({ kind: 'delete', snapshot: null, baseVersion: 'v3', baseRow: tombstone }), ins(fresh), ctx(null));
    expect(out).toMatchObject({ kind: 'replace', op: { kind: 'update', undelete: true, baseVersion: 'v3', snapshot: fresh } });
  });

  test('W-10: an ordinary delete + insert does not undelete', () => {
    const out = collapse(deleteOp, ins(fresh), ctx(null));
    expect(out.kind === 'replace' ? out.op.undelete : 'none').toBeUndefined();
  });
});

describe('collapse: unconfirmed sends (W-13, U-11)', () => {
  const sentFirst: Item = { id: 'a', text: 'first' };
  const remembering = (o: Op): Op => ({ ...o, attempted: true, attempts: 1, unconfirmed: [sentFirst] });
  test.each([
    { id: 'W-05', name: 'insert + update', existing: remembering(insertOp), action: upd({ ...fresh, text: 'x' }), kind: 'insert' },
    { id: 'W-07', name: 'attempted insert + delete', existing: remembering(insertOp), action: del, kind: 'delete' },
    { id: 'W-08', name: 'update + update', existing: remembering(updateOp), action: upd({ ...acked, text: 'x' }), kind: 'update' },
    { id: 'W-09', name: 'update + delete', existing: remembering(updateOp), action: del, kind: 'delete' },
    { id: 'W-10', name: 'delete with base + insert', existing: remembering(deleteOp), action: ins(fresh), kind: 'update' },
    { id: 'W-11', name: 'delete without base + insert', existing: remembering(deleteNoBase), action: ins(fresh), kind: 'insert' },
    { id: 'W-14', name: 'a held update + update', existing: remembering(op({ state: 'held' })), action: upd({ ...acked, text: 'x' }), kind: 'update' },
  ] as { id: string; name: string; existing: Op; action: LocalAction; kind: Op['kind'] }[])('W-13, U-11 ($id): $name keeps the unconfirmed sends', ({ existing, action, kind }) => {
    const out = collapse(existing, action, ctx(existing.kind === 'delete' ? null : edited));
    expect(out).toMatchObject({ kind: 'replace', op: { kind, seq: 7, editCounter: 4, unconfirmed: [sentFirst] } });
  });

  test('W-04, U-11: a new op has no unconfirmed sends (absent, as in records written before the field)', () => {
    const out = collapse(null, ins(fresh), ctx(null));
    expect(out.kind === 'append' && 'unconfirmed' in out.op).toBe(false);
    const kept = collapse(insertOp, upd(fresh), ctx(fresh));
    expect(kept.kind === 'replace' && 'unconfirmed' in kept.op).toBe(false);
  });

  test('W-13, U-11: a collapse onto an in-flight op leaves its remembered sends, the request already sent among them, unchanged', () => {
    const inflight = rememberSent(op({ state: 'inflight', attempted: true, attempts: 1 }));
    const sent = structuredClone(inflight);
    const out = collapse(inflight, upd({ ...acked, text: 'z' }), ctx(edited));
    expect(inflight).toEqual(sent);
    expect(out).toMatchObject({ kind: 'replace', op: { state: 'inflight', snapshot: { text: 'z' }, unconfirmed: [edited] } });
  });

  test('U-09, U-11: a rebase after collapsed edits clears the unconfirmed sends; later sends start a new list', () => {
    const sentTwice = rememberSent({ ...rememberSent(attemptedInsert), snapshot: { ...fresh, text: 'second' } });
    const out = collapse(sentTwice, upd({ ...fresh, text: 'third' }), ctx(fresh));
    if (out.kind !== 'replace') throw new Error('expected a replace');
    expect(out.op.unconfirmed).toEqual([fresh, { ...fresh, text: 'second' }]);
    const echo: Item = { id: 'a', version: 'v5', createdAt: 'c', updatedAt: 'u', deleted: false, text: 'first' };
    const rebased = rebasePush(out.op, echo).op;
    expect(rebased).toMatchObject({ kind: 'update', baseVersion: 'v5', snapshot: { text: 'third', version: 'v5' } });
    expect('unconfirmed' in rebased).toBe(false);
    expect(rememberSent(rebased).unconfirmed).toEqual([rebased.snapshot]);
  });
});

describe('collapse: one op per item', () => {
  type Step =
    | { kind: 'write'; id: string; action: 'insert' | 'update' | 'delete' }
    | { kind: 'send'; id: string }
    | { kind: 'answer'; id: string; version: string }
    | { kind: 'fail'; id: string }
    | { kind: 'hold'; id: string }
    | { kind: 'resolve'; id: string; resolution: Resolution['kind']; server: 'live' | 'tombstone' | 'none' };
  const ids = ['a', 'b'];
  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.record({ kind: fc.constant('write' as const), id: fc.constantFrom(...ids), action: fc.constantFrom('insert' as const, 'update' as const, 'delete' as const) }),
    fc.record({ kind: fc.constant('send' as const), id: fc.constantFrom(...ids) }),
    fc.record({ kind: fc.constant('answer' as const), id: fc.constantFrom(...ids), version: fc.constantFrom('v2', 'v3', 'v4') }),
    fc.record({ kind: fc.constant('fail' as const), id: fc.constantFrom(...ids) }),
    fc.record({ kind: fc.constant('hold' as const), id: fc.constantFrom(...ids) }),
    fc.record({
      kind: fc.constant('resolve' as const), id: fc.constantFrom(...ids),
      resolution: fc.constantFrom('server' as const, 'client' as const, 'merge' as const, 'discard' as const, 'defer' as const),
      server: fc.constantFrom('live' as const, 'tombstone' as const, 'none' as const),
    }),
  );

  test('W-03: no sequence of writes, pushes and resolutions leaves two ops for one item, and ops agree with rows', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 10, maxLength: 80, size: 'max' }), (steps) => {
        let log: Op[] = [];
        const rows = new Map<string, Item>();
        const sentCounter = new Map<number, number>();
        let nextSeq = 1;
        let clock = 0;
        for (const s of steps) {
          const existing = log.find((o) => o.itemId === s.id) ?? null;
          if (s.kind === 'write') {
            const row = rows.get(s.id) ?? null;
            const action: LocalAction = s.action === 'delete' ? { kind: 'delete' } : { kind: s.action, row: { ...row, id: s.id, n: clock } };
            const out = collapse(existing, action, { table: 't', itemId: s.id, now: ++clock, identity: null, row });
            if (out.kind === 'append') log.push({ ...out.op, seq: nextSeq++ });
            if (out.kind === 'replace') {
              expect(existing?.seq).toBe(out.op.seq);
              log = log.map((o) => (o.seq === out.op.seq ? out.op : o));
            }
            if (out.kind === 'drop') log = log.filter((o) => o !== existing);
            if (out.kind === 'append' || out.kind === 'replace') {
              if (out.localRow === null) rows.delete(s.id);
              else rows.set(s.id, out.localRow);
            }
            if (out.kind === 'drop') rows.delete(s.id);
          } else if (existing !== null && s.kind === 'send' && existing.state === 'pending') {
            sentCounter.set(existing.seq, existing.editCounter);
            log = log.map((o) => (o === existing ? rememberSent({ ...o, state: 'inflight', attempted: true, attempts: o.attempts + 1 }) : o));
          } else if (existing !== null && s.kind === 'answer' && existing.state === 'inflight') {
            const server = existing.kind === 'delete' ? null : { ...existing.snapshot, id: s.id, version: s.version, deleted: false };
            const settled = settlePush(existing, sentCounter.get(existing.seq) ?? -1, server);
            if (settled.kind === 'complete') {
              log = log.filter((o) => o !== existing);
              if (settled.row === null) rows.delete(s.id);
              else rows.set(s.id, settled.row);
            } else {
              expect(settled.op.seq).toBe(existing.seq);
              expect(settled.op.unconfirmed).toBeUndefined(); // U-11: a rebase confirms the base
              log = log.map((o) => (o === existing ? settled.op : o));
            }
          } else if (existing !== null && s.kind === 'resolve' && (existing.state === 'inflight' || existing.state === 'held')) {
            const serverRow = s.server === 'none' ? null : { id: s.id, version: `s${clock}`, deleted: s.server === 'tombstone', n: -1 };
            const resolution: Resolution = s.resolution === 'merge' ? { kind: 'merge', value: { id: s.id, n: -2 } } : { kind: s.resolution };
            const plan = planResolution(existing, resolution, { serverRow });
            if (plan.kind === 'resend') {
              expect(plan.op.seq).toBe(existing.seq);
              log = log.map((o) => (o === existing ? plan.op : o));
              if (plan.localRow !== null) rows.set(s.id, plan.localRow);
            } else if (plan.kind === 'hold') {
              log = log.map((o) => (o === existing ? { ...o, state: 'held' } : o));
            } else {
              log = log.filter((o) => o !== existing);
              if (plan.row === null) rows.delete(s.id);
              else rows.set(s.id, plan.row);
            }
          } else if (existing !== null && (s.kind === 'fail' || s.kind === 'hold') && existing.state === 'inflight') {
            log = log.map((o) => (o === existing ? { ...o, state: s.kind === 'fail' ? 'failed' : 'held' } : o));
          }
          const perItem = new Set(log.map((o) => o.itemId));
          expect(perItem.size).toBe(log.length);
          for (const o of log) expect(rows.has(o.itemId)).toBe(o.kind !== 'delete');
          for (const o of log) expect(o.unconfirmed?.length ?? 0).toBeLessThanOrEqual(MAX_UNCONFIRMED);
          for (const o of log) if (o.kind === 'update' && o.undelete !== true && o.baseRow !== null) expect(o.baseRow['deleted']).not.toBe(true);
        }
      }),
      { numRuns: 400 },
    );
  });
});
