/** The engine's MetaStore: keys and values in our own database's `meta` store. */
import type { MetaStore } from '../../src/engine/ports.js';
import { STORES } from './database.js';
import { settle } from './request.js';

/** Creates the MetaStore over an open tablesync database. */
export function createMetaStore(db: IDBDatabase): MetaStore {
  const store = (mode: IDBTransactionMode): IDBObjectStore => db.transaction(STORES.meta, mode).objectStore(STORES.meta);
  return {
    get: <T>(key: string) => settle(store('readonly').get(key)) as Promise<T | undefined>,
    // Resolves once the value is committed, not merely written.
    set: (key, value) =>
      new Promise((resolve, reject) => {
        const meta = store('readwrite');
        meta.put(value, key);
        meta.transaction.oncomplete = () => resolve();
        meta.transaction.onabort = () => reject(meta.transaction.error ?? new Error('IndexedDB write aborted'));
      }),
  };
}
