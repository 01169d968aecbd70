/**
 * The engine's LocalStore over the tablesync database: reads, and one atomic `commit` that writes
 * every change in a single transaction (W-01), strict unless the engine asks for relaxed, or none of them (W-02).
 */
import type { Op } from '../../src/core/op.js';
import type { Change, CommitOptions, CommitResult, ConflictRecord, LocalStore, StoredRow, SyncStateRecord, WalkOrder } from '../../src/engine/ports.js';
import { INDEXES, STORES } from './database.js';
import { updatedAtKey } from './order-key.js';
import { settle } from './request.js';

type StoreName = (typeof STORES)[keyof typeof STORES];

/** Every key `[table, …]` of a table: arrays sort after strings, so `[table, []]` bounds them all. */
const tableRange = (table: string): IDBKeyRange => IDBKeyRange.bound([table], [table, []]);

/** A rows-store record: the row plus its `updatedAt` order key, which only the index reads. */
type RowRecord = StoredRow & { readonly u: IDBValidKey };
const rowOf = ({ u: _u, ...row }: RowRecord): StoredRow => row;

/** What one change writes: its store, and the record it puts (an appended op: adds) or the key it deletes. */
type Write = readonly [store: StoreName, method: 'put' | 'add', record: unknown] | readonly [store: StoreName, method: 'delete', key: IDBValidKey | IDBKeyRange];

const writeOf = (change: Change): Write => {
  switch (change.kind) {
    case 'put-row':
      return [STORES.rows, 'put', { ...change.row, u: updatedAtKey(change.row.item) }];
    case 'delete-row':
      return [STORES.rows, 'delete', [change.table, change.id]];
    case 'delete-table-rows':
      return [STORES.rows, 'delete', tableRange(change.table)];
    case 'append-op':
      return [STORES.ops, 'add', change.op];
    case 'put-op':
      return [STORES.ops, 'put', change.op];
    case 'delete-op':
      return [STORES.ops, 'delete', change.seq];
    case 'put-conflict':
      return [STORES.conflicts, 'put', change.conflict];
    case 'delete-conflict':
      return [STORES.conflicts, 'delete', change.opSeq];
    case 'put-sync-state':
      return [STORES.syncState, 'put', change.state];
    case 'delete-sync-state':
      return [STORES.syncState, 'delete', [change.table, change.queryId]];
  }
};

/** The storage quota refused a write (or, opening, a new database). */
export const isQuota = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'QuotaExceededError';

/** Creates the LocalStore over an open tablesync database (see `openDatabase`). */
export function createLocalStore(db: IDBDatabase): LocalStore {
  const read = <T>(name: StoreName, run: (store: IDBObjectStore) => IDBRequest): Promise<T> =>
    settle(run(db.transaction(name, 'readonly').objectStore(name))) as Promise<T>;

  const commit = (changes: readonly Change[], options: CommitOptions = {}): Promise<CommitResult> => {
    if (changes.length === 0) return Promise.resolve({ ok: true, appendedSeqs: [] });
    const writes = changes.map(writeOf);
    const names = [...new Set(writes.map(([store]) => store))];
    const tx = db.transaction(names, 'readwrite', { durability: options.durability ?? 'strict' });
    const done = new Promise<CommitResult>((resolve, reject) => {
      const appended: IDBRequest<IDBValidKey>[] = [];
      tx.oncomplete = () => resolve({ ok: true, appendedSeqs: appended.map((r) => r.result as number) });
      tx.onabort = () => (isQuota(tx.error) ? resolve({ ok: false, reason: 'quota' }) : reject(tx.error ?? new Error('transaction aborted')));
      try {
        for (const write of writes) {
          const store = tx.objectStore(write[0]);
          if (write[1] === 'delete') store.delete(write[2]);
          else if (write[1] === 'put') store.put(write[2]);
          else appended.push(store.add(write[2])); // its request gives the appended op's seq
        }
      } catch (error) {
        // A synchronous failure (a bad key, a quota check in some engines) aborts everything.
        tx.onabort = null;
        tx.abort();
        if (isQuota(error)) resolve({ ok: false, reason: 'quota' });
        else reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    return done;
  };

  const walkRows = (table: string, order: WalkOrder, visit: (row: StoredRow) => boolean): Promise<void> => {
    const store = db.transaction(STORES.rows, 'readonly').objectStore(STORES.rows);
    const source = order.field === 'id' ? store : store.index(INDEXES.rowsByUpdatedAt);
    const request = source.openCursor(IDBKeyRange.bound([table], [`${table}\u0000`], false, true), order.direction === 'asc' ? 'next' : 'prev');
    return new Promise((resolve, reject) => {
      request.onsuccess = () => {
        const cursor = request.result;
        try {
          if (cursor !== null && visit(cursor.value as StoredRow)) cursor.continue();
          else resolve();
        } catch (error) {
          reject(error as Error);
        }
      };
      request.onerror = () => reject(request.error ?? new Error('IndexedDB cursor failed'));
    });
  };

  return {
    walkRows,
    getRowsById: (table, ids) =>
      new Promise((resolve, reject) => {
        const tx = db.transaction(STORES.rows, 'readonly');
        const store = tx.objectStore(STORES.rows);
        const requests = ids.map((id) => store.get([table, id]) as IDBRequest<RowRecord | undefined>);
        tx.oncomplete = () => resolve(requests.flatMap((r) => (r.result === undefined ? [] : [rowOf(r.result)])));
        tx.onerror = () => reject(tx.error ?? new Error('IndexedDB read failed'));
      }),
    getRows: async (table, after, limit) => {
      const range = after === undefined ? tableRange(table) : IDBKeyRange.bound([table, after], [table, []], true);
      return (await read<RowRecord[]>(STORES.rows, (s) => s.getAll(range, limit))).map(rowOf);
    },
    getOp: async (table, itemId) =>
      (await read<Op | undefined>(STORES.ops, (s) => s.index(INDEXES.opsByItem).get([table, itemId]))) ?? null,
    listOps: (table) =>
      read<Op[]>(STORES.ops, (s) => (table === undefined ? s.getAll() : s.index(INDEXES.opsByTable).getAll(IDBKeyRange.only(table)))),
    getConflict: async (opSeq) => (await read<ConflictRecord | undefined>(STORES.conflicts, (s) => s.get(opSeq))) ?? null,
    listConflicts: (table) =>
      read<ConflictRecord[]>(STORES.conflicts, (s) =>
        table === undefined ? s.getAll() : s.index(INDEXES.conflictsByTable).getAll(IDBKeyRange.only(table)),
      ),
    listSyncStates: (table) => read<SyncStateRecord[]>(STORES.syncState, (s) => s.getAll(tableRange(table))),
    commit,
  };
}
