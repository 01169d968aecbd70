import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { expect, test } from 'vitest';
import { MIGRATIONS, VERSION, openDatabase } from '../../../sw/idb/database.js';
import { createLocalStore } from '../../../sw/idb/local-store.js';
import { createMetaStore } from '../../../sw/idb/meta-store.js';
import { getRow, getSyncState, newOp } from '../../support/local-store-contract.js';

const done = (tx: IDBTransaction): Promise<void> =>
  new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new Error('aborted'));
  });

test('the current schema has the stores and indexes of PROTOCOL.md §3.1', async () => {
  const db = await openDatabase({ factory: new IDBFactory() });
  expect(db.version).toBe(VERSION);
  expect([...db.objectStoreNames].sort()).toEqual(['conflicts', 'meta', 'ops', 'rows', 'syncState']);
  const tx = db.transaction(['rows', 'ops', 'syncState', 'conflicts'], 'readonly');
  const ops = tx.objectStore('ops');
  expect([ops.keyPath, ops.autoIncrement]).toEqual(['seq', true]);
  expect([...ops.indexNames].sort()).toEqual(['table', 'tableItem']);
  expect([ops.index('tableItem').keyPath, ops.index('tableItem').unique]).toEqual([['table', 'itemId'], true]);
  expect(tx.objectStore('rows').keyPath).toEqual(['table', 'id']);
  expect([...tx.objectStore('rows').indexNames]).toEqual(['updatedAt']);
  expect(tx.objectStore('rows').index('updatedAt').keyPath).toEqual(['table', 'u']);
  expect(tx.objectStore('syncState').keyPath).toEqual(['table', 'queryId']);
  expect(tx.objectStore('conflicts').keyPath).toBe('opSeq');
  db.close();
});

test('W-15: upgrading a v1 database keeps every op (pending, failed, held), row, watermark, conflict and meta', async () => {
  const factory = new IDBFactory();
  const v1 = await openDatabase({ factory, version: 1 });
  expect([...v1.transaction('ops', 'readonly').objectStore('ops').indexNames].sort()).toEqual(['state', 'tableItem']);
  const tx = v1.transaction(['rows', 'ops', 'syncState', 'conflicts', 'meta'], 'readwrite');
  tx.objectStore('rows').put({ table: 't', id: 'a', item: { id: 'a', text: 'x', deleted: false }, knownVersions: ['v1'] });
  tx.objectStore('rows').put({ table: 't', id: 'b', item: { id: 'b', updatedAt: '2026-01-01T00:00:00.000Z', deleted: false }, knownVersions: [] });
  tx.objectStore('ops').add(newOp('t', 'a', { kind: 'update', state: 'pending' }));
  tx.objectStore('ops').add(newOp('t', 'b', { state: 'failed', lastStatus: 400 }));
  tx.objectStore('ops').add(newOp('u', 'c', { kind: 'delete', snapshot: null, state: 'held' }));
  // A v1 sync state has no `complete` flag.
  tx.objectStore('syncState').put({ table: 't', queryId: '*', watermark: { ms: 5, raw: 'r' }, drain: null, lastPullAt: 9 });
  tx.objectStore('conflicts').put({ opSeq: 3, table: 'u', itemId: 'c', reason: 'precondition', status: 412 });
  tx.objectStore('meta').put({ tables: ['t'] }, 'config');
  await done(tx);
  v1.close();

  const db = await openDatabase({ factory });
  expect(db.version).toBe(VERSION);
  const store = createLocalStore(db);
  expect((await store.listOps()).map((o) => [o.seq, o.itemId, o.state])).toEqual([
    [1, 'a', 'pending'],
    [2, 'b', 'failed'],
    [3, 'c', 'held'],
  ]);
  expect((await store.listOps('t')).map((o) => o.itemId)).toEqual(['a', 'b']);
  expect((await getRow(store, 't', 'a'))?.knownVersions).toEqual(['v1']);
  // Version 3 gave every old row its updatedAt order key: the cold read path walks them all.
  const walked: string[] = [];
  await store.walkRows('t', { field: 'updatedAt', direction: 'desc' }, (r) => walked.push(r.id) > 0);
  expect(walked).toEqual(['b', 'a']);
  expect(await getSyncState(store, 't', '*')).toEqual({
    table: 't', queryId: '*', watermark: { ms: 5, raw: 'r' }, drain: null, lastPullAt: 9, complete: false,
  });
  expect((await store.listConflicts('u')).map((c) => c.opSeq)).toEqual([3]);
  expect(await createMetaStore(db).get('config')).toEqual({ tables: ['t'] });
  const next = await store.commit([{ kind: 'append-op', op: newOp('t', 'z') }]);
  expect(next).toEqual({ ok: true, appendedSeqs: [4] });
  db.close();
});

test('W-15: a later upgrade closes the open connection on versionchange instead of blocking', async () => {
  const factory = new IDBFactory();
  let closed = 0;
  let blocked = 0;
  const db = await openDatabase({ factory, onVersionChange: () => closed++ });
  await createLocalStore(db).commit([{ kind: 'append-op', op: newOp('t', 'a') }]);
  const future = [...MIGRATIONS, (d: IDBDatabase) => void d.createObjectStore('extra')];
  const upgraded = await openDatabase({ factory, migrations: future, onBlocked: () => blocked++ });
  expect([closed, blocked, upgraded.version]).toEqual([1, 0, VERSION + 1]);
  expect((await createLocalStore(upgraded).listOps()).map((o) => o.itemId)).toEqual(['a']);
  upgraded.close();
});

test('every migration only adds: no step deletes a store', () => {
  for (const step of MIGRATIONS) expect(step.toString()).not.toMatch(/deleteObjectStore/);
});
