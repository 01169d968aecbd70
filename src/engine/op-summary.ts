import type { BlockedReason, Op } from '../core/op.js';
import type { Change, LocalStore } from './ports.js';

/** What a status line needs of the op-log. */
export interface OpCounts {
  readonly pending: number;
  readonly failed: number;
  readonly held: number;
  readonly blockedReason: BlockedReason | null;
  readonly nextAttemptAt: number | null;
}

/**
 * The op-log mirrored in memory, so status lines and the write path read it without an IndexedDB
 * transaction each: loaded once, then kept in step with every commit (the engine is the op-log's only
 * writer while it answers app requests). Push, pull, purge and resolve read the store itself under the
 * sync lock, which also orders them against an older worker's engine finishing its work during an update.
 */
export interface OpSummary {
  counts(): Promise<OpCounts>;
  /** The op of an item, as last committed. */
  get(table: string, itemId: string): Promise<Op | null>;
  /** Every op, ascending seq; only the table's when given. */
  list(table?: string): Promise<Op[]>;
  /** Follows a committed change list; `appendedSeqs` are the commit's new seqs in order. */
  apply(changes: readonly Change[], appendedSeqs: readonly number[]): void;
}

/** Creates the mirror; it loads the op-log once, on the first read. */
export function createOpSummary(store: Pick<LocalStore, 'listOps'>): OpSummary {
  // Seq order: appends come in ascending seq and a replaced op keeps its place.
  const bySeq = new Map<number, Op>();
  let loading: Promise<void> | null = null;
  let loaded = false;
  // Commits landing while the op-log is read: replayed in order after the read, since every change
  // sets or deletes one seq's entry, the replay ends in the latest state whatever the read saw.
  let during: { readonly changes: readonly Change[]; readonly seqs: readonly number[] }[] | null = null;
  const follow = (changes: readonly Change[], appendedSeqs: readonly number[]): void => {
    let appended = 0;
    for (const change of changes) {
      if (change.kind === 'append-op') {
        const seq = appendedSeqs[appended++];
        if (seq !== undefined) bySeq.set(seq, { ...change.op, seq });
      } else if (change.kind === 'put-op') bySeq.set(change.op.seq, change.op);
      else if (change.kind === 'delete-op') bySeq.delete(change.seq);
    }
  };
  const load = async (): Promise<void> => {
    during = [];
    try {
      for (const op of await store.listOps()) bySeq.set(op.seq, op);
      for (const commit of during) follow(commit.changes, commit.seqs);
      loaded = true;
    } catch (error) {
      bySeq.clear();
      throw error;
    } finally {
      during = null;
      loading = null;
    }
  };
  const ready = async (): Promise<void> => {
    if (!loaded) await (loading ??= load());
  };
  return {
    async counts() {
      await ready();
      let pending = 0, failed = 0, held = 0;
      let blockedReason: BlockedReason | null = null;
      let nextAttemptAt: number | null = null;
      for (const op of bySeq.values()) {
        if (op.state === 'failed') failed++;
        else if (op.state === 'held') held++;
        else {
          pending++;
          if (op.blockedReason === 'needs-auth' || (op.blockedReason !== null && blockedReason === null)) blockedReason = op.blockedReason;
          if (op.nextAttemptAt !== null) nextAttemptAt = Math.min(nextAttemptAt ?? op.nextAttemptAt, op.nextAttemptAt);
        }
      }
      return { pending, failed, held, blockedReason, nextAttemptAt };
    },
    async get(table, itemId) {
      await ready();
      for (const op of bySeq.values()) if (op.table === table && op.itemId === itemId) return op;
      return null;
    },
    async list(table) {
      await ready();
      return [...bySeq.values()].filter((op) => table === undefined || op.table === table);
    },
    apply(changes, appendedSeqs) {
      if (loaded) follow(changes, appendedSeqs);
      else if (during !== null) during.push({ changes, seqs: appendedSeqs });
    },
  };
}
