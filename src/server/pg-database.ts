import pg from 'pg';
import type { Database, Queryable } from './database.js';
import { quoteIdent } from './sql-names.js';

/** Distinct statement texts kept prepared per connection; others are parsed each time. */
const MAX_PREPARED = 500;

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
  // Statements are parameterised, so few texts recur: each is parsed once per connection as a named statement.
  const names = new Map<string, string>();
  const nameOf = (sql: string): string | undefined => {
    let name = names.get(sql);
    if (name === undefined && names.size < MAX_PREPARED) {
      name = `tablesync_${names.size}`;
      names.set(sql, name);
    }
    return name;
  };
  const run = (q: pg.Pool | pg.PoolClient): Queryable => ({
    query: async <T>(sql: string, params: readonly unknown[] = []) => {
      const name = nameOf(sql);
      const config = name === undefined ? { text: sql, values: params as unknown[] } : { name, text: sql, values: params as unknown[] };
      return (await q.query(config)).rows as readonly T[];
    },
  });
  await pool.query('select 1');
  return {
    kind: 'postgres',
    parallelism: 4,
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

