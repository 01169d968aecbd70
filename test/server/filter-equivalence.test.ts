import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Item } from '../../src/core/item.js';
import { parseFilter, runQuery, type Expr } from '../../src/core/odata/index.js';
import type { Database } from '../../src/server/database.js';
import { createRowStore, type RowStore } from '../../src/server/row-store.js';
import { ensureSchema } from '../../src/server/schema.js';
import { compileFilter } from '../../src/server/sql-filter.js';
import { compileOrderBy } from '../../src/server/sql-order.js';
import { createSqlParams } from '../../src/server/sql-params.js';
import { storedItem } from '../../src/server/stored-item.js';
import { resolveTableConfig, type TableConfig } from '../../src/server/table-config.js';
import { generateQueries, generateRows, type GeneratedQuery } from '../support/filter-arbitrary.js';
import { DATABASES, openDatabase } from './support/databases.js';

// S-33 beyond the hand-made corpus: generated filters over generated rows (test/support/filter-arbitrary.ts).
// The SQL pushdown must give the same rows in the same order, and the same count, as the core
// evaluator (runQuery). The filters go in batches, each query one sub-select of a UNION ALL built by
// the server's own compilers (compileFilter, compileOrderBy, as RowStore.list uses them); every
// tenth also goes through RowStore.list itself. FILTER_SEED replays a run; FILTER_RUNS sizes it.
const SEED = Number(process.env['FILTER_SEED'] ?? 20240115);
const RUNS = Number(process.env['FILTER_RUNS'] ?? 2000);
const ROWS = 80;
const BATCH = 100;

const rows = generateRows(SEED, ROWS);
const queries = generateQueries(SEED, rows, RUNS).map((query, index) => {
  const parsed = parseFilter(query.filter);
  if (!parsed.ok) throw new Error(`the generator wrote an invalid filter: ${query.filter} (${parsed.error.message})`);
  return { ...query, index, expr: parsed.value };
});
type Query = GeneratedQuery & { readonly index: number; readonly expr: Expr };

/** What the database answered for one query: its page of ids and its count, or the failure. */
type SqlAnswer = { readonly ids: readonly string[]; readonly count: number } | { readonly error: string };

describe.each(DATABASES)('filter equivalence on %s', (kind) => {
  let db: Database;
  let dispose: () => Promise<void>;
  let store: RowStore;
  let table: TableConfig;
  let items: Item[] = [];

  beforeAll(async () => {
    ({ db, dispose } = await openDatabase(kind, 'equivalence'));
    [table] = resolveTableConfig([{ name: 'generated' }], false) as [TableConfig];
    await ensureSchema(db, [table]);
    store = createRowStore(db);
    // The rows are inserted once; every query reads them.
    for (const { id, ...data } of rows) await store.insert(table, String(id), data, null);
    const all = await store.list(table, { filter: null, orderBy: [], skip: 0, limit: 10_000, includeDeleted: true, count: false }, null);
    if (!all.ok) throw all.error;
    items = all.value.rows.map((row) => storedItem(row, table));
  });
  afterAll(async () => dispose?.());

  /** One statement for a batch: per query a count row (pos 0) and its page rows (pos = rank in its order). */
  async function runBatch(batch: readonly Query[]): Promise<Map<number, SqlAnswer>> {
    const p = createSqlParams();
    const parts: string[] = [];
    const answers = new Map<number, SqlAnswer>();
    for (const q of batch) {
      const where = compileFilter(q.expr, p, { ownerField: null });
      if (!where.ok) {
        answers.set(q.index, { error: `${where.error.code}: ${where.error.message}` });
        continue;
      }
      const order = compileOrderBy(q.orderBy, null);
      const k = `${q.index}::int`;
      parts.push(`(select ${k} as q, null::text as id, 0::int as pos, count(*)::int as total from generated where ${where.value})`);
      parts.push(
        `(select ${k} as q, id, (row_number() over (order by ${order}))::int as pos, 0::int as total from generated where ${where.value} ` +
          `order by ${order} limit ${p.add(q.limit, 'int8')} offset ${p.add(q.skip, 'int8')})`,
      );
    }
    if (parts.length === 0) return answers;
    const statement = p.finalize(`select q, id, pos, total from (${parts.join(' union all ')}) s order by q, pos`);
    const result = await db.query<{ q: number; id: string | null; pos: number; total: number }>(statement.sql, statement.values);
    const pages = new Map<number, { ids: string[]; count: number }>();
    for (const row of result) {
      const page = pages.get(row.q) ?? { ids: [], count: 0 };
      if (row.id === null) page.count = row.total;
      else page.ids.push(row.id);
      pages.set(row.q, page);
    }
    for (const [q, page] of pages) answers.set(q, page);
    return answers;
  }

  /** A batch whose statement failed is asked one query at a time, so the failure is pinned on its query. */
  async function ask(batch: readonly Query[]): Promise<Map<number, SqlAnswer>> {
    try {
      return await runBatch(batch);
    } catch {
      const answers = new Map<number, SqlAnswer>();
      for (const q of batch) {
        try {
          for (const [k, v] of await runBatch([q])) answers.set(k, v);
        } catch (error) {
          answers.set(q.index, { error: `database error: ${String(error)}` });
        }
      }
      return answers;
    }
  }

  test(`S-33: ${RUNS} generated filters give the evaluator's rows, order and count (seed ${SEED})`, async () => {
    expect(items).toHaveLength(ROWS);
    const started = Date.now();
    const disagreements: unknown[] = [];
    const selective = { none: 0, some: 0, all: 0 };
    const expected = (q: Query) => runQuery(items, { filter: q.expr, orderBy: q.orderBy, skip: q.skip, limit: q.limit, select: null });
    const compare = (q: Query, sql: SqlAnswer | undefined, path: string): void => {
      const want = expected(q);
      const ids = want.items.map((item) => String(item['id']));
      if (sql === undefined || 'error' in sql || sql.count !== want.matches || sql.ids.join('\u0000') !== ids.join('\u0000')) {
        disagreements.push({ path, filter: q.filter, orderBy: q.orderBy, skip: q.skip, limit: q.limit, sql, evaluator: { ids, count: want.matches } });
      }
    };
    for (let at = 0; at < queries.length; at += BATCH) {
      const batch = queries.slice(at, at + BATCH);
      const answers = await ask(batch);
      for (const q of batch) {
        const matches = expected(q).matches;
        selective[matches === 0 ? 'none' : matches === ROWS ? 'all' : 'some']++;
        compare(q, answers.get(q.index), 'batch');
      }
    }
    const batched = Date.now() - started;
    // RowStore.list itself, the statement the server runs, for every tenth query.
    for (const q of queries.filter((x) => x.index % 10 === 0)) {
      const listed = await store.list(table, { filter: q.expr, orderBy: q.orderBy, skip: q.skip, limit: q.limit, includeDeleted: true, count: true }, null);
      compare(q, listed.ok ? { ids: listed.value.rows.map((row) => row.id), count: listed.value.count ?? -1 } : { error: listed.error.message }, 'RowStore.list');
    }
    console.log(
      `filter equivalence on ${kind}: seed ${SEED}, ${RUNS} filters over ${ROWS} rows in ${batched} ms batched ` +
        `(+${Date.now() - started - batched} ms for ${Math.ceil(RUNS / 10)} through RowStore.list); ` +
        `matching none ${selective.none}, some ${selective.some}, all ${selective.all}; disagreements ${disagreements.length}`,
    );
    // The generated filters must select: a good share match some rows but not all.
    expect(selective.some).toBeGreaterThan(RUNS * 0.25);
    expect(disagreements.slice(0, 8), JSON.stringify(disagreements.slice(0, 8), null, 1)).toEqual([]);
  }, 120_000);
});
