/**
 * Issue 10, the cold path (DESIGN.md §6 "first read after the worker was stopped"): after a stop, the
 * worker answers a list read ordered by updatedAt or id by walking IndexedDB (its `updatedAt` index,
 * or the rows' keys) before any table is loaded. Those answers must equal what the warm in-memory
 * index answers for the same read, pending offline writes included (read-your-writes).
 */
import { describe, expect, test } from 'vitest';
import { listShape, openApp, pageApi, syncApi, useStack, waitForPull, type Answer, type Row } from './fixtures/e2e/harness.js';

const stack = useStack();

const READS = [
  '$orderby=updatedAt desc&$top=5&$filter=(done eq false)',
  // Ascending puts rows with no updatedAt first: the offline insert, which the server never saw.
  '$orderby=updatedAt&$top=3',
  '$orderby=id desc&$top=10&$skip=2&$filter=(startswith(text, \'item 1\'))',
  '$filter=(done eq true)&$top=6',
  // A count needs the whole table: the cold worker loads it first.
  '$orderby=updatedAt desc&$top=2&$count=true',
];

/** Whole rows, system properties included. */
const whole = (row: Row): Row => row;

describe('e2e-cold-read', () => {
  test('after a worker stop, list reads walked from IndexedDB answer exactly as the warm index does, pending offline writes included', async () => {
    for (let i = 0; i < 60; i++) await stack.remote.insert({ id: `r${String(i).padStart(3, '0')}`, text: `item ${i}`, done: i % 3 === 0 });
    const app = await openApp(stack.browser, stack.proxy, '/configured.html');
    const api = pageApi(app.page);
    await api.list();
    await waitForPull(app.page);

    await app.setOffline(true);
    expect((await api.insert({ id: 'offline-new', text: 'item 1 offline', done: false })).status).toBe(201);
    expect((await api.patch('r010', { text: 'item 10 patched offline', done: false })).status).toBe(200);
    expect((await syncApi(app.page).pending()).map((op) => [op.itemId, op.state])).toEqual([['offline-new', 'pending'], ['r010', 'pending']]);

    const cold: Answer[] = [];
    for (const read of READS) {
      await app.devtools.stopAllWorkers();
      cold.push(await api.list(read));
    }
    // The worker is warm now (the last cold read, a count, loaded the table): the same reads again.
    const warm: Answer[] = [];
    for (const read of READS) warm.push(await api.list(read));
    expect(cold.map((a) => [a.status, a.headers['x-tablesync']])).toEqual(READS.map(() => [200, 'local']));
    expect(cold.map((a) => listShape(a, whole))).toEqual(warm.map((a) => listShape(a, whole)));

    const ids = (a: Answer): string[] => ((a.body as { items: Row[] }).items ?? []).map((r) => String(r['id']));
    expect(ids(cold[0]!)).toEqual(['r059', 'r058', 'r056', 'r055', 'r053']);
    expect(ids(cold[1]!)[0]).toBe('offline-new');
    // Texts starting "item 1", id descending (r019…r010, r001, offline-new), past the first two; r010 as patched offline.
    expect(ids(cold[2]!)).toEqual(['r017', 'r016', 'r015', 'r014', 'r013', 'r012', 'r011', 'r010', 'r001', 'offline-new']);
    expect((cold[2]!.body as { items: Row[] }).items[7]!['text']).toBe('item 10 patched offline');
    expect((cold[4]!.body as { count: number }).count).toBe(61);
    expect([...app.devtools.errors]).toEqual([]);
    await app.close();
  });
});
