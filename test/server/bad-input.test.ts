import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunningServer } from '../../src/server/start-server.js';
import { createClient, type Client } from './support/client.js';
import { DATABASES } from './support/databases.js';
import { rawRequest } from './support/raw-request.js';
import { startTestServer } from './support/test-server.js';

// The bad-input corpus (DESIGN.md §6, S-36, S-39): malformed bodies, ids, media types, sizes, tables,
// OData, versions, and SQL injection in every query option, field name and value. No answer is a 5xx;
// every error is `{"error", "code"}`; the stored rows are the same afterwards.
const CODES = new Set([
  'invalid_api_version', 'method_not_allowed', 'table_not_found', 'item_not_found', 'item_deleted', 'id_mismatch', 'id_conflict',
  'invalid_json', 'invalid_item', 'invalid_id', 'reserved_property', 'unauthorized', 'unsupported_media_type', 'payload_too_large',
  'invalid_filter', 'invalid_query', 'top_too_large',
]);
const INJECT = ["'; drop table todoitem; --", "' or '1'='1", '"; delete from todoitem; --', '$$; drop table todoitem; $$', "\\'; select pg_sleep(5); --"];

interface Bad {
  readonly name: string;
  readonly method: string;
  readonly path: string;
  readonly body?: string;
  readonly contentType?: string | null;
  readonly headers?: Readonly<Record<string, string>>;
  /** The status and code it must get, when only one is right. */
  readonly want?: readonly [number, string];
}

const json = 'application/json';
const q = (query: string): string => `/tables/todoitem?${query}`;
const enc = encodeURIComponent;

function corpus(dialect: 'v2' | 'v3'): Bad[] {
  const cases: Bad[] = [];
  const add = (c: Bad): void => void cases.push(c);
  const writes = [
    ['POST', '/tables/todoitem'],
    ['PATCH', '/tables/todoitem/a'],
    ['PUT', '/tables/todoitem/a'],
  ] as const;
  for (const [method, path] of writes) {
    for (const body of ['{', '{"text":}', '{"text":"x",}', 'nul', "{'text':'x'}", '{"text":"x"}}', '{"text":"x"', '\u0000', ''.padEnd(3, '{')]) {
      add({ name: `${method} malformed JSON ${JSON.stringify(body)}`, method, path, body, want: [400, 'invalid_json'] });
    }
    for (const body of ['[]', '[{"text":"x"}]', '1', '"x"', 'true', 'null']) add({ name: `${method} non-object ${body}`, method, path, body, want: [400, 'invalid_item'] });
    for (const body of ['{"a":{"b":1}}', '{"a":[1]}', '{"a":[]}', '{"a":{}}', '{"text":"a\\u0000b"}', '{"text":"\\ud800"}', '{"n":1e999}']) {
      add({ name: `${method} bad value ${body}`, method, path, body, want: [400, 'invalid_item'] });
    }
    for (const name of ['a-b', '1a', 'a b', '', "a'; drop table todoitem; --", 'text"', 'data->>0', '\u00e9', 'x'.repeat(129), ...INJECT]) {
      add({ name: `${method} field name ${JSON.stringify(name)}`, method, path, body: JSON.stringify({ [name]: 1 }), want: [400, 'invalid_item'] });
    }
    for (const type of ['text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'application/jsonx', null]) {
      add({ name: `${method} Content-Type ${String(type)}`, method, path, body: '{"text":"x"}', contentType: type, want: [415, 'unsupported_media_type'] });
    }
    add({ name: `${method} body over the limit`, method, path, body: JSON.stringify({ text: 'x'.repeat(1024 * 1024 + 10) }), want: [413, 'payload_too_large'] });
    if (dialect === 'v2') {
      for (const name of ['createdAt', 'updatedAt', 'deleted', 'CREATEDAT', 'Deleted']) {
        add({ name: `${method} reserved ${name}`, method, path, body: JSON.stringify({ [name]: true }), want: [400, 'reserved_property'] });
      }
    }
  }
  for (const id of ['', '..', '.', 'a/b', 'a?b', 'a+b', 'a"b', 'a\\b', 'a`b', '\u0001', ' ', 'x'.repeat(256), 42, true, {}, [], ...INJECT.filter((s) => /[+"/?\\`]/.test(s))]) {
    add({ name: `POST body id ${JSON.stringify(id).slice(0, 40)}`, method: 'POST', path: '/tables/todoitem', body: JSON.stringify({ id, text: 'x' }), want: [400, 'invalid_id'] });
  }
  add({ name: 'PATCH body id unlike the URL', method: 'PATCH', path: '/tables/todoitem/a', body: '{"id":"b","text":"x"}', want: [400, 'id_mismatch'] });
  for (const table of ['nope', 'TODOITEM', 'todoitem%00', enc("'; drop table todoitem; --"), 'todoitem;drop', 'pg_catalog.pg_user', '..%2F..%2Fetc', 'todoitem%22']) {
    add({ name: `unknown table ${table}`, method: 'GET', path: `/tables/${table}`, want: [404, 'table_not_found'] });
  }
  for (const method of ['PATCH', 'DELETE', 'PUT', 'HEAD']) add({ name: `${method} on the collection`, method, path: '/tables/todoitem', want: [405, 'method_not_allowed'] });
  for (const id of ['%2E%2E', 'a%2Fb', '%00', 'a%3Fb', '%E0%A4%A', '%ED%A0%80', 'x'.repeat(256), '%20']) {
    for (const method of ['GET', 'PATCH', 'DELETE', 'POST']) {
      add({ name: `${method} URL id ${id.slice(0, 20)}`, method, path: `/tables/todoitem/${id}`, ...(method === 'PATCH' ? { body: '{"text":"x"}' } : {}), want: [400, 'invalid_id'] });
    }
  }
  for (const s of INJECT.filter((x) => !/[+"/?\\`]/.test(x))) {
    for (const method of ['GET', 'PATCH', 'DELETE', 'POST']) {
      add({ name: `${method} URL id injection ${s}`, method, path: `/tables/todoitem/${enc(s)}`, ...(method === 'PATCH' ? { body: '{"text":"x"}' } : {}), want: [404, 'item_not_found'] });
    }
  }
  const filters = ['text eq', "text eq 'unterminated", 'eq 1', '((n eq 1)', 'n eq 1)', 'geo.distance(a,b) lt 1', "any(x: x eq 1)", 'now() gt 1',
    "a has b", "n eq duration'P1D'", 'foo(a)', "substringof('a')", 'length()', 'a/b eq 1', 'n eq 1 and', 'not', '$it eq 1', '@p eq 1', 'n eq 1e',
    'n eq 0x1', 'n eq [1]', 'text eq $$x$$', "text eq E'\\x27'", 'pg_sleep(10) eq 1', '(select 1) eq 1', "text eq 'a'; drop table todoitem; --",
    'n eq 1 -- comment', 'n eq 1 /* c */', 'text eq "x"', `${'('.repeat(150)}n eq 1${')'.repeat(150)}`, Array(2002).fill('(n)').join('or'),
    "text eq 'x' collate \"C\"", 'n::text eq 1', "isof(text, 'Edm.String')", 'n in ()', 'n in (text)'];
  for (const f of filters) add({ name: `$filter=${f.slice(0, 40)}`, method: 'GET', path: q(`$filter=${enc(f)}`), want: [400, 'invalid_filter'] });
  for (const s of INJECT) add({ name: `$filter value injection ${s}`, method: 'GET', path: q(`$filter=${enc(`text eq '${s.replaceAll("'", "''")}'`)}`) });
  for (const o of ['text; drop table todoitem', 'text desc, (select 1)', 'pg_sleep(1)', 'text asc desc', 'text,,id', '1', "'text'", 'text collate "C"', 'text/x', "data->>'x'", ...INJECT]) {
    add({ name: `$orderby=${o}`, method: 'GET', path: q(`$orderby=${enc(o)}`) });
  }
  for (const s of ['text,(select 1)', '*; drop table todoitem', 'text,,id', "'text'", 'text desc', ...INJECT]) add({ name: `$select=${s}`, method: 'GET', path: q(`$select=${enc(s)}`) });
  for (const t of ['1; drop table todoitem', '-1', 'x', '1.5', '1e3', '99999999999999999999', '', ' 1', '0x10', ...INJECT]) {
    add({ name: `$top=${t}`, method: 'GET', path: q(`$top=${enc(t)}`), want: [400, 'invalid_query'] });
  }
  add({ name: '$top over maxTop', method: 'GET', path: q(`$top=${dialect === 'v2' ? 1001 : 128001}`), want: [400, 'top_too_large'] });
  for (const s of ['0 union select 1', '-1', 'x', '1.5', ...INJECT]) add({ name: `$skip=${s}`, method: 'GET', path: q(`$skip=${enc(s)}`), want: [400, 'invalid_query'] });
  for (const [name, value] of [['$inlinecount', 'allpages; drop'], ['$inlinecount', 'foo'], ['$count', 'maybe'], ['$count', '1'], ['$expand', 'x'], ['$format', 'json'], ['$search', 'x'], ['$apply', 'x'], ['$levels', '1'], [`$${INJECT[0] ?? ''}`, 'x']] as const) {
    add({ name: `${name}=${value}`, method: 'GET', path: q(`${enc(name)}=${enc(value)}`), want: [400, 'invalid_query'] });
  }
  add({ name: '__includeDeleted injection', method: 'GET', path: q(`__includeDeleted=${enc("true'; drop table todoitem; --")}`) });
  add({ name: 'malformed percent-encoding in the query', method: 'GET', path: q('$filter=%E0%A4%A') });
  for (const v of ['1.0.0', '2.1.0', 'x', '3', '4.0.0', "2.0.0'; drop table todoitem", '2.0.0.0']) {
    add({ name: `version header ${v}`, method: 'GET', path: '/tables/todoitem', headers: { 'zumo-api-version': v }, want: [400, 'invalid_api_version'] });
    add({ name: `version query ${v}`, method: 'GET', path: `/tables/todoitem?zumo-api-version=${enc(v)}`, want: [400, 'invalid_api_version'] });
  }
  for (const s of INJECT) {
    add({ name: `If-Match injection ${s}`, method: 'PATCH', path: '/tables/todoitem/a', body: '{"text":"x"}', headers: { 'if-match': `"${s.replaceAll('"', '\\"')}"` }, want: [412, ''] });
    add({ name: `If-None-Match injection ${s}`, method: 'GET', path: '/tables/todoitem/a', headers: { 'if-none-match': `"${s.replaceAll('"', '\\"')}"` } });
  }
  add({ name: 'a request line over the header limit', method: 'GET', path: q(`$filter=${'x'.repeat(20000)}`) });
  return cases;
}

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

  const all = [...corpus('v2').map((c) => ({ ...c, dialect: 'v2' as const })), ...corpus('v3').map((c) => ({ ...c, dialect: 'v3' as const }))];

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
        expect(CODES.has(String(parsed.code)), String(parsed.code)).toBe(true);
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
