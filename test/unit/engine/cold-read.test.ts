import { expect, test } from 'vitest';
import { createHarness } from './harness.js';

/** Server rows pulled, then a restarted engine whose index is still loading: reads meet the cold path. */
async function coldEngine(rows: readonly ({ readonly id: string } & Record<string, string | number | boolean | null>)[]) {
  const h = createHarness({ tables: [{ name: 'todo', pageSize: 10 }], upstreamTables: [{ name: 'todo', pageSize: 10 }] });
  for (const row of rows) {
    h.server.write('todo', row);
    h.clock.advance(1);
  }
  await h.ready();
  h.store.slowRowLoads(true);
  const read = async (path: string) => {
    await h.restart();
    const walks = h.store.walkRowsCalls;
    const loads = h.store.getRowsCalls;
    const local = await h.request('GET', path, { version: '3.0.0' });
    const remote = await h.server.remote.send({ method: 'GET', path, headers: { 'zumo-api-version': '3.0.0' }, body: null });
    const loaded = h.store.getRowsCalls - loads;
    return { loaded, local: [local.status, local.body], remote: remote.kind === 'response' ? [remote.status, remote.body] : null, walked: h.store.walkRowsCalls - walks };
  };
  return { h, read };
}

test('F-03 cold: ids past U+D7FF, where IndexedDB code-unit order and $orderby code-point order disagree, make the walk give way to the index', async () => {
  // U+E000 sorts before U+1F600 by code point, after its surrogate pair by code unit.
  const { read } = await coldEngine(['\uE000', '\u{1F600}', 'a', 'b'].map((id) => ({ id, n: 1 })));
  for (const path of ['/tables/todo?$orderby=id&$top=3', '/tables/todo?$orderby=id desc&$top=1', '/tables/todo?$top=2']) {
    const r = await read(path);
    // Walked, then given way to the table's load.
    expect([r.walked, r.loaded]).toEqual([1, 1]);
    expect(r.local).toEqual(r.remote);
  }
});

test('F-03 cold: rows tied on the walked key are ordered by the rest of $orderby, across the page boundary', async () => {
  // Every row has one updatedAt (the clock stands still), so the whole table is one tie group.
  const h = createHarness({ tables: [{ name: 'todo', pageSize: 10 }], upstreamTables: [{ name: 'todo', pageSize: 10 }] });
  for (let i = 0; i < 30; i++) h.server.write('todo', { id: `r${(i * 7) % 30}`, n: i % 4 });
  await h.ready();
  h.store.slowRowLoads(true);
  for (const path of ['/tables/todo?$orderby=updatedAt desc,n&$top=5', '/tables/todo?$orderby=updatedAt&$skip=3&$top=4', '/tables/todo?$orderby=updatedAt desc,n desc&$filter=n gt 1']) {
    await h.restart();
    const walks = h.store.walkRowsCalls;
    const local = await h.request('GET', path, { version: '3.0.0' });
    const remote = await h.server.remote.send({ method: 'GET', path, headers: { 'zumo-api-version': '3.0.0' }, body: null });
    expect(h.store.walkRowsCalls - walks).toBe(1);
    expect(remote.kind === 'response' ? [remote.status, remote.body] : null).toEqual([local.status, local.body]);
  }
});

test('F-06 cold: a read by id asks the store for that row alone, 404 when absent', async () => {
  const { read } = await coldEngine([{ id: 'a', n: 1 }]);
  const hit = await read('/tables/todo/a');
  const miss = await read('/tables/todo/zz');
  // Neither loaded the table.
  expect([hit.loaded, miss.loaded]).toEqual([0, 0]);
  expect(hit.local).toEqual(hit.remote);
  expect(miss.local[0]).toBe(404);
  expect(hit.walked + miss.walked).toBe(0);
});

test('a table warms a second after its first cold read, though cold reads go on; reads then meet the warm index', async () => {
  const { h, read } = await coldEngine([{ id: 'a', n: 1 }, { id: 'b', n: 2 }]);
  const first = await read('/tables/todo?$orderby=id');
  h.clock.advance(999);
  const loads = h.store.getRowsCalls;
  const walks = h.store.walkRowsCalls;
  // Steady reads (a search as one types) do not put the warm-up off.
  await h.request('GET', '/tables/todo?$orderby=id desc', { version: '3.0.0' });
  expect([first.walked, h.store.walkRowsCalls - walks, h.store.getRowsCalls - loads]).toEqual([1, 1, 0]);
  h.clock.advance(1);
  await h.settle();
  expect(h.store.getRowsCalls - loads).toBe(1);
  await new Promise((resolve) => setTimeout(resolve, 5));
  const warm = await h.request('GET', '/tables/todo?$orderby=id desc', { version: '3.0.0' });
  expect(h.store.walkRowsCalls - walks).toBe(1);
  expect(h.store.getRowsCalls - loads).toBe(1);
  expect((warm.body as { items: { id: string }[] }).items.map((i) => i.id)).toEqual(['b', 'a']);
});

test('L-04 cold: a pull into a restarted worker reads only its pages\' rows from the store, and never loads the table', async () => {
  const { h } = await coldEngine([{ id: 'a', n: 1 }, { id: 'b', n: 2 }]);
  await h.restart();
  const loads = h.store.getRowsCalls;
  h.server.write('todo', { id: 'a', n: 10 });
  h.server.write('todo', { id: 'c', n: 3 });
  h.clock.advance(5000);
  await h.engine.pull({ table: 'todo', push: false });
  expect(h.store.getRowsCalls).toBe(loads);
  expect(h.rows().map((r) => [r.id, r.item['n'], r.knownVersions.length])).toEqual([['a', 10, 1], ['b', 2, 1], ['c', 3, 1]]);
});
