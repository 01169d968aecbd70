/**
 * The benchmark's rows and the read every figure uses. A row is a todo item with a category (one
 * of 20) and a done flag (one in three), so the read's filter keeps about one row in thirty.
 */
import { quoteIdent } from '../../src/server/sql-names.js';
import { VERSION_SEQUENCE } from '../../src/server/schema.js';

/** Table names: three read tables (sizes in `Scale.rows`), the worker's write table, one written to straight from Node, one pulled under the profiler. */
export const TABLES = { small: 'rows_small', medium: 'rows_medium', large: 'rows_large', writes: 'wr', direct: 'wr_direct', profiled: 'rows_profiled' } as const;

/** An app row as a write sends it. */
export function appRow(i: number, prefix = 'w'): Record<string, string | number | boolean> {
  return { id: `${prefix}${String(i).padStart(7, '0')}`, text: `Buy milk and eggs, item ${i}`, done: i % 3 === 0, category: `c${String(i % 20).padStart(2, '0')}`, rank: i };
}

/** Anything that runs one parameterised statement: a `pg` pool or the server's PGlite database. */
export interface SqlRunner {
  query(sql: string, params: unknown[]): Promise<unknown>;
}

/**
 * Inserts `count` rows straight into a reference-server table (created by `ensureSchema`): each
 * with its own `updatedAt` millisecond, so a pull scans pages rather than draining one millisecond.
 */
export async function seedRows(db: SqlRunner, table: string, count: number): Promise<void> {
  await db.query(
    `insert into ${quoteIdent(table)} (id, created_at, updated_at, version, deleted, data)
     select 'r' || lpad(i::text, 7, '0'), ts, ts, encode(int8send(nextval('${VERSION_SEQUENCE}')), 'base64'), false,
       jsonb_build_object('text', 'Buy milk and eggs, item ' || i, 'done', i % 3 = 0,
         'category', 'c' || lpad((i % 20)::text, 2, '0'), 'rank', i)
     from (select i, date_trunc('milliseconds', now()) - interval '1 day' + i * interval '1 millisecond' as ts
           from generate_series(1, $1::int) as i) as s`,
    [count],
  );
}

/**
 * The read of DESIGN.md §6 (`$filter` + `$orderby` + `$top=50`), made distinct per `i` by a clause
 * that is always true, so the worker's read cache can never answer it (a repeated URL is a cache hit).
 */
export function readPath(table: string, i: number): string {
  const filter = `done eq false and category eq 'c${String(i % 20).padStart(2, '0')}' and text ne 'q${i}'`;
  return `/tables/${table}?$filter=${encodeURIComponent(filter)}&$orderby=${encodeURIComponent('updatedAt desc')}&$top=50`;
}
