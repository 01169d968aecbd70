/**
 * The engine reaches the world only through these ports (STYLE.md §2.2). The service worker
 * implements them over IndexedDB, fetch and worker APIs (sw/); test/support has in-memory fakes.
 */
import type { Item } from '../core/item.js';
import type { NewOp, Op } from '../core/op.js';
import type { OutboundRequest } from '../core/dialect/types.js';

export type { OutboundRequest };

/** A local row: what the app sees, plus the versions it may legitimately hold (PROTOCOL.md §3.2). */
export interface StoredRow {
  readonly table: string;
  readonly id: string;
  readonly item: Item;
  readonly knownVersions: readonly string[];
}

/** A conflict held for the user, keyed by its op's seq (PROTOCOL.md §3.1). */
export interface ConflictRecord {
  readonly opSeq: number;
  readonly table: string;
  readonly itemId: string;
  readonly opKind: 'insert' | 'update' | 'delete';
  readonly reason: 'precondition' | 'already-exists' | 'deleted-on-server';
  readonly status: number;
  readonly baseRow: Item | null;
  readonly localRow: Item | null;
  readonly serverRow: Item | null;
  readonly detectedAt: number;
}

/** A pull cursor for one (table, queryId) (PROTOCOL.md §3.1, §3.6). */
export interface SyncStateRecord {
  readonly table: string;
  readonly queryId: string;
  readonly watermark: { readonly ms: number; readonly raw: string } | null;
  readonly drain: { readonly ms: number; readonly afterId: string | null } | null;
  readonly lastPullAt: number | null;
  /** True once a pull of this query reached its end at least once (F-04, F-05). */
  readonly complete: boolean;
}

/** One change inside an atomic commit. */
export type Change =
  | { readonly kind: 'put-row'; readonly row: StoredRow }
  | { readonly kind: 'delete-row'; readonly table: string; readonly id: string }
  | { readonly kind: 'delete-table-rows'; readonly table: string }
  /** Appends an op; its seq is returned in `appendedSeqs` in order. */
  | { readonly kind: 'append-op'; readonly op: NewOp }
  | { readonly kind: 'put-op'; readonly op: Op }
  | { readonly kind: 'delete-op'; readonly seq: number }
  | { readonly kind: 'put-conflict'; readonly conflict: ConflictRecord }
  | { readonly kind: 'delete-conflict'; readonly opSeq: number }
  | { readonly kind: 'put-sync-state'; readonly state: SyncStateRecord }
  | { readonly kind: 'delete-sync-state'; readonly table: string; readonly queryId: string };

/**
 * How hard a commit waits for the disk: `strict` (the default) is flushed before it resolves; `relaxed`
 * survives a worker or browser crash but may be lost to power loss, so only idempotently replayed commits use it.
 */
export type Durability = 'strict' | 'relaxed';

/** Options of one commit. */
export interface CommitOptions {
  readonly durability?: Durability;
}

/** Every change of a commit lands in one transaction, or none does. */
export type CommitResult =
  | { readonly ok: true; readonly appendedSeqs: readonly number[] }
  | { readonly ok: false; readonly reason: 'quota' };

/** A first `$orderby` key the store walks in order without loading the table (the cold read path). */
export interface WalkOrder {
  readonly field: 'id' | 'updatedAt';
  readonly direction: 'asc' | 'desc';
}

/** The local database: rows, op-log, conflicts and pull cursors (W-01: one commit, one transaction). */
export interface LocalStore {
  /** The rows of these ids that exist, read in one transaction (a pull page's rows on a cold table, a cold `GET`). */
  getRowsById(table: string, ids: readonly string[]): Promise<StoredRow[]>;
  /**
   * A table's rows in id order, from just past `after` (from the first without it), at most `limit` (all without
   * it): the engine's in-memory index warms from these, one slice at a time, once per wake.
   */
  getRows(table: string, after?: string, limit?: number): Promise<StoredRow[]>;
  /**
   * Visits a table's rows ordered by `order.field` as `sortValueOf` reads it (ties in any order,
   * strings by UTF-16 code unit as IndexedDB keys compare) until `visit` returns false.
   */
  walkRows(table: string, order: WalkOrder, visit: (row: StoredRow) => boolean): Promise<void>;
  getOp(table: string, itemId: string): Promise<Op | null>;
  /** Every op, ascending seq; only the table's when given. */
  listOps(table?: string): Promise<Op[]>;
  getConflict(opSeq: number): Promise<ConflictRecord | null>;
  listConflicts(table?: string): Promise<ConflictRecord[]>;
  listSyncStates(table: string): Promise<SyncStateRecord[]>;
  /** Applies every change in one transaction of the given durability (strict unless told). */
  commit(changes: readonly Change[], options?: CommitOptions): Promise<CommitResult>;
}

/** Small persisted key-value state: config, observed dialect per table (the database's `meta` store in the worker). */
export interface MetaStore {
  get<T>(key: string): Promise<T | undefined>;
  /** Writes every entry in one transaction, resolving once it is committed. */
  set(entries: Readonly<Record<string, unknown>>): Promise<void>;
}

/** What came back: a response (body parsed as JSON when it is JSON, else null), or no answer at all. */
export type RemoteResponse =
  | {
      readonly kind: 'response';
      readonly status: number;
      /** Header names lowercased. */
      readonly headers: Readonly<Record<string, string>>;
      readonly body: unknown;
    }
  | { readonly kind: 'network-error'; readonly message: string };

/** The only way to the upstream server. */
export interface TablesRemote {
  send(request: OutboundRequest): Promise<RemoteResponse>;
}

/** Serialises push, pull, purge and resolve (U-01, G-07): a Web Lock in the worker. */
export interface SyncLock {
  run<T>(task: () => Promise<T>): Promise<T>;
}

/** Asks the platform to push later (Background Sync tag `tablesync`, U-20). */
export interface PushScheduler {
  schedule(): Promise<void>;
}

/** Time as a port: the engine reads the clock and asks the shell for timers; it never sets one itself. */
export interface Clock {
  now(): number;
  /** Runs `task` once, `ms` from now; returns a function that cancels it. */
  after(ms: number, task: () => void): () => void;
}

/** Randomness as a port: ids and back-off jitter. */
export interface Entropy {
  /** 16 random bytes. */
  randomBytes(): Uint8Array;
  /** A number in [0, 1). */
  jitter(): number;
}

export interface Log {
  info(message: string, data?: Readonly<Record<string, unknown>>): void;
  error(message: string, data?: Readonly<Record<string, unknown>>): void;
}
