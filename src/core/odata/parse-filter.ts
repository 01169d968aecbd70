import { SyncError } from '../errors.js';
import { fail, ok, type Result } from '../result.js';
import type { BinaryOp, Expr, FunctionName, LiteralValue } from './ast.js';
import { lexFilter, type FilterToken } from './lex-filter.js';

/** Nesting beyond this (parentheses, calls, `not`/`-` chains) is refused before the stack is at risk. */
export const MAX_FILTER_DEPTH = 100;

/** More binary operators than this would build a tree too deep for recursive walkers (evaluator, SQL compiler). */
export const MAX_FILTER_OPERATORS = 2000;

/** Accepted argument counts per function (PROTOCOL.md §2.4). */
const ARITY: { readonly [F in FunctionName]: readonly number[] } = {
  contains: [2], startswith: [2], endswith: [2], substringof: [2], indexof: [2],
  length: [1], substring: [2, 3], tolower: [1], toupper: [1], trim: [1], concat: [2], replace: [3],
  year: [1], month: [1], day: [1], hour: [1], minute: [1], second: [1],
  round: [1], floor: [1], ceiling: [1],
};

const OPERATORS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'and', 'or', 'not', 'add', 'sub', 'mul', 'div', 'mod', 'in', 'has']);
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

const isFunctionName = (name: string): name is FunctionName => Object.hasOwn(ARITY, name);

/** Why and where a `$filter` is malformed. */
interface FilterFault {
  readonly position: number;
  readonly reason: string;
}

/** Thrown only inside this module and caught by parseFilter: it unwinds the recursive descent. */
class ParseFault {
  readonly fault: FilterFault;
  constructor(position: number, reason: string) {
    this.fault = { position, reason };
  }
}

/**
 * Parses a decoded `$filter` into the AST of PROTOCOL.md §2.4, or `invalid_filter` with the
 * 0-based `position` of the offending token (S-36). `substringof(t,s)` is normalised to
 * `contains(s,t)`, so the AST never holds `substringof`; `-` before a number literal is folded
 * into the literal.
 */
export function parseFilter(text: string): Result<Expr> {
  if (text.trim() === '') return invalid({ position: 0, reason: 'empty filter' });
  try {
    const parser = createParser(lexFilter(text));
    return ok(parser.parse());
  } catch (e) {
    if (e instanceof ParseFault) return invalid(e.fault);
    throw e;
  }
}

function invalid(fault: FilterFault): Result<never> {
  return fail(new SyncError('invalid_filter', { position: fault.position, reason: fault.reason }));
}

function createParser(tokens: readonly FilterToken[]) {
  let i = 0;
  let depth = 0;
  let operators = 0;
  // The lexer always ends the list with an eof token, so clamping keeps `peek` total.
  const peek = (): FilterToken => {
    const t = tokens[Math.min(i, tokens.length - 1)] as FilterToken;
    if (t.kind === 'invalid') throw new ParseFault(t.pos, t.reason);
    return t;
  };
  const next = (): FilterToken => {
    const t = peek();
    if (i < tokens.length - 1) i++;
    return t;
  };
  const keyword = (t: FilterToken): string | null => (t.kind === 'ident' ? t.text.toLowerCase() : null);
  const isPunct = (t: FilterToken, p: string): boolean => t.kind === 'punct' && t.text === p;
  const unexpected = (t: FilterToken): ParseFault =>
    new ParseFault(t.pos, t.kind === 'eof' ? 'unexpected end of filter' : 'unexpected token');
  const expectPunct = (p: string): void => {
    const t = peek();
    if (!isPunct(t, p)) throw new ParseFault(t.pos, t.kind === 'eof' ? `missing "${p}"` : `expected "${p}"`);
    next();
  };
  const operator = (t: FilterToken): void => {
    if (++operators > MAX_FILTER_OPERATORS) throw new ParseFault(t.pos, 'filter has too many operators');
    next();
  };
  const nest = <T>(t: FilterToken, inner: () => T): T => {
    if (++depth > MAX_FILTER_DEPTH) throw new ParseFault(t.pos, 'filter nested too deeply');
    const value = inner();
    depth--;
    return value;
  };

  const binaryLevel = (ops: readonly BinaryOp[], operand: () => Expr) => (): Expr => {
    let left = operand();
    for (;;) {
      const op = keyword(peek());
      if (op === null || !(ops as readonly string[]).includes(op)) return left;
      operator(peek());
      left = { kind: 'binary', op: op as BinaryOp, left, right: operand() };
    }
  };

  const parseUnary = (): Expr => {
    const t = peek();
    if (keyword(t) === 'not') {
      next();
      return nest(t, () => ({ kind: 'not', operand: parseUnary() }));
    }
    if (isPunct(t, '-')) {
      next();
      const operand = nest(t, parseUnary);
      if (operand.kind === 'literal' && typeof operand.value === 'number') return { kind: 'literal', value: -operand.value };
      return { kind: 'negate', operand };
    }
    return parsePrimary();
  };

  const parseMul = binaryLevel(['mul', 'div', 'mod'], parseUnary);
  const parseAdd = binaryLevel(['add', 'sub'], parseMul);

  const parseRel = (): Expr => {
    let left = parseAdd();
    for (;;) {
      const op = keyword(peek());
      if (op === 'gt' || op === 'ge' || op === 'lt' || op === 'le') {
        operator(peek());
        left = { kind: 'binary', op, left, right: parseAdd() };
      } else if (op === 'in') {
        operator(peek());
        left = { kind: 'in', operand: left, values: parseLiteralList() };
      } else {
        return left;
      }
    }
  };

  const parseLiteralList = (): LiteralValue[] => {
    expectPunct('(');
    const values: LiteralValue[] = [];
    for (;;) {
      const t = peek();
      const e = parseUnary();
      if (e.kind !== 'literal') throw new ParseFault(t.pos, '"in" takes a list of literals');
      values.push(e.value);
      if (!isPunct(peek(), ',')) break;
      next();
    }
    expectPunct(')');
    return values;
  };

  const parseEq = binaryLevel(['eq', 'ne'], parseRel);
  const parseAnd = binaryLevel(['and'], parseEq);
  const parseOr = binaryLevel(['or'], parseAnd);

  const parseCall = (t: FilterToken & { kind: 'ident' }): Expr => {
    const name = t.text.toLowerCase();
    if (!isFunctionName(name)) throw new ParseFault(t.pos, `unsupported function ${t.text}`);
    next();
    const args = nest(t, () => {
      const list: Expr[] = [];
      if (!isPunct(peek(), ')')) {
        for (;;) {
          list.push(parseOr());
          if (!isPunct(peek(), ',')) break;
          next();
        }
      }
      expectPunct(')');
      return list;
    });
    if (!ARITY[name].includes(args.length)) {
      throw new ParseFault(t.pos, `${name} takes ${ARITY[name].join(' or ')} arguments, not ${args.length}`);
    }
    if (name === 'substringof') return { kind: 'call', name: 'contains', args: [args[1] as Expr, args[0] as Expr] };
    return { kind: 'call', name, args };
  };

  const parsePrimary = (): Expr => {
    const t = next();
    if (t.kind === 'literal') return { kind: 'literal', value: t.value };
    if (t.kind === 'punct' && t.text === '(') {
      const inner = nest(t, parseOr);
      expectPunct(')');
      return inner;
    }
    if (t.kind !== 'ident') throw unexpected(t);
    if (isPunct(peek(), '(')) return parseCall(t);
    const word = t.text.toLowerCase();
    if (word === 'true' || word === 'false') return { kind: 'literal', value: word === 'true' };
    if (word === 'null') return { kind: 'literal', value: null };
    if (OPERATORS.has(word)) throw unexpected(t);
    if (!FIELD_NAME.test(t.text)) throw new ParseFault(t.pos, `invalid field name ${t.text}`);
    return { kind: 'field', name: t.text };
  };

  return {
    parse(): Expr {
      const expr = parseOr();
      const t = peek();
      if (t.kind !== 'eof') throw unexpected(t);
      return expr;
    },
  };
}
