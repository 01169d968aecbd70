import { describe, expect, test } from 'vitest';
import { createHarness } from './harness.js';

async function seeded() {
  const h = createHarness({ tables: [{ name: 'todo', policy: 'hold' }, { name: 'other' }] });
  for (const [id, done] of [['a', true], ['b', true], ['c', false], ['d', false]] as const) h.server.write('todo', { id, done });
  h.server.write('other', { id: 'o' });
  await h.ready();
  await h.engine.pull({ table: 'todo', filter: 'done eq true', push: false });
  return h;
}

describe('purge', () => {
  test('G-01: purge({table}) without force fails with pending_operations when the table has any op, and changes nothing', async () => {
    const h = await seeded();
    await h.request('DELETE', '/tables/todo/c');
    const before = h.store.snapshot();
    await expect(h.engine.purge({ table: 'todo' })).rejects.toMatchObject({ code: 'pending_operations' });
    expect(h.store.snapshot()).toEqual(before);
  });

  test('G-02: purge({table, filter}) without force succeeds when no op belongs to a matching row, removing only those', async () => {
    const h = await seeded();
    await h.request('PATCH', '/tables/todo/c', { body: { text: 'x' } });
    expect(await h.engine.purge({ table: 'todo', filter: 'done eq true' })).toEqual({ rows: 2, ops: 0 });
    expect(h.rows().map((r) => `${r.table}/${r.id}`)).toEqual(['other/o', 'todo/c', 'todo/d']);
    await expect(h.engine.purge({ table: 'todo', filter: 'done eq false' })).rejects.toMatchObject({ code: 'pending_operations' });
    expect((await h.request('GET', '/tables/todo')).body).toMatchObject({ items: [{ id: 'c' }, { id: 'd' }] });
  });

  test('G-03: a forced purge with a filter removes matching rows and only their ops and conflicts; other ops keep state and seq', async () => {
    const h = await seeded();
    await h.request('PATCH', '/tables/todo/a', { body: { text: 'mine' } });
    h.server.write('todo', { id: 'a', text: 'theirs' });
    await h.engine.push(); // a is held with a conflict
    await h.request('PATCH', '/tables/todo/c', { body: { text: 'x' } });
    const keep = h.ops().find((o) => o.itemId === 'c');
    expect(h.conflictRecords()).toHaveLength(1);
    expect(await h.engine.purge({ table: 'todo', filter: 'done eq true', force: true })).toEqual({ rows: 2, ops: 1 });
    expect(h.ops()).toEqual([keep]);
    expect(h.conflictRecords()).toEqual([]);
  });

  test('G-04: a forced purge without a filter removes every row, op (deletes included) and conflict of the table', async () => {
    const h = await seeded();
    await h.request('DELETE', '/tables/todo/a');
    await h.request('POST', '/tables/todo', { body: { id: 'n' } });
    await h.request('POST', '/tables/other', { body: { id: 'p' } });
    expect(await h.engine.purge({ table: 'todo', force: true })).toEqual({ rows: 4, ops: 2 });
    expect(h.rows().map((r) => r.id)).toEqual(['o', 'p']);
    expect(h.ops().map((o) => o.itemId)).toEqual(['p']);
  });

  test('G-05: by default a purge with queryId resets only that watermark, one without resets all; the next pull has no updatedAt clause', async () => {
    const h = await seeded();
    const ids = () => h.store.snapshot().syncStates.filter((s) => s.table === 'todo').map((s) => s.queryId).sort();
    const hashed = ids().find((q) => q.startsWith('q:')) ?? '';
    await h.engine.purge({ table: 'todo', filter: 'done eq true', queryId: hashed });
    expect(ids()).toEqual(['*']);
    await h.engine.pull({ table: 'todo', filter: 'done eq true', push: false });
    await h.engine.purge({ table: 'todo' });
    expect(ids()).toEqual([]);
    expect(h.store.snapshot().syncStates.map((s) => s.table)).toEqual(['other']);
    h.server.requests.length = 0;
    await h.engine.pull({ table: 'todo', push: false });
    expect(new URLSearchParams(h.server.requests[0]?.path.split('?')[1]).get('$filter')).toBeNull();
    expect(h.rows().filter((r) => r.table === 'todo')).toHaveLength(4);
  });

  test('G-06: resetWatermarks none keeps watermarks; query without queryId fails with invalid_purge', async () => {
    const h = await seeded();
    const before = h.store.snapshot().syncStates;
    await h.engine.purge({ table: 'todo', resetWatermarks: 'none' });
    expect(h.store.snapshot().syncStates).toEqual(before);
    await expect(h.engine.purge({ table: 'todo', resetWatermarks: 'query' })).rejects.toMatchObject({ code: 'invalid_purge' });
    await expect(h.engine.purge({ table: 'todo', filter: 'x eq' })).rejects.toMatchObject({ code: 'invalid_filter' });
    // S-36: only an absent filter means every row; a blank one is as invalid as `$filter=`.
    await expect(h.engine.purge({ table: 'todo', filter: '  ' })).rejects.toMatchObject({ code: 'invalid_filter', details: { position: 0 } });
    expect(h.store.snapshot().syncStates).toEqual(before);
  });

  test('G-07: a purge started during a pull waits for it, then runs in one commit', async () => {
    const h = await seeded();
    h.clock.advance(5000);
    h.server.write('todo', { id: 'late' });
    let purge: Promise<unknown> | null = null;
    h.server.onRequest(() => {
      purge ??= h.engine.purge({ table: 'todo' });
    });
    const commits: string[][] = [];
    h.store.onCommit((c) => commits.push([...new Set(c.map((x) => x.kind))]));
    await h.engine.pull({ table: 'todo', push: false });
    await purge;
    expect(commits.at(-1)).toEqual(['delete-table-rows', 'delete-sync-state']);
    expect(commits).toHaveLength(2);
    expect(h.rows().filter((r) => r.table === 'todo')).toEqual([]);
  });
});
