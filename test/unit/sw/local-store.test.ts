import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, expect, test, vi } from 'vitest';
import { openDatabase } from '../../../sw/idb/database.js';
import { createLocalStore } from '../../../sw/idb/local-store.js';
import { describeLocalStoreContract, getRow, newOp } from '../../support/local-store-contract.js';

const databases: IDBDatabase[] = [];
const freshStore = async () => {
  const factory = new IDBFactory();
  const db = await openDatabase({ factory });
  databases.push(db);
  return { factory, db, store: createLocalStore(db) };
};

afterEach(() => {
  vi.restoreAllMocks();
  for (const db of databases.splice(0)) db.close();
});

describeLocalStoreContract('IndexedDB (fake-indexeddb)', async () => (await freshStore()).store);

const row = (id: string) => ({ table: 't', id, item: { id, deleted: false }, knownVersions: [] });

test('W-01: a commit is one strict readwrite transaction over exactly the touched stores', async () => {
  const { db, store } = await freshStore();
  const spy = vi.spyOn(db, 'transaction');
  await store.commit([{ kind: 'put-row', row: row('a') }, { kind: 'append-op', op: newOp('t', 'a') }]);
  expect(spy).toHaveBeenCalledTimes(1);
  expect(spy.mock.calls[0]).toEqual([['rows', 'ops'], 'readwrite', { durability: 'strict' }]);
});

test('the durability option reaches the transaction: strict when asked, relaxed when asked', async () => {
  const { db, store } = await freshStore();
  const spy = vi.spyOn(db, 'transaction');
  await store.commit([{ kind: 'put-row', row: row('a') }], { durability: 'strict' });
  await store.commit([{ kind: 'put-row', row: row('b') }, { kind: 'put-sync-state', state: { table: 't', queryId: '*', watermark: null, drain: null, lastPullAt: 1, complete: false } }], {
    durability: 'relaxed',
  });
  await store.commit([{ kind: 'put-row', row: row('c') }], {});
  expect(spy.mock.calls).toEqual([
    [['rows'], 'readwrite', { durability: 'strict' }],
    [['rows', 'syncState'], 'readwrite', { durability: 'relaxed' }],
    [['rows'], 'readwrite', { durability: 'strict' }],
  ]);
  expect((await store.getRows('t')).map((r) => r.id)).toEqual(['a', 'b', 'c']);
});

test('W-01: a second connection opened right after the commit sees row and op', async () => {
  const { factory, store } = await freshStore();
  await store.commit([{ kind: 'put-row', row: row('a') }, { kind: 'append-op', op: newOp('t', 'a') }]);
  const other = createLocalStore(await openDatabase({ factory }));
  expect(await getRow(other, 't', 'a')).toEqual(row('a'));
  expect((await other.getOp('t', 'a'))?.itemId).toBe('a');
});

test('W-02: a QuotaExceededError gives { ok: false, reason: quota } and writes nothing', async () => {
  const { db, store } = await freshStore();
  await store.commit([{ kind: 'put-row', row: row('before') }]);
  // fake-indexeddb's object-store prototype: every store's `add` throws as a full disk would.
  const ownerProto = Object.getPrototypeOf(db.transaction('ops', 'readonly').objectStore('ops')) as {
    add: (...args: unknown[]) => unknown;
  };
  vi.spyOn(ownerProto, 'add').mockImplementation(() => {
    throw new DOMException('full', 'QuotaExceededError');
  });
  const result = await store.commit([{ kind: 'put-row', row: row('a') }, { kind: 'append-op', op: newOp('t', 'a') }]);
  expect(result).toEqual({ ok: false, reason: 'quota' });
  expect(await getRow(store, 't', 'a')).toBeNull();
  expect(await store.listOps()).toEqual([]);
  expect(await getRow(store, 't', 'before')).toEqual(row('before'));
});

test('an empty commit succeeds without a transaction', async () => {
  const { db, store } = await freshStore();
  const spy = vi.spyOn(db, 'transaction');
  expect(await store.commit([])).toEqual({ ok: true, appendedSeqs: [] });
  expect(spy).not.toHaveBeenCalled();
});

test('getRows reads a slice of a big table in one request: 20k rows past `after`, in id order', async () => {
  const { db, store } = await freshStore();
  const ids = Array.from({ length: 20_005 }, (_, i) => `r${String(i).padStart(5, '0')}`);
  await store.commit([...ids.map((id) => ({ kind: 'put-row' as const, row: row(id) })), { kind: 'put-row', row: { ...row('x'), table: 'u' } }]);
  const spy = vi.spyOn(db, 'transaction');
  const first = await store.getRows('t', undefined, 20_000);
  const rest = await store.getRows('t', first[first.length - 1]?.id, 20_000);
  expect(spy).toHaveBeenCalledTimes(2);
  expect([...first, ...rest].map((r) => r.id)).toEqual(ids);
  expect(rest[0]).toEqual(row(ids[20_000] ?? ''));
}, 30_000);
