import type { AppPreconditions } from '../core/dialect/outbound.js';
import type { OutboundRequest, RemoteResponse } from './ports.js';

export type { AppPreconditions };

/**
 * How the op goes while its app waits: the app's own request when the op holds exactly that write (its body as the
 * app made it, so a PATCH merges on the server as it would without the worker), else the op's request with the
 * app's preconditions (a write collapsed onto an op holding earlier local edits must carry those too).
 */
export interface AppWrite {
  readonly preconditions: AppPreconditions;
  /** The app's request, with the id the worker gave an insert; null when the op holds earlier edits too. */
  readonly request: OutboundRequest | null;
}

/** What a waiting app request gets: the server's answer as it came, or the local answer of §3.8. */
export type WriteAnswer = { readonly kind: 'upstream'; readonly response: Extract<RemoteResponse, { readonly kind: 'response' }> } | { readonly kind: 'local' };

/** One app request waiting on its op. */
export interface WaitingWrite {
  readonly answer: Promise<WriteAnswer>;
}

/** A waiting request the push path took over: it now settles the op by the write-through rules and answers the app. */
export interface ClaimedWrite {
  /** The `editCounter` of the op when the app's request was sent. */
  readonly editCounter: number;
  answer(answer: WriteAnswer): void;
}

/**
 * The app requests waiting on an op, keyed by its seq (PROTOCOL.md §3.9): whoever sends the op while its app
 * still waits (the write's own push, or a background push that got the lock first) sends the app's own
 * preconditions, hands the server's answer to it and settles by the write-through rules. Once the wait ended
 * (timeout, or a push that did not send the op) the app has had the local answer and replay rules apply.
 *
 *     waiting ──sending()──▶ sent ──claim()──▶ claimed ──answer()──▶ (gone)
 *        └──────┴── release() / a different edit at send time ──▶ local answer (gone)
 */
export interface WriteWaiters {
  /** Registers the app request that made edit `editCounter` of op `seq`; null when another request already waits on that op. */
  wait(seq: number, editCounter: number, write: AppWrite): WaitingWrite | null;
  /**
   * The op is about to be sent with this `editCounter`: how to send the app's write when its request still waits
   * for this very edit (the first send only); an app waiting on an earlier edit gets the local answer.
   */
  sending(seq: number, editCounter: number): AppWrite | null;
  /** The op's answer is in: the waiting request, now no longer subject to `release`, or null when none waits. */
  claim(seq: number): ClaimedWrite | null;
  /** Ends a wait not yet claimed with the local answer (timeout, or a push that did not send the op); true when it did. */
  release(seq: number, waiting: WaitingWrite): boolean;
}

interface Entry {
  readonly waiting: WaitingWrite;
  readonly editCounter: number;
  readonly write: AppWrite;
  readonly resolve: (answer: WriteAnswer) => void;
  state: 'waiting' | 'sent';
}

/** The registry, in engine memory (a waiting app request dies with its worker anyway). */
export function createWriteWaiters(): WriteWaiters {
  const entries = new Map<number, Entry>();
  const local = (seq: number, entry: Entry): void => {
    entries.delete(seq);
    entry.resolve({ kind: 'local' });
  };
  return {
    wait(seq, editCounter, write) {
      if (entries.has(seq)) return null;
      let resolve!: (answer: WriteAnswer) => void;
      const answer = new Promise<WriteAnswer>((r) => (resolve = r));
      const waiting: WaitingWrite = { answer };
      entries.set(seq, { waiting, editCounter, write, resolve, state: 'waiting' });
      return waiting;
    },
    sending(seq, editCounter) {
      const entry = entries.get(seq);
      if (entry === undefined || entry.state !== 'waiting') return null;
      if (entry.editCounter !== editCounter) {
        // The op holds a later local edit too: what goes is not the app's request.
        local(seq, entry);
        return null;
      }
      entry.state = 'sent';
      return entry.write;
    },
    claim(seq) {
      const entry = entries.get(seq);
      if (entry === undefined || entry.state !== 'sent') return null;
      entries.delete(seq);
      return { editCounter: entry.editCounter, answer: entry.resolve };
    },
    release(seq, waiting) {
      const entry = entries.get(seq);
      if (entry === undefined || entry.waiting !== waiting) return false;
      local(seq, entry);
      return true;
    },
  };
}
