import { startServer, type RunningServer, type ServerOptions } from '../../../src/server/start-server.js';
import { assertPostgresReachable, dropSchema, TEST_DATABASE_URL, uniqueSchema, type DatabaseKind } from './databases.js';

/** A server on one database kind for one test file, and its disposer (closes it, drops the PostgreSQL schema). */
export async function startTestServer(
  kind: DatabaseKind,
  label: string,
  options: Partial<ServerOptions> = {},
): Promise<{ server: RunningServer; dispose: () => Promise<void> }> {
  const base = { port: 0, publicDir: null, ...options };
  if (kind === 'pglite') {
    const server = await startServer({ ...base, memory: true });
    return { server, dispose: () => server.close() };
  }
  await assertPostgresReachable();
  const schema = uniqueSchema(label);
  const server = await startServer({ ...base, databaseUrl: TEST_DATABASE_URL,
    databaseSchema: schema,
    // Test speed only: a commit need not wait for its WAL flush (the server's semantics are unchanged).
    databaseSettings: { synchronous_commit: 'off' },
  });
  return {
    server,
    dispose: async () => {
      await server.close();
      await dropSchema(schema);
    },
  };
}
