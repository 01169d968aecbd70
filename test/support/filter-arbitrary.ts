/**
 * Generated rows and `$filter` texts for the SQL / evaluator equivalence test (PROTOCOL.md §2.4,
 * S-33): every operator, function, literal form and null case, nested, over rows whose fields mix
 * types (strings with quotes and Unicode, negative and decimal numbers, booleans, nulls, missing
 * fields, date strings of every accepted form and some that are not dates). Deterministic for a
 * seed: fast-check's `sample` with that seed.
 */
import fc from 'fast-check';
import type { FieldValue } from '../../src/core/item.js';
import type { OrderKey } from '../../src/core/odata/ast.js';

/** Characters strings are built from: quotes, case pairs whose mappings differ by engine (ß, İ, Σ, ǅ, ﬁ), a surrogate pair, a combining mark. */
const ALPHABET = ['a', 'b', 'A', 'B', 'z', ' ', ' ', "'", '"', 'é', 'É', 'ß', 'ẞ', 'İ', 'ı', 'i', 'I', 'Σ', 'σ', 'ς', 'ﬁ', 'ǅ', 'ǆ', 'Ǆ', '😀', '東', '\u0301', '0', '5', '-', '%', '_', '\\', ',', '(', 'Ω', 'ω', 'ſ', 'K'];

const text = fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength: 6 });

/** Numbers where engines are easy to get wrong: halves, binary fractions, 2^53 + 1, 0.49999999999999994, tiny and huge. */
const NUMBERS = [0, 1, -1, 2, 3, 5, 7, 10, -3, 0.5, -0.5, 1.5, 2.5, -2.5, 0.1, 0.2, 0.3, 5.5, -7.25, 1e21, 1e-7, -1e-7, 9007199254740993, 0.49999999999999994, 123456.789, 1e300];
const number = fc.oneof(
  { arbitrary: fc.integer({ min: -20, max: 20 }), weight: 3 },
  { arbitrary: fc.constantFrom(...NUMBERS), weight: 3 },
  { arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }), weight: 1 },
);

/** Date strings: canonical, 0–7 fractional digits, offsets, no seconds, no zone, lowercase, year 0, leap days; and near misses. */
const DATES = [
  '2024-01-15T10:00:00.000Z', '2024-01-15T10:00:00Z', '2024-01-15T12:00:00+02:00', '2024-01-15T05:00:00-05:00', '2024-01-15T10:00',
  '2024-01-15T10:00:00.1234567Z', '2024-01-15T10:00:00.000001Z', '2024-01-15T09:59:59.999999Z', '2024-01-15t10:00:00z',
  '2024-02-29T23:59:59Z', '2023-12-31T22:00:00-02:00', '1969-12-31T23:59:59.999Z', '0000-02-29T00:00:00Z', '0001-01-01T00:00:00+01:00',
  '9999-12-31T23:59:59.9999999-00:30', '2024-06-30T12:30Z', '2024-01-15T10:00:00.5+00:00',
  '2023-02-29T00:00:00Z', '2024-13-01T00:00:00Z', '2024-01-15T24:00:00Z', '2024-01-15T10:00:60Z', '2024-01-15T10:00:00+24:00',
  '2024-01-15', '2024-01-15T10:00:00.12345678Z', 'not a date', '',
];
const dateText = fc.constantFrom(...DATES);

/** A row of the generated table: an id and app fields, some missing, some null. */
export type GeneratedRow = Readonly<Record<string, FieldValue>>;

const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | null | undefined> =>
  fc.oneof({ arbitrary: arb, weight: 6 }, { arbitrary: fc.constant(null), weight: 1 }, { arbitrary: fc.constant(undefined), weight: 1 });

const scalar: fc.Arbitrary<FieldValue> = fc.oneof(text, number, fc.boolean(), dateText, fc.constant(null));

const rowFields = fc.record({
  s: maybe(text),
  t: maybe(text),
  n: maybe(number),
  m: maybe(fc.integer({ min: -5, max: 5 })),
  b: maybe(fc.boolean()),
  d: maybe(dateText),
  x: maybe(scalar),
});

/** `count` rows with distinct ids (some with quotes and Unicode), for `seed`. */
export function generateRows(seed: number, count: number): GeneratedRow[] {
  const fields = fc.sample(rowFields, { seed, numRuns: count });
  const odd = ["O'x", 'ü', 'Zeta', 'a b', '😀', 'r-"q"'];
  return fields.map((f, i) => {
    const row: Record<string, FieldValue> = { id: i < odd.length ? `${odd[i] ?? ''}${i}` : `r${String(i).padStart(3, '0')}` };
    for (const [key, value] of Object.entries(f)) if (value !== undefined) row[key] = value;
    return row;
  });
}

/** One generated list query: a filter and, sometimes, an order and a page. */
export interface GeneratedQuery {
  readonly filter: string;
  readonly orderBy: readonly OrderKey[];
  readonly skip: number;
  readonly limit: number;
}

const quote = (s: string): string => `'${s.replaceAll("'", "''")}'`;

/** A number as an OData literal: plain, with an exponent, with a suffix in either case. */
function numberLiteral(value: number, form: number): string {
  const abs = Math.abs(value);
  let body = String(abs);
  if (form === 1 && Number.isInteger(abs) && abs < 1e15) body = `${abs}.0`;
  if (form === 2 && !body.includes('e')) body = `${body}e0`;
  if (form === 3) body = `${body}${['M', 'm', 'L', 'd', 'D', 'f'][abs % 6 | 0] ?? 'M'}`;
  return value < 0 || Object.is(value, -0) ? `-${body}` : body;
}

/** A date literal in one of the forms of §2.4, or null when `text` is no valid date-time for that form. */
function dateLiteral(text: string, form: number): string {
  switch (form) {
    case 0:
      return `datetimeoffset${quote(text)}`;
    case 1:
      return `datetime${quote(text)}`;
    case 2:
      return `cast(${text},Edm.DateTimeOffset)`;
    case 3:
      return `CAST(${quote(text)}, edm.datetimeoffset)`;
    case 4:
      return text;
    default:
      return `cast(${text.slice(0, 10)},Edm.Date)`;
  }
}

/** The valid date-times of DATES (the parser refuses the others as literals). */
const LITERAL_DATES = DATES.filter((d) => /^\d{4}-\d{2}-\d{2}T/i.test(d) && !/2023-02-29|-13-|T24|:60|\+24|\.\d{8}/.test(d));

/** The `$filter` arbitrary over rows' values (string literals are drawn from them half the time, so filters select). */
export function filterArbitrary(rows: readonly GeneratedRow[]): fc.Arbitrary<string> {
  const strings = [...new Set(rows.flatMap((r) => Object.values(r).filter((v): v is string => typeof v === 'string')))];
  const numbers = [...new Set(rows.flatMap((r) => Object.values(r).filter((v): v is number => typeof v === 'number')))];
  const field = fc.constantFrom('s', 't', 'n', 'm', 'b', 'd', 'x', 'zz', 'id', 'createdAt', 'updatedAt', 'deleted', 'version');
  const stringLit = fc.oneof(strings.length > 0 ? fc.constantFrom(...strings) : text, text).map(quote);
  const numberLit = fc.tuple(fc.oneof(number, numbers.length > 0 ? fc.constantFrom(...numbers) : number), fc.integer({ min: 0, max: 5 })).map(([v, f]) => numberLiteral(v, f));
  const dateLit = fc.tuple(fc.constantFrom(...LITERAL_DATES), fc.integer({ min: 0, max: 5 })).map(([d, f]) => dateLiteral(d, f));
  const otherLit = fc.constantFrom(
    'true', 'false', 'null', 'TRUE', "guid'6F9619FF-8B86-D011-B42D-00CF4FC964FF'", 'cast(6f9619ff-8b86-d011-b42d-00cf4fc964ff,Edm.Guid)',
    'cast(12:30:00,Edm.TimeOfDay)', "cast('08:00',Edm.TimeOfDay)",
  );
  const literal = fc.oneof({ arbitrary: stringLit, weight: 4 }, { arbitrary: numberLit, weight: 4 }, { arbitrary: dateLit, weight: 2 }, { arbitrary: otherLit, weight: 1 });
  const comparison = fc.constantFrom('eq', 'ne', 'gt', 'ge', 'lt', 'le', 'EQ', 'Ne');
  const arith = fc.constantFrom('add', 'sub', 'mul', 'div', 'mod');

  const { bool } = fc.letrec<{ value: string; typed: string; bool: string }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      { arbitrary: field, weight: 8 },
      { arbitrary: literal, weight: 5 },
      { arbitrary: fc.tuple(tie('value'), arith, tie('value')).map(([a, op, b]) => `(${a} ${op} ${b})`), weight: 2 },
      { arbitrary: tie('value').map((a) => `(-(${a}))`), weight: 1 },
      {
        arbitrary: fc.oneof(
          fc.tuple(fc.constantFrom('length', 'tolower', 'toupper', 'trim', 'year', 'month', 'day', 'hour', 'minute', 'second', 'round', 'floor', 'ceiling', 'ToLower'), tie('value')).map(([f, a]) => `${f}(${a})`),
          fc.tuple(fc.constantFrom('indexof', 'concat'), tie('value'), tie('value')).map(([f, a, b]) => `${f}(${a}, ${b})`),
          fc.tuple(tie('value'), tie('value')).map(([a, b]) => `substring(${a}, ${b})`),
          fc.tuple(tie('value'), tie('value'), tie('value')).map(([a, b, c]) => `substring(${a}, ${b}, ${c})`),
          fc.tuple(tie('value'), tie('value'), tie('value')).map(([a, b, c]) => `replace(${a}, ${b}, ${c})`),
        ),
        weight: 3,
      },
    ),
    // Comparisons of a field (or a function of one) with a literal of its likely type select some rows.
    typed: fc.oneof(
      fc.tuple(fc.constantFrom('n', 'm', 'x', '(n add m)', '(m mul 2)', '(n mod 3)', '(n div 2)', '((n mul 1e308) mul 10)', '(((n mul 1e308) mul 10) sub ((m mul 1e308) mul 10))', '(((n mul 1e308) mul 10) mod 3)', '(x mod n)', '(n mod 0.1)', 'round(n)', 'floor(n)', 'ceiling(n)', '(-n)', 'length(s)', 'indexof(s, t)', "indexof(s, 'a')", 'year(d)', 'month(d)', 'day(d)', 'hour(d)', 'minute(d)', 'second(d)'), numberLit),
      fc.tuple(fc.constantFrom('s', 't', 'x', 'id', 'tolower(s)', 'toupper(s)', 'trim(s)', 'substring(s, 1)', 'substring(s, 0, 2)', 'concat(s, t)', "replace(s, 'a', 'b')", 'tolower(t)', 'toupper(t)', 'd'), stringLit),
      fc.tuple(fc.constantFrom('d', 'x', 'createdAt', 'updatedAt', 's'), dateLit),
      fc.tuple(fc.constantFrom('b', 'x', 'deleted'), fc.constantFrom('true', 'false', 'null')),
    ).chain(([left, right]) => comparison.map((op) => `(${left} ${op} ${right})`)),
    bool: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      { arbitrary: tie('typed'), weight: 10 },
      { arbitrary: fc.tuple(tie('value'), comparison, tie('value')).map(([a, op, b]) => `(${a} ${op} ${b})`), weight: 4 },
      { arbitrary: fc.tuple(tie('value'), fc.array(literal, { minLength: 1, maxLength: 4 })).map(([a, list]) => `(${a} in (${list.join(', ')}))`), weight: 2 },
      {
        arbitrary: fc.tuple(fc.constantFrom('contains', 'startswith', 'endswith', 'substringof'), tie('value'), tie('value')).map(([f, a, b]) => `${f}(${a}, ${b})`),
        weight: 3,
      },
      { arbitrary: fc.tuple(tie('bool'), fc.constantFrom('and', 'or', 'AND'), tie('bool')).map(([a, op, b]) => `(${a} ${op} ${b})`), weight: 3 },
      { arbitrary: tie('bool').map((a) => `(not ${a})`), weight: 2 },
      { arbitrary: fc.constantFrom('b', 'deleted', 'x', 'true', 'false', 'null', 'zz'), weight: 1 },
      // A non-boolean in a logical position counts as false (§2.4 rule 3).
      { arbitrary: tie('value'), weight: 1 },
    ),
  }));
  return bool;
}

/** Queries for `seed`: filters, with an order on a third of them and a page on a fifth. */
export function generateQueries(seed: number, rows: readonly GeneratedRow[], count: number): GeneratedQuery[] {
  const key = fc.record({ field: fc.constantFrom('s', 't', 'n', 'x', 'b', 'd', 'zz', 'createdAt', 'id'), direction: fc.constantFrom('asc' as const, 'desc' as const) });
  const query = fc.record({
    filter: filterArbitrary(rows),
    orderBy: fc.oneof({ arbitrary: fc.constant([] as OrderKey[]), weight: 2 }, { arbitrary: fc.uniqueArray(key, { selector: (k) => k.field, minLength: 1, maxLength: 3 }), weight: 1 }),
    page: fc.oneof({ arbitrary: fc.constant(null), weight: 4 }, { arbitrary: fc.record({ skip: fc.nat(5), limit: fc.integer({ min: 1, max: 20 }) }), weight: 1 }),
  });
  return fc.sample(query, { seed, numRuns: count }).map((q) => ({
    filter: q.filter,
    orderBy: q.orderBy,
    skip: q.page?.skip ?? 0,
    limit: q.page?.limit ?? 1000,
  }));
}
