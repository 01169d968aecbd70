/**
 * The engine's public types. They mirror src/protocol.ts structurally (the engine may not import
 * it: DESIGN.md §3), so a worker can hand engine results straight to pages.
 */
import type { Dialect, HttpRequest, TableResponse } from '../core/dialect/types.js';
import type { ConflictContext, ConflictPolicy as CorePolicy, ConflictReason, Resolution } from '../core/conflict.js';
import type { Item } from '../core/item.js';
import type { BlockedReason, OpKind, OpState } from '../core/op.js';
import type { Clock, Entropy, LocalStore, Log, MetaStore, PushScheduler, SyncLock, TablesRemote } from './ports.js';

/** A conflict policy: a preset (PROTOCOL.md §3.5; `merge` is the default, K-12) or a resolver function. */
export type ConflictPolicy = CorePolicy;

/** One configured table. */
export interface EngineTableConfig {
  readonly name: string;
  /** The dialect answered when an app request names none (default v3, F-02). */
  readonly appDialect?: Dialect;
  /** The dialect spoken upstream; unset or null: the app's latest request's, else v3 (PROTOCOL.md §1 rule 3). */
  readonly upstreamDialect?: Dialect | null;
  readonly policy?: ConflictPolicy;
  readonly softDelete?: boolean;
  readonly pageSize?: number | null;
  readonly maxTop?: number | null;
  readonly strict?: boolean;
}

/** What the worker tells the engine about the upstream and its tables. */
export interface EngineConfig {
  /** The upstream origin (`http://127.0.0.1:8080`), or '' for the worker's own origin. */
  readonly upstream: string;
  /** The worker's own origin: with `upstream` '', only its `/tables/` URLs are intercepted (F-01); unset, any origin's are. */
  readonly origin?: string;
  readonly tables: readonly EngineTableConfig[];
  /** The pull overlap of L-09 (default 1000 ms). */
  readonly overlapMs?: number;
  /** The largest request body accepted (default 1 MiB). */
  readonly bodyLimit?: number;
  /** `online-first` (default): online writes get the server's own answer (PROTOCOL.md §3.9); `local-first`: the local one (§3.8). */
  readonly writes?: WriteMode;
  /** How long an online write waits for the server before it gets the local answer (default 5000 ms). */
  readonly writeTimeoutMs?: number;
  /** A read of a table whose last complete pull is older than this starts a background pull (default 30000 ms). */
  readonly maxStaleMs?: number;
  /** Consecutive 5xx answers to one op after which it is `failed` (a dead letter) and the queue goes on (default 8). */
  readonly maxServerErrors?: number;
}

/** How writes are answered (PROTOCOL.md §3.9). */
export type WriteMode = 'online-first' | 'local-first';

/** Everything the engine needs from the world. */
export interface EngineDeps {
  readonly store: LocalStore;
  readonly meta: MetaStore;
  readonly remote: TablesRemote;
  readonly lock: SyncLock;
  readonly scheduler: PushScheduler;
  readonly clock: Clock;
  readonly entropy: Entropy;
  readonly log: Log;
  readonly config: EngineConfig;
}

/** Why a push stopped before the queue was empty (U-22). */
export type PushStopReason = 'offline' | 'backoff' | 'needs-auth';

/** What one push did (U-22). */
export interface PushResult {
  readonly completed: number;
  readonly failed: number;
  readonly held: number;
  readonly stopped: PushStopReason | null;
}

/** `pull()` options: a filter only; `push: false` skips the implicit push (L-01). */
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

/** What one purge removed. */
export interface PurgeResult {
  readonly rows: number;
  readonly ops: number;
}

/** An op as pages see it. */
export interface PendingOperation {
  readonly seq: number;
  readonly table: string;
  readonly itemId: string;
  readonly kind: OpKind;
  readonly state: OpState;
  readonly attempts: number;
  readonly lastStatus: number | null;
  readonly lastError: unknown;
  readonly blockedReason: BlockedReason | null;
  /** `iss|sub` of the credentials it was made under (U-17); null without a decodable token. */
  readonly identity: string | null;
  readonly snapshot: Item | null;
}

/** Why an op conflicts (K-01), and how to settle a conflict (PROTOCOL.md §3.5): the core's words. */
export type { ConflictReason, Resolution };

/** A conflict held for the user: what its policy was shown (K-02), with `id` = its op's seq. */
export interface Conflict extends ConflictContext {
  readonly id: number;
  readonly detectedAt: number;
}


/** The engine's state as a status line shows it. */
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

/** Events for every subscriber (the worker relays them to pages). */
export type SyncEvent =
  | { readonly kind: 'status'; readonly status: SyncStatus }
  | { readonly kind: 'progress'; readonly table: string; readonly queryId: string; readonly pages: number; readonly rows: number }
  | { readonly kind: 'conflict'; readonly conflict: Conflict }
  | { readonly kind: 'op-failed'; readonly operation: PendingOperation }
  | { readonly kind: 'pushed'; readonly result: PushResult }
  | { readonly kind: 'pulled'; readonly result: PullResult }
  | { readonly kind: 'storage-full' };

/** Credentials for upstream requests, kept in memory only (F-15). */
export interface AuthHeaders {
  readonly authorization?: string;
  readonly zumoAuth?: string;
}

/** What `sync()` did: one push, then a pull per configured table. */
export interface SyncResult {
  readonly push: PushResult;
  readonly pulls: readonly PullResult[];
}

/** The engine a worker drives: the façade (`intercepts`, `handle`) and the page API. */
export interface Engine {
  /** Worker start: `inflight` ops become `pending` (U-03) and persisted state is loaded. */
  start(): Promise<void>;
  /** F-01: whether a URL is `{upstream}/tables/{configured table}[/{id}]`. */
  intercepts(url: string): boolean;
  /** The façade: answers an app request; never throws for bad input. */
  handle(request: HttpRequest): Promise<TableResponse>;
  push(options?: { readonly explicit?: boolean }): Promise<PushResult>;
  pull(options: PullOptions): Promise<PullResult>;
  sync(): Promise<SyncResult>;
  purge(options: PurgeOptions): Promise<PurgeResult>;
  pendingOperations(table?: string): Promise<readonly PendingOperation[]>;
  conflicts(table?: string): Promise<readonly Conflict[]>;
  resolve(conflictId: number, resolution: Resolution): Promise<void>;
  /** A `failed` op (a dead letter) goes back to `pending` and a push follows; else `operation_not_found`. */
  retryOperation(seq: number): Promise<void>;
  /** A `failed` op is removed and its local row set to the newest known server state (removed if none). */
  discardOperation(seq: number): Promise<void>;
  status(): Promise<SyncStatus>;
  setAuth(headers: AuthHeaders | null): void;
  /** The network is back (a page heard `online`, a `sync` event came): writes try it at once, pulls stop backing off (§3.9). */
  online(): void;
  /** Pulls these tables (every configured one when omitted) in the background, one pull per table at a time, waiting out a back-off; resolves when done. */
  refresh(tables?: readonly string[]): Promise<void>;
  subscribe(listener: (event: SyncEvent) => void): () => void;
}
