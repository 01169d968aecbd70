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
  const notifications = createNotificationListener(connectionString);
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
    listen: notifications.listen,
    close: async () => {
      await notifications.close();
      await pool.end();
    },
  };
}

const RECONNECT_MS = 1000;

/**
 * LISTEN on one connection of its own, opened on the first `listen`. A dropped connection is
 * reopened after a second; NOTIFYs sent meanwhile are lost (the client's other pull triggers remain).
 */
function createNotificationListener(connectionString: string): Pick<Database, 'listen' | 'close'> {
  const channels = new Map<string, Set<(payload: string) => void>>();
  let client: Promise<pg.Client> | null = null;
  let closed = false;
  let retry: ReturnType<typeof setTimeout> | undefined;

  const reconnectLater = (): void => {
    clearTimeout(retry);
    if (!closed && channels.size > 0) retry = setTimeout(() => void connect().catch(reconnectLater), RECONNECT_MS);
  };
  const open = (): Promise<pg.Client> => {
    const next = new pg.Client({ connectionString });
    const opened = (async () => {
      next.on('notification', (message) => {
        for (const callback of channels.get(message.channel) ?? []) callback(message.payload ?? '');
      });
      next.on('error', () => {
        if (client === opened) client = null;
        next.end().catch(() => {});
        reconnectLater();
      });
      await next.connect();
      for (const channel of channels.keys()) await next.query(`listen ${quoteIdent(channel)}`);
      return next;
    })();
    opened.catch(() => {
      if (client === opened) client = null;
      next.end().catch(() => {});
    });
    return opened;
  };
  const connect = (): Promise<pg.Client> => (client ??= open());

  return {
    async listen(channel, onPayload) {
      const known = channels.has(channel);
      const callbacks = channels.get(channel) ?? new Set();
      callbacks.add(onPayload);
      channels.set(channel, callbacks);
      const connecting = client;
      try {
        const listening = await connect();
        // A connection opened by this call already listens to every known channel.
        if (!known && connecting !== null) await listening.query(`listen ${quoteIdent(channel)}`);
      } catch (error) {
        callbacks.delete(onPayload);
        throw error;
      }
      return async () => {
        callbacks.delete(onPayload);
      };
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      const open = client;
      client = null;
      if (open !== null) await (await open.catch(() => null))?.end().catch(() => {});
    },
  };
}

