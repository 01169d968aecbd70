/**
 * The one place where page and worker meet: the Comlink API the worker exposes (SyncApi), its
 * results and events, and the handshake message. Types only; the page library wraps SyncApi in
 * SyncClient, which adds reconnection, per-call timeouts and event subscriptions.
 */

/** A row as the app sees it. */
export type Row = Readonly<Record<string, string | number | boolean | null>>;

/** Why pushing is paused. */
export type BlockedReason = 'needs-auth' | 'identity';

/** Why a push stopped before the queue was empty (PROTOCOL.md §3.4, U-22). */
export type PushStopReason = 'offline' | 'backoff' | 'needs-auth';

/** What one push did (U-22). */
export interface PushResult {
  readonly completed: number;
  readonly failed: number;
  readonly held: number;
  readonly stopped: PushStopReason | null;
}

/** `pull()` options (PROTOCOL.md §3.6): a filter only; `push: false` skips the implicit push. */
export interface PullOptions {
  readonly table: string;
  readonly filter?: string;
  readonly queryId?: string;
  readonly push?: boolean;
}

/** What one pull did. */
export interface PullResult {
  readonly table: string;
  readonly queryId: string;
  readonly pages: number;
  readonly rows: number;
  /** Local rows written or removed by this pull. */
  readonly changed: number;
  readonly push: PushResult | null;
}

/** `purge()` options (PROTOCOL.md §3.7). */
export interface PurgeOptions {
  readonly table: string;
  readonly filter?: string;
  readonly queryId?: string;
  readonly force?: boolean;
  readonly resetWatermarks?: 'none' | 'query' | 'table';
}

export interface PurgeResult {
  readonly rows: number;
  readonly ops: number;
}

/** A journaled write not yet confirmed by the server, as pages see it. */
export interface PendingOperation {
  readonly seq: number;
  readonly table: string;
  readonly itemId: string;
  readonly kind: 'insert' | 'update' | 'delete';
  readonly state: 'pending' | 'inflight' | 'failed' | 'held';
  readonly attempts: number;
  readonly lastStatus: number | null;
  readonly lastError: unknown;
  readonly blockedReason: BlockedReason | null;
  /** `iss|sub` of the credentials it was made under (U-17); null without a decodable token. */
  readonly identity: string | null;
  readonly snapshot: Row | null;
}

/** Why an op conflicts (K-01). */
export type ConflictReason = 'precondition' | 'already-exists' | 'deleted-on-server';

/** A conflict held for the user; `id` is the op's seq. */
export interface Conflict {
  readonly id: number;
  readonly table: string;
  readonly itemId: string;
  readonly opKind: 'insert' | 'update' | 'delete';
  readonly reason: ConflictReason;
  readonly status: number;
  readonly baseRow: Row | null;
  readonly localRow: Row | null;
  readonly serverRow: Row | null;
  readonly detectedAt: number;
}

/** How to settle a conflict (PROTOCOL.md §3.5). */
export type Resolution =
  | { readonly kind: 'server' }
  | { readonly kind: 'client' }
  | { readonly kind: 'merge'; readonly value: Row }
  | { readonly kind: 'discard' }
  | { readonly kind: 'defer' };

/** The engine's state as a status line would show it. */
export interface SyncStatus {
  readonly pending: number;
  readonly failed: number;
  readonly held: number;
  readonly online: boolean;
  readonly pushing: boolean;
  readonly pulling: boolean;
  readonly blockedReason: BlockedReason | null;
  readonly lastPushAt: number | null;
  readonly lastPullAt: number | null;
  readonly nextAttemptAt: number | null;
  /** The latest local commit failed for lack of storage (a write answered 507, a pull page not stored); cleared by the next that succeeds. */
  readonly storageFull: boolean;
}

/** Events the worker sends to every connected page. */
export type SyncEvent =
  | { readonly kind: 'status'; readonly status: SyncStatus }
  | { readonly kind: 'progress'; readonly table: string; readonly queryId: string; readonly pages: number; readonly rows: number }
  | { readonly kind: 'conflict'; readonly conflict: Conflict }
  | { readonly kind: 'op-failed'; readonly operation: PendingOperation }
  | { readonly kind: 'pushed'; readonly result: PushResult }
  | { readonly kind: 'pulled'; readonly result: PullResult }
  /** A local commit failed for lack of storage: a write got 507 `storage_full`, or a pull stopped. */
  | { readonly kind: 'storage-full' };

export type SyncEventKind = SyncEvent['kind'];

/** Credentials for upstream requests; kept in worker memory only. */
export interface AuthHeaders {
  readonly authorization?: string;
  readonly zumoAuth?: string;
}

/** The API the worker exposes over Comlink. */
export interface SyncApi {
  pull(options: PullOptions): Promise<PullResult>;
  push(): Promise<PushResult>;
  /** Push, then pull every configured table. */
  sync(): Promise<{ readonly push: PushResult; readonly pulls: readonly PullResult[] }>;
  purge(options: PurgeOptions): Promise<PurgeResult>;
  pendingOperations(table?: string): Promise<readonly PendingOperation[]>;
  conflicts(table?: string): Promise<readonly Conflict[]>;
  resolve(conflictId: number, resolution: Resolution): Promise<void>;
  /** Dead letters (`failed` ops): back to `pending`, then a push; `operation_not_found` unless failed. */
  retryOperation(seq: number): Promise<void>;
  /** Dead letters: the op removed, its local row set to the newest known server state (removed if none). */
  discardOperation(seq: number): Promise<void>;
  status(): Promise<SyncStatus>;
  setAuth(headers: AuthHeaders | null): Promise<void>;
  /**
   * Pulls these tables (every configured one when omitted) in the background now, through the
   * worker's scheduler: one pull per table at a time, a failing table waits out its back-off.
   * Resolves once the pulls have finished.
   */
  refresh(tables?: readonly string[]): Promise<void>;
  /** Subscribes a Comlink-proxied callback; resolves once registered. */
  subscribe(listener: (event: SyncEvent) => void): Promise<void>;
  /** The worker instance's boot id: changes when the worker restarts. */
  bootId(): Promise<string>;
}

/** Page → worker messages on `postMessage` (outside Comlink). */
export type PageMessage =
  | { readonly type: 'tablesync:connect'; readonly port: MessagePortLike }
  | { readonly type: 'tablesync:online' }
  /** Every 10 s; `visible` is the page's visibility (a visible page keeps the worker's interval pulls going). */
  | { readonly type: 'tablesync:ping'; readonly visible?: boolean }
  /** The page loaded or became visible: the worker pulls every table (PROTOCOL.md §3.9). */
  | { readonly type: 'tablesync:visible' }
  /** The files a page loaded before the worker controlled it, for the app-shell cache. */
  | { readonly type: 'tablesync:shell-files'; readonly urls: readonly string[] };

/**
 * Worker → page messages (outside Comlink): a starting worker announces its boot id to every
 * window, so a page whose port died with the previous instance reconnects at once.
 */
export type WorkerMessage = { readonly type: 'tablesync:boot'; readonly bootId: string };

/** Structural stand-in so this file needs neither DOM nor WebWorker types. */
export interface MessagePortLike {
  postMessage(message: unknown, transfer?: unknown[]): void;
}

/** Errors cross Comlink as `{code, message}`; the codes are PROTOCOL.md §2.6's. */
export interface SyncApiError {
  readonly code: string;
  readonly message: string;
}
