import type { Expr, LiteralValue } from '../core/odata/ast.js';
import { FIELD_NAME } from './sql-names.js';
import type { SqlParams } from './sql-params.js';

/** A literal jsonb containment can match exactly: a string, boolean or finite number (dates and null take the general path). */
type Scalar = string | number | boolean;

/** Characters PostgreSQL text cannot hold; such a literal takes the general path, which rejects it. */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/u;

function scalarOf(e: Expr): Scalar | undefined {
  if (e.kind !== 'literal') return undefined;
  return containable(e.value) ? e.value : undefined;
}

function containable(v: LiteralValue): v is Scalar {
  if (typeof v === 'boolean') return true;
  // Stored numbers are finite doubles written by JSON.stringify, and jsonb compares numbers by value (1 = 1.0), as the evaluator does.
  if (typeof v === 'number') return Number.isFinite(v);
  return typeof v === 'string' && !UNSTORABLE.test(v);
}

/** The app field an expression names, when it lives in `data` (not a system property or the owner field). */
function appField(e: Expr, ownerField: string | null): string | undefined {
  if (e.kind !== 'field') return undefined;
  const { name } = e;
  if (['id', 'version', 'createdAt', 'updatedAt', 'deleted'].includes(name) || name === ownerField || !FIELD_NAME.test(name)) return undefined;
  return name;
}

/** The app field and the literal of `field op literal` or `literal op field`, when containment can take them. */
function fieldAndValue(left: Expr, right: Expr, ownerField: string | null): { name: string; value: Scalar } | null {
  let name = appField(left, ownerField);
  let value = scalarOf(right);
  if (name === undefined || value === undefined) {
    name = appField(right, ownerField);
    value = scalarOf(left);
  }
  return name === undefined || value === undefined ? null : { name, value };
}

/** `data @> {"field": value}`: true exactly when the field holds an equal value of the same type (§2.4 rule 2), index-assisted by GIN. */
function contains(name: string, value: Scalar, p: SqlParams): string {
  return `data @> ${p.add(JSON.stringify({ [name]: value }), 'jsonb')}`;
}

/** `field eq|ne literal` (either side) as containment, or null when another shape needs the general compiler. */
export function containmentCompare(op: 'eq' | 'ne', left: Expr, right: Expr, p: SqlParams, ownerField: string | null): string | null {
  const pair = fieldAndValue(left, right, ownerField);
  if (pair === null) return null;
  const sql = contains(pair.name, pair.value, p);
  return op === 'eq' ? `(${sql})` : `(not ${sql})`;
}

/** `field in (literals)` as a disjunction of containments, or null when a value needs the general compiler. */
export function containmentIn(operand: Expr, values: readonly LiteralValue[], p: SqlParams, ownerField: string | null): string | null {
  const name = appField(operand, ownerField);
  if (name === undefined || values.length === 0 || !values.every(containable)) return null;
  return `(${values.map((v) => contains(name, v, p)).join(' or ')})`;
}

/** The leaves of a chain of `and`s, left to right. */
function conjuncts(e: Expr): Expr[] {
  return e.kind === 'binary' && e.op === 'and' ? [...conjuncts(e.left), ...conjuncts(e.right)] : [e];
}

/**
 * `a eq 1 and b eq 'x' and …` as one containment `data @> {"a":1,"b":"x"}` (one probe, one check per row),
 * with the conjuncts it could not take; null when fewer than two merge.
 */
export function containmentConjunction(e: Expr, p: SqlParams, ownerField: string | null): { sql: string; rest: Expr[] } | null {
  const merged: Record<string, Scalar> = {};
  const rest: Expr[] = [];
  let count = 0;
  for (const leaf of conjuncts(e)) {
    const pair = leaf.kind === 'binary' && leaf.op === 'eq' ? fieldAndValue(leaf.left, leaf.right, ownerField) : null;
    if (pair === null || Object.hasOwn(merged, pair.name)) {
      rest.push(leaf);
      continue;
    }
    merged[pair.name] = pair.value;
    count++;
  }
  if (count < 2) return null;
  return { sql: `(data @> ${p.add(JSON.stringify(merged), 'jsonb')})`, rest };
}
