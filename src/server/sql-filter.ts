import type { ComparisonOp, Expr, FunctionName, LiteralValue } from '../core/odata/ast.js';
import { SyncError } from '../core/errors.js';
import { fail, ok, type Result } from '../core/result.js';
import { containmentCompare, containmentConjunction, containmentIn } from './sql-containment.js';
import { fieldSql, isNullSql, NULL, possibleTypes, view, type SqlType, type Typed } from './sql-fields.js';
import type { SqlParams } from './sql-params.js';

/** What a compiled `$filter` may refer to beyond the system properties. */
export interface FilterScope {
  /** The field name under which a table shows its owner, if it does. */
  readonly ownerField: string | null;
}

const SQL_OP: Readonly<Record<ComparisonOp, string>> = { eq: '=', ne: '<>', gt: '>', ge: '>=', lt: '<', le: '<=' };

/** Characters PostgreSQL text cannot hold: no stored string contains them. */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/u;

/**
 * Compiles a `$filter` AST to a parameterised SQL predicate with the evaluator's semantics
 * (PROTOCOL.md §2.4 rules 1–5): two-valued logic, comparisons within a type, strings by code point.
 */
export function compileFilter(expr: Expr, params: SqlParams, scope: FilterScope): Result<string> {
  try {
    return ok(truthy(compile(expr, params, scope)));
  } catch (error) {
    if (error instanceof SyncError) return fail(error);
    throw error;
  }
}

/** A boolean predicate where SQL NULL means false. */
function truthy(e: Typed): string {
  if (e.type === 'boolean') return e.sql;
  if (e.type === 'json') return `((${e.sql}) = 'true'::jsonb)`;
  return 'false';
}

const pred = (sql: string, nullable: boolean): Typed => ({ sql, type: 'boolean', nullable, predicate: true });

function compile(e: Expr, p: SqlParams, scope: FilterScope): Typed {
  switch (e.kind) {
    case 'literal':
      return literal(e.value, p);
    case 'field':
      return fieldSql(e.name, scope.ownerField);
    case 'not': {
      const operand = compile(e.operand, p, scope);
      const t = truthy(operand);
      return pred(operand.nullable || operand.type !== 'boolean' ? `(not coalesce(${t}, false))` : `(not ${t})`, false);
    }
    case 'negate': {
      const v = view(compile(e.operand, p, scope), 'number');
      return v === null ? NULL : { sql: `(-${v})`, type: 'number', nullable: true };
    }
    case 'in': {
      const contained = containmentIn(e.operand, e.values, p, scope.ownerField);
      if (contained !== null) return pred(contained, false);
      const operand = compile(e.operand, p, scope);
      const terms = e.values.map((value) => compare('eq', operand, literal(value, p)));
      if (terms.length === 0) return pred('false', false);
      return pred(`(${terms.map((t) => t.sql).join(' or ')})`, terms.some((t) => t.nullable));
    }
    case 'binary': {
      if (e.op === 'and') {
        const merged = containmentConjunction(e, p, scope.ownerField);
        if (merged !== null) {
          const rest = merged.rest.map((r) => compile(r, p, scope));
          const nullable = rest.some((r) => r.nullable || r.type !== 'boolean');
          return pred(`(${[merged.sql, ...rest.map(truthy)].join(' and ')})`, nullable);
        }
      }
      if (e.op === 'eq' || e.op === 'ne') {
        const contained = containmentCompare(e.op, e.left, e.right, p, scope.ownerField);
        if (contained !== null) return pred(contained, false);
      }
      const left = compile(e.left, p, scope);
      const right = compile(e.right, p, scope);
      switch (e.op) {
        case 'and':
        case 'or':
          return pred(`(${truthy(left)} ${e.op} ${truthy(right)})`, left.nullable || right.nullable || left.type !== 'boolean' || right.type !== 'boolean');
        case 'add':
        case 'sub':
        case 'mul':
        case 'div':
        case 'mod':
          return arithmetic(e.op, left, right);
        default:
          return compare(e.op, left, right);
      }
    }
    case 'call':
      return call(e.name, e.args.map((a) => compile(a, p, scope)), p);
  }
}

function literal(value: LiteralValue, p: SqlParams): Typed {
  if (value === null) return NULL;
  switch (typeof value) {
    case 'string':
      if (UNSTORABLE.test(value)) {
        throw new SyncError('invalid_filter', { position: 0, reason: 'a string literal holds a character the store cannot hold' });
      }
      return { sql: p.add(value, 'text'), type: 'string', nullable: false };
    case 'number':
      return { sql: p.add(value, 'float8'), type: 'number', nullable: false };
    case 'boolean':
      return { sql: p.add(value, 'boolean'), type: 'boolean', nullable: false };
    default: {
      // Exact at microseconds for any instant a literal can name (year 0 and years past 9999 included):
      // whole days and the microseconds of the day are exact doubles, and calendar days add exactly to a timestamp.
      const days = Math.floor(value.ms / 86_400_000);
      const micros = (value.ms - days * 86_400_000) * 1000 + value.us;
      return {
        sql: `((timestamp '1970-01-01' + ${p.add(days, 'float8')} * interval '1 day' + ${p.add(micros, 'float8')} * interval '1 microsecond') at time zone 'UTC')`,
        type: 'date',
        nullable: false,
      };
    }
  }
}

/** A string side seen as a date (§2.4 rule 1): literals parse now, other strings in SQL. */
function stringAsDate(e: Typed): string | null {
  if (e.dateColumn !== undefined) return e.dateColumn;
  const s = view(e, 'string');
  if (s === null) return null;
  return `tablesync_parse_date(${s})`;
}

function stringView(e: Typed): string | null {
  const s = view(e, 'string');
  if (s === null) return null;
  return e.collated && e.type === 'string' ? s : `(${s}) collate "C"`;
}

function compare(op: ComparisonOp, a: Typed, b: Typed): Typed {
  if (op === 'ne') {
    const eq = compare('eq', a, b);
    return pred(eq.nullable ? `(not coalesce(${eq.sql}, false))` : `(not ${eq.sql})`, false);
  }
  const sqlOp = SQL_OP[op];
  const terms: string[] = [];
  const bTypes = possibleTypes(b);
  for (const t of possibleTypes(a)) {
    if (!bTypes.includes(t)) continue;
    const va = t === 'string' ? stringView(a) : view(a, t);
    const vb = t === 'string' ? stringView(b) : view(b, t);
    if (va !== null && vb !== null) terms.push(`${va} ${sqlOp} ${vb}`);
  }
  const cross = (d: Typed, s: Typed, dateLeft: boolean): void => {
    if (!possibleTypes(d).includes('date') || !possibleTypes(s).includes('string')) return;
    const vd = view(d, 'date');
    const vs = stringAsDate(s);
    if (vd !== null && vs !== null) terms.push(dateLeft ? `${vd} ${sqlOp} ${vs}` : `${vs} ${sqlOp} ${vd}`);
  };
  cross(a, b, true);
  cross(b, a, false);
  const solid = (e: Typed): boolean => !e.nullable || e.predicate === true;
  const nullable = !(a.type === b.type && a.type !== 'json' && solid(a) && solid(b));
  if (op === 'eq') {
    const na = isNullSql(a);
    const nb = isNullSql(b);
    if (na !== null && nb !== null) {
      terms.push(na === 'true' ? nb : nb === 'true' ? na : `(${na} and ${nb})`);
    }
  }
  if (terms.length === 0) return pred('false', false);
  if (terms.length === 1) return pred(terms[0] ?? 'false', nullable);
  return pred(`(${terms.join(' or ')})`, nullable);
}

function arithmetic(op: 'add' | 'sub' | 'mul' | 'div' | 'mod', a: Typed, b: Typed): Typed {
  const va = view(a, 'number');
  const vb = view(b, 'number');
  if (va === null || vb === null) return NULL;
  // The operator name is one of five constants, never request text.
  return { sql: `tablesync_arith('${op}', ${va}, ${vb})`, type: 'number', nullable: true };
}

const fn = (sql: string, type: SqlType): Typed => ({ sql, type, nullable: true });

function call(name: FunctionName, args: readonly Typed[], p: SqlParams): Typed {
  const arity = (min: number, max = min): void => {
    if (args.length < min || args.length > max) {
      throw new SyncError('invalid_filter', { position: 0, reason: `${name} takes ${min === max ? min : `${min} to ${max}`} arguments` });
    }
  };
  const s = (i: number): string | null => {
    const arg = args[i];
    return arg === undefined ? null : view(arg, 'string');
  };
  const n = (i: number): string | null => {
    const arg = args[i];
    return arg === undefined ? null : view(arg, 'number');
  };
  const d = (i: number): string | null => {
    const arg = args[i];
    if (arg === undefined) return null;
    return view(arg, 'date') ?? stringAsDate(arg);
  };
  switch (name) {
    case 'contains':
    case 'substringof': {
      arity(2);
      const [hay, needle] = name === 'contains' ? [s(0), s(1)] : [s(1), s(0)];
      return hay !== null && needle !== null ? fn(`(strpos(${hay}, ${needle}) > 0)`, 'boolean') : NULL;
    }
    case 'startswith': {
      arity(2);
      const [a, b] = [s(0), s(1)];
      return a !== null && b !== null ? fn(`starts_with(${a}, ${b})`, 'boolean') : NULL;
    }
    case 'endswith': {
      arity(2);
      const [a, b] = [s(0), s(1)];
      return a !== null && b !== null ? fn(`(right(${a}, length(${b})) = ${b})`, 'boolean') : NULL;
    }
    case 'indexof': {
      arity(2);
      const [a, b] = [s(0), s(1)];
      return a !== null && b !== null ? fn(`(strpos(${a}, ${b}) - 1)::float8`, 'number') : NULL;
    }
    case 'length': {
      arity(1);
      const a = s(0);
      return a !== null ? fn(`length(${a})::float8`, 'number') : NULL;
    }
    case 'substring': {
      arity(2, 3);
      const [a, i] = [s(0), n(1)];
      if (a === null || i === null) return NULL;
      // A non-integer index or a negative or non-integer count is null; a negative start is 0 (core/odata/call-function.ts).
      // So is a null one (a field of another type), which greatest() and least() would skip.
      const integral = (x: string): string => `coalesce(${x} = trunc(${x}) and abs(${x}) <> 'Infinity'::float8, false)`;
      const start = `greatest(${i}, 0)`;
      if (args.length === 2) {
        return fn(`(case when ${a} is null or not ${integral(i)} then null when ${start} > 2147483646 then '' else substr(${a}, (${start})::int + 1) end)`, 'string');
      }
      const len = n(2);
      if (len === null) return NULL;
      return fn(
        `(case when ${a} is null or not ${integral(i)} or not ${integral(len)} or ${len} < 0 then null when ${start} > 2147483646 then '' ` +
          `else substr(${a}, (${start})::int + 1, least(${len}, 2147483647)::int) end)`,
        'string',
      );
    }
    case 'tolower':
    case 'toupper': {
      arity(1);
      const a = s(0);
      // JavaScript's case mappings (sql-case-map.ts), not the database's ctype.
      return a !== null ? fn(`${name === 'tolower' ? 'tablesync_lower' : 'tablesync_upper'}(${a})`, 'string') : NULL;
    }
    case 'trim': {
      arity(1);
      const a = s(0);
      return a !== null ? fn(`btrim(${a}, ${p.add(' ', 'text')})`, 'string') : NULL;
    }
    case 'concat': {
      arity(2);
      const [a, b] = [s(0), s(1)];
      return a !== null && b !== null ? fn(`(${a} || ${b})`, 'string') : NULL;
    }
    case 'replace': {
      arity(3);
      const [a, b, c] = [s(0), s(1), s(2)];
      return a !== null && b !== null && c !== null ? fn(`replace(${a}, ${b}, ${c})`, 'string') : NULL;
    }
    case 'year':
    case 'month':
    case 'day':
    case 'hour':
    case 'minute':
    case 'second': {
      arity(1);
      const a = d(0);
      // The part name is one of six constants, never request text. PostgreSQL counts 1 BC as year -1; JavaScript as 0.
      const part = `floor(extract(${name} from (${a}) at time zone 'UTC'))::float8`;
      return a !== null ? fn(name === 'year' ? `(case when ${part} < 0 then ${part} + 1 else ${part} end)` : part, 'number') : NULL;
    }
    case 'round': {
      arity(1);
      const a = n(0);
      // Half away from zero, as core's round: floor(|x| + 0.5) would round 0.49999999999999994 up, as its sum is 1.
      return a !== null
        ? fn(`(sign(${a}) * (case when abs(${a}) - floor(abs(${a})) >= 0.5 then ceil(abs(${a})) else floor(abs(${a})) end))`, 'number')
        : NULL;
    }
    case 'floor':
    case 'ceiling': {
      arity(1);
      const a = n(0);
      return a !== null ? fn(`${name === 'floor' ? 'floor' : 'ceil'}(${a})`, 'number') : NULL;
    }
  }
}
