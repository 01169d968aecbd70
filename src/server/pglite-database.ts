import { PGlite } from '@electric-sql/pglite';
import type { Database, Queryable } from './database.js';

/** Embedded PostgreSQL (WASM): on disk under `dataDir`, or in memory when it is null. */
export async function createPgliteDatabase(dataDir: string | null): Promise<Database> {
  // int8 as a string, as pg returns it (TESTING.md §8).
  const options = { parsers: { 20: (value: string) => value } };
  const db = dataDir === null ? await PGlite.create(options) : await PGlite.create(dataDir, options);
  const run = (q: Pick<PGlite, 'query'>): Queryable => ({
    query: async <T>(sql: string, params: readonly unknown[] = []) =>
      (await q.query<T>(sql, params as unknown[])).rows as readonly T[],
  });
  const root = run(db);
  return {
    kind: 'pglite',
    query: root.query,
    transaction: (work) => db.transaction((tx) => work(run(tx))),
    // PGlite delivers its own NOTIFYs in process once their transaction commits.
    listen: (channel, onPayload) => db.listen(channel, onPayload).then((stop) => () => stop()),
    close: () => db.close(),
  };
}
