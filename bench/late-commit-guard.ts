/**
 * What the scale-out guards cost on PostgreSQL (issue 11 item 6), measured side by side in one run,
 * rounds interleaved so machine load hits every variant alike:
 * - inserts, 8 at a time over a pool of 8: the old two statements (stamp, then insert), the
 *   statement that stamps inside itself (after it locked the table), and that statement with the
 *   change feed's NOTIFY trigger on the table;
 * - sync reads (a 100-row page `updatedAt ge …` ordered by updatedAt, id), one at a time: the page
 *   alone, and the page after the horizon statement (the oldest transaction writing to the table).
 *
 *     npx tsx bench/late-commit-guard.ts [inserts per round = 2000] [rounds = 3]
 */
import pg from 'pg';
import { createPgDatabase } from '../src/server/pg-database.js';
import { ensureSchema, VERSION_SEQUENCE } from '../src/server/schema.js';
import { WIRE_DATE } from '../src/server/sql-fields.js';
import { resolveTableConfig } from '../src/server/table-config.js';
import { DATABASE_URL } from './lib/stack.js';

const INSERTS = Number(process.argv[2] ?? 2000);
const ROUNDS = Number(process.argv[3] ?? 3);
const CONCURRENCY = 8;
const READS = 300;
const schema = `bench_guard_${process.pid}`;

const STAMP = `select encode(int8send(nextval('${VERSION_SEQUENCE}')), 'base64') as version,
  to_char(date_trunc('milliseconds', clock_timestamp()) at time zone 'UTC', ${WIRE_DATE}) as now`;
const OLD_INSERT = (t: string): string => `insert into ${t} (id, created_at, updated_at, version, deleted, owner, data)
  values ($1::text, $2::timestamptz, $2::timestamptz, $3::text, false, null, $4::jsonb) on conflict (id) do nothing returning id`;
const NEW_INSERT = (t: string): string => `with s as materialized (select encode(int8send(nextval('${VERSION_SEQUENCE}')), 'base64') as version,
    date_trunc('milliseconds', clock_timestamp()) as now)
  insert into ${t} (id, created_at, updated_at, version, deleted, owner, data)
  select $1::text, s.now, s.now, s.version, false, null, $2::jsonb from s on conflict (id) do nothing returning id`;
const HORIZON = `select to_char(date_trunc('milliseconds', coalesce(min(a.xact_start), clock_timestamp())) at time zone 'UTC', ${WIRE_DATE}) as horizon
  from pg_locks l join pg_stat_activity a on a.pid = l.pid
  where l.locktype = 'relation' and l.relation = $1::text::regclass and l.granted
    and l.mode in ('RowShareLock', 'RowExclusiveLock') and l.pid <> pg_backend_pid()`;
const PAGE = `select id, version, updated_at from plain where updated_at >= $1::timestamptz order by updated_at, id limit 100`;

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const db = await createPgDatabase(DATABASE_URL, schema);
await ensureSchema(db, resolveTableConfig([{ name: 'plain' }, { name: 'notified' }], false));
await db.query('drop trigger plain_notify_change on plain');
await db.close();
const pool = new pg.Pool({ connectionString: DATABASE_URL, max: CONCURRENCY, options: `-c search_path=${schema} -c synchronous_commit=off` });

async function inserts(label: string, insertOne: (client: pg.PoolClient, id: string) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      const client = await pool.connect();
      try {
        while (next < INSERTS) await insertOne(client, `${label}-${next++}`);
      } finally {
        client.release();
      }
    }),
  );
  return INSERTS / ((performance.now() - started) / 1000);
}

const variants = {
  'two statements (stamp, then insert)': (c: pg.PoolClient, id: string) =>
    c.query<{ version: string; now: string }>({ name: 'stamp', text: STAMP }).then(({ rows: [s] }) =>
      c.query({ name: 'old', text: OLD_INSERT('plain'), values: [id, s!.now, s!.version, '{"text":"x"}'] }).then(() => undefined),
    ),
  'one statement, stamped inside it': (c: pg.PoolClient, id: string) =>
    c.query({ name: 'new', text: NEW_INSERT('plain'), values: [id, '{"text":"x"}'] }).then(() => undefined),
  'one statement + change-feed NOTIFY trigger': (c: pg.PoolClient, id: string) =>
    c.query({ name: 'new-notified', text: NEW_INSERT('notified'), values: [id, '{"text":"x"}'] }).then(() => undefined),
};
const rates = new Map<string, number[]>(Object.keys(variants).map((k) => [k, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const [label, run] of Object.entries(variants)) rates.get(label)!.push(await inserts(`${label.length}-${round}`, run));
}

const reads = { alone: [] as number[], 'after the horizon statement': [] as number[] };
const since = new Date(Date.now() - 60_000).toISOString();
for (let round = 0; round < ROUNDS; round++) {
  for (const label of Object.keys(reads) as (keyof typeof reads)[]) {
    const started = performance.now();
    for (let i = 0; i < READS; i++) {
      if (label !== 'alone') await pool.query({ name: 'horizon', text: HORIZON, values: ['plain'] });
      await pool.query({ name: 'page', text: PAGE, values: [since] });
    }
    reads[label].push((performance.now() - started) / READS);
  }
}
await pool.end();
const admin = new pg.Client({ connectionString: DATABASE_URL });
await admin.connect();
await admin.query(`drop schema ${schema} cascade`);
await admin.end();

console.log(`# late-commit guard cost on PostgreSQL (${INSERTS} inserts × ${ROUNDS} rounds, ${CONCURRENCY} at a time; medians)`);
const base = median(rates.get('two statements (stamp, then insert)')!);
for (const [label, values] of rates) console.log(`insert: ${label.padEnd(44)} ${median(values).toFixed(0).padStart(6)} rows/s  (×${(median(values) / base).toFixed(2)})`);
const alone = median(reads.alone);
for (const [label, values] of Object.entries(reads)) console.log(`sync read page: ${label.padEnd(37)} ${median(values).toFixed(2).padStart(6)} ms  (×${(median(values) / alone).toFixed(2)})`);
