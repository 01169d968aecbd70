import type { Database } from './database.js';
import { CHANGES_CHANNEL } from './schema.js';

/** A committed write, as the database's trigger announced it: which table, and whose row. */
export interface Change {
  readonly table: string;
  readonly owner: string | null;
}

/** Committed changes of this server's schema, from every process writing to the same database. */
export interface ChangeFeed {
  /** Resolves once the database is listened to, so no change committed afterwards is missed. */
  subscribe(listener: (change: Change) => void): Promise<() => void>;
  /** A write this process committed on PGlite, which has no other process to hear from. */
  publish(change: Change): void;
}

/** Parses a trigger payload; null for another schema's change or a payload this server did not make. */
function parseChange(payload: string, schema: string): Change | null {
  try {
    const { s, t, o } = JSON.parse(payload) as { s?: unknown; t?: unknown; o?: unknown };
    if (s !== schema || typeof t !== 'string') return null;
    return { table: t, owner: typeof o === 'string' ? o : null };
  } catch {
    return null;
  }
}

/**
 * On PostgreSQL, one LISTEN per process, opened with the first subscriber and shared by all of them:
 * the tables' trigger notifies at each commit, whichever process wrote. On PGlite, which one process
 * owns, the row store publishes its own commits (no trigger: it would cost every embedded write).
 */
export function createChangeFeed(db: Database): ChangeFeed {
  const listeners = new Set<(change: Change) => void>();
  const publish = (change: Change): void => {
    for (const listener of listeners) listener(change);
  };
  let listening: Promise<void> | null = db.kind === 'pglite' ? Promise.resolve() : null;

  const listen = async (): Promise<void> => {
    // Tests and several apps share one database in different schemas; NOTIFY is database-wide.
    const [row] = await db.query<{ schema: string }>('select current_schema() as schema');
    const schema = row?.schema ?? 'public';
    await db.listen(CHANGES_CHANNEL, (payload) => {
      const change = parseChange(payload, schema);
      if (change !== null) publish(change);
    });
  };

  return {
    async subscribe(listener) {
      listening ??= listen().catch((error: unknown) => {
        listening = null;
        throw error;
      });
      await listening;
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    publish,
  };
}
