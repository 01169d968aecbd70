/**
 * The reference server in a process of its own for the throughput figure (DESIGN.md §6), on PGlite
 * (on disk, the `npm start` default) or PostgreSQL (a schema of its own, dropped at exit). Tables:
 * `rows_medium` seeded with the bench rows, `wr_direct` for inserts. Prints one JSON line `{"url": …}`
 * once listening on 127.0.0.1; exits when its stdin closes or on SIGTERM.
 *
 *     BENCH_ROWS=10000 tsx bench/servers/ours.ts pglite|postgres
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createPgliteDatabase } from '../../src/server/pglite-database.js';
import { ensureSchema } from '../../src/server/schema.js';
import { startServer, type RunningServer } from '../../src/server/start-server.js';
import { resolveTableConfig } from '../../src/server/table-config.js';
import { seedRows, TABLES } from '../lib/rows.js';
import { DATABASE_URL, FIXTURES } from '../lib/stack.js';

const kind = process.argv[2];
const tables = [{ name: TABLES.medium }, { name: TABLES.direct }];
const rows = Number(process.env['BENCH_ROWS'] ?? 10_000);

async function startOnPglite(): Promise<{ server: RunningServer; cleanup: () => Promise<void> }> {
  // Seeded through a PGlite of our own on the data dir, closed, then opened by the server as `npm start` does.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tablesync-bench-pglite-'));
  const db = await createPgliteDatabase(dataDir);
  await ensureSchema(db, resolveTableConfig(tables, false));
  await seedRows(db, TABLES.medium, rows);
  await db.close();
  const server = await startServer({ port: 0, dataDir, publicDir: FIXTURES, tables });
  return { server, cleanup: async () => fs.rmSync(dataDir, { recursive: true, force: true }) };
}

async function startOnPostgres(): Promise<{ server: RunningServer; cleanup: () => Promise<void> }> {
  const schema = `bench_tp_${process.pid}_${Date.now().toString(36)}`;
  const server = await startServer({ port: 0, databaseUrl: DATABASE_URL, databaseSchema: schema, publicDir: FIXTURES, tables });
  const pool = new pg.Pool({ connectionString: DATABASE_URL, options: `-c search_path=${schema}`, max: 1 });
  await seedRows(pool, TABLES.medium, rows);
  await pool.end();
  return {
    server,
    async cleanup() {
      const client = new pg.Client({ connectionString: DATABASE_URL });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    },
  };
}

if (kind !== 'pglite' && kind !== 'postgres') throw new Error('usage: ours.ts pglite|postgres');
const { server, cleanup } = kind === 'pglite' ? await startOnPglite() : await startOnPostgres();
let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  void server
    .close()
    .then(cleanup)
    .then(() => process.exit(0), () => process.exit(1));
};
process.on('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
