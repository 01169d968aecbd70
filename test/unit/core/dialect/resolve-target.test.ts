import { describe, expect, test } from 'vitest';
import { resolveTarget, type TargetRequest } from '../../../../src/core/dialect/resolve-target.js';
import type { Dialect } from '../../../../src/core/dialect/types.js';
import type { Item } from '../../../../src/core/item.js';

const live: Item = { id: 'a', version: 'v1', deleted: false, text: 'x' };
const tomb: Item = { id: 'a', version: 'v2', deleted: true, text: 'x' };
const base = (dialect: Dialect) => ({ table: 't', dialect, url: 'http://h/tables/t/a', id: 'a' });

const get = (dialect: Dialect, includeDeleted = false): TargetRequest => ({ ...base(dialect), kind: 'get', includeDeleted, ifNoneMatch: null });
const upd = (dialect: Dialect, undelete = false): TargetRequest => ({ ...base(dialect), kind: 'update', mode: 'replace', ifMatch: null, undelete, body: {} });
const del = (dialect: Dialect): TargetRequest => ({ ...base(dialect), kind: 'delete', ifMatch: null });
const und = (dialect: Dialect): TargetRequest => ({ ...base(dialect), kind: 'undelete', ifMatch: null });

describe('resolveTarget', () => {
  const cases = [
    { id: 'S-14', name: 'v2 GET of a live row', req: get('v2'), row: live, want: 'ok' },
    { id: 'S-14', name: 'v3 GET of a missing row', req: get('v3'), row: null, want: 'item_not_found' },
    { id: 'S-14', name: 'v2 GET of a missing row', req: get('v2'), row: null, want: 'item_not_found' },
    { id: 'S-15', name: 'v2 GET of a tombstone', req: get('v2'), row: tomb, want: 'item_not_found' },
    { id: 'S-15', name: 'v3 GET of a tombstone', req: get('v3'), row: tomb, want: 'item_deleted' },
    { id: 'S-15', name: 'v2 GET of a tombstone with __includeDeleted', req: get('v2', true), row: tomb, want: 'ok' },
    { id: 'S-15', name: 'v3 GET of a tombstone with __includeDeleted', req: get('v3', true), row: tomb, want: 'ok' },
    { id: 'S-20', name: 'v2 update of a missing row', req: upd('v2'), row: null, want: 'item_not_found' },
    { id: 'S-20', name: 'v3 delete of a missing row', req: del('v3'), row: null, want: 'item_not_found' },
    { id: 'S-21', name: 'v2 update of a tombstone', req: upd('v2'), row: tomb, want: 'item_not_found' },
    { id: 'S-21', name: 'v3 update of a tombstone', req: upd('v3'), row: tomb, want: 'item_deleted' },
    { id: 'S-21', name: 'v2 delete of a tombstone', req: del('v2'), row: tomb, want: 'item_not_found' },
    { id: 'S-21', name: 'v3 delete of a tombstone', req: del('v3'), row: tomb, want: 'item_deleted' },
    { id: 'S-21', name: 'v3 delete of a live row', req: del('v3'), row: live, want: 'ok' },
    { id: 'S-22', name: 'v3 PUT ?__includedeleted=true of a tombstone', req: upd('v3', true), row: tomb, want: 'ok' },
    { id: 'S-22', name: 'v2 PUT ?__includedeleted=true of a tombstone', req: upd('v2', true), row: tomb, want: 'ok' },
    { id: 'S-22', name: 'v2 POST /{id} of a tombstone', req: und('v2'), row: tomb, want: 'ok' },
    { id: 'S-22', name: 'v3 POST /{id} of a live row', req: und('v3'), row: live, want: 'ok' },
    { id: 'S-22', name: 'v2 POST /{id} of a missing row', req: und('v2'), row: null, want: 'item_not_found' },
  ];
  test.each(cases)('$id: $name gives $want', ({ req, row, want }) => {
    const r = resolveTarget(req, row);
    expect(r.ok ? 'ok' : r.error.code).toBe(want);
    if (r.ok) expect(r.value).toBe(row);
  });
});
