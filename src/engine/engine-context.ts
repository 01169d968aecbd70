import type { Dialect } from '../core/dialect/types.js';
import type { EngineDeps } from './engine-types.js';
import type { Change, CommitOptions, CommitResult } from './ports.js';
import type { Credentials } from './credentials.js';
import type { Events } from './events.js';
import type { Mutex } from './mutex.js';
import type { OpSummary } from './op-summary.js';
import type { TableConfig } from './table-config.js';
import type { TableIndex } from './table-index.js';

/** What the engine remembers between calls, in memory only. */
export interface RuntimeState {
  pushing: boolean;
  pulling: boolean;
  /** False after a push stopped on a network error, true again after any answer. */
  online: boolean;
  lastPushAt: number | null;
  lastPullAt: number | null;
  /** Consecutive stopped pushes, for U-15's back-off. */
  stoppedPushes: number;
  /** The credentials generation a needs-auth stop waits past (U-13); null when not blocked. */
  authBlockedAt: number | null;
  /** The app dialect last seen per table (PROTOCOL.md §1 rule 3), mirrored in meta. */
  readonly observedDialects: Map<string, Dialect>;
  /** Tables whose first complete pull has happened (F-04, F-05). */
  readonly completeTables: Set<string>;
  /** When each table's F-04 background pull last started in this wake. */
  readonly backgroundPulls: Map<string, number>;
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
  /** `store.commit`, then the in-memory index and op summary follow the committed changes. */
  commit(changes: readonly Change[], options?: CommitOptions): Promise<CommitResult>;
  /** The dialect spoken upstream for a table (PROTOCOL.md §1 rule 3). */
  upstreamDialect(table: string): Dialect;
}

/** Meta key of the observed app dialect per table. */
export const DIALECTS_META_KEY = 'observedDialects';
