import { conflictContextOf, type ConflictReason } from '../core/conflict.js';
import type { Item } from '../core/item.js';
import type { Op } from '../core/op.js';
import type { EngineContext } from './engine-context.js';
import type { Conflict } from './engine-types.js';
import type { Change, ConflictRecord } from './ports.js';
import { conflictOf } from './views.js';

/** K-09: the op becomes `held` and its conflict record holds base, local and server rows. */
export function holdConflict(
  ctx: EngineContext,
  op: Op,
  conflict: { readonly reason: ConflictReason; readonly status: number; readonly serverRow: Item | null },
): { readonly changes: Change[]; readonly record: Conflict } {
  const record: ConflictRecord = { ...conflictContextOf(op, conflict), opSeq: op.seq, detectedAt: ctx.deps.clock.now() };
  const heldOp: Op = { ...op, state: 'held', serverRow: conflict.serverRow ?? op.serverRow };
  return {
    changes: [
      { kind: 'put-op', op: heldOp },
      { kind: 'put-conflict', conflict: record },
    ],
    record: conflictOf(record),
  };
}
