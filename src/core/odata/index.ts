/** The OData layer (PROTOCOL.md §2.3–§2.4): parse `$filter`/`$orderby`/`$select`, evaluate, run list queries. */
export type {
  ArithmeticOp, BinaryOp, ComparisonOp, DateValue, Expr, FunctionName, LiteralValue, LogicalOp, OrderKey,
} from './ast.js';
export { MAX_FILTER_DEPTH, MAX_FILTER_OPERATORS, parseFilter } from './parse-filter.js';
export { equalValues, evaluate, matches } from './evaluate.js';
export { compareItems, compareValues, parseOrderBy, sortValueOf, withIdKey } from './order-by.js';
export { compareCodePoints } from './compare-code-points.js';
export { parseSelect, project } from './select.js';
export { runQuery, type PageQuery, type QueryPage } from './query.js';
