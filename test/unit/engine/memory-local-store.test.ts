import { describe, expect, test } from 'vitest';
import { createMemoryLocalStore } from '../../support/memory-ports.js';
import { describeLocalStoreContract } from '../../support/local-store-contract.js';

describeLocalStoreContract('memory', () => createMemoryLocalStore());

describe('memory store hooks', () => {
  test('W-02: a failed commit (quota) changes nothing', async () => {
    const store = createMemoryLocalStore();
    store.failCommits();
    expect(await store.commit([{ kind: 'put-row', row: { table: 't', id: 'a', item: { id: 'a' }, knownVersions: [] } }])).toEqual({ ok: false, reason: 'quota' });
    expect(store.snapshot().rows).toEqual([]);
  });
});
