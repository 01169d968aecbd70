import type { ConflictReason } from '../core/conflict.js';
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
  const record: ConflictRecord = {
    opSeq: op.seq,
    table: op.table,
    itemId: op.itemId,
    opKind: op.kind,
    reason: conflict.reason,
    status: conflict.status,
    baseRow: op.baseRow,
    localRow: op.snapshot,
    serverRow: conflict.serverRow,
    detectedAt: ctx.deps.clock.now(),
  };
  const heldOp: Op = { ...op, state: 'held', serverRow: conflict.serverRow ?? op.serverRow };
  return {
    changes: [
      { kind: 'put-op', op: heldOp },
      { kind: 'put-conflict', conflict: record },
    ],
    record: conflictOf(record),
  };
}
