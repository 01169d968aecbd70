import type { Dialect } from '../core/dialect/types.js';
import type { EngineDeps } from './engine-types.js';
import type { Change, CommitOptions, CommitResult } from './ports.js';
import type { Credentials } from './credentials.js';
import type { Events } from './events.js';
import type { Mutex } from './mutex.js';
import type { OpSummary } from './op-summary.js';
import type { TableConfig } from './table-config.js';
import type { TableIndex } from './table-index.js';
import type { WriteWaiters } from './write-waiters.js';

/** What the engine remembers between calls, in memory only. */
export interface RuntimeState {
  pushing: boolean;
  /** Pulls running now (pulls of different tables may interleave their pages). */
  pulls: number;
  /** False after a push stopped on a network error, true again after any answer. */
  online: boolean;
  /** When the latest upstream network failure (or write-through timeout) happened; null after any answer or a page's `online` (§3.9). */
  offlineAt: number | null;
  lastPushAt: number | null;
  lastPullAt: number | null;
  /** Consecutive stopped pushes, for U-15's back-off. */
  stoppedPushes: number;
  /** The credentials generation a needs-auth stop waits past (U-13); null when not blocked. */
  authBlockedAt: number | null;
  /** The latest commit failed for lack of storage. */
  storageFull: boolean;
  /** The app dialect last seen per table (PROTOCOL.md §1 rule 3), mirrored in meta. */
  readonly observedDialects: Map<string, Dialect>;
  /** Tables whose first complete pull has happened (F-04, F-05). */
  readonly completeTables: Set<string>;
  /** When each table's F-04 background pull last started in this wake. */
  readonly backgroundPulls: Map<string, number>;
  /** When each table's last complete pull ended (T-07), from memory or its stored cursors. */
  readonly lastCompletePulls: Map<string, number>;
  /**
   * Rows the server was learnt to have removed while pulls ran (`table\0id` to how many removals came before it): a
   * page fetched earlier holds their older live copy (pull.ts). Emptied once no pull runs.
   */
  readonly serverRemovals: { count: number; readonly rows: Map<string, number> };
}

/** The engine's shared parts, handed to every use case. */
export interface EngineContext {
  readonly deps: EngineDeps;
  readonly tables: ReadonlyMap<string, TableConfig>;
  readonly index: TableIndex;
  /** The op-log's status counts, kept in step with every commit. */
  readonly ops: OpSummary;
  readonly credentials: Credentials;
  readonly events: Events;
  /** Serialises every read-modify-write of rows and ops (façade writes, push settlements, pulls, purges). */
  readonly exclusive: Mutex;
  readonly runtime: RuntimeState;
  /** App requests waiting on their op's write-through (PROTOCOL.md §3.9). */
  readonly waiters: WriteWaiters;
  /** `store.commit`, then the in-memory index and op summary follow the committed changes. */
  commit(changes: readonly Change[], options?: CommitOptions): Promise<CommitResult>;
  /** The dialect spoken upstream for a table (PROTOCOL.md §1 rule 3). */
  upstreamDialect(table: string): Dialect;
}

/** Meta key of the observed app dialect per table. */
export const DIALECTS_META_KEY = 'observedDialects';
