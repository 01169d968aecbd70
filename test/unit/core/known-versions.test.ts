import { describe, expect, test } from 'vitest';
import type { Precondition } from '../../../src/core/dialect/types.js';
import { adoptServerVersion, appendPushedVersion, MAX_KNOWN_VERSIONS, passes, resetKnownVersions } from '../../../src/core/known-versions.js';

describe('known versions', () => {
  test.each([
    { id: 'L-05', name: 'a pulled version from another device replaces the list', known: ['v1', 'v2'], version: 'v9', want: ['v9'] },
    { id: 'F-11', name: 'an echo of this device’s own write keeps the list', known: ['v1', 'v2'], version: 'v2', want: ['v1', 'v2'] },
    { id: 'U-11', name: 'an adopted row with no known versions starts the list', known: [], version: 'v1', want: ['v1'] },
    { id: 'L-05', name: 'a row without a version leaves none known', known: ['v1'], version: null, want: [] },
  ])('$id: $name', ({ known, version, want }) => {
    expect(adoptServerVersion(known, version)).toEqual(want);
  });

  test.each([
    { id: 'F-11', name: 'a pushed version is appended', known: ['v1'], version: 'v2', want: ['v1', 'v2'] },
    { id: 'F-11', name: 'the same version twice is kept once', known: ['v1', 'v2'], version: 'v2', want: ['v1', 'v2'] },
    { id: 'F-11', name: 'a known version moves to the end', known: ['v1', 'v2'], version: 'v1', want: ['v2', 'v1'] },
    { id: 'F-11', name: 'no version changes nothing', known: ['v1'], version: null, want: ['v1'] },
  ])('$id: $name', ({ known, version, want }) => {
    expect(appendPushedVersion(known, version)).toEqual(want);
  });

  test('F-11: only the newest 16 pushed versions are kept', () => {
    let known: readonly string[] = [];
    for (let i = 0; i < 20; i++) known = appendPushedVersion(known, `v${i}`);
    expect(known).toHaveLength(MAX_KNOWN_VERSIONS);
    expect(known[0]).toBe('v4');
    expect(known.at(-1)).toBe('v19');
  });

  test.each([
    { version: 'v3', want: ['v3'] },
    { version: null, want: [] },
  ])('K-03: a server resolution resets the known versions to $want', ({ version, want }) => {
    expect(resetKnownVersions(version)).toEqual(want);
  });

  const tags = (...versions: string[]): Precondition => ({ kind: 'tags', versions });
  test.each([
    { id: 'F-10', name: 'no If-Match passes', pre: null, want: true },
    { id: 'F-10', name: '* passes', pre: { kind: 'any' } as const, want: true },
    { id: 'F-10', name: 'a known version passes', pre: tags('v1'), want: true },
    { id: 'F-10', name: 'one known tag in a list passes', pre: tags('x', 'v2'), want: true },
    { id: 'F-10', name: 'an unknown version fails', pre: tags('v9'), want: false },
    { id: 'F-10', name: 'an empty tag list fails', pre: tags(), want: false },
  ])('$id: $name', ({ pre, want }) => {
    expect(passes(pre, ['v1', 'v2'])).toBe(want);
  });

  test('F-11: the ETag of an earlier answer passes after the own push, and fails after another device’s pull', () => {
    let known = adoptServerVersion([], 'v1');
    known = appendPushedVersion(known, 'v2');
    expect(passes(tags('v1'), known)).toBe(true);
    known = adoptServerVersion(known, 'v2');
    expect(passes(tags('v1'), known)).toBe(true);
    known = adoptServerVersion(known, 'v3');
    expect(passes(tags('v1'), known)).toBe(false);
  });
});
