/**
 * The genuine Azure Mobile Apps Node server's answers (npm azure-mobile-apps 4.0.2 on SQLite, recorded
 * from test/support/azure-sdk-server.cjs) classified by the engine's core, one case per quirk of
 * PROTOCOL.md tagged [node] / [node4]; the browser suite (test/browser/azure-sdk-*.test.ts) proves
 * the same end to end.
 */
import { describe, expect, test } from 'vitest';
import type { Item } from '../../../src/core/item.js';
import type { Op } from '../../../src/core/op.js';
import { planLookup, planOpRequest } from '../../../src/core/dialect/outbound.js';
import { classifyLookupResponse, classifyPushResponse, type PushAnswer } from '../../../src/core/push-outcome.js';

/** Rows as the SDK sends them: declared columns it never got come back null; versions count per row from "MQ==" (1). */
const v1: Item = { text: 'x', done: false, rank: 1, note: null, id: 'a', createdAt: '2026-12-04T18:21:40.736Z', updatedAt: '2026-12-04T18:21:40.736Z', version: 'MQ==', deleted: false };
const v2: Item = { ...v1, text: 'z', updatedAt: '2026-12-04T18:21:44.422Z', version: 'Mg==' };
const tombstone: Item = { ...v2, updatedAt: '2026-12-04T18:21:44.459Z', version: 'Mw==', deleted: true };
const NOT_FOUND = { error: 'The item does not exist' };

const op = (fields: Partial<Op>): Op => ({
  seq: 1, table: 'todoitem', itemId: 'a', kind: 'update', snapshot: { ...v1, text: 'mine' }, baseVersion: 'MQ==', baseRow: v1, serverRow: null,
  state: 'inflight', attempted: true, attempts: 1, lastAttemptAt: 0, lastStatus: null, lastError: null,
  editCounter: 0, identity: null, editedAt: 0, blockedReason: null, nextAttemptAt: null, ...fields,
});
const insert = op({ kind: 'insert', snapshot: { id: 'a', text: 'y' }, baseVersion: null, baseRow: null });
const update = op({});
const del = op({ kind: 'delete', snapshot: null });
const answer = (status: number, body: unknown): PushAnswer => ({ kind: 'response', status, body, retryAfter: null });

describe('the Azure Mobile Apps Node server, as recorded', () => {
  test('U-12 P9: [node] answers an insert of an existing id 409 with the request echoed (no version): the row is looked up, then it conflicts', () => {
    expect(classifyPushResponse(insert, answer(409, { id: 'a', text: 'y' }), 0)).toEqual({ kind: 'needs-lookup', status: 409 });
    expect(classifyLookupResponse(insert, 409, answer(200, [v1]), 0)).toEqual({ kind: 'conflict', reason: 'already-exists', status: 409, serverRow: v1 });
  });

  test('U-11 U-12 P10: the same echo for an insert whose own earlier attempt landed is adopted after the lookup', () => {
    const landed = { ...v1, text: 'y', done: null, rank: null };
    expect(classifyLookupResponse(insert, 409, answer(200, [landed]), 0)).toEqual({ kind: 'adopt', serverRow: landed });
  });

  test('K-01 U-12 P18: [node4] answers an update of a tombstone 404 with an error body: the lookup finds the tombstone, deleted-on-server', () => {
    expect(classifyPushResponse(update, answer(404, NOT_FOUND), 0)).toEqual({ kind: 'needs-lookup', status: 404 });
    expect(classifyLookupResponse(update, 404, answer(200, [tombstone]), 0)).toEqual({ kind: 'conflict', reason: 'deleted-on-server', status: 404, serverRow: tombstone });
  });

  test('U-10 P11 P18: [node4] answers a delete of a tombstone 404: the delete is done', () => {
    expect(classifyPushResponse(del, answer(404, NOT_FOUND), 0)).toEqual({ kind: 'done-gone', serverRow: null });
  });

  test('K-01: [node] answers a stale If-Match 412 with the current row and its version', () => {
    expect(classifyPushResponse(update, answer(412, v2), 0)).toEqual({ kind: 'conflict', reason: 'precondition', status: 412, serverRow: v2 });
    expect(classifyPushResponse(del, answer(412, v2), 0)).toEqual({ kind: 'conflict', reason: 'precondition', status: 412, serverRow: v2 });
  });

  test('U-14: [node] answers 500 to what it cannot run (an undeclared column, a malformed filter); the push backs off', () => {
    expect(classifyPushResponse(insert, answer(500, { error: 'SQLITE_ERROR: table todoitem has no column named complete' }), 0)).toEqual({ kind: 'retry', status: 500, retryAfterMs: null });
  });

  test('U-04 U-06 U-12 P18: every request names ZUMO-API-VERSION 2.0.0 (the SDK answers 400 without it); If-Match quotes the version; no body system properties ([node] 400 reserved)', () => {
    const patch = planOpRequest({ ...update, snapshot: { ...v2, text: 'mine' } }, 'v2');
    expect(patch.headers).toEqual({ 'zumo-api-version': '2.0.0', 'content-type': 'application/json', 'if-match': '"MQ=="' });
    expect(JSON.parse(patch.body ?? '{}')).toEqual({ id: 'a', text: 'mine', done: false, rank: 1, note: null });
    expect(planLookup('todoitem', "it's", 'v2')).toEqual({
      method: 'GET',
      path: "/tables/todoitem?$filter=(id%20eq%20'it''s')&__includeDeleted=true",
      headers: { 'zumo-api-version': '2.0.0' },
      body: null,
    });
  });
});
