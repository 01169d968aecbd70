import type { Item } from './item.js';

/** What a journaled local write does upstream (PROTOCOL.md §3.1). */
export type OpKind = 'insert' | 'update' | 'delete';

/** `inflight`: marked attempted and being sent; `failed`: rejected 4xx; `held`: a deferred conflict. */
export type OpState = 'pending' | 'inflight' | 'failed' | 'held';

/** Why a pending op is not being sent (U-13, U-17). */
export type BlockedReason = 'needs-auth' | 'identity';

/** A journaled local write the server has not confirmed; at most one per (table, itemId). */
export interface Op {
  readonly seq: number;
  readonly table: string;
  readonly itemId: string;
  readonly kind: OpKind;
  /** The row to send; null for a delete. */
  readonly snapshot: Item | null;
  /** The server version the change was made against; null for an insert or a never-acknowledged row. */
  readonly baseVersion: string | null;
  /** The row as it was before the first collapsed change; null for an insert. */
  readonly baseRow: Item | null;
  /** The newest server row a pull saw while this op was pending. */
  readonly serverRow: Item | null;
  readonly state: OpState;
  /** Sent at least once: the server may hold its effect. */
  readonly attempted: boolean;
  readonly attempts: number;
  readonly lastAttemptAt: number | null;
  readonly lastStatus: number | null;
  readonly lastError: unknown;
  /** Incremented by every collapse; a push outcome applies only if it is unchanged (U-08, U-09). */
  readonly editCounter: number;
  /** `iss|sub` of the credentials current when the op was made; null without a decodable token. */
  readonly identity: string | null;
  /** Epoch ms of the latest local change. */
  readonly editedAt: number;
  readonly blockedReason: BlockedReason | null;
  /** Epoch ms before which an automatic push skips this op (back-off); null = now. */
  readonly nextAttemptAt: number | null;
  /** Set on an `update` whose server row is a tombstone: undelete it (If-Match `baseVersion`) before sending the snapshot (K-05). */
  readonly undelete?: true;
  /** Snapshots sent since the base was last confirmed whose answers never came, oldest first, at most 4; absent = none (U-11, P10 + P12). */
  readonly unconfirmed?: readonly Item[];
  /** Consecutive 5xx answers to this op's sends since its last edit; at the engine's limit it becomes `failed`. */
  readonly serverErrors?: number;
}

/** An op before the op-log assigns its `seq`. */
export type NewOp = Omit<Op, 'seq'>;
