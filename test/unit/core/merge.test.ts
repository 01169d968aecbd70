import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { Item } from '../../../src/core/item.js';
import { mergeRows } from '../../../src/core/merge.js';

const sys = { id: 'a', version: 'v1', createdAt: '2024-01-01T00:00:00.000Z', updatedAt: '2024-01-01T00:00:00.000Z', deleted: false };
const serverSys = { id: 'a', version: 'v2', createdAt: '2024-01-01T00:00:00.000Z', updatedAt: '2024-02-01T00:00:00.000Z', deleted: false };

describe('mergeRows', () => {
  test.each([
    { name: 'non-overlapping changes of both sides merge', base: { ...sys, a: 1, b: 1 }, local: { ...sys, a: 2, b: 1 }, server: { ...serverSys, a: 1, b: 3 },
      want: { kind: 'merged', value: { ...serverSys, a: 2, b: 3 } } },
    { name: 'equal changes on both sides merge', base: { ...sys, a: 1 }, local: { ...sys, a: 5 }, server: { ...serverSys, a: 5 },
      want: { kind: 'merged', value: { ...serverSys, a: 5 } } },
    { name: 'a field changed differently on both sides conflicts', base: { ...sys, a: 1, b: 1, c: 1 }, local: { ...sys, a: 2, b: 2, c: 1 }, server: { ...serverSys, a: 3, b: 4, c: 9 },
      want: { kind: 'conflict', fields: ['a', 'b'] } },
    { name: 'an insert merges against {}: different new values conflict', base: null, local: { id: 'a', a: 1, b: 'x' }, server: { ...serverSys, a: 2, b: 'x' },
      want: { kind: 'conflict', fields: ['a'] } },
    { name: 'an insert merges against {}: fields only one side has merge', base: null, local: { id: 'a', a: 1 }, server: { ...serverSys, b: 2 },
      want: { kind: 'merged', value: { ...serverSys, a: 1, b: 2 } } },
    { name: 'a field the server removed stays removed', base: { ...sys, a: 1, b: 1 }, local: { ...sys, a: 2, b: 1 }, server: { ...serverSys, a: 1 },
      want: { kind: 'merged', value: { ...serverSys, a: 2 } } },
    { name: 'a field set to null locally wins over an unchanged server value', base: { ...sys, a: 1 }, local: { ...sys, a: null }, server: { ...serverSys, a: 1 },
      want: { kind: 'merged', value: { ...serverSys, a: null } } },
    { name: 'a missing field equals null', base: { ...sys, a: null }, local: { ...sys }, server: { ...serverSys, a: 'x' },
      want: { kind: 'merged', value: { ...serverSys, a: 'x' } } },
    { name: 'system properties come from the server, the id from local when the server lacks it', base: null, local: { id: 'a', version: 'v0', a: 1 }, server: { version: 'v2', a: 1 },
      want: { kind: 'merged', value: { id: 'a', version: 'v2', a: 1 } } },
  ] as { name: string; base: Item | null; local: Item; server: Item; want: unknown }[])('K-07: $name', ({ base, local, server, want }) => {
    expect(mergeRows(base, local, server)).toEqual(want);
  });

  const row = fc.dictionary(fc.constantFrom('a', 'b', 'c'), fc.constantFrom(1, 2, 'x', null, true), { maxKeys: 3 });
  const norm = (v: Item): Item => Object.fromEntries(['a', 'b', 'c'].map((k) => [k, v[k] ?? null]));
  test('K-07: merging is symmetric in its app fields, and an unchanged side takes the other side', () => {
    fc.assert(
      fc.property(row, row, row, (base, local, server) => {
        const ab = mergeRows(base, { id: 'a', ...local }, { id: 'a', ...server });
        const ba = mergeRows(base, { id: 'a', ...server }, { id: 'a', ...local });
        expect(ab.kind).toBe(ba.kind);
        if (ab.kind === 'merged' && ba.kind === 'merged') expect(norm(ab.value)).toEqual(norm(ba.value));
        const unchanged = mergeRows(base, { id: 'a', ...base }, { id: 'a', ...server });
        expect(unchanged.kind === 'merged' ? norm(unchanged.value) : unchanged).toEqual(norm(server));
      }),
    );
  });
});
