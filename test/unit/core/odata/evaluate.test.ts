import { describe, expect, test } from 'vitest';
import type { Item } from '../../../../src/core/item.js';
import type { Expr } from '../../../../src/core/odata/ast.js';
import { evaluate, matches } from '../../../../src/core/odata/evaluate.js';
import { parseFilter } from '../../../../src/core/odata/parse-filter.js';

const parse = (text: string): Expr => {
  const r = parseFilter(text);
  if (!r.ok) throw r.error;
  return r.value;
};
const value = (text: string, item: Item = { id: '1' }) => evaluate(parse(text), item);

describe('evaluate', () => {
  test.each([
    { text: "'a' lt 'b'", want: true },
    { text: "'Z' lt 'a'", want: true },
    { text: "'\u00e9' gt 'z'", want: true },
    { text: "'\uffff' lt '\ud83d\ude00'", want: true },
    { text: "'ab' gt 'a'", want: true },
    { text: '2 lt 10', want: true },
    { text: "'2' lt '10'", want: false },
    { text: 'false lt true', want: true },
    { text: 'true eq true', want: true },
    { text: "1 eq '1'", want: false },
    { text: "1 ne '1'", want: true },
    { text: "1 lt '2'", want: false },
    { text: 'null eq null', want: true },
    { text: 'null ne 1', want: true },
    { text: 'null le null', want: false },
    { text: "datetimeoffset'2024-01-01T00:00:00Z' eq '2024-01-01T01:00:00+01:00'", want: true },
    { text: "'2024-01-01T00:00:00.0000001Z' eq 2024-01-01T00:00:00Z", want: true },
    { text: "'nonsense' eq 2024-01-01T00:00:00Z", want: false },
    { text: "'nonsense' ne 2024-01-01T00:00:00Z", want: true },
    { text: "'nonsense' lt 2024-01-01T00:00:00Z", want: false },
    { text: '1 eq 2024-01-01T00:00:00Z', want: false },
    { text: "'2024-01-01T00:00:00Z' eq '2024-01-01T00:00:00.000Z'", want: false },
  ])('rules 1–2: $text is $want', ({ text, want }) => {
    expect(value(text)).toBe(want);
  });

  test.each([
    { text: '7 div 2', want: 3.5 },
    { text: '-7 mod 3', want: -1 },
    { text: '7 mod -3', want: 1 },
    { text: '1 div 0', want: null },
    { text: '1 mod 0', want: null },
    { text: "1 add 'a'", want: null },
    { text: 'null mul 2', want: null },
    { text: "-'a'", want: null },
    { text: '-x', want: null },
    { text: '2 sub 5', want: -3 },
  ])('rule 4: $text is $want', ({ text, want }) => {
    expect(value(text)).toBe(want);
  });

  test.each([
    { text: "indexof('ab\ud83d\ude00cd', 'c')", want: 3 },
    { text: "indexof('abc', 'x')", want: -1 },
    { text: "length('a\ud83d\ude00b')", want: 3 },
    { text: "substring('a\ud83d\ude00bc', 1, 2)", want: '\ud83d\ude00b' },
    { text: "substring('abc', -1)", want: 'abc' },
    { text: "substring('abc', 1, -1)", want: null },
    { text: "substring('abc', 1.5)", want: null },
    { text: "substring('abc', 1, 'x')", want: null },
    { text: "substring('abc', 5)", want: '' },
    { text: "tolower('\u00c9A')", want: '\u00e9a' },
    { text: "toupper('stra\u00dfe')", want: 'STRASSE' },
    { text: "tolower('\u03a3\u0391\u03a3')", want: '\u03c3\u03b1\u03c3' },
    { text: "tolower('\u0130')", want: 'i\u0307' },
    { text: '(1e308 mul 10) sub (1e308 mul 10)', want: null },
    { text: '(1e308 mul 10) mod 3', want: null },
    { text: '1e21 mod 3', want: 1 },
    { text: "trim('  a b \t ')", want: 'a b \t' },
    { text: "replace('aXbXc', 'X', '--')", want: 'a--b--c' },
    { text: "replace('abc', '', 'x')", want: 'abc' },
    { text: "concat('a', 1)", want: null },
    { text: "contains('abc', null)", want: null },
    { text: "startswith(1, 'a')", want: null },
    { text: "endswith('abc', 'bc')", want: true },
    { text: 'round(2.5)', want: 3 },
    { text: 'round(-2.5)', want: -3 },
    { text: 'round(2.4)', want: 2 },
    { text: 'floor(-1.5)', want: -2 },
    { text: 'ceiling(1.2)', want: 2 },
    { text: "floor('1')", want: null },
    { text: "year('2024-03-01T00:30:00+01:00')", want: 2024 },
    { text: "month('2024-03-01T00:30:00+01:00')", want: 2 },
    { text: "day('2024-03-01T00:30:00+01:00')", want: 29 },
    { text: "hour('2024-03-01T00:30:00+01:00')", want: 23 },
    { text: 'minute(2024-03-01T00:30:45.9Z)', want: 30 },
    { text: 'second(2024-03-01T00:30:45.9Z)', want: 45 },
    { text: "year('not a date')", want: null },
    { text: 'year(2024)', want: null },
  ])('rule 4: $text is $want', ({ text, want }) => {
    expect(value(text)).toBe(want);
  });

  test('rule 4: lone surrogates in a value count one each (a literal cannot hold them: F-14)', () => {
    expect(value('length(s)', { id: '1', s: '\udc00\udc00' })).toBe(2);
  });

  test('substringof in a hand-built AST keeps the v2 argument order', () => {
    const expr: Expr = { kind: 'call', name: 'substringof', args: [{ kind: 'literal', value: 'b' }, { kind: 'literal', value: 'abc' }] };
    expect(evaluate(expr, { id: '1' })).toBe(true);
    expect(evaluate({ ...expr, args: [{ kind: 'literal', value: 1 }] }, { id: '1' })).toBe(null);
  });

  test.each([
    { text: 'x and true', want: false },
    { text: "'a' or true", want: true },
    { text: "not 'a'", want: true },
    { text: 'not null', want: true },
    { text: 'x in (null, 1)', want: true },
    { text: 'x in (1, 2)', want: false },
  ])('rules 3 and 5: $text is $want for a missing x', ({ text, want }) => {
    expect(value(text)).toBe(want);
  });

  test.each([{ id: 'a' }, { id: 'b', x: null }])('S-35: not (x gt 1) matches a null or missing x', (item) => {
    expect(matches(parse('not (x gt 1)'), item)).toBe(true);
    expect(matches(parse('x gt 1'), item)).toBe(false);
  });

  test('a missing field is null, and prototype names are not fields', () => {
    expect(value('constructor eq null')).toBe(true);
    expect(value('toString eq null')).toBe(true);
    expect(value('__proto__ eq null')).toBe(true);
  });

  test('matches: a null filter matches, a non-boolean result does not', () => {
    expect(matches(null, { id: '1' })).toBe(true);
    expect(matches(parse('1 add 1'), { id: '1' })).toBe(false);
  });

  const stamped = { id: 't', updatedAt: '2024-05-01T12:00:00.123Z', createdAt: '2024-05-01T12:00:00.123Z' };
  test.each([
    "datetimeoffset'2024-05-01T12:00:00.123Z'",
    "datetime'2024-05-01T12:00:00.123'",
    "datetimeoffset'2024-05-01T12:00:00.1230000+00:00'",
    'cast(2024-05-01T12:00:00.123Z,Edm.DateTimeOffset)',
    "cast('2024-05-01T14:00:00.123+02:00',Edm.DateTimeOffset)",
    '2024-05-01T12:00:00.1230Z',
    '2024-05-01T12:00:00.12300+00:00',
    '2024-05-01T12:00:00.123000Z',
    '2024-05-01T12:00:00.1230009Z',
  ])('S-34: updatedAt ge T includes the row stamped exactly T and gt excludes it (T = %s)', (t) => {
    expect(matches(parse(`updatedAt ge ${t}`), stamped)).toBe(true);
    expect(matches(parse(`updatedAt gt ${t}`), stamped)).toBe(false);
    expect(matches(parse(`createdAt le ${t}`), stamped)).toBe(true);
  });

  test.each(['2024-05-01T12:00:00Z', '2024-05-01T12:00Z', '2024-05-01T12:00:00.1Z', '2024-05-01T12:00:00.12Z'])(
    'S-34: updatedAt gt an earlier T with fewer digits (T = %s)',
    (t) => {
      expect(matches(parse(`updatedAt gt ${t}`), stamped)).toBe(true);
      expect(matches(parse(`updatedAt ge datetimeoffset'${t}'`), stamped)).toBe(true);
    },
  );
});
