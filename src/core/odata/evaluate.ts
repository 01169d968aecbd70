import { compareInstants } from '../dates.js';
import type { Item } from '../item.js';
import type { ComparisonOp, Expr, LiteralValue } from './ast.js';
import { asDate, callFunction, isDateValue } from './call-function.js';
import { compareCodePoints } from './compare-code-points.js';

/**
 * Evaluates a `$filter` expression over one item by PROTOCOL.md §2.4 rules 1–5: a missing field is
 * null, comparisons hold within a type (a date against a string parses the string), logic is
 * two-valued, arithmetic and functions give null on null or wrong-typed operands.
 */
export function evaluate(expr: Expr, item: Item): LiteralValue {
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'field':
      return Object.hasOwn(item, expr.name) ? (item[expr.name] ?? null) : null;
    case 'not':
      return evaluate(expr.operand, item) !== true;
    case 'negate': {
      const v = evaluate(expr.operand, item);
      return typeof v === 'number' ? -v : null;
    }
    case 'in': {
      const v = evaluate(expr.operand, item);
      return expr.values.some((candidate) => equalValues(v, candidate));
    }
    case 'call':
      return callFunction(expr.name, expr.args.map((arg) => evaluate(arg, item)));
    case 'binary':
      switch (expr.op) {
        case 'and':
          return evaluate(expr.left, item) === true && evaluate(expr.right, item) === true;
        case 'or':
          return evaluate(expr.left, item) === true || evaluate(expr.right, item) === true;
        case 'eq':
        case 'ne':
        case 'gt':
        case 'ge':
        case 'lt':
        case 'le':
          return compare(expr.op, evaluate(expr.left, item), evaluate(expr.right, item));
        default:
          return arithmetic(expr.op, evaluate(expr.left, item), evaluate(expr.right, item));
      }
  }
}

/** True when the item satisfies the filter; a null filter matches everything. */
export function matches(expr: Expr | null, item: Item): boolean {
  return expr === null || evaluate(expr, item) === true;
}

/** `eq` of rule 2: equal values of one type, or both null. */
export function equalValues(a: LiteralValue, b: LiteralValue): boolean {
  if (a === null || b === null) return a === b;
  return orderWithinType(a, b) === 0;
}

function compare(op: ComparisonOp, a: LiteralValue, b: LiteralValue): boolean {
  if (op === 'eq') return equalValues(a, b);
  if (op === 'ne') return !equalValues(a, b);
  if (a === null || b === null) return false;
  const c = orderWithinType(a, b);
  if (c === null) return false;
  switch (op) {
    case 'gt':
      return c > 0;
    case 'ge':
      return c >= 0;
    case 'lt':
      return c < 0;
    case 'le':
      return c <= 0;
  }
}

/** Sign of a − b for two non-null values of one type (a date and a date string count as one); else null. */
function orderWithinType(a: Exclude<LiteralValue, null>, b: Exclude<LiteralValue, null>): number | null {
  if (typeof a === 'number' && typeof b === 'number') return a === b ? 0 : a < b ? -1 : 1;
  if (typeof a === 'string' && typeof b === 'string') return compareCodePoints(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (isDateValue(a) || isDateValue(b)) {
    const x = asDate(a);
    const y = asDate(b);
    if (x === null || y === null) return null;
    return compareInstants(x, y);
  }
  return null;
}

/** Rule 4; a result that is not a number (∞ − ∞, ∞ × 0, ∞ mod x) is null, as SQL has no such value to compare. */
function arithmetic(op: 'add' | 'sub' | 'mul' | 'div' | 'mod', a: LiteralValue, b: LiteralValue): LiteralValue {
  const r = numericResult(op, a, b);
  return r === null || Number.isNaN(r) ? null : r;
}

function numericResult(op: 'add' | 'sub' | 'mul' | 'div' | 'mod', a: LiteralValue, b: LiteralValue): number | null {
  if (typeof a !== 'number' || typeof b !== 'number') return null;
  switch (op) {
    case 'add':
      return a + b;
    case 'sub':
      return a - b;
    case 'mul':
      return a * b;
    case 'div':
      return b === 0 ? null : a / b;
    case 'mod':
      return b === 0 ? null : a % b;
  }
}
