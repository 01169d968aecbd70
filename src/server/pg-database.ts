import pg from 'pg';
import type { Database, Queryable } from './database.js';
import { quoteIdent } from './sql-names.js';

/** PostgreSQL through a `pg` pool; `schema`, when given, is created if missing and used as search_path; `settings` are session settings. */
export async function createPgDatabase(
  connectionString: string,
  schema: string | null,
  settings: Readonly<Record<string, string>> = {},
): Promise<Database> {
  if (schema !== null) {
    const admin = new pg.Client({ connectionString });
    await admin.connect();
    try {
      await admin.query(`create schema if not exists ${quoteIdent(schema)}`);
    } finally {
      await admin.end();
    }
  }
  const sessionOptions = [
    ...(schema === null ? [] : [`-c search_path=${quoteIdent(schema)}`]),
    ...Object.entries(settings).map(([name, value]) => {
      if (!/^[a-z_.]+$/.test(name) || !/^[A-Za-z0-9_.]+$/.test(value)) throw new Error(`bad database setting ${name}=${value}`);
      return `-c ${name}=${value}`;
    }),
  ];
  const pool = new pg.Pool({ connectionString, max: 10, ...(sessionOptions.length > 0 ? { options: sessionOptions.join(' ') } : {}) });
  pool.on('error', () => {}); // an idle client's dropped connection is not fatal; the next checkout reconnects
  const run = (q: pg.Pool | pg.PoolClient): Queryable => ({
    query: async <T>(sql: string, params: readonly unknown[] = []) =>
      (await q.query(sql, params as unknown[])).rows as readonly T[],
  });
  await pool.query('select 1');
  return {
    kind: 'postgres',
    query: run(pool).query,
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const value = await work(run(client));
        await client.query('commit');
        return value;
      } catch (error) {
        await client.query('rollback').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

