import { describe, expect, test } from 'vitest';
import type { Op } from '../../../src/core/op.js';
import { createOpSummary } from '../../../src/engine/op-summary.js';

const op = (seq: number, itemId: string, state: Op['state'] = 'pending'): Op =>
  ({ seq, table: 't', itemId, kind: 'insert', snapshot: { id: itemId }, baseVersion: null, baseRow: null, serverRow: null, state, attempted: false, attempts: 0, lastAttemptAt: null, lastStatus: null, lastError: null, editCounter: 0, identity: null, editedAt: 0, blockedReason: null, nextAttemptAt: null }) as Op;

describe('op-log mirror', () => {
  test('commits landing while the op-log is read are replayed after it, in order', async () => {
    let release: (ops: Op[]) => void = () => undefined;
    const mirror = createOpSummary({ listOps: () => new Promise<Op[]>((resolve) => (release = resolve)) });
    const listed = mirror.list();
    // The read saw seq 1 and 2; meanwhile 2 was deleted, 1 failed and 3 appended.
    mirror.apply([{ kind: 'delete-op', seq: 2 }], []);
    mirror.apply([{ kind: 'put-op', op: op(1, 'a', 'failed') }, { kind: 'append-op', op: op(0, 'c') }], [3]);
    release([op(1, 'a'), op(2, 'b')]);
    expect((await listed).map((o) => [o.seq, o.itemId, o.state])).toEqual([
      [1, 'a', 'failed'],
      [3, 'c', 'pending'],
    ]);
    expect(await mirror.get('t', 'b')).toBeNull();
    expect((await mirror.get('t', 'c'))?.seq).toBe(3);
    expect(await mirror.counts()).toMatchObject({ pending: 1, failed: 1 });
  });

  test('an item keeps one op: a delete frees its id, a new op of it is found by item', async () => {
    const mirror = createOpSummary({ listOps: () => Promise.resolve([op(1, 'a')]) });
    expect((await mirror.get('t', 'a'))?.seq).toBe(1);
    mirror.apply([{ kind: 'delete-op', seq: 1 }, { kind: 'append-op', op: op(0, 'a') }], [2]);
    expect((await mirror.get('t', 'a'))?.seq).toBe(2);
    expect((await mirror.list('t')).map((o) => o.seq)).toEqual([2]);
    expect(await mirror.list('other')).toEqual([]);
  });
});
