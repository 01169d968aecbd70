import pg from 'pg';
import { createPgDatabase } from '../../../src/server/pg-database.js';
import { createPgliteDatabase } from '../../../src/server/pglite-database.js';
import type { Database } from '../../../src/server/database.js';

/** The PostgreSQL the server suite runs against (TESTING.md §8); it never skips when that is down. */
export const TEST_DATABASE_URL = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** The two databases every server test runs on. */
export const DATABASES = ['pglite', 'postgres'] as const;
export type DatabaseKind = (typeof DATABASES)[number];

/** A schema name unique to this test file's process and moment. */
export const uniqueSchema = (label: string): string => `t_${label}_${process.pid}_${Date.now().toString(36)}`;

/** Fails loudly, naming the fix, when PostgreSQL is unreachable. */
export async function assertPostgresReachable(): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (error) {
    throw new Error(
      `PostgreSQL is unreachable at ${TEST_DATABASE_URL} (${String(error)}). Start it (bash scripts/setup-test-machine.sh) ` +
        'or set TEST_DATABASE_URL; the server suite never skips.',
      { cause: error },
    );
  } finally {
    await client.end().catch(() => {});
  }
}

/** Drops a test schema and everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}

/** Opens a bare database of either kind (PGlite in memory, or a fresh PostgreSQL schema) and its disposer. */
export async function openDatabase(kind: DatabaseKind, label: string): Promise<{ db: Database; dispose: () => Promise<void> }> {
  if (kind === 'pglite') {
    const db = await createPgliteDatabase(null);
    return { db, dispose: () => db.close() };
  }
  await assertPostgresReachable();
  const schema = uniqueSchema(label);
  const db = await createPgDatabase(TEST_DATABASE_URL, schema);
  return {
    db,
    dispose: async () => {
      await db.close();
      await dropSchema(schema);
    },
  };
}
