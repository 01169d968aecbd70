import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { filterHash, parsePullQuery, queryIdOf } from '../../../src/core/query-id.js';

describe('queryId', () => {
  test('L-12: the given id wins, `*` when unfiltered, else q: + a 16-digit hash', () => {
    expect(queryIdOf(null)).toBe('*');
    expect(queryIdOf('done eq false', 'open')).toBe('open');
    expect(queryIdOf('done eq false')).toMatch(/^q:[0-9a-f]{16}$/);
  });

  // Published FNV-1a 64-bit vectors: the hash is the same on every run and platform.
  test.each([
    ['', 'cbf29ce484222325'],
    ['a', 'af63dc4c8601ec8c'],
    ['foobar', '85944171f73967e8'],
  ])('L-12: FNV-1a 64 of %j is %s', (text, hex) => {
    expect(filterHash(text)).toBe(hex);
  });

  test('L-12: the hash is FNV-1a 64 over the UTF-8 bytes, for any text', () => {
    const reference = (text: string): string => {
      let hash = 0xcbf29ce484222325n;
      for (const byte of Buffer.from(text, 'utf8')) hash = ((hash ^ BigInt(byte)) * 0x100000001b3n) & 0xffffffffffffffffn;
      return hash.toString(16).padStart(16, '0');
    };
    for (const text of ['é', '€', '😀', "name eq 'Zoë' and city eq '東京'", "t eq '\ud800'", "t eq '\udc00x'"]) expect(filterHash(text)).toBe(reference(text));
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' })), (text) => {
        expect(filterHash(text)).toBe(reference(text));
      }),
      { numRuns: 300 },
    );
  });

  test('L-12: different filters get different queryIds, equal filters the same', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(queryIdOf(a) === queryIdOf(b)).toBe(a === b);
      }),
      { numRuns: 500 },
    );
  });
});

describe('parsePullQuery', () => {
  const accepted: readonly (readonly [string, unknown, { filter: string | null; queryId: string }])[] = [
    ['no options', {}, { filter: null, queryId: '*' }],
    ['engine keys pass through', { table: 'todoitem', push: false }, { filter: null, queryId: '*' }],
    ['a filter', { filter: ' done eq false ' }, { filter: 'done eq false', queryId: queryIdOf('done eq false') }],
    ['a given queryId', { filter: 'a eq 1', queryId: 'mine' }, { filter: 'a eq 1', queryId: 'mine' }],
    ['`*` given for an unfiltered pull', { queryId: '*' }, { filter: null, queryId: '*' }],
    ['a raw query with $filter', { query: '?$filter=name%20eq%20%27it%27%27s%27' }, { filter: "name eq 'it''s'", queryId: queryIdOf("name eq 'it''s'") }],
    ['a raw query with + for spaces', { query: '$filter=a+eq+1&' }, { filter: 'a eq 1', queryId: queryIdOf('a eq 1') }],
    ['the same filter twice', { filter: 'a eq 1', query: '$filter=a eq 1' }, { filter: 'a eq 1', queryId: queryIdOf('a eq 1') }],
    ['an empty raw query', { query: '', filter: null }, { filter: null, queryId: '*' }],
  ];
  test.each(accepted)('L-12: %s', (_, input, want) => {
    expect(parsePullQuery(input)).toEqual({ ok: true, value: want });
  });

  const refused = [
    ['$orderby as an option', { $orderby: 'text' }],
    ['orderBy as an option', { filter: 'a eq 1', orderBy: 'text' }],
    ['$top as an option', { $top: 5 }],
    ['skip as an option', { skip: 5 }],
    ['select as an option', { select: 'id' }],
    ['$count as an option', { $count: true }],
    ['$orderby in the raw query', { query: '$filter=a eq 1&$orderby=text' }],
    ['$TOP in the raw query', { query: '$TOP=5' }],
    ['$skip in the raw query', { query: '$skip=5' }],
    ['$select in the raw query', { query: '$select=id,text' }],
    ['an unknown raw option', { query: 'foo=bar' }],
    ['filter without $ in the raw query', { query: 'filter=a eq 1' }],
    ['two $filter options', { query: '$filter=a eq 1&$filter=b eq 2' }],
    ['two different filters', { filter: 'a eq 1', query: '$filter=b eq 2' }],
    ['bad percent-encoding', { query: '$filter=%E0%A4%A' }],
    ['a filter that is not a string', { filter: 42 }],
    ['a queryId that is not a string', { queryId: 7 }],
    ['a query that is not a string', { query: ['$top=1'] }],
    ['`*` for a filtered pull', { filter: 'a eq 1', queryId: '*' }],
    ['a q: queryId', { queryId: 'q:0123456789abcdef' }],
    ['an empty queryId', { queryId: '' }],
    ['options that are not an object', 'done eq false'],
    ['null options', null],
  ] as const;
  test('L-15: a malformed filter fails before any request, with the parser invalid_filter', () => {
    const result = parsePullQuery({ filter: 'done eq' });
    expect(!result.ok && result.error.code).toBe('invalid_filter');
  });
  test.each([
    ['a blank filter', { filter: '   ' }],
    ['an empty filter', { filter: '' }],
    ['an empty $filter in the raw query', { query: '$filter=' }],
    ['a blank $filter in the raw query', { query: '?$filter=%20%20' }],
  ] as const)('L-15, S-36: %s is invalid_filter at position 0, as `$filter=` is over HTTP', (_, input) => {
    const result = parsePullQuery(input);
    expect(result.ok ? null : [result.error.code, result.error.details['position']]).toEqual(['invalid_filter', 0]);
  });
  test.each(refused)('L-15: %s fails with invalid_pull_query', (_, input) => {
    const result = parsePullQuery(input);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe('invalid_pull_query');
  });
});
