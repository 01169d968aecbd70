/**
 * The bad-input corpus (DESIGN.md §6, S-36, S-39, F-14): malformed bodies, ids, media types,
 * sizes, tables, methods, OData options, versions, preconditions, and SQL injection in every query
 * option, field name and value. The server suite sends it over a raw socket
 * (test/server/bad-input.test.ts); the browser suite sends it from a page, through the worker and
 * straight to the server, and compares the two (test/browser/bad-input-worker.test.ts).
 *
 * The data it assumes: table `todoitem` holds a live row `a` (the server suite also has a
 * tombstone `b`), and nothing the corpus sends may succeed in writing.
 */
import type { Dialect } from '../../src/core/dialect/types.js';

/** One malformed request. */
export interface BadRequest {
  readonly name: string;
  readonly method: string;
  /** The raw path and query, sent as is by the socket client (a browser may normalise it). */
  readonly path: string;
  readonly body?: string;
  /** The body's Content-Type; default `application/json`; null sends none. */
  readonly contentType?: string | null;
  readonly headers?: Readonly<Record<string, string>>;
  /** The status and code it must get, when only one is right (`''`: any code). */
  readonly want?: readonly [number, string];
  /** Why a page cannot reproduce it through the worker, when it cannot (the browser suite leaves it out). */
  readonly serverOnly?: string;
}

/** The §2.6 codes an error body may carry. */
export const ERROR_CODES: ReadonlySet<string> = new Set([
  'invalid_api_version', 'method_not_allowed', 'not_found', 'table_not_found', 'item_not_found', 'item_deleted', 'id_mismatch',
  'id_conflict', 'invalid_json', 'invalid_item', 'invalid_id', 'reserved_property', 'unauthorized', 'unsupported_media_type',
  'payload_too_large', 'invalid_filter', 'invalid_query', 'top_too_large',
]);

/** SQL-injection attempts, stored and found verbatim where a value may hold them. */
export const INJECT: readonly string[] = [
  "'; drop table todoitem; --",
  "' or '1'='1",
  '"; delete from todoitem; --',
  '$$; drop table todoitem; $$',
  "\\'; select pg_sleep(5); --",
];

/** The default body limit of the server and the worker (1 MiB). */
export const BODY_LIMIT = 1024 * 1024;

const q = (query: string): string => `/tables/todoitem?${query}`;
const enc = encodeURIComponent;

/** The corpus for one dialect (v2 adds the reserved-property cases). */
export function badInputCorpus(dialect: Dialect): BadRequest[] {
  const cases: BadRequest[] = [];
  const add = (c: BadRequest): void => void cases.push(c);
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
    add({ name: `${method} body over the limit`, method, path, body: JSON.stringify({ text: 'x'.repeat(BODY_LIMIT + 10) }), want: [413, 'payload_too_large'] });
    // The size is read before the type, whatever the type (Fastify reads the body first).
    add({ name: `${method} text/plain body over the limit`, method, path, body: 'x'.repeat(BODY_LIMIT + 1), contentType: 'text/plain', want: [413, 'payload_too_large'] });
    add({ name: `${method} body over the limit in UTF-8 bytes only`, method, path, body: JSON.stringify({ text: '\u20ac'.repeat(BODY_LIMIT / 3 + 1) }), want: [413, 'payload_too_large'] });
    if (dialect === 'v2') {
      for (const name of ['createdAt', 'updatedAt', 'deleted', 'CREATEDAT', 'Deleted']) {
        add({ name: `${method} reserved ${name}`, method, path, body: JSON.stringify({ [name]: true }), want: [400, 'reserved_property'] });
      }
    }
  }
  add({ name: 'DELETE with a body over the limit', method: 'DELETE', path: '/tables/todoitem/a', body: 'x'.repeat(BODY_LIMIT + 1), contentType: 'text/plain', want: [413, 'payload_too_large'] });
  for (const id of ['', '..', '.', 'a/b', 'a?b', 'a+b', 'a"b', 'a\\b', 'a`b', '\u0001', ' ', 'x'.repeat(256), '\ud800', 42, true, {}, [], ...INJECT.filter((s) => /[+"/?\\`]/.test(s))]) {
    add({ name: `POST body id ${JSON.stringify(id).slice(0, 40)}`, method: 'POST', path: '/tables/todoitem', body: JSON.stringify({ id, text: 'x' }), want: [400, 'invalid_id'] });
  }
  add({ name: 'PATCH body id unlike the URL', method: 'PATCH', path: '/tables/todoitem/a', body: '{"id":"b","text":"x"}', want: [400, 'id_mismatch'] });
  add({ name: 'PUT body id unlike the URL', method: 'PUT', path: '/tables/todoitem/a', body: '{"id":"A","text":"x"}', want: [400, 'id_mismatch'] });
  for (const table of ['nope', 'TODOITEM', 'todoitem%00', enc("'; drop table todoitem; --"), 'todoitem;drop', 'pg_catalog.pg_user', '..%2F..%2Fetc', 'todoitem%22']) {
    add({ name: `unknown table ${table}`, method: 'GET', path: `/tables/${table}`, want: [404, 'table_not_found'] });
  }
  for (const path of ['/tables', '/tables/', '/tables//a', '/nonexistent', '/.data/', '/.data/PG_VERSION', '/.env']) {
    add({ name: `no table: GET ${path}`, method: 'GET', path, want: [404, 'not_found'] });
  }
  for (const method of ['PATCH', 'DELETE', 'PUT', 'HEAD', 'PROPFIND', 'SEARCH']) add({ name: `${method} on the collection`, method, path: '/tables/todoitem', want: [405, 'method_not_allowed'] });
  // Node's parser refuses a method it does not know before any route; fetch leaves `patch` lowercase (methods are case-sensitive).
  for (const method of ['patch', 'FOO']) {
    add({ name: `unknown method ${method} on an item`, method, path: '/tables/todoitem/a', body: '{"text":"x"}', want: [405, 'method_not_allowed'] });
  }
  add({
    name: 'unknown method Delete on an item',
    method: 'Delete',
    path: '/tables/todoitem/a',
    want: [405, 'method_not_allowed'],
    serverOnly: 'fetch normalises Delete to DELETE (and get, head, options, post, put likewise), which would delete the row',
  });
  add({ name: 'unknown method on the collection', method: 'MERGE', path: '/tables/todoitem', body: '{"text":"x"}', want: [405, 'method_not_allowed'] });
  add({ name: 'OPTIONS on an item', method: 'OPTIONS', path: '/tables/todoitem/a', want: [204, ''] });
  for (const id of ['%2E%2E', 'a%2Fb', '%00', 'a%3Fb', '%E0%A4%A', '%ED%A0%80', 'x'.repeat(256), '%20', 'a/b', 'a/', '%2E', 'a%5Cb']) {
    for (const method of ['GET', 'PATCH', 'DELETE', 'POST']) {
      add({ name: `${method} URL id ${id.slice(0, 20)}`, method, path: `/tables/todoitem/${id}`, ...(method === 'PATCH' ? { body: '{"text":"x"}' } : {}), want: [400, 'invalid_id'] });
    }
  }
  for (const id of ['42', 'x'.repeat(255), '%F0%9F%98%80', 'a%20b']) {
    for (const method of ['GET', 'PATCH', 'DELETE']) {
      add({ name: `${method} a valid but absent URL id ${id.slice(0, 20)}`, method, path: `/tables/todoitem/${id}`, ...(method === 'PATCH' ? { body: '{"text":"x"}' } : {}), want: [404, 'item_not_found'] });
    }
  }
  for (const s of INJECT.filter((x) => !/[+"/?\\`]/.test(x))) {
    for (const method of ['GET', 'PATCH', 'DELETE', 'POST']) {
      add({ name: `${method} URL id injection ${s}`, method, path: `/tables/todoitem/${enc(s)}`, ...(method === 'PATCH' ? { body: '{"text":"x"}' } : {}), want: [404, 'item_not_found'] });
    }
  }
  const filters = ['', ' ', '   ', 'text eq', "text eq 'unterminated", 'eq 1', '((n eq 1)', 'n eq 1)', 'geo.distance(a,b) lt 1', "any(x: x eq 1)", 'now() gt 1',
    "a has b", "n eq duration'P1D'", 'foo(a)', "substringof('a')", 'length()', 'a/b eq 1', 'n eq 1 and', 'not', '$it eq 1', '@p eq 1', 'n eq 1e',
    'n eq 0x1', 'n eq [1]', 'text eq $$x$$', "text eq E'\\x27'", 'pg_sleep(10) eq 1', '(select 1) eq 1', "text eq 'a'; drop table todoitem; --",
    'n eq 1 -- comment', 'n eq 1 /* c */', 'text eq "x"', `${'('.repeat(150)}n eq 1${')'.repeat(150)}`, Array(2002).fill('(n)').join('or'),
    "text eq 'x' collate \"C\"", 'n::text eq 1', "isof(text, 'Edm.String')", 'n in ()', 'n in (text)', "text eq 'a\u0000b'", `n eq ${'9'.repeat(400)}`];
  for (const f of filters) add({ name: `$filter=${JSON.stringify(f.slice(0, 40))}`, method: 'GET', path: q(`$filter=${enc(f)}`), want: [400, 'invalid_filter'] });
  add({ name: '$filter without a value', method: 'GET', path: q('$filter&$top=1'), want: [400, 'invalid_filter'] });
  add({ name: 'an empty $filter beside a good one', method: 'GET', path: q('$filter=n%20eq%201&$filter='), want: [400, 'invalid_filter'] });
  for (const s of INJECT) add({ name: `$filter value injection ${s}`, method: 'GET', path: q(`$filter=${enc(`text eq '${s.replaceAll("'", "''")}'`)}`) });
  for (const o of ['text; drop table todoitem', 'text desc, (select 1)', 'pg_sleep(1)', 'text asc desc', 'text,,id', '1', "'text'", 'text collate "C"', 'text/x', "data->>'x'", ...INJECT]) {
    add({ name: `$orderby=${o}`, method: 'GET', path: q(`$orderby=${enc(o)}`) });
  }
  for (const s of ['text,(select 1)', '*; drop table todoitem', 'text,,id', "'text'", 'text desc', ...INJECT]) add({ name: `$select=${s}`, method: 'GET', path: q(`$select=${enc(s)}`) });
  for (const t of ['1; drop table todoitem', '-1', 'x', '1.5', '1e3', '99999999999999999999', '', ' 1', '0x10', ...INJECT]) {
    add({ name: `$top=${t}`, method: 'GET', path: q(`$top=${enc(t)}`), want: [400, 'invalid_query'] });
  }
  add({ name: '$top over maxTop', method: 'GET', path: q(`$top=${dialect === 'v2' ? 1001 : 128001}`), want: [400, 'top_too_large'] });
  for (const s of ['0 union select 1', '-1', 'x', '1.5', '', ...INJECT]) add({ name: `$skip=${s}`, method: 'GET', path: q(`$skip=${enc(s)}`), want: [400, 'invalid_query'] });
  for (const [name, value] of [['$inlinecount', 'allpages; drop'], ['$inlinecount', 'foo'], ['$inlinecount', ''], ['$count', 'maybe'], ['$count', '1'], ['$count', ''],
    ['$expand', 'x'], ['$format', 'json'], ['$search', 'x'], ['$apply', 'x'], ['$levels', '1'], ['$compute', 'x'], ['$skiptoken', 'x'], ['$', 'x'], [`$${INJECT[0] ?? ''}`, 'x']] as const) {
    add({ name: `${name}=${value}`, method: 'GET', path: q(`${enc(name)}=${enc(value)}`), want: [400, 'invalid_query'] });
  }
  add({ name: '__includeDeleted injection', method: 'GET', path: q(`__includeDeleted=${enc("true'; drop table todoitem; --")}`) });
  add({ name: 'malformed percent-encoding in the query', method: 'GET', path: q('$filter=%E0%A4%A'), want: [400, 'invalid_query'] });
  add({ name: 'malformed percent-encoding in an option name', method: 'GET', path: q('%24fil%ZZter=x'), want: [400, 'invalid_query'] });
  for (const v of ['1.0.0', '2.1.0', 'x', '3', '4.0.0', "2.0.0'; drop table todoitem", '2.0.0.0', '', '2.0.0, 3.0.0', ' 2.0.0x']) {
    add({ name: `version header ${JSON.stringify(v)}`, method: 'GET', path: '/tables/todoitem', headers: { 'zumo-api-version': v }, want: [400, 'invalid_api_version'] });
    add({ name: `version query ${JSON.stringify(v)}`, method: 'GET', path: `/tables/todoitem?zumo-api-version=${enc(v)}`, want: [400, 'invalid_api_version'] });
  }
  add({ name: 'a bad version on a write', method: 'POST', path: '/tables/todoitem', body: '{"text":"x"}', headers: { 'zumo-api-version': '1.0.0' }, want: [400, 'invalid_api_version'] });
  for (const s of INJECT) {
    add({ name: `If-Match injection ${s}`, method: 'PATCH', path: '/tables/todoitem/a', body: '{"text":"x"}', headers: { 'if-match': `"${s.replaceAll('"', '\\"')}"` }, want: [412, ''] });
    add({ name: `If-None-Match injection ${s}`, method: 'GET', path: '/tables/todoitem/a', headers: { 'if-none-match': `"${s.replaceAll('"', '\\"')}"` } });
  }
  for (const tag of ['W/"x"', '"unterminated', ',', '""', 'W/', '"a", "b"', 'x y z']) {
    add({ name: `malformed If-Match ${tag}`, method: 'PUT', path: '/tables/todoitem/a', body: '{"text":"x"}', headers: { 'if-match': tag }, want: [412, ''] });
    add({ name: `malformed If-Match ${tag} on a delete`, method: 'DELETE', path: '/tables/todoitem/a', headers: { 'if-match': tag }, want: [412, ''] });
  }
  add({ name: 'If-Match * on an absent id', method: 'DELETE', path: '/tables/todoitem/absent', headers: { 'if-match': '*' }, want: [404, 'item_not_found'] });
  add({
    name: 'a request line over the header limit',
    method: 'GET',
    path: q(`$filter=${'x'.repeat(20000)}`),
    want: [431, 'invalid_query'],
    serverOnly: 'the server refuses a request line and headers over 16 KiB before reading them; the worker sees no such limit',
  });
  return cases;
}
