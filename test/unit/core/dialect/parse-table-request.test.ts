import { describe, expect, test } from 'vitest';
import { isJsonContentType, parseTableRequest } from '../../../../src/core/dialect/parse-table-request.js';
import type { HttpRequest, TableRequest, TableSettings } from '../../../../src/core/dialect/types.js';
import { parseFilter } from '../../../../src/core/odata/parse-filter.js';

const ORIGIN = 'http://127.0.0.1:8080';
const todo: TableSettings = { name: 'todoitem', softDelete: true, pageSize: null, maxTop: null, strict: false };
const capped: TableSettings = { ...todo, name: 'capped', maxTop: 10 };
const tables: Record<string, TableSettings> = { todoitem: todo, 'to do': { ...todo, name: 'to do' }, capped };
const options = { table: (name: string) => tables[name] ?? null, fallbackDialect: 'v3' as const, bodyLimit: 64 };

const http = (method: string, path: string, over: Partial<HttpRequest> = {}): HttpRequest => ({
  method,
  url: `${ORIGIN}${path}`,
  headers: {},
  body: null,
  ...over,
});
const json = (method: string, path: string, body: string, headers: Record<string, string> = {}): HttpRequest =>
  http(method, path, { body, headers: { 'content-type': 'application/json', ...headers } });

const parse = (req: HttpRequest): TableRequest => {
  const r = parseTableRequest(req, options);
  if (!r.ok) throw r.error;
  return r.value;
};
const codeOf = (req: HttpRequest) => {
  const r = parseTableRequest(req, options);
  return r.ok ? null : r.error.code;
};

describe('parseTableRequest: routes and methods', () => {
  const cases = [
    { id: 'S-01', name: 'GET /tables/t is a list', req: http('GET', '/tables/todoitem'), want: { kind: 'list', table: 'todoitem' } },
    { id: 'S-01', name: 'a trailing slash is the collection', req: http('GET', '/tables/todoitem/'), want: { kind: 'list' } },
    { id: 'S-01', name: 'a mount prefix before /tables/', req: http('GET', '/api/v1/tables/todoitem'), want: { kind: 'list', table: 'todoitem' } },
    { id: 'S-14', name: 'GET /tables/t/{id} reads one', req: http('GET', '/tables/todoitem/a%20b'), want: { kind: 'get', id: 'a b', includeDeleted: false, ifNoneMatch: null } },
    { id: 'S-06', name: 'POST /tables/t inserts', req: json('POST', '/tables/todoitem', '{"text":"x"}'), want: { kind: 'insert', body: { text: 'x' } } },
    { id: 'S-16', name: 'PATCH merges', req: json('PATCH', '/tables/todoitem/a', '{}'), want: { kind: 'update', id: 'a', mode: 'merge', undelete: false, ifMatch: null } },
    { id: 'S-16', name: 'PUT replaces', req: json('PUT', '/tables/todoitem/a', '{}'), want: { kind: 'update', mode: 'replace', undelete: false } },
    { id: 'S-22', name: 'PUT ?__includedeleted=true undeletes and replaces', req: json('PUT', '/tables/todoitem/a?__includedeleted=true', '{}'), want: { kind: 'update', mode: 'replace', undelete: true } },
    { id: 'S-22', name: 'PATCH ?__includedeleted=true is a plain merge', req: json('PATCH', '/tables/todoitem/a?__includedeleted=true', '{}'), want: { kind: 'update', mode: 'merge', undelete: false } },
    { id: 'S-22', name: 'POST /tables/t/{id} undeletes', req: http('POST', '/tables/todoitem/a'), want: { kind: 'undelete', id: 'a', ifMatch: null } },
    { id: 'S-23', name: 'DELETE /tables/t/{id} deletes', req: http('DELETE', '/tables/todoitem/a'), want: { kind: 'delete', id: 'a', ifMatch: null } },
    { id: 'S-05', name: 'a percent-encoded table name', req: http('GET', '/tables/to%20do'), want: { kind: 'list', table: 'to do' } },
    { id: 'S-14', name: 'an id with encoded characters', req: http('GET', '/tables/todoitem/a%3Ab%7C%C3%A9'), want: { kind: 'get', id: 'a:b|é' } },
  ];
  test.each(cases)('$id: $name', ({ req, want }) => {
    expect(parse(req)).toMatchObject({ url: req.url, ...want });
  });

  const refused = [
    { id: 'S-05', name: 'an unconfigured table', req: http('GET', '/tables/nope'), code: 'table_not_found', allow: undefined },
    { id: 'S-05', name: 'an empty table name', req: http('GET', '/tables/'), code: 'not_found', allow: undefined },
    { id: 'S-05', name: 'an empty table name before an id', req: http('DELETE', '/tables//a'), code: 'not_found', allow: undefined },
    { id: 'S-05', name: '/tables alone', req: http('GET', '/tables'), code: 'not_found', allow: undefined },
    { id: 'S-05', name: 'a path not under /tables/', req: http('GET', '/other/todoitem'), code: 'not_found', allow: undefined },
    { id: 'S-05', name: 'a malformed table escape', req: http('GET', '/tables/%zz'), code: 'table_not_found', allow: undefined },
    { id: 'S-05', name: 'PATCH /tables/t', req: json('PATCH', '/tables/todoitem', '{}'), code: 'method_not_allowed', allow: 'GET, POST' },
    { id: 'S-05', name: 'DELETE /tables/t', req: http('DELETE', '/tables/todoitem'), code: 'method_not_allowed', allow: 'GET, POST' },
    { id: 'S-05', name: 'PUT /tables/t', req: json('PUT', '/tables/todoitem', '{}'), code: 'method_not_allowed', allow: 'GET, POST' },
    { id: 'S-05', name: 'OPTIONS /tables/t/{id}', req: http('OPTIONS', '/tables/todoitem/a'), code: 'method_not_allowed', allow: 'GET, POST, PATCH, PUT, DELETE' },
    { id: 'S-05', name: 'HEAD /tables/t', req: http('HEAD', '/tables/todoitem'), code: 'method_not_allowed', allow: 'GET, POST' },
    { id: 'S-05', name: 'a lowercase method (methods are case-sensitive)', req: json('patch', '/tables/todoitem/a', '{}'), code: 'method_not_allowed', allow: 'GET, POST, PATCH, PUT, DELETE' },
    { id: 'S-12', name: 'an oversize body on a method without one', req: http('DELETE', '/tables/todoitem/a', { body: 'x'.repeat(65) }), code: 'payload_too_large', allow: undefined },
    { id: 'S-12', name: 'an oversize body on a route that is refused', req: http('PATCH', '/tables/todoitem', { body: 'x'.repeat(65) }), code: 'payload_too_large', allow: undefined },
    { id: 'S-08', name: 'a URL id ".."', req: http('GET', '/tables/todoitem/..'), code: 'invalid_id', allow: undefined },
    { id: 'S-08', name: 'a URL id with a raw slash', req: http('DELETE', '/tables/todoitem/a/b'), code: 'invalid_id', allow: undefined },
    { id: 'S-08', name: 'a malformed id escape', req: http('GET', '/tables/todoitem/%E2%82'), code: 'invalid_id', allow: undefined },
  ];
  test.each(refused)('$id: $name gets $code', ({ req, code, allow }) => {
    const r = parseTableRequest(req, options);
    expect(r.ok ? null : r.error.code).toBe(code);
    if (!r.ok && allow !== undefined) expect(r.error.details['allow']).toBe(allow);
  });
});

describe('parseTableRequest: dialect', () => {
  const cases = [
    { id: 'S-01', name: 'the 2.0.0 header', req: http('GET', '/tables/todoitem', { headers: { 'zumo-api-version': '2.0.0' } }), want: 'v2' },
    { id: 'S-01', name: 'no version on the server', req: http('GET', '/tables/todoitem'), want: 'v3' },
    { id: 'S-02', name: 'the parameter in any case wins over the header', req: http('GET', '/tables/todoitem?ZUMO-API-VERSION=2.0.0', { headers: { 'zumo-api-version': '3.0.0' } }), want: 'v2' },
    { id: 'F-02', name: 'a write in v2', req: http('DELETE', '/tables/todoitem/a', { headers: { 'zumo-api-version': '2.0' } }), want: 'v2' },
  ];
  test.each(cases)('$id: $name gives $want', ({ req, want }) => {
    expect(parse(req).dialect).toBe(want);
  });
  test('F-02: the façade falls back to the table appDialect', () => {
    const r = parseTableRequest(http('GET', '/tables/todoitem'), { ...options, fallbackDialect: 'v2' });
    expect(r.ok && r.value.dialect).toBe('v2');
  });
  test.each(['1.0.0', '2.1.0', '4.0.0', 'x'])('S-03: version %s gets invalid_api_version', (version) => {
    expect(codeOf(http('GET', `/tables/todoitem?zumo-api-version=${version}`))).toBe('invalid_api_version');
    expect(codeOf(http('GET', '/tables/todoitem/a', { headers: { 'zumo-api-version': version } }))).toBe('invalid_api_version');
  });
});

describe('parseTableRequest: bodies', () => {
  const cases = [
    { id: 'S-11', name: 'invalid JSON', req: json('POST', '/tables/todoitem', '{"a":'), code: 'invalid_json' },
    { id: 'S-11', name: 'an empty body', req: http('POST', '/tables/todoitem'), code: 'invalid_json' },
    { id: 'S-11', name: 'an array body', req: json('POST', '/tables/todoitem', '[{"a":1}]'), code: 'invalid_item' },
    { id: 'S-11', name: 'a string body', req: json('PUT', '/tables/todoitem/a', '"x"'), code: 'invalid_item' },
    { id: 'S-11', name: 'a null body', req: json('PATCH', '/tables/todoitem/a', 'null'), code: 'invalid_item' },
    { id: 'S-12', name: 'a text/plain body', req: http('POST', '/tables/todoitem', { body: '{}', headers: { 'content-type': 'text/plain' } }), code: 'unsupported_media_type' },
    { id: 'S-12', name: 'a body without content type', req: http('PATCH', '/tables/todoitem/a', { body: '{}' }), code: 'unsupported_media_type' },
    { id: 'S-12', name: 'a body over the limit', req: json('POST', '/tables/todoitem', JSON.stringify({ t: 'x'.repeat(60) })), code: 'payload_too_large' },
    { id: 'S-12', name: 'a text/plain body over the limit (the size is read first)', req: http('POST', '/tables/todoitem', { body: 'x'.repeat(65), headers: { 'content-type': 'text/plain' } }), code: 'payload_too_large' },
    { id: 'S-12', name: 'a body over the limit in UTF-8 bytes only', req: json('POST', '/tables/todoitem', JSON.stringify({ t: '€'.repeat(20) })), code: 'payload_too_large' },
  ];
  test.each(cases)('$id: $name gets $code', ({ req, code }) => {
    expect(codeOf(req)).toBe(code);
  });

  test('S-12: a body of exactly the limit passes', () => {
    const body = JSON.stringify({ t: 'x'.repeat(56) });
    expect(body.length).toBe(64);
    expect(parse(json('POST', '/tables/todoitem', body))).toMatchObject({ kind: 'insert' });
  });
  test('S-12: a limit error names the limit', () => {
    const r = parseTableRequest(json('POST', '/tables/todoitem', 'x'.repeat(65)), options);
    expect(r.ok ? null : r.error.details['limit']).toBe(64);
  });
  test('S-22: an undelete and a delete ignore any body', () => {
    expect(parse(http('POST', '/tables/todoitem/a', { body: 'junk' }))).toMatchObject({ kind: 'undelete' });
    expect(parse(http('DELETE', '/tables/todoitem/a', { body: 'junk' }))).toMatchObject({ kind: 'delete' });
  });

  const types = [
    { type: 'application/json', want: true },
    { type: 'application/json; charset=utf-8', want: true },
    { type: 'Application/JSON;charset=UTF-8', want: true },
    { type: 'application/merge-patch+json', want: true },
    { type: 'application/vnd.api+json; v=1', want: true },
    { type: 'text/plain', want: false },
    { type: 'application/jsonx', want: false },
    { type: 'application/x-www-form-urlencoded', want: false },
    { type: undefined, want: false },
  ];
  test.each(types)('S-12: content type $type is JSON: $want', ({ type, want }) => {
    expect(isJsonContentType(type)).toBe(want);
  });
});

describe('parseTableRequest: preconditions', () => {
  const cases = [
    { id: 'S-18', name: 'If-Match * on PATCH', req: json('PATCH', '/tables/todoitem/a', '{}', { 'if-match': '*' }), field: 'ifMatch', want: { kind: 'any' } },
    { id: 'S-18', name: 'If-Match tag on PUT', req: json('PUT', '/tables/todoitem/a', '{}', { 'if-match': '"MQ=="' }), field: 'ifMatch', want: { kind: 'tags', versions: ['MQ=='] } },
    { id: 'S-18', name: 'a weak If-Match on DELETE', req: http('DELETE', '/tables/todoitem/a', { headers: { 'if-match': 'W/"MQ=="' } }), field: 'ifMatch', want: { kind: 'tags', versions: [] } },
    { id: 'S-22', name: 'If-Match on undelete', req: http('POST', '/tables/todoitem/a', { headers: { 'if-match': '"a\\"b", "c"' } }), field: 'ifMatch', want: { kind: 'tags', versions: ['a"b', 'c'] } },
    { id: 'S-14', name: 'If-None-Match on GET by id', req: http('GET', '/tables/todoitem/a', { headers: { 'if-none-match': '"MQ=="' } }), field: 'ifNoneMatch', want: { kind: 'tags', versions: ['MQ=='] } },
  ];
  test.each(cases)('$id: $name', ({ req, field, want }) => {
    expect((parse(req) as unknown as Record<string, unknown>)[field]).toEqual(want);
  });
});

describe('parseTableRequest: list query options', () => {
  const list = (search: string, headers: Record<string, string> = {}) => {
    const r = parse(http('GET', `/tables/todoitem${search}`, { headers }));
    if (r.kind !== 'list') throw new Error('not a list');
    return r.query;
  };
  const filterOf = (text: string) => {
    const r = parseFilter(text);
    if (!r.ok) throw r.error;
    return r.value;
  };

  test('S-01: no options give the defaults', () => {
    expect(list('')).toEqual({ filter: null, orderBy: [], skip: 0, top: null, select: null, count: false, includeDeleted: false });
  });

  const cases = [
    { id: 'S-33', name: '$filter decoded and parsed', search: "?$filter=(text%20eq%20'a+b')", want: { filter: filterOf("(text eq 'a b')") } },
    { id: 'S-33', name: 'an encoded $filter name', search: '?%24filter=done%20eq%20true', want: { filter: filterOf('done eq true') } },
    { id: 'S-31', name: '$orderby', search: '?$orderby=text%20desc,done', want: { orderBy: [{ field: 'text', direction: 'desc' }, { field: 'done', direction: 'asc' }] } },
    { id: 'S-30', name: '$top and $skip', search: '?$top=5&$skip=10', want: { top: 5, skip: 10 } },
    { id: 'S-30', name: '$top=0', search: '?$top=0', want: { top: 0 } },
    { id: 'S-30', name: '$top at the v3 maxTop', search: '?$top=128000', want: { top: 128000 } },
    { id: 'S-32', name: '$select', search: '?$select=text,done', want: { select: ['text', 'done'] } },
    { id: 'S-26', name: '$inlinecount=allpages', search: '?$inlinecount=allpages', want: { count: true } },
    { id: 'S-26', name: '$inlinecount=none', search: '?$inlinecount=none', want: { count: false } },
    { id: 'S-26', name: '$count=true', search: '?$count=true', want: { count: true } },
    { id: 'S-26', name: '$count=FALSE', search: '?$count=FALSE', want: { count: false } },
    { id: 'S-26', name: 'both count options', search: '?$count=false&$inlinecount=allpages', want: { count: true } },
    { id: 'S-25', name: '__includeDeleted=true', search: '?__includeDeleted=true', want: { includeDeleted: true } },
    { id: 'S-25', name: '__INCLUDEDELETED=TRUE', search: '?__INCLUDEDELETED=TRUE', want: { includeDeleted: true } },
    { id: 'S-25', name: '__includedeleted=false', search: '?__includedeleted=false', want: { includeDeleted: false } },
    { id: 'S-25', name: '__includeDeleted=1', search: '?__includeDeleted=1', want: { includeDeleted: false } },
    { id: 'S-30', name: 'other parameters are ignored', search: '?foo=bar&zumo-api-version=3.0.0&x', want: { top: null } },
    { id: 'S-30', name: 'option names in any case', search: '?$TOP=3&$Skip=1', want: { top: 3, skip: 1 } },
  ];
  test.each(cases)('$id: $name', ({ search, want }) => {
    expect(list(search)).toMatchObject(want);
  });

  test('S-30: v2 maxTop is 1000', () => {
    expect(list('?$top=1000', { 'zumo-api-version': '2.0.0' }).top).toBe(1000);
    expect(codeOf(http('GET', '/tables/todoitem?$top=1001', { headers: { 'zumo-api-version': '2.0.0' } }))).toBe('top_too_large');
  });

  const refused = [
    { id: 'S-30', name: '$top over the v3 maxTop', search: '?$top=128001', code: 'top_too_large' },
    { id: 'S-30', name: '$top over a table maxTop', search: '?$top=11', code: 'top_too_large', table: 'capped' },
    { id: 'S-30', name: '$top=-1', search: '?$top=-1', code: 'invalid_query' },
    { id: 'S-30', name: '$top=1.5', search: '?$top=1.5', code: 'invalid_query' },
    { id: 'S-30', name: '$top=', search: '?$top=', code: 'invalid_query' },
    { id: 'S-30', name: '$top beyond safe integers', search: '?$top=99999999999999999999', code: 'invalid_query' },
    { id: 'S-30', name: '$skip=x', search: '?$skip=x', code: 'invalid_query' },
    { id: 'S-30', name: '$expand=x', search: '?$expand=x', code: 'invalid_query' },
    { id: 'S-30', name: '$format=json', search: '?$format=json', code: 'invalid_query' },
    { id: 'S-26', name: '$inlinecount=yes', search: '?$inlinecount=yes', code: 'invalid_query' },
    { id: 'S-26', name: '$count=1', search: '?$count=1', code: 'invalid_query' },
    { id: 'S-31', name: 'a bad $orderby', search: '?$orderby=a%20sideways', code: 'invalid_query' },
    { id: 'S-32', name: 'a bad $select', search: '?$select=a-b', code: 'invalid_query' },
    { id: 'S-30', name: 'a malformed escape', search: '?$filter=%zz', code: 'invalid_query' },
    { id: 'S-36', name: 'a malformed $filter', search: '?$filter=a%20eq', code: 'invalid_filter' },
    { id: 'S-36', name: 'an unsupported function', search: '?$filter=now()%20gt%201', code: 'invalid_filter' },
  ];
  test.each(refused)('$id: $name gets $code', ({ search, code, table }) => {
    expect(codeOf(http('GET', `/tables/${table ?? 'todoitem'}${search}`))).toBe(code);
  });

  test('S-36: invalid_filter keeps the position', () => {
    const r = parseTableRequest(http('GET', '/tables/todoitem?$filter=a%20eq'), options);
    expect(r.ok ? null : typeof r.error.details['position']).toBe('number');
  });

  const byId = [
    { id: 'S-14', name: 'GET by id ignores $select and other options', search: '?$select=text&$top=x', want: { kind: 'get', includeDeleted: false } },
    { id: 'S-15', name: 'GET by id reads __includeDeleted', search: '?__includeDeleted=True', want: { kind: 'get', includeDeleted: true } },
  ];
  test.each(byId)('$id: $name', ({ search, want }) => {
    expect(parse(http('GET', `/tables/todoitem/a${search}`))).toMatchObject(want);
  });
});
