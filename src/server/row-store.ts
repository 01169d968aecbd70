import type { FieldValue } from '../core/item.js';
import type { Expr, OrderKey } from '../core/odata/ast.js';
import { ok, type Result } from '../core/result.js';
import { createCoalescer } from './coalesce.js';
import type { Database, Queryable } from './database.js';
import { VERSION_SEQUENCE } from './schema.js';
import { fieldSql, WIRE_DATE } from './sql-fields.js';
import { compileFilter } from './sql-filter.js';
import { quoteIdent } from './sql-names.js';
import { walkOf } from './ordered-walk.js';
import { compileOrderBy } from './sql-order.js';
import { createSqlParams } from './sql-params.js';
import type { TableConfig } from './table-config.js';

/** A row as the database holds it; dates already in the wire format. */
export interface StoredRow {
  readonly id: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly version: string;
  readonly deleted: boolean;
  readonly owner: string | null;
  readonly data: Readonly<Record<string, FieldValue>>;
}

/** The caller's row scope: null without owner scoping, else the token's subject. */
export type OwnerScope = string | null;

/** A list query, already bounded by the dialect's paging rules. */
export interface ListPlan {
  readonly filter: Expr | null;
  readonly orderBy: readonly OrderKey[];
  readonly skip: number;
  /** Rows to fetch (the caller asks one more than a page to learn whether more remain). */
  readonly limit: number;
  readonly includeDeleted: boolean;
  readonly count: boolean;
}

/** What a write decides once it has seen the locked current row (null when absent or out of scope). */
export type WriteDecision<R> =
  | { readonly kind: 'reject'; readonly reason: R }
  | { readonly kind: 'write'; readonly data: Readonly<Record<string, FieldValue>>; readonly deleted: boolean }
  | { readonly kind: 'remove' };

/** The outcome of a decided write. */
export type WriteOutcome<R> =
  | { readonly kind: 'rejected'; readonly reason: R }
  | { readonly kind: 'written'; readonly row: StoredRow }
  | { readonly kind: 'removed'; readonly row: StoredRow };

/** The outcome of an insert. */
export type InsertOutcome =
  | { readonly kind: 'created'; readonly row: StoredRow }
  | { readonly kind: 'exists'; readonly row: StoredRow }
  | { readonly kind: 'foreign' };

/** Row storage for the configured tables: every statement parameterised, rows locked for writes. */
export interface RowStore {
  get(table: TableConfig, id: string, owner: OwnerScope): Promise<StoredRow | null>;
  list(table: TableConfig, plan: ListPlan, owner: OwnerScope): Promise<Result<{ rows: readonly StoredRow[]; count: number | null }>>;
  insert(table: TableConfig, id: string, data: Readonly<Record<string, FieldValue>>, owner: OwnerScope): Promise<InsertOutcome>;
  write<R>(table: TableConfig, id: string, owner: OwnerScope, decide: (current: StoredRow | null) => WriteDecision<R>): Promise<WriteOutcome<R>>;
}

// The date aliases differ from the column names: `order by updated_at` must mean the indexed column, not this text.
const COLUMNS = `id, to_char(created_at at time zone 'UTC', ${WIRE_DATE}) as created_text,
  to_char(updated_at at time zone 'UTC', ${WIRE_DATE}) as updated_text, version, deleted, owner, data`;

interface RawRow {
  id: string;
  created_text: string;
  updated_text: string;
  version: string;
  deleted: boolean;
  owner: string | null;
  data: Record<string, FieldValue> | string;
}

const toRow = (r: RawRow): StoredRow => ({
  id: r.id,
  createdAt: r.created_text,
  updatedAt: r.updated_text,
  version: r.version,
  deleted: r.deleted,
  owner: r.owner,
  data: typeof r.data === 'string' ? (JSON.parse(r.data) as Record<string, FieldValue>) : r.data,
});

/** A version and a millisecond timestamp, drawn inside a write's transaction once its row is locked `for update`. */
async function stamp(q: Queryable): Promise<{ version: string; now: string }> {
  const [s] = await q.query<{ version: string; now: string }>(
    `select encode(int8send(nextval('${VERSION_SEQUENCE}')), 'base64') as version,
       to_char(date_trunc('milliseconds', clock_timestamp()) at time zone 'UTC', ${WIRE_DATE}) as now`,
  );
  if (s === undefined) throw new Error('no stamp');
  return s;
}

/** One insert waiting for its batch. */
interface PendingInsert {
  readonly id: string;
  readonly data: Readonly<Record<string, FieldValue>>;
  readonly owner: OwnerScope;
}

interface Failed {
  readonly kind: 'failed';
  readonly error: unknown;
}

/**
 * Inserts rows in one statement whatever their number: each row its own version; an id taken before, or earlier in the batch, is answered with the row holding it.
 * One statement needs no transaction.
 */
async function insertRows(db: Database, table: string, pending: readonly PendingInsert[]): Promise<Map<PendingInsert, InsertOutcome>> {
  const firsts = new Map<string, PendingInsert>();
  for (const p of pending) if (!firsts.has(p.id)) firsts.set(p.id, p);
  const rows = [...firsts.values()];
  const t = quoteIdent(table);
  // One statement: the stamps are drawn inside it, after it locked the table (SYNC_HORIZON below).
  const created = await db.query<RawRow>(
    `with s as materialized (select u.ord, encode(int8send(nextval('${VERSION_SEQUENCE}')), 'base64') as version
         from unnest($1::text[]) with ordinality as u(id, ord)),
       n as materialized (select date_trunc('milliseconds', clock_timestamp()) as now)
     insert into ${t} (id, created_at, updated_at, version, deleted, owner, data)
     select u.id, n.now, n.now, s.version, false, u.owner, u.data
     from unnest($1::text[], $2::text[], $3::jsonb[]) with ordinality as u(id, owner, data, ord)
     join s on s.ord = u.ord cross join n
     on conflict (id) do nothing returning ${COLUMNS}`,
    [rows.map((r) => r.id), rows.map((r) => r.owner), rows.map((r) => JSON.stringify(r.data))],
  );
  const createdById = new Map(created.map((r) => [r.id, toRow(r)]));
  const taken = rows.filter((r) => !createdById.has(r.id)).map((r) => r.id);
  const existing = taken.length === 0 ? [] : await db.query<RawRow>(`select ${COLUMNS} from ${t} where id = any($1::text[])`, [taken]);
  const holders = new Map([...existing.map((r) => [r.id, toRow(r)] as const), ...createdById]);
  const outcomes = new Map<PendingInsert, InsertOutcome>();
  for (const p of pending) {
    const row = holders.get(p.id);
    if (row === undefined) throw new Error('insert conflicted with a row that is gone');
    if (firsts.get(p.id) === p && createdById.has(p.id)) outcomes.set(p, { kind: 'created', row });
    else outcomes.set(p, p.owner !== null && row.owner !== p.owner ? { kind: 'foreign' } : { kind: 'exists', row });
  }
  return outcomes;
}

/**
 * PROTOCOL.md P3 (late commits), on the server's side. Every write stamps `updatedAt` inside its
 * transaction, after its statement took its lock on the table (RowExclusive for an insert, RowShare
 * for the update's `select … for update`); so a row not yet committed carries a stamp no older than
 * the start of a transaction that holds such a lock. A sync read (ordered by `updatedAt` first)
 * therefore returns only rows stamped before the start of the oldest transaction writing to that
 * table: every row below the bound is committed, and visible to the read, whose statement starts
 * after this one. Rows above it come in a later pull, so a watermark never passes a late commit.
 * (PGlite runs one transaction at a time: its stamp order is its commit order.)
 */
const SYNC_HORIZON = `select to_char(date_trunc('milliseconds', coalesce(min(a.xact_start), clock_timestamp())) at time zone 'UTC', ${WIRE_DATE}) as horizon
  from pg_locks l join pg_stat_activity a on a.pid = l.pid
  where l.locktype = 'relation' and l.relation = $1::text::regclass and l.granted
    and l.mode in ('RowShareLock', 'RowExclusiveLock') and l.pid <> pg_backend_pid()`;

/** A read whose first sort key is `updatedAt` ascending: the shape of every incremental pull (PROTOCOL.md §3.6). */
const isSyncRead = (plan: ListPlan, ownerField: string | null): boolean => {
  const first = plan.orderBy[0];
  return first !== undefined && first.direction === 'asc' && fieldSql(first.field, ownerField).dateColumn === 'updated_at';
};

/** How the row store is built. */
export interface RowStoreOptions {
  /** Hears of each write once it committed. */
  readonly committed?: (change: { table: string; owner: string | null }) => void;
  /** Sync reads stop below the oldest open write transaction (SYNC_HORIZON); default true. */
  readonly syncHorizon?: boolean;
}

/** The row store over one database. */
export function createRowStore(db: Database, options: RowStoreOptions = {}): RowStore {
  const committed = options.committed ?? ((): void => {});
  const horizon = db.kind === 'postgres' && options.syncHorizon !== false;
  const scoped = (owner: OwnerScope, ownerParam: () => string): string => (owner === null ? '' : ` and owner = ${ownerParam()}`);
  // Reads by id of one table and owner scope that arrive while one runs are answered by one `id = any(…)`.
  const getMany = createCoalescer<string, StoredRow>(async (group, ids) => {
    const [name, owner] = JSON.parse(group) as [string, OwnerScope];
    const p = createSqlParams();
    const where = `id = any(${p.add(ids, 'text[]')})${scoped(owner, () => p.add(owner, 'text'))}`;
    const q = p.finalize(`select ${COLUMNS} from ${quoteIdent(name)} where ${where}`);
    const rows = await db.query<RawRow>(q.sql, q.values);
    return new Map(rows.map((r) => [r.id, toRow(r)]));
  }, db.parallelism);

  // Inserts into one table that arrive while one runs go together: one stamp and one INSERT for all.
  const insertMany = createCoalescer<PendingInsert, InsertOutcome | Failed>(async (table, pending) => {
    try {
      return await insertRows(db, table, pending);
    } catch (error) {
      if (pending.length === 1) return new Map([[pending[0] as PendingInsert, { kind: 'failed', error }]]);
      // One bad row must not fail the others: each goes again alone.
      const outcomes = new Map<PendingInsert, InsertOutcome | Failed>();
      for (const p of pending) {
        outcomes.set(p, await insertRows(db, table, [p]).then((m) => m.get(p) ?? { kind: 'failed', error: new Error('an insert got no outcome') }, (e: unknown) => ({ kind: 'failed', error: e })));
      }
      return outcomes;
    }
  }, db.parallelism);

  return {
    async get(table, id, owner) {
      return (await getMany(JSON.stringify([table.name, owner]), id)) ?? null;
    },

    async list(table, plan, owner) {
      const p = createSqlParams();
      const conditions: string[] = [];
      if (!plan.includeDeleted) conditions.push('deleted = false');
      if (owner !== null) conditions.push(`owner = ${p.add(owner, 'text')}`);
      if (horizon && isSyncRead(plan, table.owner?.field ?? null)) {
        const [bound] = await db.query<{ horizon: string }>(SYNC_HORIZON, [quoteIdent(table.name)]);
        if (bound !== undefined) conditions.push(`updated_at < ${p.add(bound.horizon, 'timestamptz')}`);
      }
      let filterSql: string | null = null;
      if (plan.filter !== null) {
        const filter = compileFilter(plan.filter, p, { ownerField: table.owner?.field ?? null });
        if (!filter.ok) return filter;
        filterSql = filter.value;
        conditions.push(filterSql);
      }
      const where = conditions.length === 0 ? '' : ` where ${conditions.join(' and ')}`;
      const from = `from ${quoteIdent(table.name)}${where}`;
      const order = compileOrderBy(plan.orderBy, table.owner?.field ?? null);
      const paging = `order by ${order} limit ${p.add(plan.limit, 'int8')} offset ${p.add(plan.skip, 'int8')}`;
      let rows: readonly RawRow[] | null = null;
      const walk = walkOf(plan.filter, plan.orderBy, plan.skip + plan.limit);
      if (walk !== null && filterSql !== null) {
        // ordered-walk.ts: a full page found in the window is the exact answer.
        const base = conditions.filter((c) => c !== filterSql);
        const windowed = p.finalize(
          `select ${COLUMNS} from (select * from ${quoteIdent(table.name)}${base.length === 0 ? '' : ` where ${base.join(' and ')}`}
             order by ${walk.order} fetch first ${walk.window} rows with ties) as w where ${filterSql} ${paging}`,
        );
        const walked = await db.query<RawRow>(windowed.sql, windowed.values);
        if (walked.length === plan.limit) rows = walked;
      }
      if (rows === null) {
        const page = p.finalize(`select ${COLUMNS} ${from} ${paging}`);
        rows = await db.query<RawRow>(page.sql, page.values);
      }
      let count: number | null = null;
      if (plan.count) {
        const c = p.finalize(`select count(*)::text as n ${from}`);
        const [counted] = await db.query<{ n: string }>(c.sql, c.values);
        count = Number(counted?.n ?? 0);
      }
      return ok({ rows: rows.map(toRow), count });
    },

    async insert(table, id, data, owner) {
      const outcome = await insertMany(table.name, { id, data, owner });
      if (outcome === undefined) throw new Error('an insert got no outcome');
      if (outcome.kind === 'failed') throw outcome.error;
      if (outcome.kind === 'created') committed({ table: table.name, owner });
      return outcome;
    },

    async write(table, id, owner, decide) {
      const outcome = await db.transaction(async (tx) => {
        const t = quoteIdent(table.name);
        const p = createSqlParams();
        const where = `id = ${p.add(id, 'text')}${scoped(owner, () => p.add(owner, 'text'))}`;
        const q = p.finalize(`select ${COLUMNS} from ${t} where ${where} for update`);
        const [raw] = await tx.query<RawRow>(q.sql, q.values);
        const current = raw === undefined ? null : toRow(raw);
        const decision = decide(current);
        if (decision.kind === 'reject') return { kind: 'rejected', reason: decision.reason } as const;
        if (current === null) throw new Error('a write was decided for an absent row');
        if (decision.kind === 'remove') {
          await tx.query(`delete from ${t} where id = $1::text`, [id]);
          return { kind: 'removed', row: current } as const;
        }
        const { version, now } = await stamp(tx);
        const [updated] = await tx.query<RawRow>(
          `update ${t} set data = $2::jsonb, deleted = $3::boolean, version = $4::text,
             updated_at = greatest($5::timestamptz, updated_at)
           where id = $1::text returning ${COLUMNS}`,
          [id, JSON.stringify(decision.data), decision.deleted, version, now],
        );
        if (updated === undefined) throw new Error('a locked row vanished');
        return { kind: 'written', row: toRow(updated) } as const;
      });
      if (outcome.kind !== 'rejected') committed({ table: table.name, owner: outcome.row.owner });
      return outcome;
    },
  };
}
