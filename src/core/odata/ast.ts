/**
 * The `$filter` AST (PROTOCOL.md §2.4): one clean union that the local evaluator walks and the
 * server compiles to parameterised SQL. Positions are 0-based offsets in the decoded `$filter`.
 */

/**
 * A date-time instant, kept at microsecond precision (a 7th fractional digit is truncated). The
 * milliseconds and the microseconds within them are apart: epoch microseconds pass 2^53 after
 * the year 2255, so one double would round `9999-12-31T23:59:59.999999Z`.
 */
export interface DateValue {
  readonly kind: 'date';
  /** Whole milliseconds since the Unix epoch. */
  readonly ms: number;
  /** Microseconds within that millisecond, 0–999. */
  readonly us: number;
}

/** A literal's value: scalars plus dates. */
export type LiteralValue = string | number | boolean | null | DateValue;

export type ComparisonOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';
export type LogicalOp = 'and' | 'or';
export type ArithmeticOp = 'add' | 'sub' | 'mul' | 'div' | 'mod';
export type BinaryOp = ComparisonOp | LogicalOp | ArithmeticOp;

/** Function names, lowercased, as PROTOCOL.md §2.4 lists them; parseFilter rewrites `substringof(t,s)` to `contains(s,t)`. */
export type FunctionName =
  | 'contains' | 'startswith' | 'endswith' | 'substringof' | 'indexof' | 'length' | 'substring'
  | 'tolower' | 'toupper' | 'trim' | 'concat' | 'replace'
  | 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second'
  | 'round' | 'floor' | 'ceiling';

/** A `$filter` expression; parseFilter folds `-` before a number literal into the literal. */
export type Expr =
  | { readonly kind: 'literal'; readonly value: LiteralValue }
  | { readonly kind: 'field'; readonly name: string }
  | { readonly kind: 'not'; readonly operand: Expr }
  | { readonly kind: 'negate'; readonly operand: Expr }
  | { readonly kind: 'binary'; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'in'; readonly operand: Expr; readonly values: readonly LiteralValue[] }
  | { readonly kind: 'call'; readonly name: FunctionName; readonly args: readonly Expr[] };

/** One `$orderby` key; `id asc` is always appended last by the query layer. */
export interface OrderKey {
  readonly field: string;
  readonly direction: 'asc' | 'desc';
}
