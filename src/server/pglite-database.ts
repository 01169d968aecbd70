import { parse, PGlite, protocol } from '@electric-sql/pglite';
import type { Database, Queryable } from './database.js';

/** Distinct statement texts kept prepared; others are parsed each time. */
const MAX_PREPARED = 500;

/**
 * Session settings: the database lives in local files or memory, where a random page costs what a
 * sequential one does, so the planner should not fear an index (it then answers `field eq literal`
 * from the GIN index rather than reading the whole table).
 *
 * Prepared statements keep their generic plan. PGlite has no autovacuum, so no statistics: a custom
 * plan sees the same defaults and mostly re-derives the same plan, at the price of planning (and
 * file-size calls through the WASM file system) on every call. The read by id, whose `id = any($1)`
 * the planner prices per array length, was planned afresh every time: 0.36–0.64 ms a read against
 * 0.10 ms with its generic plan (10k rows, on disk).
 */
const SESSION_SETTINGS = ['set random_page_cost = 1.1', 'set plan_cache_mode = force_generic_plan'];

/** A parameter in PostgreSQL's text format; every placeholder carries its own cast. */
function textOf(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return `{${value.map((v) => (v === null ? 'NULL' : `"${String(v).replace(/[\\"]/g, '\\$&')}"`)).join(',')}}`;
  return String(value);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Embedded PostgreSQL (WASM): on disk under `dataDir`, or in memory when it is null.
 *
 * One WASM instance is one session, so statements queue here, one at a time, and a transaction
 * holds the queue from BEGIN to COMMIT. Each statement is one call into the instance (Parse of a
 * named statement the first time, then Bind, Describe, Execute and Sync together), where
 * `PGlite.query` makes six calls and parses the text every time.
 */
export async function createPgliteDatabase(dataDir: string | null): Promise<Database> {
  // int8 as a string, as pg returns it (TESTING.md §8).
  const options = { parsers: { 20: (value: string) => value } };
  const db = dataDir === null ? await PGlite.create(options) : await PGlite.create(dataDir, options);
  const { serialize } = protocol;
  const prepared = new Map<string, string>();

  const statement = async <T>(sql: string, params: readonly unknown[]): Promise<readonly T[]> => {
    let name = prepared.get(sql);
    const fresh = name === undefined && prepared.size < MAX_PREPARED;
    const parts: Uint8Array[] = [];
    if (name === undefined) {
      name = fresh ? `tablesync_${prepared.size}` : '';
      parts.push(serialize.parse({ name, text: sql }));
    }
    parts.push(serialize.bind({ statement: name, values: params.map(textOf) }), serialize.describe({ type: 'P' }), serialize.execute({}), serialize.sync());
    try {
      const { messages } = await db.execProtocol(concat(parts), { syncToFs: false });
      if (fresh) prepared.set(sql, name);
      return (parse.parseResults(messages, db.parsers)[0]?.rows ?? []) as T[];
    } catch (error) {
      // The Parse may have succeeded before the error: close the name so the next try can reuse it.
      if (fresh) await db.execProtocol(concat([serialize.close({ type: 'S', name }), serialize.sync()]), { syncToFs: false }).catch(() => {});
      throw error;
    }
  };

  let tail: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const run = tail.then(work);
    tail = run.catch(() => {});
    return run;
  };
  const inTransaction: Queryable = { query: (sql, params = []) => statement(sql, params) };

  for (const setting of SESSION_SETTINGS) await exclusive(() => statement(setting, []));
  return {
    kind: 'pglite',
    parallelism: 1,
    query: (sql, params = []) => exclusive(() => statement(sql, params)),
    transaction: (work) =>
      exclusive(async () => {
        await statement('begin', []);
        try {
          const value = await work(inTransaction);
          await statement('commit', []);
          return value;
        } catch (error) {
          await statement('rollback', []).catch(() => {});
          throw error;
        }
      }),
    // PGlite delivers its own NOTIFYs in process once their transaction commits.
    listen: (channel, onPayload) => db.listen(channel, onPayload).then((stop) => () => stop()),
    close: () => exclusive(() => db.close()),
  };
}
