import { describe, expect, test } from 'vitest';
import { matches } from '../../../../src/core/odata/evaluate.js';
import { parseFilter } from '../../../../src/core/odata/parse-filter.js';
import { corpusRows, filterCases, malformedFilters } from '../../../support/filter-corpus.js';

describe('filter corpus', () => {
  test('S-33: the corpus is large enough and its ids are sorted and known', () => {
    const known = new Set(corpusRows.map((row) => row.id));
    expect(filterCases.length).toBeGreaterThanOrEqual(220);
    expect(malformedFilters.length).toBeGreaterThanOrEqual(60);
    for (const { ids } of filterCases) {
      expect([...ids].sort()).toEqual(ids);
      for (const id of ids) expect(known.has(id)).toBe(true);
    }
  });

  test.each(filterCases)('S-33 / F-03: $filter', ({ filter, ids }) => {
    const parsed = parseFilter(filter);
    if (!parsed.ok) throw parsed.error;
    const got = corpusRows.filter((row) => matches(parsed.value, row)).map((row) => row.id);
    expect(got).toEqual(ids);
  });

  test.each(malformedFilters)('S-36: $filter is refused at $position', ({ filter, position }) => {
    const parsed = parseFilter(filter);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error.code).toBe('invalid_filter');
    expect(parsed.error.details['position']).toBe(position);
  });
});
