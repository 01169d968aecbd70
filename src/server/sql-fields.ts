import { FIELD_NAME, fieldKey } from './sql-names.js';

/** The static type of a compiled SQL expression; `json` is an app field whose type is known per row. */
export type SqlType = 'json' | 'string' | 'number' | 'boolean' | 'date' | 'null';

/** A compiled expression: SQL text, its type, and whether it can be SQL NULL. */
export interface Typed {
  readonly sql: string;
  readonly type: SqlType;
  readonly nullable: boolean;
  /** A comparison or logic result, where SQL NULL stands for false (two-valued logic, §2.4 rule 3). */
  readonly predicate?: true;
  /** A column whose collation is already "C" (id, version). */
  readonly collated?: true;
  /** A system date: a string in the wire format, as the evaluator sees it, backed by this timestamptz column. */
  readonly dateColumn?: string;
}

/** The wire format of dates, for `to_char`. */
export const WIRE_DATE = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

const systemDate = (column: string): Typed => ({
  sql: `to_char(${column} at time zone 'UTC', ${WIRE_DATE})`,
  type: 'string',
  nullable: false,
  dateColumn: column,
});

export const NULL: Typed = { sql: 'null', type: 'null', nullable: true };

/** How one table's fields map to columns: system properties, the owner field, app fields in `data`. */
export function fieldSql(name: string, ownerField: string | null): Typed {
  switch (name) {
    case 'id':
      return { sql: 'id', type: 'string', nullable: false, collated: true };
    case 'version':
      return { sql: 'version', type: 'string', nullable: false, collated: true };
    case 'createdAt':
      return systemDate('created_at');
    case 'updatedAt':
      return systemDate('updated_at');
    case 'deleted':
      return { sql: 'deleted', type: 'boolean', nullable: false };
    default:
      if (ownerField !== null && name === ownerField) return { sql: 'owner', type: 'string', nullable: true };
      // A name no row can hold is a missing field, which is null (§2.4 rule 1).
      if (!FIELD_NAME.test(name)) return NULL;
      return { sql: `nullif(data->${fieldKey(name)}, 'null'::jsonb)`, type: 'json', nullable: true };
  }
}

/** The scalar types a value of this expression can have at run time. */
export function possibleTypes(e: Typed): readonly SqlType[] {
  if (e.type === 'null') return [];
  if (e.type === 'json') return ['boolean', 'number', 'string'];
  return [e.type];
}

/** The expression viewed as type `t` (SQL NULL on rows where it has another type), or null if it never is. */
export function view(e: Typed, t: SqlType): string | null {
  if (e.type === t) return e.predicate && e.nullable ? `coalesce(${e.sql}, false)` : e.sql;
  if (e.type !== 'json') return null;
  const j = e.sql;
  switch (t) {
    case 'number':
      return `(case when jsonb_typeof(${j}) = 'number' then (${j})::float8 end)`;
    case 'string':
      return `(case when jsonb_typeof(${j}) = 'string' then ${j} #>> '{}' end)`;
    case 'boolean':
      return `(case when jsonb_typeof(${j}) = 'boolean' then (${j})::boolean end)`;
    default:
      return null;
  }
}

/** SQL that holds when the expression is null, or null when it never is. */
export function isNullSql(e: Typed): string | null {
  if (e.type === 'null') return 'true';
  if (e.predicate || !e.nullable) return null;
  return `(${e.sql}) is null`;
}
