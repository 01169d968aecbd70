import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/start-server.js';
import { rawRequest } from './support/raw-request.js';

// A path that is neither a table route nor a served file is a plain 404 `not_found`; a name under
// /tables/ keeps its table's answers. The embedded database lives inside the web root here on
// purpose (DATA_DIR under PUBLIC_DIR): its files, and any dot path, must still never be served.
describe('plain 404s, and the database never served', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'tablesync-404-'));
  const www = path.join(root, 'www');
  let server: RunningServer;

  beforeAll(async () => {
    mkdirSync(path.join(www, '.data'), { recursive: true });
    writeFileSync(path.join(www, 'index.html'), '<!doctype html><title>app</title>');
    writeFileSync(path.join(www, 'app.js'), 'console.log(1)');
    writeFileSync(path.join(www, '.data', 'secret'), 'SENTINEL-DATA');
    writeFileSync(path.join(www, '.env'), 'SENTINEL=1');
    server = await startServer({ port: 0, dataDir: path.join(www, 'db'), publicDir: www });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(root, { recursive: true, force: true });
  });

  const get = async (method: string, pathname: string) => {
    const r = await rawRequest(server.url, { method, path: pathname, headers: { 'zumo-api-version': '3.0.0' } });
    const body = r.headers['content-type']?.startsWith('application/json') ? (JSON.parse(r.text) as { code?: string; error?: string }) : null;
    return { status: r.status, code: body?.code ?? null, error: body?.error ?? null, text: r.text };
  };

  test('S-05: the app\'s own files are served', async () => {
    expect((await get('GET', '/')).status).toBe(200);
    expect((await get('GET', '/app.js')).text).toBe('console.log(1)');
  });

  test.each([
    ['GET', '/nonexistent'],
    ['POST', '/nonexistent'],
    ['GET', '/tables'],
    ['GET', '/tables/'],
    ['DELETE', '/tables//a'],
    ['GET', '/.data/'],
    ['GET', '/.data/secret'],
    ['GET', '/%2Edata/secret'],
    ['GET', '/.env'],
    ['GET', '/db/'],
    ['GET', '/db/PG_VERSION'],
    ['GET', '/d%62/PG_VERSION'],
    ['GET', '/app.js/../db/PG_VERSION'],
    ['GET', '/%2e%2e/package.json'],
    ['GET', '/x%ZZ'],
  ])('S-05, S-39: %s %s is a plain 404 not_found', async (method, pathname) => {
    const r = await get(method, pathname);
    expect([r.status, r.code], r.text.slice(0, 200)).toEqual([404, 'not_found']);
    expect(r.error).not.toMatch(/Table/);
    expect(r.text).not.toMatch(/SENTINEL|^\d+\s*$/);
  });

  test('S-05: the database files exist where a static server would find them', () => {
    expect(existsSync(path.join(www, 'db', 'PG_VERSION'))).toBe(true);
  });

  test.each([
    ['GET', '/tables/nope', 404, 'table_not_found'],
    ['GET', '/tables/%ZZ', 404, 'table_not_found'],
    ['PROPFIND', '/tables/todoitem', 405, 'method_not_allowed'],
    ['FOO', '/tables/todoitem/a', 405, 'method_not_allowed'],
    ['patch', '/tables/todoitem/a', 405, 'method_not_allowed'],
    ['GET', '/tables/todoitem/a/b', 400, 'invalid_id'],
    ['GET', '/tables/todoitem/%ZZ', 400, 'invalid_id'],
  ] as const)('S-05: %s %s under /tables/ keeps the table\'s answer %i %s', async (method, pathname, status, code) => {
    const r = await get(method, pathname);
    expect([r.status, r.code], r.text.slice(0, 200)).toEqual([status, code]);
  });

  test('S-05: a method Node cannot parse still gets Allow on a table', async () => {
    const r = await rawRequest(server.url, { method: 'FOO', path: '/tables/todoitem' });
    expect([r.status, r.headers['allow']]).toEqual([405, 'GET, POST']);
  });
});
