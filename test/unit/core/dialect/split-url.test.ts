import { describe, expect, test } from 'vitest';
import { splitUrl } from '../../../../src/core/dialect/split-url.js';

describe('splitUrl', () => {
  const cases = [
    { url: 'http://127.0.0.1:8080/tables/t?$top=5', want: { origin: 'http://127.0.0.1:8080', path: '/tables/t', query: '$top=5' } },
    { url: 'https://h/api/tables/t/a%20b', want: { origin: 'https://h', path: '/api/tables/t/a%20b', query: '' } },
    { url: 'http://h', want: { origin: 'http://h', path: '/', query: '' } },
    { url: '/tables/t?x=1#frag', want: { origin: '', path: '/tables/t', query: 'x=1' } },
    { url: 'http://h/tables/t?a=1?b#x?y', want: { origin: 'http://h', path: '/tables/t', query: 'a=1?b' } },
  ];
  test.each(cases)('S-28: splits $url', ({ url, want }) => {
    expect(splitUrl(url)).toEqual(want);
  });
});
