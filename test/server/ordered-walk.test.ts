import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Item } from '../../src/core/item.js';
import { parseFilter, runQuery, type OrderKey } from '../../src/core/odata/index.js';
import type { Database } from '../../src/server/database.js';
import { walkOf } from '../../src/server/ordered-walk.js';
import { createRowStore, type RowStore } from '../../src/server/row-store.js';
import { ensureSchema, VERSION_SEQUENCE } from '../../src/server/schema.js';
import { storedItem } from '../../src/server/stored-item.js';
import { resolveTableConfig, type TableConfig } from '../../src/server/table-config.js';
import { DATABASES, openDatabase } from './support/databases.js';

// ordered-walk.ts: a filtered page first walks a window of the order. The table is larger than the
// smallest window, its rows share `updatedAt` in runs of 7 (ties at the window's edge), and some are
// deleted, so pages are found inside the window, straddle its edge, or need the fallback statement.
const ROWS = 3000;

const FILTERS = [
  "cat eq 'k1'", // 1 in 2: found early
  "cat eq 'k1' and flag eq true", // 1 in 6
  'band eq 3', // 1 in 40: found near the window's edge or past it
  'band eq 3 and flag eq false', // 1 in 60
  'rare eq 17', // 1 in 500: the fallback
  "cat eq 'nowhere'", // none
  'rank gt 2900', // no containment at all: the newest rows
  'rank lt 40 or band eq 39', // the oldest rows and a thin spread
  // Newest first, the order is rank descending, and the smallest window (1024 rows, for top 1) ends
  // at rank 1977, inside the tie of ranks 1974–1980 that the index walks in ascending rank: a window
  // cut at 1024 rows rather than at the end of its last tie would answer 1977, not 1980.
  'rank ge 1974 and rank le 1980',
];
const ORDERS: OrderKey[][] = [
  [{ field: 'updatedAt', direction: 'desc' }],
  [{ field: 'updatedAt', direction: 'asc' }],
  [],
  [{ field: 'id', direction: 'desc' }],
  [{ field: 'updatedAt', direction: 'desc' }, { field: 'rank', direction: 'asc' }],
];
const PAGES = [
  { skip: 0, limit: 51 },
  { skip: 20, limit: 11 },
  { skip: 0, limit: 1 },
];

describe.each(DATABASES)('ordered walk on %s', (kind) => {
  let db: Database;
  let dispose: () => Promise<void>;
  let store: RowStore;
  let table: TableConfig;
  let items: Item[] = [];

  beforeAll(async () => {
    ({ db, dispose } = await openDatabase(kind, 'walk'));
    [table] = resolveTableConfig([{ name: 'walked' }], false) as [TableConfig];
    await ensureSchema(db, [table]);
    // Ids descend as time ascends, so the `id` tiebreak and the time order disagree.
    await db.query(
      `insert into walked (id, created_at, updated_at, version, deleted, data)
       select 'w' || lpad((100000 - i)::text, 6, '0'), ts, ts, encode(int8send(nextval('${VERSION_SEQUENCE}')), 'base64'), i % 11 = 0,
         jsonb_build_object('cat', 'k' || (i % 2), 'flag', i % 3 = 0, 'band', i % 40, 'rare', i % 500, 'rank', i)
       from (select i, timestamptz '2026-01-01T00:00:00Z' + (i / 7) * interval '1 millisecond' as ts
             from generate_series(1, $1::int) as i) as s`,
      [ROWS],
    );
    store = createRowStore(db);
    const all = await store.list(table, { filter: null, orderBy: [], skip: 0, limit: 10_000, includeDeleted: true, count: false }, null);
    if (!all.ok) throw all.error;
    items = all.value.rows.map((row) => storedItem(row, table));
  });
  afterAll(async () => dispose?.());

  test('the walk applies where it should, and bounds its window', () => {
    const filter = parseFilter("cat eq 'k1'");
    if (!filter.ok) throw filter.error;
    expect(walkOf(filter.value, [{ field: 'updatedAt', direction: 'desc' }], 51)).toEqual({ window: 3264, order: 'updated_at desc' });
    expect(walkOf(filter.value, [], 10)).toEqual({ window: 1024, order: 'id asc' });
    expect(walkOf(null, [{ field: 'updatedAt', direction: 'desc' }], 51)).toBeNull();
    expect(walkOf(filter.value, [{ field: 'rank', direction: 'desc' }], 51)).toBeNull();
    expect(walkOf(filter.value, [{ field: 'updatedAt', direction: 'asc' }], 1001)).toBeNull();
    const range = parseFilter("updatedAt ge '2026-01-01T00:00:00.100Z' and cat eq 'k1'");
    if (!range.ok) throw range.error;
    expect(walkOf(range.value, [{ field: 'updatedAt', direction: 'asc' }], 51)).toBeNull();
  });

  test('every filtered page is the evaluator\'s, inside the window, across its edge and past it', async () => {
    expect(items).toHaveLength(ROWS);
    let checked = 0;
    for (const text of FILTERS) {
      const filter = parseFilter(text);
      if (!filter.ok) throw filter.error;
      for (const orderBy of ORDERS) {
        for (const { skip, limit } of PAGES) {
          for (const includeDeleted of [false, true]) {
            const visible = includeDeleted ? items : items.filter((item) => item['deleted'] !== true);
            const want = runQuery(visible, { filter: filter.value, orderBy, skip, limit, select: null });
            const got = await store.list(table, { filter: filter.value, orderBy, skip, limit, includeDeleted, count: true }, null);
            if (!got.ok) throw got.error;
            const where = `${text} / ${JSON.stringify(orderBy)} / skip ${skip} top ${limit} / deleted ${includeDeleted}`;
            expect(got.value.rows.map((r) => r.id), where).toEqual(want.items.map((item) => item['id']));
            expect(got.value.count, where).toBe(want.matches);
            checked++;
          }
        }
      }
    }
    expect(checked).toBe(FILTERS.length * ORDERS.length * PAGES.length * 2);
  });
});
