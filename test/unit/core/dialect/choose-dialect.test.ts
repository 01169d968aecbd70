import { describe, expect, test } from 'vitest';
import { chooseDialect, parseApiVersion } from '../../../../src/core/dialect/choose-dialect.js';
import { parseQueryString } from '../../../../src/core/dialect/query-string.js';
import type { Dialect } from '../../../../src/core/dialect/types.js';

const params = (query: string) => {
  const r = parseQueryString(query);
  if (!r.ok) throw r.error;
  return r.value;
};

describe('parseApiVersion', () => {
  const accepted = [
    { version: '2.0', want: 'v2' },
    { version: '2.0.0', want: 'v2' },
    { version: '2.0.7', want: 'v2' },
    { version: '3.0', want: 'v3' },
    { version: '3.0.0', want: 'v3' },
    { version: '3.0.1', want: 'v3' },
    { version: ' 3.0.0 ', want: 'v3' },
  ] as const;
  test.each(accepted)('S-03: $version is $want', ({ version, want }) => {
    expect(parseApiVersion(version)).toEqual({ ok: true, value: want });
  });

  const refused = ['1.0.0', '2.1.0', '4.0.0', 'x', '', '2', '3.0.x', '2.0.0.1'];
  test.each(refused)('S-03: %j gets invalid_api_version', (version) => {
    const r = parseApiVersion(version);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('invalid_api_version');
      expect(r.error.details['version']).toBe(version);
    }
  });
});

describe('chooseDialect', () => {
  const cases: { id: string; name: string; query: string; header?: string; fallback: Dialect; want: Dialect }[] = [
    { id: 'S-01', name: 'the 2.0.0 header selects v2', query: '', header: '2.0.0', fallback: 'v3', want: 'v2' },
    { id: 'S-01', name: 'the 3.0.0 header selects v3', query: '', header: '3.0.0', fallback: 'v2', want: 'v3' },
    { id: 'S-01', name: 'no version gives the fallback (v3)', query: '', fallback: 'v3', want: 'v3' },
    { id: 'F-02', name: "no version gives the fallback (a table's appDialect v2)", query: '', fallback: 'v2', want: 'v2' },
    { id: 'S-02', name: 'the query parameter wins over the header', query: 'zumo-api-version=2.0.0', header: '3.0.0', fallback: 'v3', want: 'v2' },
    { id: 'S-02', name: 'the parameter name in any case', query: 'ZUMO-API-VERSION=2.0.0', header: '3.0.0', fallback: 'v3', want: 'v2' },
    { id: 'S-02', name: 'mixed case name', query: '$top=1&Zumo-Api-Version=3.0.0', header: '2.0.0', fallback: 'v2', want: 'v3' },
  ];
  test.each(cases)('$id: $name', ({ query, header, fallback, want }) => {
    const headers = header === undefined ? {} : { 'zumo-api-version': header };
    expect(chooseDialect(params(query), headers, fallback)).toEqual({ ok: true, value: want });
  });

  const bad = [
    { id: 'S-03', name: 'a bad header', query: '', header: '1.0.0' },
    { id: 'S-02', name: 'a bad parameter even with a good header', query: 'zumo-api-version=x', header: '2.0.0' },
    { id: 'F-02', name: 'an empty header', query: '', header: '' },
  ];
  test.each(bad)('$id: $name gets invalid_api_version', ({ query, header }) => {
    const r = chooseDialect(params(query), { 'zumo-api-version': header }, 'v3');
    expect(r.ok ? null : r.error.code).toBe('invalid_api_version');
  });
});
