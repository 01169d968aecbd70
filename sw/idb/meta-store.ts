/** The engine's MetaStore: idb-keyval's `get`/`set` over our own database's `meta` store. */
import { get, set, type UseStore } from 'idb-keyval';
import type { MetaStore } from '../../src/engine/ports.js';
import { STORES } from './database.js';

/** A `UseStore` over an already open database, so idb-keyval never opens one itself. */
export function useMetaStore(db: IDBDatabase): UseStore {
  return (mode, callback) => Promise.resolve(callback(db.transaction(STORES.meta, mode).objectStore(STORES.meta)));
}

/** Creates the MetaStore over an open tablesync database. */
export function createMetaStore(db: IDBDatabase): MetaStore {
  const store = useMetaStore(db);
  return {
    get: <T>(key: string) => get<T>(key, store),
    set: (key, value) => set(key, value, store),
  };
}
