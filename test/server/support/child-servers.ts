import path from 'node:path';
import pg from 'pg';
import { fileURLToPath } from 'node:url';
import { startChildServer, type ChildServer } from '../../../bench/lib/child-server.js';
import type { ServerOptions } from '../../../src/server/start-server.js';
import { assertPostgresReachable, dropSchema, TEST_DATABASE_URL, uniqueSchema } from './databases.js';

const MAIN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'child-server-main.ts');

/** `count` reference-server processes over one PostgreSQL schema (the server is stateless: DESIGN.md §4), and their disposer. */
export async function startServerProcesses(
  label: string,
  count: number,
  options: Omit<ServerOptions, 'host' | 'port' | 'databaseUrl' | 'databaseSchema'> = {},
): Promise<{ servers: ChildServer[]; schema: string; dispose: () => Promise<void> }> {
  await assertPostgresReachable();
  const schema = uniqueSchema(label);
  const servers: ChildServer[] = [];
  const start = (i: number): Promise<ChildServer> =>
    startChildServer({
      label: `${label} server ${i}`,
      command: process.execPath,
      args: ['--import', 'tsx', MAIN],
      env: { TABLESYNC_TEST_OPTIONS: JSON.stringify({ ...options, databaseUrl: TEST_DATABASE_URL, databaseSchema: schema }) },
    });
  const dispose = async (): Promise<void> => {
    await Promise.all(servers.map((s) => s.stop()));
    await dropSchema(schema);
  };
  try {
    // Created here, so the processes start together: concurrent `create schema if not exists` can collide.
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`create schema "${schema}"`).finally(() => admin.end());
    for (const server of await Promise.allSettled(Array.from({ length: count }, (_, i) => start(i)))) {
      if (server.status === 'rejected') throw server.reason;
      servers.push(server.value);
    }
  } catch (error) {
    await dispose();
    throw error;
  }
  return { servers, schema, dispose };
}
