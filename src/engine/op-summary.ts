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

const itemKey = (table: string, itemId: string): string => `${table}\u0000${itemId}`;

/** Creates the mirror; it loads the op-log once, on the first read. */
export function createOpSummary(store: Pick<LocalStore, 'listOps'>): OpSummary {
  // Insertion order is not seq order once an op is replaced: `list` sorts.
  const bySeq = new Map<number, Op>();
  const byItem = new Map<string, number>();
  let loading: Promise<void> | null = null;
  let loaded = false;
  // Commits landing while the op-log is read: replayed in order after the read, since every change
  // sets or deletes one seq's entry, the replay ends in the latest state whatever the read saw.
  let during: { readonly changes: readonly Change[]; readonly seqs: readonly number[] }[] | null = null;
  const put = (op: Op): void => {
    const previous = bySeq.get(op.seq);
    if (previous !== undefined) byItem.delete(itemKey(previous.table, previous.itemId));
    bySeq.set(op.seq, op);
    byItem.set(itemKey(op.table, op.itemId), op.seq);
  };
  const remove = (seq: number): void => {
    const previous = bySeq.get(seq);
    if (previous === undefined) return;
    bySeq.delete(seq);
    if (byItem.get(itemKey(previous.table, previous.itemId)) === seq) byItem.delete(itemKey(previous.table, previous.itemId));
  };
  const follow = (changes: readonly Change[], appendedSeqs: readonly number[]): void => {
    let appended = 0;
    for (const change of changes) {
      if (change.kind === 'append-op') {
        const seq = appendedSeqs[appended++];
        if (seq !== undefined) put({ ...change.op, seq } as Op);
      } else if (change.kind === 'put-op') put(change.op);
      else if (change.kind === 'delete-op') remove(change.seq);
    }
  };
  const load = async (): Promise<void> => {
    during = [];
    try {
      for (const op of await store.listOps()) put(op);
      for (const commit of during) follow(commit.changes, commit.seqs);
      loaded = true;
    } catch (error) {
      bySeq.clear();
      byItem.clear();
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
      const seq = byItem.get(itemKey(table, itemId));
      return seq === undefined ? null : (bySeq.get(seq) ?? null);
    },
    async list(table) {
      await ready();
      const ops = [...bySeq.values()].filter((op) => table === undefined || op.table === table);
      return ops.sort((a, b) => a.seq - b.seq);
    },
    apply(changes, appendedSeqs) {
      if (loaded) follow(changes, appendedSeqs);
      else if (during !== null) during.push({ changes, seqs: appendedSeqs });
    },
  };
}
