import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { Expr, LiteralValue } from '../../../../src/core/odata/ast.js';
import { matches } from '../../../../src/core/odata/evaluate.js';
import { MAX_FILTER_DEPTH, MAX_FILTER_OPERATORS, parseFilter } from '../../../../src/core/odata/parse-filter.js';

const parse = (text: string): Expr => {
  const r = parseFilter(text);
  if (!r.ok) throw r.error;
  return r.value;
};
const lit = (value: LiteralValue): Expr => ({ kind: 'literal', value });
const field = (name: string): Expr => ({ kind: 'field', name });
const at = (iso: string) => ({ kind: 'date', ms: Date.parse(iso), us: 0 }) as const;
const rhs = (text: string): Expr => {
  const e = parse(`x eq ${text}`);
  if (e.kind !== 'binary') throw new Error('not binary');
  return e.right;
};

describe('parseFilter', () => {
  test.each([
    ["'it''s'", "it's"],
    ["''", ''],
    ['42', 42],
    ['-1.5', -1.5],
    ['1e3', 1000],
    ['2.5E-1', 0.25],
    ['10L', 10],
    ['1.5m', 1.5],
    ['3F', 3],
    ['4d', 4],
    ['true', true],
    ['False', false],
    ['NULL', null],
    ["guid'AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE'", 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee'],
    ['cast(AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE,Edm.Guid)', 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee'],
    ['cast(12:30:05.25,Edm.TimeOfDay)', '12:30:05.25'],
    ["cast('08:00',Edm.TimeOfDay)", '08:00'],
  ] as const)('literal %s', (text, value) => {
    expect(rhs(text)).toEqual(lit(value));
  });

  const T = '2024-01-15T10:00:00';
  test.each([
    `datetimeoffset'${T}Z'`,
    `datetime'${T}'`,
    `DATETIME'${T}Z'`,
    `cast(${T}Z,Edm.DateTimeOffset)`,
    `cast('${T}+00:00',Edm.DateTimeOffset)`,
    `cast( ${T}Z , Edm.DateTimeOffset )`,
    `${T}Z`,
    `${T}.0000000Z`,
    `${T}.0000009+00:00`,
    '2024-01-15T12:00:00+02:00',
    '2024-01-15T10:00Z',
  ])('S-34: date literal %s is the instant 2024-01-15T10:00:00Z', (text) => {
    expect(rhs(text)).toEqual(lit(at(`${T}Z`)));
  });

  test.each(['', '.1', '.12', '.123', '.1234', '.12345', '.123456', '.1234567'])(
    'S-34: %s fractional digits are kept to the microsecond',
    (frac) => {
      const micros = Number((frac.slice(1) + '000000').slice(0, 6));
      expect(rhs(`datetimeoffset'${T}${frac}Z'`)).toEqual(lit({ kind: 'date', ms: Date.parse(`${T}Z`) + Math.floor(micros / 1000), us: micros % 1000 }));
    },
  );

  test('cast(YYYY-MM-DD,Edm.Date) is the date at 00:00Z, bare or quoted', () => {
    expect(rhs('cast(2024-02-29,Edm.Date)')).toEqual(lit(at('2024-02-29T00:00:00Z')));
    expect(rhs("cast('2024-02-29', edm.date)")).toEqual(lit(at('2024-02-29T00:00:00Z')));
  });

  test('precedence: or < and < eq < gt < add < mul < not/minus', () => {
    expect(parse('a or b and c eq 1 gt 2 add 3 mul -d')).toEqual({
      kind: 'binary', op: 'or', left: field('a'),
      right: {
        kind: 'binary', op: 'and', left: field('b'),
        right: {
          kind: 'binary', op: 'eq', left: field('c'),
          right: {
            kind: 'binary', op: 'gt', left: lit(1),
            right: {
              kind: 'binary', op: 'add', left: lit(2),
              right: { kind: 'binary', op: 'mul', left: lit(3), right: { kind: 'negate', operand: field('d') } },
            },
          },
        },
      },
    });
  });

  test('binary operators are left-associative and keywords case-insensitive', () => {
    expect(parse('a SUB b Sub c')).toEqual({
      kind: 'binary', op: 'sub', left: { kind: 'binary', op: 'sub', left: field('a'), right: field('b') }, right: field('c'),
    });
  });

  test('not binds tighter than comparisons', () => {
    expect(parse('not a eq b')).toEqual({ kind: 'binary', op: 'eq', left: { kind: 'not', operand: field('a') }, right: field('b') });
  });

  test('parenthesised client form', () => {
    expect(parse('((a eq 1) and (b ne null))')).toEqual({
      kind: 'binary', op: 'and',
      left: { kind: 'binary', op: 'eq', left: field('a'), right: lit(1) },
      right: { kind: 'binary', op: 'ne', left: field('b'), right: lit(null) },
    });
  });

  test('in takes a list of literals', () => {
    expect(parse("x in (1, -2, 'a', null)")).toEqual({ kind: 'in', operand: field('x'), values: [1, -2, 'a', null] });
  });

  test('F-14: a string literal holding an unpaired surrogate is invalid_filter at the literal; a pair is fine', () => {
    for (const text of ["name eq '\ud800'", "name eq 'a\udc00'"]) {
      const r = parseFilter(text);
      expect(r.ok ? null : [r.error.code, r.error.details['position']]).toEqual(['invalid_filter', 8]);
    }
    expect(parse("name eq '\ud83d\ude00'")).toEqual({ kind: 'binary', op: 'eq', left: field('name'), right: lit('\ud83d\ude00') });
  });

  test('substringof(t,s) is normalised to contains(s,t)', () => {
    expect(parse("substringof('ab', name)")).toEqual({ kind: 'call', name: 'contains', args: [field('name'), lit('ab')] });
  });

  test('function names are case-insensitive, fields are case-sensitive', () => {
    expect(parse('LENGTH(Name)')).toEqual({ kind: 'call', name: 'length', args: [field('Name')] });
  });

  test('substring takes 2 or 3 arguments', () => {
    expect(parse('substring(s, 1)')).toMatchObject({ kind: 'call', name: 'substring' });
    expect(parse('substring(s, 1, 2)')).toMatchObject({ kind: 'call', name: 'substring' });
  });

  test('minus before a number literal folds into it', () => {
    expect(parse('-(5)')).toEqual(lit(-5));
    expect(parse('--5')).toEqual(lit(5));
  });

  test('a field name longer than 128 characters is refused', () => {
    const r = parseFilter(`${'a'.repeat(129)} eq 1`);
    expect(r.ok ? null : r.error.details['position']).toBe(0);
    expect(parseFilter(`${'a'.repeat(128)} eq 1`).ok).toBe(true);
  });

  test(`S-36: nesting up to ${MAX_FILTER_DEPTH} levels parses, deeper is invalid_filter`, () => {
    const nested = (n: number) => `${'('.repeat(n)}a${')'.repeat(n)}`;
    expect(parseFilter(nested(MAX_FILTER_DEPTH)).ok).toBe(true);
    const r = parseFilter(nested(10_000));
    expect(r.ok ? null : r.error.code).toBe('invalid_filter');
    expect(r.ok ? null : r.error.details['position']).toBe(MAX_FILTER_DEPTH);
  });

  test(`S-36: up to ${MAX_FILTER_OPERATORS} binary operators parse and evaluate, more are invalid_filter`, () => {
    const chain = (n: number) => Array.from({ length: n + 1 }, () => 'x').join(' or ');
    const longest = parseFilter(chain(MAX_FILTER_OPERATORS));
    expect(longest.ok && matches(longest.value, { id: '1', x: true })).toBe(true);
    const r = parseFilter(chain(MAX_FILTER_OPERATORS + 1));
    expect(r.ok ? null : r.error.details['position']).toBe(chain(MAX_FILTER_OPERATORS).length + 1);
  });

  test('S-36: arbitrary input gives ok or invalid_filter, never an exception, and what parses evaluates', () => {
    const alphabet = fc.constantFrom(
      ...'()\',-. /:+_aAeEZTmMdD019'.split(''),
      ' eq ', ' and ', ' or ', 'not ', ' in ', 'x', "'s'", 'cast(', ',Edm.Date)', 'datetime\'', 'guid\'',
      'contains(', 'substring(', '2024-01-15T10:00:00Z', '1e3', 'null', 'true',
    );
    const filters = fc.oneof(fc.string(), fc.array(alphabet, { maxLength: 40 }).map((parts) => parts.join('')));
    fc.assert(
      fc.property(filters, (text) => {
        const r = parseFilter(text);
        if (r.ok) expect(typeof matches(r.value, { id: '1', x: 's', a: 1, d: '2024-01-15T10:00:00Z' })).toBe('boolean');
        else {
          expect(r.error.code).toBe('invalid_filter');
          const position = r.error.details['position'];
          expect(typeof position === 'number' && position >= 0 && position <= text.length).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
