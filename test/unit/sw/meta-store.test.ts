import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { expect, test, vi } from 'vitest';
import { openDatabase } from '../../../sw/idb/database.js';
import { createMetaStore } from '../../../sw/idb/meta-store.js';

test('get/set round-trip through our own meta store, opening no other database', async () => {
  const factory = new IDBFactory();
  const db = await openDatabase({ factory });
  const open = vi.spyOn(factory, 'open');
  const meta = createMetaStore(db);
  expect(await meta.get('missing')).toBeUndefined();
  await meta.set({ config: { tables: [{ name: 't' }] } });
  expect(await meta.get('config')).toEqual({ tables: [{ name: 't' }] });
  expect(open).not.toHaveBeenCalled();
  db.close();
});

test('set resolves once committed; a value IndexedDB cannot store rejects and keeps the stored one', async () => {
  const db = await openDatabase({ factory: new IDBFactory() });
  const meta = createMetaStore(db);
  await meta.set({ config: { upstream: '' } });
  await expect(meta.set({ config: { upstream: () => undefined } })).rejects.toThrow();
  expect(await createMetaStore(db).get('config')).toEqual({ upstream: '' });
  // Entries go in one transaction: one that cannot be stored keeps the others out too.
  await expect(meta.set({ other: 1, config: { upstream: () => undefined } })).rejects.toThrow();
  await meta.set({ config: { upstream: 'https://example.test' }, more: 2 });
  expect([await meta.get('other'), await meta.get('config'), await meta.get('more')]).toEqual([undefined, { upstream: 'https://example.test' }, 2]);
  db.close();
});
