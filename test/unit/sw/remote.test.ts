import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { createRemote } from '../../../sw/remote.js';

let server: http.Server;
let origin = '';
const seen: { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      if (req.url === '/hang') return;
      if (req.url === '/reset') return void req.socket.destroy();
      if (req.url === '/text') return void res.writeHead(500, { 'content-type': 'text/plain' }).end('oops');
      res.writeHead(201, { 'Content-Type': 'application/json; charset=utf-8', ETag: '"v1"' }).end(JSON.stringify({ id: 'a' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

test('sends the request to the upstream and parses a JSON answer, headers lowercased', async () => {
  const remote = createRemote({ upstream: origin, origin: 'http://app.example' });
  const answer = await remote.send({ method: 'POST', path: '/tables/t', headers: { 'ZUMO-API-VERSION': '3.0.0', 'content-type': 'application/json' }, body: '{"id":"a"}' });
  expect(answer).toMatchObject({ kind: 'response', status: 201, body: { id: 'a' }, headers: { etag: '"v1"', 'content-type': 'application/json; charset=utf-8' } });
  expect(seen.at(-1)).toMatchObject({ method: 'POST', url: '/tables/t', body: '{"id":"a"}', headers: { 'zumo-api-version': '3.0.0' } });
});

test('a non-JSON body is null; a dropped connection and a timeout are network errors', async () => {
  const remote = createRemote({ upstream: '', origin, timeoutMs: 200 });
  expect(await remote.send({ method: 'GET', path: '/text', headers: {}, body: null })).toMatchObject({ kind: 'response', status: 500, body: null });
  expect(await remote.send({ method: 'GET', path: '/reset', headers: {}, body: null })).toMatchObject({ kind: 'network-error' });
  expect(await remote.send({ method: 'GET', path: '/hang', headers: {}, body: null })).toMatchObject({ kind: 'network-error' });
});

test('cookies go only to a same-origin upstream', async () => {
  const calls: RequestInit[] = [];
  const fake = vi.fn(async (_url: RequestInfo | URL, init?: RequestInit) => (calls.push(init ?? {}), new Response(null, { status: 204 })));
  await createRemote({ upstream: '', origin, fetch: fake }).send({ method: 'DELETE', path: '/tables/t/a', headers: {}, body: null });
  await createRemote({ upstream: 'http://api.example', origin, fetch: fake }).send({ method: 'DELETE', path: '/tables/t/a', headers: {}, body: null });
  expect(calls.map((c) => c.credentials)).toEqual(['same-origin', 'omit']);
  expect(fake.mock.calls.map((c) => String(c[0]))).toEqual([`${origin}/tables/t/a`, 'http://api.example/tables/t/a']);
});
