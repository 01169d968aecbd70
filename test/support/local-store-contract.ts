/**
 * The LocalStore contract (src/engine/ports.ts), one suite run against every implementation: the
 * in-memory fake here, the IndexedDB adapter in sw/ (STYLE.md §2.10, one suite per port).
 */
import { describe, expect, test } from 'vitest';
import type { NewOp } from '../../src/core/op.js';
import type { ConflictRecord, LocalStore, StoredRow, SyncStateRecord } from '../../src/engine/ports.js';

/** One row by id, null when absent (the store reads rows by ids). */
export const getRow = async (store: LocalStore, table: string, id: string): Promise<StoredRow | null> =>
  (await store.getRowsById(table, [id]))[0] ?? null;

/** One pull cursor record, null when absent (the store lists a table's). */
export const getSyncState = async (store: LocalStore, table: string, queryId: string): Promise<SyncStateRecord | null> =>
  (await store.listSyncStates(table)).find((s) => s.queryId === queryId) ?? null;

const row = (table: string, id: string, extra: Record<string, string | number | boolean | null> = {}): StoredRow => ({
  table,
  id,
  item: { id, deleted: false, ...extra },
  knownVersions: [],
});

/** A minimal op for the contract's purposes. */
export const newOp = (table: string, itemId: string, over: Partial<NewOp> = {}): NewOp => ({
  table,
  itemId,
  kind: 'insert',
  snapshot: { id: itemId, deleted: false },
  baseVersion: null,
  baseRow: null,
  serverRow: null,
  state: 'pending',
  attempted: false,
  attempts: 0,
  lastAttemptAt: null,
  lastStatus: null,
  lastError: null,
  editCounter: 0,
  identity: null,
  editedAt: 0,
  blockedReason: null,
  nextAttemptAt: null,
  ...over,
});

const conflict = (opSeq: number, table: string, itemId: string): ConflictRecord => ({
  opSeq,
  table,
  itemId,
  opKind: 'update',
  reason: 'precondition',
  status: 412,
  baseRow: null,
  localRow: { id: itemId, deleted: false },
  serverRow: null,
  detectedAt: 1,
});

const syncState = (table: string, queryId: string): SyncStateRecord => ({
  table,
  queryId,
  watermark: { ms: 5, raw: '1970-01-01T00:00:00.005Z' },
  drain: null,
  lastPullAt: 7,
  complete: false,
});

/** Registers the contract suite for a store factory (a fresh, empty store per call). */
export function describeLocalStoreContract(name: string, makeStore: () => Promise<LocalStore> | LocalStore): void {
  describe(`LocalStore contract: ${name}`, () => {
    test('W-01: rows, ops, conflicts and sync states of one commit all land', async () => {
      const store = await makeStore();
      const result = await store.commit([
        { kind: 'put-row', row: row('t', 'a', { text: 'x' }) },
        { kind: 'append-op', op: newOp('t', 'a') },
        { kind: 'put-sync-state', state: syncState('t', '*') },
      ]);
      expect(result.ok).toBe(true);
      const seq = result.ok ? result.appendedSeqs[0] : undefined;
      expect(typeof seq).toBe('number');
      await store.commit([{ kind: 'put-conflict', conflict: conflict(seq ?? 0, 't', 'a') }]);
      expect(await getRow(store, 't', 'a')).toEqual(row('t', 'a', { text: 'x' }));
      expect((await store.getOp('t', 'a'))?.seq).toBe(seq);
      expect(await store.getConflict(seq ?? 0)).toEqual(conflict(seq ?? 0, 't', 'a'));
      expect(await getSyncState(store, 't', '*')).toEqual(syncState('t', '*'));
    });

    test('walkRows visits a table in id or updatedAt order (null first, dates by instant), either way, until told to stop', async () => {
      const store = await makeStore();
      await store.commit([
        { kind: 'put-row', row: row('t', 'c', { updatedAt: '2026-01-01T00:00:00.000Z' }) },
        { kind: 'put-row', row: row('t', 'a', { updatedAt: '2026-01-01T01:00:00+02:00' }) },
        { kind: 'put-row', row: row('t', 'b') },
        { kind: 'put-row', row: row('t', 'd', { updatedAt: '2025-12-31T23:59:59.999Z' }) },
        { kind: 'put-row', row: row('t2', 'a0', { updatedAt: '2020-01-01T00:00:00.000Z' }) },
        { kind: 'put-row', row: row('s', 'z') },
      ]);
      const walk = async (field: 'id' | 'updatedAt', direction: 'asc' | 'desc', stopAfter = 99): Promise<string[]> => {
        const ids: string[] = [];
        await store.walkRows('t', { field, direction }, (r) => ids.push(r.id) < stopAfter);
        return ids;
      };
      expect(await walk('id', 'asc')).toEqual(['a', 'b', 'c', 'd']);
      expect(await walk('id', 'desc')).toEqual(['d', 'c', 'b', 'a']);
      // a (23:00Z the day before) precedes d (23:59:59.999Z); b has none.
      expect(await walk('updatedAt', 'asc')).toEqual(['b', 'a', 'd', 'c']);
      expect(await walk('updatedAt', 'desc')).toEqual(['c', 'd', 'a', 'b']);
      expect(await walk('updatedAt', 'desc', 2)).toEqual(['c', 'd']);
      await store.commit([{ kind: 'delete-row', table: 't', id: 'c' }, { kind: 'put-row', row: row('t', 'a', { updatedAt: '2027-01-01T00:00:00.000Z' }) }]);
      expect(await walk('updatedAt', 'desc')).toEqual(['a', 'd', 'b']);
    });

    test('a commit lands alike whatever its durability: omitted, strict or relaxed', async () => {
      const store = await makeStore();
      const plain = await store.commit([{ kind: 'put-row', row: row('t', 'a') }, { kind: 'append-op', op: newOp('t', 'a') }]);
      const strict = await store.commit([{ kind: 'put-row', row: row('t', 'b') }, { kind: 'append-op', op: newOp('t', 'b') }], { durability: 'strict' });
      const relaxed = await store.commit(
        [{ kind: 'put-row', row: row('t', 'c') }, { kind: 'append-op', op: newOp('t', 'c') }, { kind: 'put-sync-state', state: syncState('t', '*') }],
        { durability: 'relaxed' },
      );
      for (const result of [plain, strict, relaxed]) expect(result.ok && result.appendedSeqs.length).toBe(1);
      expect((await store.getRows('t')).map((r) => r.id)).toEqual(['a', 'b', 'c']);
      expect((await store.listOps()).map((o) => o.itemId)).toEqual(['a', 'b', 'c']);
      expect(await getSyncState(store, 't', '*')).toEqual(syncState('t', '*'));
      expect(await store.commit([], { durability: 'relaxed' })).toEqual({ ok: true, appendedSeqs: [] });
    });

    test('W-03 holds for a relaxed commit too: refused, it changes nothing', async () => {
      const store = await makeStore();
      await store.commit([{ kind: 'append-op', op: newOp('t', 'a') }]);
      await expect(store.commit([{ kind: 'put-row', row: row('t', 'x') }, { kind: 'append-op', op: newOp('t', 'a') }], { durability: 'relaxed' })).rejects.toThrow();
      expect(await getRow(store, 't', 'x')).toBeNull();
      expect(await store.listOps()).toHaveLength(1);
    });

    test('getRows lists one table in id order', async () => {
      const store = await makeStore();
      await store.commit([
        { kind: 'put-row', row: row('t', 'b') },
        { kind: 'put-row', row: row('u', 'a') },
        { kind: 'put-row', row: row('t', 'a') },
      ]);
      expect((await store.getRows('t')).map((r) => r.id)).toEqual(['a', 'b']);
      expect(await getRow(store, 't', 'zz')).toBeNull();
    });

    test('getRows reads a slice: from just past `after`, at most `limit`, of one table', async () => {
      const store = await makeStore();
      await store.commit(['a', 'b', 'c', 'd'].map((id) => ({ kind: 'put-row' as const, row: row('t', id) })).concat([{ kind: 'put-row', row: row('u', 'bb') }]));
      const ids = async (after?: string, limit?: number) => (await store.getRows('t', after, limit)).map((r) => r.id);
      expect(await ids(undefined, 2)).toEqual(['a', 'b']);
      expect(await ids('b', 2)).toEqual(['c', 'd']);
      expect(await ids('bb')).toEqual(['c', 'd']);
      expect(await ids('d', 2)).toEqual([]);
      expect(await store.getRows('t', 'a', 1)).toEqual([row('t', 'b')]);
    });

    test('getRowsById reads the rows of the given ids that exist, of one table', async () => {
      const store = await makeStore();
      await store.commit([
        { kind: 'put-row', row: row('t', 'b') },
        { kind: 'put-row', row: row('u', 'a') },
        { kind: 'put-row', row: row('t', 'a') },
      ]);
      expect((await store.getRowsById('t', ['b', 'zz', 'a'])).map((r) => [r.table, r.id])).toEqual([['t', 'b'], ['t', 'a']]);
      expect(await store.getRowsById('u', [])).toEqual([]);
    });

    test('appended ops get ascending seqs, returned in order; listOps is ascending and filters by table', async () => {
      const store = await makeStore();
      const first = await store.commit([{ kind: 'append-op', op: newOp('t', 'a') }, { kind: 'append-op', op: newOp('u', 'b') }]);
      const second = await store.commit([{ kind: 'append-op', op: newOp('t', 'c') }]);
      const seqs = [...(first.ok ? first.appendedSeqs : []), ...(second.ok ? second.appendedSeqs : [])];
      expect(seqs).toHaveLength(3);
      expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
      expect((await store.listOps()).map((o) => o.itemId)).toEqual(['a', 'b', 'c']);
      expect((await store.listOps('t')).map((o) => o.itemId)).toEqual(['a', 'c']);
    });

    test('put-op replaces by seq; delete-op removes; seqs are never reused', async () => {
      const store = await makeStore();
      const r = await store.commit([{ kind: 'append-op', op: newOp('t', 'a') }]);
      const seq = r.ok ? (r.appendedSeqs[0] ?? 0) : 0;
      const op = await store.getOp('t', 'a');
      if (!op) throw new Error('op missing');
      await store.commit([{ kind: 'put-op', op: { ...op, state: 'inflight', attempts: 1 } }]);
      expect((await store.getOp('t', 'a'))?.state).toBe('inflight');
      await store.commit([{ kind: 'delete-op', seq }]);
      expect(await store.getOp('t', 'a')).toBeNull();
      const again = await store.commit([{ kind: 'append-op', op: newOp('t', 'a') }]);
      expect(again.ok && (again.appendedSeqs[0] ?? 0) > seq).toBe(true);
    });

    test('W-03: a commit that would leave two ops for one item changes nothing', async () => {
      const store = await makeStore();
      await store.commit([{ kind: 'append-op', op: newOp('t', 'a') }]);
      await expect(
        store.commit([{ kind: 'put-row', row: row('t', 'x') }, { kind: 'append-op', op: newOp('t', 'a') }]),
      ).rejects.toThrow();
      expect(await getRow(store, 't', 'x')).toBeNull();
      expect(await store.listOps()).toHaveLength(1);
    });

    test('an empty commit succeeds; values read back are copies, so mutating them changes nothing stored', async () => {
      const store = await makeStore();
      expect(await store.commit([])).toEqual({ ok: true, appendedSeqs: [] });
      await store.commit([{ kind: 'put-row', row: row('t', 'a', { text: 'x' }) }, { kind: 'append-op', op: newOp('t', 'a') }]);
      const read = await getRow(store, 't', 'a');
      (read?.item as Record<string, unknown>)['text'] = 'mutated';
      const op = await store.getOp('t', 'a');
      (op as unknown as Record<string, unknown>)['state'] = 'failed';
      expect((await getRow(store, 't', 'a'))?.item['text']).toBe('x');
      expect((await store.getOp('t', 'a'))?.state).toBe('pending');
    });

    test('delete-table-rows removes only that table; conflicts and sync states list by table and delete', async () => {
      const store = await makeStore();
      await store.commit([
        { kind: 'put-row', row: row('t', 'a') },
        { kind: 'put-row', row: row('u', 'a') },
        { kind: 'put-conflict', conflict: conflict(1, 't', 'a') },
        { kind: 'put-conflict', conflict: conflict(2, 'u', 'a') },
        { kind: 'put-sync-state', state: syncState('t', '*') },
        { kind: 'put-sync-state', state: syncState('t', 'q:1') },
        { kind: 'put-sync-state', state: syncState('u', '*') },
      ]);
      await store.commit([{ kind: 'delete-table-rows', table: 't' }, { kind: 'delete-conflict', opSeq: 1 }, { kind: 'delete-sync-state', table: 't', queryId: '*' }]);
      expect(await store.getRows('t')).toEqual([]);
      expect(await store.getRows('u')).toHaveLength(1);
      expect((await store.listConflicts()).map((c) => c.opSeq)).toEqual([2]);
      expect(await store.listConflicts('t')).toEqual([]);
      expect((await store.listSyncStates('t')).map((s) => s.queryId)).toEqual(['q:1']);
    });
  });
}
