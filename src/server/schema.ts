import type { Database } from './database.js';
import { caseMappingFunctions } from './sql-case-map.js';
import { quoteIdent } from './sql-names.js';
import type { TableConfig } from './table-config.js';

/** The database-wide sequence every `version` is drawn from (PROTOCOL.md §2.2). */
export const VERSION_SEQUENCE = 'tablesync_version';

// Any instance may start at any time (DESIGN.md §4: stateless), so setup is idempotent and serialised.
const SETUP_LOCK = 7_406_381_001;

/** `YYYY-MM-DDTHH:mm[:ss[.f{1,7}]]` plus `Z`, `±hh:mm` or nothing, as core/dates.ts reads it; null when not a date. */
const PARSE_DATE = `
create or replace function tablesync_parse_date(s text) returns timestamptz
language plpgsql immutable strict parallel safe as $fn$
declare m text[]; y int; mo int; d int; h int; mi int; sec int; micros int; z text; off int := 0;
begin
  m := regexp_match(s, '^(\\d{4})-(\\d{2})-(\\d{2})T(\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d{1,7}))?)?(Z|[+-]\\d{2}:\\d{2})?$', 'i');
  if m is null then return null; end if;
  y := m[1]::int; mo := m[2]::int; d := m[3]::int; h := m[4]::int; mi := m[5]::int;
  sec := coalesce(m[6], '0')::int;
  micros := rpad(substr(coalesce(m[7], ''), 1, 6), 6, '0')::int;
  z := upper(coalesce(m[8], 'Z'));
  if mo < 1 or mo > 12 or d < 1 or h > 23 or mi > 59 or sec > 59 then return null; end if;
  -- Year 0000 is 1 BC, which PostgreSQL numbers -1.
  if y = 0 then y := -1; end if;
  if d > extract(day from make_date(y, mo, 1) + interval '1 month' - interval '1 day') then return null; end if;
  if z <> 'Z' then
    if substr(z, 2, 2)::int > 23 or substr(z, 5, 2)::int > 59 then return null; end if;
    off := (substr(z, 2, 2)::int * 60 + substr(z, 5, 2)::int) * (case when left(z, 1) = '-' then -1 else 1 end);
  end if;
  return make_timestamptz(y, mo, d, h, mi, 0, 'UTC') + (sec::bigint * 1000000 + micros) * interval '1 microsecond'
    - off * interval '1 minute';
end $fn$`;

/**
 * IEEE double arithmetic as JavaScript does it (§2.4 rule 4): overflow gives ±Infinity, underflow 0,
 * x/0 null, and a result that is not a number (∞ − ∞, ∞ mod x) null. `mod` is JavaScript's `%`, which
 * is exact: binary long division, where each subtraction of b·2^k from x ∈ [b·2^k, b·2^(k+1)) is exact.
 */
const ARITH = `
create or replace function tablesync_arith(op text, a float8, b float8) returns float8
language plpgsql immutable parallel safe as $fn$
declare r numeric; x float8; t float8; y float8; v float8;
begin
  if a is null or b is null then return null; end if;
  if op in ('div', 'mod') and b = 0 then return null; end if;
  if op = 'mod' then
    if a = 'NaN'::float8 or b = 'NaN'::float8 or abs(a) = 'Infinity'::float8 then return null; end if;
    x := abs(a); y := abs(b);
    if y = 'Infinity'::float8 or x < y then return a; end if;
    t := y;
    while t <= x - t loop t := t * 2; end loop;
    loop
      if x >= t then x := x - t; end if;
      -- Halving back to b is exact; halving b itself could underflow, which PostgreSQL raises.
      exit when t = y;
      t := t / 2;
    end loop;
    return case when a < 0 then -x else x end;
  end if;
  v := case op when 'add' then a + b when 'sub' then a - b when 'mul' then a * b else a / b end;
  return case when v = 'NaN'::float8 then null else v end;
exception when numeric_value_out_of_range then
  r := case op when 'add' then a::numeric + b::numeric when 'sub' then a::numeric - b::numeric
    when 'mul' then a::numeric * b::numeric else a::numeric / b::numeric end;
  if abs(r) < 1 then return 0; end if;
  return sign(r)::float8 * 'Infinity'::float8;
end $fn$`;

/** The NOTIFY channel of committed row changes (change-feed.ts); the payload is `{"s": schema, "t": table, "o": owner}`. */
export const CHANGES_CHANNEL = 'tablesync_changes';

/**
 * A row trigger on PostgreSQL, so every write, whichever process or statement made it, notifies at
 * its commit and not before (NOTIFY is delivered at commit; duplicates in one transaction fold).
 */
const NOTIFY_CHANGE = `
create or replace function tablesync_notify_change() returns trigger
language plpgsql as $fn$
begin
  perform pg_notify('${CHANGES_CHANNEL}', json_build_object('s', tg_table_schema, 't', tg_table_name,
    'o', case when tg_op = 'DELETE' then old.owner else new.owner end)::text);
  return null;
end $fn$`;

/** Creates the sequence, helper functions, configured tables and their indexes when missing. */
export async function ensureSchema(db: Database, tables: readonly TableConfig[]): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [SETUP_LOCK]);
    await tx.query(`create sequence if not exists ${VERSION_SEQUENCE} as bigint`);
    await tx.query(PARSE_DATE);
    await tx.query(ARITH);
    if (db.kind === 'postgres') await tx.query(NOTIFY_CHANGE);
    for (const statement of await caseMappingFunctions(tx)) await tx.query(statement);
    for (const table of tables) {
      const t = quoteIdent(table.name);
      await tx.query(`create table if not exists ${t} (
        id text collate "C" primary key,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        version text not null,
        deleted boolean not null default false,
        owner text,
        data jsonb not null default '{}'::jsonb)`);
      // The incremental pull (updatedAt ge W order by updatedAt, id) is a range scan of this index.
      await tx.query(`create index if not exists ${quoteIdent(`${table.name}_updated_at_id`)} on ${t} (updated_at, id)`);
      // `field eq literal` compiles to `data @> …` (sql-containment.ts), which this index answers.
      await tx.query(`create index if not exists ${quoteIdent(`${table.name}_data`)} on ${t} using gin (data jsonb_path_ops)`);
      if (db.kind === 'postgres') await tx.query(`create or replace trigger ${quoteIdent(`${table.name}_notify_change`)}
        after insert or update or delete on ${t} for each row execute function tablesync_notify_change()`);
      if (table.owner !== null) {
        await tx.query(`create index if not exists ${quoteIdent(`${table.name}_owner_updated_at_id`)} on ${t} (owner, updated_at, id)`);
      }
    }
  });
}

/** Empties every configured table (tests); the version sequence keeps counting. */
export async function truncateTables(db: Database, tables: readonly TableConfig[]): Promise<void> {
  if (tables.length === 0) return;
  await db.query(`truncate ${tables.map((t) => quoteIdent(t.name)).join(', ')}`);
}
