import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunningServer } from '../../src/server/start-server.js';
import { ERROR_CODES, INJECT, badInputCorpus } from '../support/bad-input-corpus.js';
import { createClient, type Client } from './support/client.js';
import { DATABASES } from './support/databases.js';
import { rawRequest } from './support/raw-request.js';
import { startTestServer } from './support/test-server.js';

// The bad-input corpus (test/support/bad-input-corpus.ts; DESIGN.md §6, S-36, S-39) over a raw
// socket: no answer is a 5xx; every error is `{"error", "code"}`; the stored rows are the same afterwards.
const json = 'application/json';
const enc = encodeURIComponent;

describe.each(DATABASES)('the bad-input corpus on %s', (kind) => {
  let server: RunningServer;
  let dispose: () => Promise<void>;
  let api: Client;
  let before: unknown;
  const snapshot = async (): Promise<unknown> => (await api('GET', '/tables/todoitem?__includeDeleted=true&$top=1000', { dialect: 'v2' })).body;

  beforeAll(async () => {
    ({ server, dispose } = await startTestServer(kind, 'badinput'));
    api = createClient(server.url);
    await api('POST', '/tables/todoitem', { dialect: 'v2', body: { id: 'a', text: 'apple', n: 1 } });
    await api('POST', '/tables/todoitem', { dialect: 'v2', body: { id: 'b', text: 'banana', n: 2 } });
    await api('DELETE', '/tables/todoitem/b', { dialect: 'v2' });
    before = await snapshot();
  });
  afterAll(async () => dispose());

  const all = [...badInputCorpus('v2').map((c) => ({ ...c, dialect: 'v2' as const })), ...badInputCorpus('v3').map((c) => ({ ...c, dialect: 'v3' as const }))];

  test('S-36: the corpus holds at least 150 requests', () => {
    expect(all.length).toBeGreaterThanOrEqual(150);
  });

  test.each(all)('S-36, S-39: $dialect $name', async ({ dialect, method, path, body, contentType, headers, want }) => {
    const versionHeader = headers?.['zumo-api-version'] !== undefined || /zumo-api-version=/i.test(path) ? {} : { 'zumo-api-version': dialect === 'v2' ? '2.0.0' : '3.0.0' };
    const r = await rawRequest(server.url, {
      method,
      path,
      headers: { ...versionHeader, ...(body !== undefined && contentType !== null ? { 'content-type': contentType ?? json } : {}), ...headers },
      ...(body !== undefined ? { body } : {}),
    });
    expect(r.status, r.text.slice(0, 300)).toBeLessThan(500);
    if (want !== undefined) expect(r.status, r.text.slice(0, 300)).toBe(want[0]);
    if (r.status >= 400 && r.status !== 409 && r.status !== 412) {
      // S-39: every error answer is {"error": <non-empty>, "code": <a §2.6 code>} (HEAD answers carry no body).
      if (method !== 'HEAD') {
        expect(r.headers['content-type']).toMatch(/^application\/json/);
        const parsed = JSON.parse(r.text) as { error: unknown; code: unknown };
        expect(typeof parsed.error === 'string' && parsed.error !== '').toBe(true);
        expect(ERROR_CODES.has(String(parsed.code)), String(parsed.code)).toBe(true);
        if (want !== undefined && want[1] !== '') expect(parsed.code).toBe(want[1]);
      }
    }
  });

  test('S-36: after the corpus the stored rows are unchanged', async () => {
    expect(await snapshot()).toEqual(before);
  });

  test.each(INJECT)('S-36: the value %s is stored and found verbatim', async (value) => {
    const id = `inj-${INJECT.indexOf(value)}`;
    const created = await api('POST', '/tables/todoitem', { dialect: 'v3', body: { id, text: value } });
    expect(created.status).toBe(201);
    const found = await api('GET', `/tables/todoitem?$filter=${enc(`text eq '${value.replaceAll("'", "''")}'`)}`, { dialect: 'v3' });
    expect(found.body.items).toEqual([created.body]);
  });
});
