import { describe, expect, test } from 'vitest';
import { planLookup, planOpRequest, planUndelete, withAppPreconditions } from '../../../../src/core/dialect/outbound.js';
import type { Item } from '../../../../src/core/item.js';
import type { Op } from '../../../../src/core/op.js';

const server: Item = { id: 'a/1', createdAt: '2024-01-01T00:00:00.000Z', updatedAt: '2024-01-01T00:00:00.000Z', version: 'MQ==', deleted: false, text: 'old', note: 'n', done: false };
const local: Item = { id: 'a/1', createdAt: '2024-01-01T00:00:00.000Z', updatedAt: '2024-01-01T00:00:00.000Z', version: 'MQ==', deleted: false, text: 'new', done: true };

const op = (over: Partial<Op>): Op => ({
  seq: 1, table: 'todo item', itemId: 'a/1', kind: 'insert', snapshot: local, baseVersion: null, baseRow: null, serverRow: null,
  state: 'pending', attempted: false, attempts: 0, lastAttemptAt: null, lastStatus: null, lastError: null, editCounter: 0,
  identity: null, editedAt: 0, blockedReason: null, nextAttemptAt: null, ...over,
});

const ITEM = '/tables/todo%20item/a%2F1';
const insertOp = op({ kind: 'insert', snapshot: { id: 'a/1', text: 'new', done: true } });
const updateOp = op({ kind: 'update', baseVersion: 'MQ==', baseRow: server });
const deleteOp = op({ kind: 'delete', snapshot: null, baseVersion: 'a"b', baseRow: server });

describe('planOpRequest', () => {
  const cases = [
    { id: 'U-04', name: 'v2 insert is POST to the collection', dialect: 'v2', op: insertOp,
      want: { method: 'POST', path: '/tables/todo%20item', headers: { 'zumo-api-version': '2.0.0', 'content-type': 'application/json' }, body: { id: 'a/1', text: 'new', done: true } } },
    { id: 'U-05', name: 'v3 insert is POST to the collection', dialect: 'v3', op: insertOp,
      want: { method: 'POST', path: '/tables/todo%20item', headers: { 'zumo-api-version': '3.0.0', 'content-type': 'application/json' }, body: { id: 'a/1', text: 'new', done: true } } },
    { id: 'U-07', name: 'v2 update is PATCH with null for each baseRow field the snapshot lacks', dialect: 'v2', op: updateOp,
      want: { method: 'PATCH', path: ITEM, headers: { 'zumo-api-version': '2.0.0', 'content-type': 'application/json', 'if-match': '"MQ=="' }, body: { id: 'a/1', text: 'new', done: true, note: null } } },
    { id: 'U-05', name: 'v3 update is PUT with the whole snapshot', dialect: 'v3', op: updateOp,
      want: { method: 'PUT', path: ITEM, headers: { 'zumo-api-version': '3.0.0', 'content-type': 'application/json', 'if-match': '"MQ=="' }, body: { id: 'a/1', text: 'new', done: true } } },
    { id: 'U-04', name: 'v2 delete is DELETE without a body', dialect: 'v2', op: deleteOp,
      want: { method: 'DELETE', path: ITEM, headers: { 'zumo-api-version': '2.0.0', 'if-match': '"a\\"b"' }, body: null } },
    { id: 'U-05', name: 'v3 delete is DELETE without a body', dialect: 'v3', op: deleteOp,
      want: { method: 'DELETE', path: ITEM, headers: { 'zumo-api-version': '3.0.0', 'if-match': '"a\\"b"' }, body: null } },
    { id: 'U-06', name: 'v2 update without baseVersion has no If-Match', dialect: 'v2', op: op({ kind: 'update', baseRow: null }),
      want: { method: 'PATCH', path: ITEM, headers: { 'zumo-api-version': '2.0.0', 'content-type': 'application/json' }, body: { id: 'a/1', text: 'new', done: true } } },
    { id: 'U-06', name: 'v3 delete without baseVersion has no If-Match', dialect: 'v3', op: op({ kind: 'delete', snapshot: null }),
      want: { method: 'DELETE', path: ITEM, headers: { 'zumo-api-version': '3.0.0' }, body: null } },
    { id: 'U-06', name: 'an insert never has If-Match', dialect: 'v3', op: op({ kind: 'insert', baseVersion: 'x', snapshot: { text: 't' } }),
      want: { method: 'POST', path: '/tables/todo%20item', headers: { 'zumo-api-version': '3.0.0', 'content-type': 'application/json' }, body: { text: 't', id: 'a/1' } } },
  ] as const;
  test.each(cases)('$id: $name', ({ dialect, op: o, want }) => {
    const r = planOpRequest(o, dialect);
    expect({ ...r, body: r.body === null ? null : JSON.parse(r.body) as unknown }).toEqual(want);
  });

  test('U-04: bodies keep id and drop every other system property', () => {
    for (const dialect of ['v2', 'v3'] as const) {
      for (const o of [op({ kind: 'insert' }), updateOp]) {
        const body = JSON.parse(planOpRequest(o, dialect).body ?? '{}') as Record<string, unknown>;
        expect(Object.keys(body).filter((k) => ['createdAt', 'updatedAt', 'version', 'deleted'].includes(k))).toEqual([]);
        expect(body['id']).toBe('a/1');
      }
    }
  });

  test('U-05: the table and the id are each one path segment', () => {
    expect(planOpRequest(deleteOp, 'v3').path).toBe('/tables/todo%20item/a%2F1');
  });

  test.each(['insert', 'update'] as const)('U-04: a %s op without snapshot is a bug', (kind) => {
    expect(() => planOpRequest(op({ kind, snapshot: null }), 'v2')).toThrow(/no snapshot/);
  });
});

describe('planUndelete', () => {
  const target = { table: 't', id: 'x y', snapshot: local, ifMatch: 'Mg==' };
  const cases = [
    { id: 'U-05', dialect: 'v3', want: { method: 'PUT', path: '/tables/t/x%20y?__includedeleted=true', headers: { 'zumo-api-version': '3.0.0', 'content-type': 'application/json', 'if-match': '"Mg=="' }, body: { id: 'x y', text: 'new', done: true } } },
    { id: 'U-04', dialect: 'v2', want: { method: 'POST', path: '/tables/t/x%20y', headers: { 'zumo-api-version': '2.0.0', 'if-match': '"Mg=="' }, body: null } },
  ] as const;
  test.each(cases)('$id: K-05 $dialect undelete form', ({ dialect, want }) => {
    const r = planUndelete(target, dialect);
    expect({ ...r, body: r.body === null ? null : JSON.parse(r.body) as unknown }).toEqual(want);
  });
});

describe('planLookup', () => {
  const cases = [
    { dialect: 'v2', table: 't', id: 'abc', want: "/tables/t?$filter=(id%20eq%20'abc')&__includeDeleted=true", version: '2.0.0' },
    { dialect: 'v3', table: 't', id: "it's", want: "/tables/t?$filter=(id%20eq%20'it''s')&__includeDeleted=true", version: '3.0.0' },
    { dialect: 'v3', table: 'a b', id: 'x&y=z#', want: "/tables/a%20b?$filter=(id%20eq%20'x%26y%3Dz%23')&__includeDeleted=true", version: '3.0.0' },
  ] as const;
  test.each(cases)('U-12: $dialect lookup of $id', ({ dialect, table, id, want, version }) => {
    expect(planLookup(table, id, dialect)).toEqual({ method: 'GET', path: want, headers: { 'zumo-api-version': version }, body: null });
  });
});

describe('withAppPreconditions', () => {
  const request = { method: 'PATCH', path: '/tables/t/a', headers: { 'zumo-api-version': '2.0.0', 'content-type': 'application/json', 'if-match': '"base"' }, body: '{"id":"a","text":"x"}' } as const;

  test('T-02: the app\'s If-Match replaces the op\'s; none when the app sent none', () => {
    expect(withAppPreconditions(request, { ifMatch: '"old", W/"x"', bodyVersion: null }).headers).toEqual({ ...request.headers, 'if-match': '"old", W/"x"' });
    expect(withAppPreconditions(request, { ifMatch: null, bodyVersion: null })).toEqual({ ...request, headers: { 'zumo-api-version': '2.0.0', 'content-type': 'application/json' } });
  });

  test('T-02: a v2 body version rides in the body, as the app sent it', () => {
    const sent = withAppPreconditions(request, { ifMatch: null, bodyVersion: 'v7' });
    expect([sent.headers['if-match'], JSON.parse(sent.body ?? '')]).toEqual([undefined, { id: 'a', text: 'x', version: 'v7' }]);
    const del = { ...request, method: 'DELETE' as const, body: null };
    expect(withAppPreconditions(del, { ifMatch: null, bodyVersion: 'v7' }).body).toBeNull();
  });
});
