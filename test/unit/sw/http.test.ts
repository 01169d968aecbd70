import { expect, test } from 'vitest';
import { toHttpRequest, toResponse } from '../../../sw/http.js';

test('a Request becomes plain data: absolute URL, lowercased headers, body text', async () => {
  const request = new Request('http://127.0.0.1:8080/tables/todoitem?$top=5', {
    method: 'post',
    headers: { 'Content-Type': 'application/json', 'ZUMO-API-VERSION': '2.0.0' },
    body: '{"text":"x"}',
  });
  expect(await toHttpRequest(request)).toEqual({
    method: 'POST',
    url: 'http://127.0.0.1:8080/tables/todoitem?$top=5',
    headers: { 'content-type': 'application/json', 'zumo-api-version': '2.0.0' },
    body: '{"text":"x"}',
  });
  expect((await toHttpRequest(new Request('http://x/tables/t', { method: 'DELETE' }))).body).toBeNull();
});

test('F-14: a method fetch leaves lowercase stays lowercase, as a server sees it', async () => {
  expect((await toHttpRequest(new Request('http://x/tables/t/a', { method: 'patch' }))).method).toBe('patch');
});

test('a TableResponse becomes a JSON Response marked x-tablesync: local; 204 and 304 have no body', async () => {
  const ok = toResponse({ status: 201, headers: { etag: '"v1"', location: 'http://x/tables/t/a' }, body: { id: 'a' } });
  expect([ok.status, ok.headers.get('content-type'), ok.headers.get('x-tablesync'), ok.headers.get('etag')]).toEqual([
    201,
    'application/json; charset=utf-8',
    'local',
    '"v1"',
  ]);
  expect(await ok.json()).toEqual({ id: 'a' });
  for (const status of [204, 304]) {
    const empty = toResponse({ status, headers: { 'content-type': 'application/json' }, body: null });
    expect([empty.status, await empty.text(), empty.headers.get('content-type')]).toEqual([status, '', null]);
  }
});

test('T-03: answers carry the reason phrase a server sends (clients read it as the error message)', () => {
  expect([412, 404, 201, 507, 599].map((status) => toResponse({ status, headers: {}, body: { id: 'a' } }).statusText)).toEqual([
    'Precondition Failed',
    'Not Found',
    'Created',
    'Insufficient Storage',
    '',
  ]);
});
