/**
 * The tablesync database schema (PROTOCOL.md §3.1) and its upgrades: the one file that calls
 * `indexedDB.open`. Migrations carry every store's data forward and never delete a store holding
 * ops (W-15; unlike Workbox's QueueDb, which drops its store on a version bump).
 */

import type { Item } from '../../src/core/item.js';
import { updatedAtKey } from './order-key.js';

/** The database name; one database per origin. */
export const DATABASE_NAME = 'tablesync';

/** Store and index names, as the adapters use them. */
export const STORES = {
  rows: 'rows',
  ops: 'ops',
  syncState: 'syncState',
  conflicts: 'conflicts',
  meta: 'meta',
} as const;

export const INDEXES = {
  rowsByUpdatedAt: 'updatedAt',
  opsByItem: 'tableItem',
  opsByTable: 'table',
  conflictsByTable: 'table',
} as const;

/** One step from version `n - 1` to `n`, run inside the upgrade transaction. */
export type Migration = (db: IDBDatabase, tx: IDBTransaction) => void;

/** Visits every record of a store inside the upgrade transaction, replacing it by what `change` returns. */
function rewriteEach(tx: IDBTransaction, name: string, change: (value: Record<string, unknown>) => Record<string, unknown> | null): void {
  const cursor = tx.objectStore(name).openCursor();
  cursor.onsuccess = () => {
    const c = cursor.result;
    if (!c) return;
    const next = change(c.value as Record<string, unknown>);
    if (next !== null) c.update(next);
    c.continue();
  };
}

/**
 * Index i upgrades version i to i + 1. Version 1 is the first released schema; version 2 adds the
 * ops `table` index and gives every sync state the `complete` flag (F-04) in place; version 3 gives
 * every row its `updatedAt` order key `u` and indexes `[table, u]` (the cold read path); version 4
 * drops the rows `table` and ops `state` indexes, which nothing reads.
 */
export const MIGRATIONS: readonly Migration[] = [
  (db) => {
    const rows = db.createObjectStore(STORES.rows, { keyPath: ['table', 'id'] });
    rows.createIndex('table', 'table'); // dropped in version 4
    const ops = db.createObjectStore(STORES.ops, { keyPath: 'seq', autoIncrement: true });
    ops.createIndex(INDEXES.opsByItem, ['table', 'itemId'], { unique: true });
    ops.createIndex('state', 'state'); // dropped in version 4
    db.createObjectStore(STORES.syncState, { keyPath: ['table', 'queryId'] });
    const conflicts = db.createObjectStore(STORES.conflicts, { keyPath: 'opSeq' });
    conflicts.createIndex(INDEXES.conflictsByTable, 'table');
    db.createObjectStore(STORES.meta);
  },
  (_db, tx) => {
    tx.objectStore(STORES.ops).createIndex(INDEXES.opsByTable, 'table');
    rewriteEach(tx, STORES.syncState, (value) => (typeof value['complete'] === 'boolean' ? null : { ...value, complete: false }));
  },
  (_db, tx) => {
    tx.objectStore(STORES.rows).createIndex(INDEXES.rowsByUpdatedAt, ['table', 'u']);
    rewriteEach(tx, STORES.rows, (value) => ({ ...value, u: updatedAtKey(value['item'] as Item) }));
  },
  // Unread indexes only cost every write an entry: rows are read by their `[table, id]` key range, ops never by state.
  (_db, tx) => {
    tx.objectStore(STORES.rows).deleteIndex('table');
    tx.objectStore(STORES.ops).deleteIndex('state');
  },
];

/** The current schema version. */
export const VERSION = MIGRATIONS.length;

/** Options for `openDatabase`; tests pass a factory and an older target version. */
export interface OpenDatabaseOptions {
  readonly factory?: IDBFactory;
  readonly name?: string;
  readonly version?: number;
  readonly migrations?: readonly Migration[];
  /** Called when another connection wants to upgrade: this one is closed first. */
  readonly onVersionChange?: () => void;
  /** Called when our upgrade waits for older connections to close. */
  readonly onBlocked?: () => void;
}

/** Opens (creating or upgrading) the database; resolves once the upgrade committed. */
export function openDatabase(options: OpenDatabaseOptions = {}): Promise<IDBDatabase> {
  const factory = options.factory ?? indexedDB;
  const migrations = options.migrations ?? MIGRATIONS;
  const version = options.version ?? migrations.length;
  return new Promise((resolve, reject) => {
    const request = factory.open(options.name ?? DATABASE_NAME, version);
    request.onupgradeneeded = (event) => {
      const tx = request.transaction;
      if (!tx) return;
      for (let v = event.oldVersion; v < version; v++) migrations[v]?.(request.result, tx);
    };
    request.onblocked = () => options.onBlocked?.();
    request.onerror = () => reject(request.error ?? new Error('indexedDB.open failed'));
    request.onsuccess = () => {
      const db = request.result;
      // A newer worker's upgrade waits for us: let it go; this connection is done.
      db.onversionchange = () => {
        db.close();
        options.onVersionChange?.();
      };
      resolve(db);
    };
  });
}
