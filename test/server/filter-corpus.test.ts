import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Item } from '../../src/core/item.js';
import { matches, parseFilter } from '../../src/core/odata/index.js';
import type { RunningServer } from '../../src/server/start-server.js';
import { corpusRows, filterCases, malformedFilters } from '../support/filter-corpus.js';
import { createClient, type Client } from './support/client.js';
import { DATABASES } from './support/databases.js';
import { startTestServer } from './support/test-server.js';

describe.each(DATABASES)('the shared filter corpus on %s', (kind) => {
  let server: RunningServer;
  let dispose: () => Promise<void>;
  let api: Client;
  let stored: Item[] = [];
  beforeAll(async () => {
    ({ server, dispose } = await startTestServer(kind, 'corpus', { tables: [{ name: 'corpus' }] }));
    api = createClient(server.url, 'v3');
    for (const row of corpusRows) {
      const r = await api('POST', '/tables/corpus', { body: row });
      if (r.status !== 201) throw new Error(`seeding ${String(row['id'])}: ${r.status} ${r.text}`);
    }
    stored = (await api('GET', '/tables/corpus?$top=1000')).body.items as Item[];
  });
  afterAll(async () => dispose());

  test.each(filterCases)('S-33: $filter=$filter (v3, v2 and the local evaluator)', async ({ filter, ids }) => {
    const r = await api('GET', `/tables/corpus?$top=1000&$filter=${encodeURIComponent(filter)}`);
    expect(r.status, r.text).toBe(200);
    const got = (r.body.items as { id: string }[]).map((row) => row.id).sort();
    expect(got).toEqual([...ids].sort());
    const v2 = await api('GET', `/tables/corpus?$top=1000&$filter=${encodeURIComponent(filter)}`, { dialect: 'v2' });
    expect((v2.body as { id: string }[]).map((row) => row.id).sort()).toEqual(got);
    const parsed = parseFilter(filter);
    if (!parsed.ok) throw parsed.error;
    const local = stored.filter((item) => matches(parsed.value, item)).map((item) => String(item['id'])).sort();
    expect(local).toEqual(got);
  });

  // A blank $filter is malformed too, as ASP.NET Core OData answers it (PROTOCOL.md §2.3).
  test.each(malformedFilters)('S-36: $filter=$filter gets 400 invalid_filter at $position', async ({ filter, position }) => {
    for (const dialect of ['v2', 'v3'] as const) {
      const r = await api('GET', `/tables/corpus?$filter=${encodeURIComponent(filter)}`, { dialect });
      expect([r.status, r.body.code, r.body.position]).toEqual([400, 'invalid_filter', position]);
    }
  });
});
