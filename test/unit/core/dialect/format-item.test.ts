import { describe, expect, test } from 'vitest';
import { formatConflict, formatCreated, formatDeleted, formatItem, formatNotModified } from '../../../../src/core/dialect/format-item.js';
import type { Item } from '../../../../src/core/item.js';

const JSON_TYPE = 'application/json; charset=utf-8';
const row: Item = {
  id: 'a b/c',
  createdAt: '2024-01-02T03:04:05.678Z',
  updatedAt: '2024-01-02T03:04:05.678Z',
  version: 'MQ==',
  deleted: false,
  text: 'x',
};
const rowHeaders = { etag: '"MQ=="', 'last-modified': 'Tue, 02 Jan 2024 03:04:05 GMT' };

describe('item responses', () => {
  test('S-14: GET by id gives 200, the row, ETag and Last-Modified (both dialects)', () => {
    expect(formatItem(row)).toEqual({
      status: 200,
      headers: { 'content-type': JSON_TYPE, 'cache-control': 'no-cache', ...rowHeaders },
      body: row,
    });
  });

  const noVersion = [
    { id: 'F-07', name: 'a never-acknowledged row has no ETag or Last-Modified', item: { id: 'a', deleted: false, t: 1 } },
    { id: 'F-07', name: 'an unparsable updatedAt gives no Last-Modified', item: { id: 'a', updatedAt: 'soon', deleted: false } },
  ];
  test.each(noVersion)('$id: $name', ({ item }) => {
    expect(formatItem(item).headers).toEqual({ 'content-type': JSON_TYPE, 'cache-control': 'no-cache' });
  });

  test('S-18: an ETag escapes a quote in the version', () => {
    expect(formatItem({ id: 'a', version: 'x"y' }).headers['etag']).toBe('"x\\"y"');
  });

  const created = [
    { id: 'S-06', url: 'http://127.0.0.1:8080/tables/todoitem', want: 'http://127.0.0.1:8080/tables/todoitem/a%20b%2Fc' },
    { id: 'S-06', url: 'http://127.0.0.1:8080/tables/todoitem/?zumo-api-version=2.0.0', want: 'http://127.0.0.1:8080/tables/todoitem/a%20b%2Fc' },
    { id: 'F-08', url: 'https://h/api/tables/todoitem#x', want: 'https://h/api/tables/todoitem/a%20b%2Fc' },
    { id: 'S-22', url: 'http://h/tables/todoitem/a%20b%2Fc?zumo-api-version=2.0.0', want: 'http://h/tables/todoitem/a%20b%2Fc' },
    { id: 'S-06', url: '/tables/todoitem', want: '/tables/todoitem/a%20b%2Fc' },
    { id: 'S-06', url: 'http://h/elsewhere', want: 'http://h/elsewhere/a%20b%2Fc' },
  ];
  test.each(created)('$id: 201 from $url has Location $want', ({ url, want }) => {
    expect(formatCreated(row, url)).toEqual({
      status: 201,
      headers: { 'content-type': JSON_TYPE, 'cache-control': 'no-cache', ...rowHeaders, location: want },
      body: row,
    });
  });

  test('S-22: 201 for a row without id still builds a Location', () => {
    expect(formatCreated({ text: 'x' }, 'http://h/tables/t').headers['location']).toBe('http://h/tables/t/');
  });

  const deleted = [
    { id: 'S-23', dialect: 'v2', want: { status: 200, headers: { 'content-type': JSON_TYPE, 'cache-control': 'no-cache', ...rowHeaders }, body: { ...row, deleted: true } } },
    { id: 'S-23', dialect: 'v3', want: { status: 204, headers: { 'cache-control': 'no-cache' }, body: null } },
  ] as const;
  test.each(deleted)('$id: $dialect DELETE answer', ({ dialect, want }) => {
    expect(formatDeleted(dialect, { ...row, deleted: true })).toEqual(want);
  });
  test('S-24: a v2 hard delete answers the last row with deleted: true', () => {
    expect(formatDeleted('v2', row).body).toEqual({ ...row, deleted: true });
  });

  test('S-14: 304 has ETag and Last-Modified and no body (both dialects)', () => {
    expect(formatNotModified(row)).toEqual({ status: 304, headers: { 'cache-control': 'no-cache', ...rowHeaders }, body: null });
  });

  test.each([409, 412] as const)('S-18: %i carries the current row and its ETag', (status) => {
    expect(formatConflict(status, row)).toEqual({
      status,
      headers: { 'content-type': JSON_TYPE, 'cache-control': 'no-cache', ...rowHeaders },
      body: row,
    });
  });
});
