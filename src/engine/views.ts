import type { Op } from '../core/op.js';
import type { Conflict, PendingOperation } from './engine-types.js';
import type { ConflictRecord } from './ports.js';

/** An op as pages see it. */
export function pendingOperationOf(op: Op): PendingOperation {
  return {
    seq: op.seq,
    table: op.table,
    itemId: op.itemId,
    kind: op.kind,
    state: op.state,
    attempts: op.attempts,
    lastStatus: op.lastStatus,
    lastError: op.lastError,
    blockedReason: op.blockedReason,
    identity: op.identity,
    snapshot: op.snapshot,
  };
}

/** A stored conflict record as pages see it; its id is the op's seq. */
export function conflictOf(record: ConflictRecord): Conflict {
  return {
    id: record.opSeq,
    table: record.table,
    itemId: record.itemId,
    opKind: record.opKind,
    reason: record.reason,
    status: record.status,
    baseRow: record.baseRow,
    localRow: record.localRow,
    serverRow: record.serverRow,
    detectedAt: record.detectedAt,
  };
}
