import { expect, test } from 'vitest';
import type { StoredRow } from '../../../src/engine/ports.js';
import { pulledRowChange } from '../../../src/engine/settle.js';

const stored = (version: string, knownVersions: readonly string[]): StoredRow => ({ table: 't', id: 'a', item: { id: 'a', n: 2, version, deleted: false }, knownVersions });

test('a pulled row of a version this device pushed past is stale and changes nothing (a page fetched before a write-through settled)', () => {
  // The device pushed v1 then v2; a page fetched before v2 settled still carries v1, live or deleted.
  expect(pulledRowChange('t', 'a', stored('v2', ['v1', 'v2']), { id: 'a', n: 1, version: 'v1', deleted: false })).toBeNull();
  expect(pulledRowChange('t', 'a', stored('v2', ['v1', 'v2']), { id: 'a', version: 'v1', deleted: true })).toBeNull();
});

test('a pulled row of a version the device never knew, or of its last known one, is stored as a pull stores it', () => {
  expect(pulledRowChange('t', 'a', stored('v2', ['v1', 'v2']), { id: 'a', n: 3, version: 'v3', deleted: false })).toEqual({
    kind: 'put-row',
    row: { table: 't', id: 'a', item: { id: 'a', n: 3, version: 'v3', deleted: false }, knownVersions: ['v3'] },
  });
  expect(pulledRowChange('t', 'a', stored('v1', ['v1', 'v2']), { id: 'a', n: 2, version: 'v2', deleted: false })).toMatchObject({ kind: 'put-row', row: { item: { version: 'v2' } } });
  expect(pulledRowChange('t', 'a', stored('v2', ['v2']), { id: 'a', version: 'v3', deleted: true })).toEqual({ kind: 'delete-row', table: 't', id: 'a' });
  expect(pulledRowChange('t', 'a', null, { id: 'a', n: 1, version: 'v1', deleted: false })).toMatchObject({ kind: 'put-row' });
  expect(pulledRowChange('t', 'a', stored('v2', ['v1', 'v2']), { id: 'a', n: 2, version: 'v2', deleted: false })).toBeNull();
});
