import type { BlockedReason, Op, OpState } from '../core/op.js';
import type { Change, LocalStore } from './ports.js';

/** What a status line needs of the op-log. */
export interface OpCounts {
  readonly pending: number;
  readonly failed: number;
  readonly held: number;
  readonly blockedReason: BlockedReason | null;
  readonly nextAttemptAt: number | null;
}

/** The op-log's status facts kept in memory, so a status read costs no op-log read after the first. */
export interface OpSummary {
  counts(): Promise<OpCounts>;
  /** Follows a committed change list; `appendedSeqs` are the commit's new seqs in order. */
  apply(changes: readonly Change[], appendedSeqs: readonly number[]): void;
}

type Entry = Pick<Op, 'state' | 'blockedReason' | 'nextAttemptAt'>;

const entryOf = (op: { readonly state: OpState; readonly blockedReason: BlockedReason | null; readonly nextAttemptAt: number | null }): Entry => ({
  state: op.state,
  blockedReason: op.blockedReason,
  nextAttemptAt: op.nextAttemptAt,
});

/** Creates the summary; it loads the op-log once, on the first `counts()` (the engine is its only writer). */
export function createOpSummary(store: Pick<LocalStore, 'listOps'>): OpSummary {
  const entries = new Map<number, Entry>();
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
        if (seq !== undefined) entries.set(seq, entryOf(change.op));
      } else if (change.kind === 'put-op') entries.set(change.op.seq, entryOf(change.op));
      else if (change.kind === 'delete-op') entries.delete(change.seq);
    }
  };
  const load = async (): Promise<void> => {
    during = [];
    try {
      for (const op of await store.listOps()) entries.set(op.seq, entryOf(op));
      for (const commit of during) follow(commit.changes, commit.seqs);
      loaded = true;
    } catch (error) {
      entries.clear();
      throw error;
    } finally {
      during = null;
      loading = null;
    }
  };
  return {
    async counts() {
      if (!loaded) await (loading ??= load());
      let pending = 0, failed = 0, held = 0;
      let blockedReason: BlockedReason | null = null;
      let nextAttemptAt: number | null = null;
      for (const op of entries.values()) {
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
    apply(changes, appendedSeqs) {
      if (loaded) follow(changes, appendedSeqs);
      else if (during !== null) during.push({ changes, seqs: appendedSeqs });
    },
  };
}
