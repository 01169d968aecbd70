import { describe, expect, test } from 'vitest';
import type { Dialect, Precondition } from '../../../../src/core/dialect/types.js';
import { validateWriteBody, type WriteRequest } from '../../../../src/core/dialect/validate-write-body.js';

const url = 'http://h/tables/t';
const insert = (dialect: Dialect, body: Record<string, unknown>): WriteRequest => ({ table: 't', dialect, url, kind: 'insert', body });
const update = (
  dialect: Dialect,
  body: Record<string, unknown>,
  mode: 'merge' | 'replace' = 'merge',
  ifMatch: Precondition | null = null,
): WriteRequest => ({ table: 't', dialect, url: `${url}/a`, kind: 'update', id: 'a', mode, ifMatch, undelete: false, body });

describe('validateWriteBody: accepted bodies', () => {
  const cases = [
    { id: 'S-07', name: 'v2 insert without id gives id null', req: insert('v2', { text: 'x' }), want: { id: null, fields: { text: 'x' }, expectedVersion: null } },
    { id: 'S-07', name: 'v3 insert with id null gives id null', req: insert('v3', { id: null, done: false }), want: { id: null, fields: { done: false }, expectedVersion: null } },
    { id: 'S-06', name: 'an insert keeps its id', req: insert('v3', { id: 'abc', n: 1.5, s: null }), want: { id: 'abc', fields: { n: 1.5, s: null }, expectedVersion: null } },
    { id: 'S-20', name: 'an update without a body id takes the URL id', req: update('v2', { text: 'y' }), want: { id: 'a', fields: { text: 'y' }, expectedVersion: null } },
    { id: 'S-20', name: 'an update with the same id', req: update('v3', { id: 'a', text: 'y' }, 'replace'), want: { id: 'a', fields: { text: 'y' }, expectedVersion: null } },
    { id: 'S-10', name: 'v3 ignores system properties', req: insert('v3', { id: 'b', createdAt: 'x', updatedAt: 1, DELETED: true, version: 'v' }), want: { id: 'b', fields: {}, expectedVersion: null } },
    { id: 'S-19', name: 'a v2 PATCH body version without If-Match is the expected version', req: update('v2', { version: 'MQ==', t: 1 }), want: { id: 'a', fields: { t: 1 }, expectedVersion: 'MQ==' } },
    { id: 'S-19', name: 'If-Match wins over a v2 PATCH body version', req: update('v2', { version: 'MQ==' }, 'merge', { kind: 'any' }), want: { id: 'a', fields: {}, expectedVersion: null } },
    { id: 'S-19', name: 'v3 ignores a PATCH body version', req: update('v3', { version: 'MQ==' }), want: { id: 'a', fields: {}, expectedVersion: null } },
    { id: 'S-19', name: 'a v2 PUT body version is dropped', req: update('v2', { version: 'MQ==' }, 'replace'), want: { id: 'a', fields: {}, expectedVersion: null } },
    { id: 'S-19', name: 'a null v2 body version is no expectation', req: update('v2', { version: null }), want: { id: 'a', fields: {}, expectedVersion: null } },
    { id: 'S-19', name: 'a v2 insert body version is dropped', req: insert('v2', { version: 'MQ==' }), want: { id: null, fields: {}, expectedVersion: null } },
    { id: 'S-11', name: 'field names at the edges of the rule', req: insert('v3', { _: 1, a_1: 2, ['A'.repeat(128)]: 3 }), want: { id: null, fields: { _: 1, a_1: 2, ['A'.repeat(128)]: 3 }, expectedVersion: null } },
  ];
  test.each(cases)('$id: $name', ({ req, want }) => {
    expect(validateWriteBody(req, { reserved: 'reject' })).toEqual({ ok: true, value: want });
  });

  test('S-11: a __proto__ field is stored as a plain field, not a prototype', () => {
    const r = validateWriteBody(insert('v3', JSON.parse('{"__proto__": "x"}') as Record<string, unknown>), { reserved: 'reject' });
    expect(r.ok && Object.getPrototypeOf(r.value.fields)).toBe(Object.prototype);
    expect(r.ok && Object.getOwnPropertyDescriptor(r.value.fields, '__proto__')?.value).toBe('x');
  });
});

describe('validateWriteBody: v2 reserved properties', () => {
  const props = ['createdAt', 'updatedAt', 'deleted', 'CREATEDAT', 'Deleted', 'updatedat'];
  test.each(props)('S-10: v2 %s gets reserved_property on the server', (property) => {
    for (const req of [insert('v2', { [property]: 'x' }), update('v2', { [property]: 'x' })]) {
      const r = validateWriteBody(req, { reserved: 'reject' });
      expect(r.ok ? null : [r.error.code, r.error.details['property']]).toEqual(['reserved_property', property]);
    }
  });
  test.each(props)('F-12: v2 %s is dropped by a non-strict façade', (property) => {
    const r = validateWriteBody(insert('v2', { [property]: 'x', text: 't' }), { reserved: 'drop' });
    expect(r).toEqual({ ok: true, value: { id: null, fields: { text: 't' }, expectedVersion: null } });
  });
  test('F-12: a v2 PATCH body version still acts as If-Match in the façade', () => {
    const r = validateWriteBody(update('v2', { version: 'v9', updatedAt: 'x' }), { reserved: 'drop' });
    expect(r.ok && r.value.expectedVersion).toBe('v9');
  });
});

describe('validateWriteBody: refused bodies', () => {
  const cases = [
    { id: 'S-11', name: 'a nested object', req: insert('v3', { a: { b: 1 } }), code: 'invalid_item' },
    { id: 'S-11', name: 'an array value', req: insert('v2', { a: [1] }), code: 'invalid_item' },
    { id: 'S-11', name: 'a field name with a dash', req: insert('v3', { 'a-b': 1 }), code: 'invalid_item' },
    { id: 'S-11', name: 'a field name starting with a digit', req: update('v2', { '1a': 1 }), code: 'invalid_item' },
    { id: 'S-11', name: 'a field name of 129 characters', req: insert('v3', { ['a'.repeat(129)]: 1 }), code: 'invalid_item' },
    { id: 'S-11', name: 'an empty field name', req: insert('v3', { '': 1 }), code: 'invalid_item' },
    { id: 'S-11', name: 'a v2 PATCH body version that is not a string', req: update('v2', { version: 5 }), code: 'invalid_item' },
    { id: 'F-14', name: 'a string holding NUL (the server cannot store it)', req: insert('v3', { text: 'a\u0000b' }), code: 'invalid_item' },
    { id: 'F-14', name: 'a string holding an unpaired surrogate', req: update('v2', { text: '\ud800x' }), code: 'invalid_item' },
    { id: 'F-14', name: 'a number JSON reads as Infinity (1e999)', req: insert('v3', { n: Number.POSITIVE_INFINITY }), code: 'invalid_item' },
    { id: 'F-14', name: 'a body id holding an unpaired surrogate', req: insert('v3', { id: 'a\udc00' }), code: 'invalid_id' },
    { id: 'S-08', name: 'an empty id', req: insert('v3', { id: '' }), code: 'invalid_id' },
    { id: 'S-08', name: 'the id ".."', req: insert('v2', { id: '..' }), code: 'invalid_id' },
    { id: 'S-08', name: 'an id with a slash', req: insert('v3', { id: 'a/b' }), code: 'invalid_id' },
    { id: 'S-08', name: 'an id of 256 characters', req: insert('v3', { id: 'x'.repeat(256) }), code: 'invalid_id' },
    { id: 'S-08', name: 'a numeric id', req: insert('v2', { id: 7 }), code: 'invalid_id' },
    { id: 'S-20', name: 'a body id unlike the URL id', req: update('v3', { id: 'b' }), code: 'id_mismatch' },
    { id: 'S-20', name: 'a v2 body id unlike the URL id', req: update('v2', { id: 'b' }, 'replace'), code: 'id_mismatch' },
  ];
  test.each(cases)('$id: $name gets $code', ({ req, code }) => {
    for (const reserved of ['reject', 'drop'] as const) {
      const r = validateWriteBody(req, { reserved });
      expect(r.ok ? null : r.error.code).toBe(code);
    }
  });
});
