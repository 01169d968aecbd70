import { describe, expect, test } from 'vitest';
import { conflictStatusOf, formatETag, ifMatchPasses, ifNoneMatchHits, parsePrecondition } from '../../../../src/core/dialect/precondition.js';
import type { Precondition } from '../../../../src/core/dialect/types.js';

describe('formatETag', () => {
  const cases = [
    { version: 'MQ==', want: '"MQ=="' },
    { version: 'a"b', want: '"a\\"b"' },
    { version: 'a\\b', want: '"a\\b"' },
    { version: 'a\\"b', want: '"a\\\\"b"' },
    { version: '', want: '""' },
  ];
  test.each(cases)('S-06: version $version gives ETag $want', ({ version, want }) => {
    expect(formatETag(version)).toBe(want);
    expect(parsePrecondition(want)).toEqual({ kind: 'tags', versions: [version] });
  });
});

describe('parsePrecondition', () => {
  const cases: { name: string; header: string | undefined; want: Precondition | null }[] = [
    { name: 'absent', header: undefined, want: null },
    { name: 'blank', header: '  ', want: null },
    { name: 'star', header: '*', want: { kind: 'any' } },
    { name: 'star with spaces', header: ' * ', want: { kind: 'any' } },
    { name: 'one strong tag', header: '"MQ=="', want: { kind: 'tags', versions: ['MQ=='] } },
    { name: 'a list', header: '"a", "b" ,"c"', want: { kind: 'tags', versions: ['a', 'b', 'c'] } },
    { name: 'an escaped quote', header: '"a\\"b"', want: { kind: 'tags', versions: ['a"b'] } },
    { name: 'a comma inside quotes', header: '"a,b", "c"', want: { kind: 'tags', versions: ['a,b', 'c'] } },
    { name: 'a weak tag never matches', header: 'W/"a"', want: { kind: 'tags', versions: [] } },
    { name: 'a weak tag among strong ones', header: 'W/"a", "b"', want: { kind: 'tags', versions: ['b'] } },
    { name: 'an unquoted token', header: 'MQ==', want: { kind: 'tags', versions: ['MQ=='] } },
    { name: 'unquoted tokens in a list', header: 'a, b', want: { kind: 'tags', versions: ['a', 'b'] } },
    { name: 'a star inside a list', header: '"a", *', want: { kind: 'any' } },
    { name: 'an unterminated quote', header: '"abc', want: { kind: 'tags', versions: ['abc'] } },
  ];
  test.each(cases)('S-18: $name', ({ header, want }) => {
    expect(parsePrecondition(header)).toEqual(want);
  });
});

describe('ifMatchPasses / ifNoneMatchHits', () => {
  const tags = (...versions: string[]): Precondition => ({ kind: 'tags', versions });
  const ifMatch = [
    { id: 'S-17', name: 'no precondition passes', p: null, versions: ['v1'], want: true },
    { id: 'S-17', name: 'star passes an existing row', p: { kind: 'any' } as const, versions: ['v1'], want: true },
    { id: 'F-10', name: 'star passes a never-acknowledged row', p: { kind: 'any' } as const, versions: [], want: true },
    { id: 'S-18', name: 'star fails with no row', p: { kind: 'any' } as const, versions: null, want: false },
    { id: 'S-17', name: 'the current version passes', p: tags('v1'), versions: ['v1'], want: true },
    { id: 'S-18', name: 'a stale version fails', p: tags('v0'), versions: ['v1'], want: false },
    { id: 'S-18', name: 'a weak tag fails', p: parsePrecondition('W/"v1"'), versions: ['v1'], want: false },
    { id: 'F-10', name: 'any known version passes', p: tags('x', 'v0'), versions: ['v0', 'v1'], want: true },
  ];
  test.each(ifMatch)('$id: If-Match: $name', ({ p, versions, want }) => {
    expect(ifMatchPasses(p, versions)).toBe(want);
  });

  const ifNoneMatch = [
    { name: 'no header never hits', p: null, version: 'v1', want: false },
    { name: 'a row without version never hits', p: tags('v1'), version: null, want: false },
    { name: 'the current tag hits', p: tags('v1'), version: 'v1', want: true },
    { name: 'another tag misses', p: tags('v0'), version: 'v1', want: false },
    { name: 'star hits', p: { kind: 'any' } as const, version: 'v1', want: true },
  ];
  test.each(ifNoneMatch)('S-14: If-None-Match: $name', ({ p, version, want }) => {
    expect(ifNoneMatchHits(p, version)).toBe(want);
  });
});

describe('conflictStatusOf', () => {
  const cases = [
    { id: 'S-17', name: 'no precondition goes ahead', ifMatch: null, expected: null, want: null },
    { id: 'S-17', name: 'a current If-Match goes ahead', ifMatch: parsePrecondition('"v1"'), expected: null, want: null },
    { id: 'S-18', name: 'a stale If-Match is 412', ifMatch: parsePrecondition('"v0"'), expected: null, want: 412 },
    { id: 'S-18', name: 'a weak If-Match is 412', ifMatch: parsePrecondition('W/"v1"'), expected: null, want: 412 },
    { id: 'S-19', name: 'a stale v2 body version is 409', ifMatch: null, expected: 'v0', want: 409 },
    { id: 'S-19', name: 'a current v2 body version goes ahead', ifMatch: null, expected: 'v1', want: null },
    { id: 'F-12', name: 'a known body version goes ahead in the façade', ifMatch: null, expected: 'v0', versions: ['v0', 'v1'], want: null },
  ];
  test.each(cases)('$id: $name', ({ ifMatch, expected, versions, want }) => {
    expect(conflictStatusOf({ ifMatch, expectedVersion: expected }, versions ?? ['v1'])).toBe(want);
  });
});
