// The conflicts element's pure part: a held conflict field by field, and the Resolution a person's
// picks make (PROTOCOL.md §3.5): all mine → client (K-04), all theirs → server (K-03), a mix → merge (K-06).
import { describe, expect, test } from 'vitest';
import { canPickFields, fieldsOf, resolutionFor, suggestedPicks, type Side } from '../../../../src/client/elements/conflict-fields.js';
import type { Conflict, Row } from '../../../../src/protocol.js';

const server = (row: Row): Row => ({ id: 'k1', createdAt: '2025-01-01T00:00:00.000Z', updatedAt: '2025-01-02T00:00:00.000Z', version: 'v2', deleted: false, ...row });

function conflict(base: Row | null, local: Row | null, theirs: Row | null, over: Partial<Conflict> = {}): Conflict {
  return {
    id: 7,
    table: 'todoitem',
    itemId: 'k1',
    opKind: 'update',
    reason: 'precondition',
    status: 412,
    baseRow: base === null ? null : { id: 'k1', version: 'v1', ...base },
    localRow: local === null ? null : { id: 'k1', version: 'v1', ...local },
    serverRow: theirs === null ? null : server(theirs),
    detectedAt: 0,
    ...over,
  };
}

const held = conflict(
  { text: 'Buy milk', done: false, rank: 2, note: 'x' },
  { text: 'Buy soy milk', done: false, rank: 1, note: 'x' },
  { text: 'Buy oat milk', done: true, rank: 2, note: 'x', extra: 'new' },
);

describe('fieldsOf', () => {
  test('app fields of the three rows in name order, system properties left out, with who changed what', () => {
    expect(fieldsOf(held).map((f) => [f.name, f.base, f.mine, f.theirs, f.mineChanged, f.theirsChanged, f.agreed, f.suggested])).toEqual([
      ['done', false, false, true, false, true, false, 'theirs'],
      ['extra', undefined, undefined, 'new', false, true, false, 'theirs'],
      ['note', 'x', 'x', 'x', false, false, true, 'mine'],
      ['rank', 2, 1, 2, true, false, false, 'mine'],
      ['text', 'Buy milk', 'Buy soy milk', 'Buy oat milk', true, true, false, 'mine'],
    ]);
  });

  test('an insert (already-exists) has no base: every field counts as changed from nothing', () => {
    const insert = conflict({ text: 'ignored' }, { text: 'a' }, { text: 'b' }, { opKind: 'insert', reason: 'already-exists', status: 409 });
    expect(fieldsOf(insert)).toEqual([{ name: 'text', base: undefined, mine: 'a', theirs: 'b', mineChanged: true, theirsChanged: true, agreed: false, suggested: 'mine' }]);
  });

  test('a tombstone on the server counts as no server row', () => {
    const gone = conflict({ text: 'a' }, { text: 'b' }, { text: 'a', deleted: true });
    expect(fieldsOf(gone).map((f) => [f.name, f.theirs])).toEqual([['text', undefined]]);
    expect(canPickFields(gone)).toBe(false);
  });

  test('fields can be picked only when both sides hold a row', () => {
    expect(canPickFields(held)).toBe(true);
    expect(canPickFields(conflict({ text: 'a' }, null, { text: 'b' }, { opKind: 'delete' }))).toBe(false);
    expect(canPickFields(conflict({ text: 'a' }, { text: 'b' }, null, { reason: 'deleted-on-server', status: 404 }))).toBe(false);
  });
});

describe('resolutionFor', () => {
  const picks = (entries: Record<string, Side>) => new Map(Object.entries(entries));
  const cases: readonly { id: string; name: string; picks: Map<string, Side>; want: unknown }[] = [
    { id: 'K-04', name: 'every differing field mine → client', picks: picks({ done: 'mine', extra: 'mine', rank: 'mine', text: 'mine' }), want: { kind: 'client' } },
    { id: 'K-03', name: 'every differing field theirs → server', picks: picks({ done: 'theirs', extra: 'theirs', rank: 'theirs', text: 'theirs' }), want: { kind: 'server' } },
    {
      id: 'K-06',
      name: 'the suggested picks → a merge with the server’s system properties and each side’s fields',
      picks: suggestedPicks(fieldsOf(held)),
      want: {
        kind: 'merge',
        value: { id: 'k1', createdAt: '2025-01-01T00:00:00.000Z', updatedAt: '2025-01-02T00:00:00.000Z', version: 'v2', deleted: false, text: 'Buy soy milk', done: true, rank: 1, note: 'x', extra: 'new' },
      },
    },
    {
      id: 'K-06',
      name: 'a field taken from the side that lacks it is left out',
      picks: picks({ done: 'theirs', extra: 'mine', rank: 'mine', text: 'theirs' }),
      want: {
        kind: 'merge',
        value: { id: 'k1', createdAt: '2025-01-01T00:00:00.000Z', updatedAt: '2025-01-02T00:00:00.000Z', version: 'v2', deleted: false, text: 'Buy oat milk', done: true, rank: 1, note: 'x' },
      },
    },
  ];
  test.each(cases)('$id: $name', ({ picks: chosen, want }) => {
    expect(resolutionFor(held, chosen)).toEqual(want);
  });

  test('K-06: fields without a pick take their suggestion', () => {
    expect(resolutionFor(held, new Map())).toEqual(resolutionFor(held, suggestedPicks(fieldsOf(held))));
  });

  test('K-03: nothing differs → server (no request needed)', () => {
    expect(resolutionFor(conflict({ text: 'a' }, { text: 'b' }, { text: 'b' }), new Map())).toEqual({ kind: 'server' });
  });

  test('K-04: a deleted side cannot be merged: mine is the client', () => {
    expect(resolutionFor(conflict({ text: 'a' }, null, { text: 'b' }, { opKind: 'delete' }), new Map())).toEqual({ kind: 'client' });
  });
});
