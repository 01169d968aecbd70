import { describe, expect, test } from 'vitest';
import { createMutex } from '../../../src/engine/mutex.js';
import { createTableIndex } from '../../../src/engine/table-index.js';
import type { StoredRow } from '../../../src/engine/ports.js';
import { createMemoryLocalStore } from '../../support/memory-ports.js';

const row = (id: string, n = 0): StoredRow => ({ table: 't', id, item: { id, n, deleted: false }, knownVersions: [] });

describe('table index', () => {
  test('warms once from the store, then follows applied commits', async () => {
    const store = createMemoryLocalStore();
    await store.commit([{ kind: 'put-row', row: row('a') }, { kind: 'put-row', row: row('b') }]);
    const index = createTableIndex(store);
    expect((await index.rows('t')).items().map((i) => i['id'])).toEqual(['a', 'b']);
    index.apply([{ kind: 'put-row', row: row('c') }, { kind: 'delete-row', table: 't', id: 'a' }, { kind: 'put-row', row: { ...row('x'), table: 'u' } }]);
    const rows = await index.rows('t');
    expect(rows.items().map((i) => i['id'])).toEqual(['b', 'c']);
    expect(rows.get('c')?.item['n']).toBe(0);
    index.apply([{ kind: 'delete-table-rows', table: 't' }]);
    expect((await index.rows('t')).size).toBe(0);
    expect(store.getRowsCalls).toBe(1);
  });

  test('a commit landing while a table loads is not lost', async () => {
    const store = createMemoryLocalStore();
    await store.commit([{ kind: 'put-row', row: row('a') }]);
    const index = createTableIndex(store);
    const loading = index.rows('t');
    index.apply([{ kind: 'put-row', row: row('b') }, { kind: 'delete-row', table: 't', id: 'a' }]);
    expect((await loading).items().map((i) => i['id'])).toEqual(['b']);
  });

  test('the mutex runs tasks one at a time in call order, surviving a failed task', async () => {
    const mutex = createMutex();
    const log: string[] = [];
    const task = (name: string, fail = false) => async () => {
      log.push(`start ${name}`);
      await Promise.resolve();
      log.push(`end ${name}`);
      if (fail) throw new Error(name);
      return name;
    };
    const results = await Promise.allSettled([mutex.run(task('a')), mutex.run(task('b', true)), mutex.run(task('c'))]);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });
});
