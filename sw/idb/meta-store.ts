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
    set: (entries) =>
      new Promise((resolve, reject) => {
        const meta = store('readwrite');
        try {
          for (const [key, value] of Object.entries(entries)) meta.put(value, key);
        } catch (error) {
          // A value IndexedDB cannot clone throws here, and the entries put before it would still commit.
          meta.transaction.abort();
          throw error;
        }
        meta.transaction.oncomplete = () => resolve();
        meta.transaction.onabort = () => reject(meta.transaction.error ?? new Error('IndexedDB write aborted'));
      }),
  };
}
