/**
 * `tolower` and `toupper` as the core evaluates them (PROTOCOL.md §2.4: locale-free, as
 * JavaScript's), for SQL. PostgreSQL's lower() and upper() follow the database's ctype: one-to-one
 * mappings that differ between PGlite and PostgreSQL (PGlite maps ß to ẞ) and by locale (tr_TR
 * maps i to İ), while JavaScript maps ß to SS, ﬁ to FI and İ to i̇. JavaScript's mapping is
 * context-free apart from the final sigma, which the core does not apply
 * (core/odata/call-function.ts), so it is a per-code-point table, read from this process's own
 * JavaScript. The SQL functions built from it:
 * - ASCII strings (the common case) translate a–z alone, whatever the locale;
 * - other strings first rewrite the code points where this database's own lower()/upper()
 *   disagrees with JavaScript, then call it, when that is exact for every code point (probed once,
 *   at schema setup); else one translate() of the whole table and a replace() per longer mapping,
 *   exact but slow on long tables.
 */
import type { Queryable } from './database.js';

type Direction = 'lower' | 'upper';

/** Every cased letter lies in the first two planes (the last, Adlam, at U+1E900). */
const LAST = 0x1ffff;

const jsMap = (direction: Direction, c: string): string => (direction === 'lower' ? c.toLowerCase() : c.toUpperCase());

/** The index of a code point in `codePoints()`. */
const indexOf = (c: string): number => {
  const cp = c.codePointAt(0) ?? 0;
  return cp - 1 - (cp > 0xdfff ? 0x800 : 0);
};

/** Every code point the probe sends: U+0001 to U+1FFFF, without surrogates. */
function codePoints(): string[] {
  const out: string[] = [];
  for (let cp = 1; cp <= LAST; cp++) if (cp < 0xd800 || cp > 0xdfff) out.push(String.fromCodePoint(cp));
  return out;
}

const literal = (s: string): string => `'${s.replaceAll("'", "''")}'`;

/**
 * `translate` for the one-to-one pairs, then a `replace` per longer one, over `s`; the replaces run
 * only when `s` holds one of their characters (a cached regular expression tells), as they are many.
 */
function rewrite(pairs: readonly (readonly [string, string])[], wrap: (sql: string) => string): string {
  const single = pairs.filter(([, to]) => [...to].length === 1);
  const longer = pairs.filter(([, to]) => [...to].length !== 1);
  const translated = single.length === 0 ? 's' : `translate(s, ${literal(single.map(([c]) => c).join(''))}, ${literal(single.map(([, t]) => t).join(''))})`;
  if (longer.length === 0) return wrap(translated);
  let replaced = translated;
  for (const [c, to] of longer) replaced = `replace(${replaced}, ${literal(c)}, ${literal(to)})`;
  // Letters only: none is special inside a bracket expression.
  return `case when s ~ ${literal(`[${longer.map(([c]) => c).join('')}]`)} then ${wrap(replaced)} else ${wrap(translated)} end`;
}

/** The body for non-ASCII strings: the database's own function after a few rewrites when that is exact, else the whole table. */
function nonAsciiBody(direction: Direction, all: readonly string[], native: readonly string[] | null): string {
  const differs: [string, string][] = [];
  for (const [i, c] of all.entries()) {
    const mapped = jsMap(direction, c);
    if (native === null || native[i] !== mapped) differs.push([c, mapped]);
  }
  if (native !== null) {
    // Exact when the database leaves every rewritten result as it is.
    const fixed = differs.every(([, to]) => [...to].every((c) => native[indexOf(c)] === c));
    // The collation named here is the one probed, whatever the argument's (id is collate "C", which maps ASCII alone).
    if (fixed) return rewrite(differs, (sql) => `${direction}((${sql}) collate "default")`);
  }
  const whole = all.map((c): [string, string] => [c, jsMap(direction, c)]).filter(([c, to]) => c !== to);
  return rewrite(whole, (sql) => sql);
}

function functionSql(direction: Direction, body: string): string {
  const ascii = direction === 'lower' ? ['ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'] : ['abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'];
  return (
    // Not STRICT, so the planner can inline it (a null gives null all the same).
    `create or replace function tablesync_${direction}(s text) returns text language sql immutable parallel safe as $fn$ ` +
    `select case when octet_length(s) = length(s) then translate(s, '${ascii[0]}', '${ascii[1]}') else ${body} end $fn$`
  );
}

/**
 * The `create or replace function` statements of `tablesync_lower(text)` and `tablesync_upper(text)`
 * for this database, whose own lower() and upper() (under its default collation, which the
 * functions name) are probed over every code point once.
 */
export async function caseMappingFunctions(db: Queryable): Promise<readonly string[]> {
  const all = codePoints();
  const text = all.join('');
  const [probe] = await db.query<{ lower: string; upper: string }>(
    'select lower($1::text collate "default") as lower, upper($1::text collate "default") as upper',
    [text],
  );
  const native = (result: string | undefined): string[] | null => {
    const points = result === undefined ? [] : [...result];
    return points.length === all.length ? points : null; // a mapping that is not one-to-one: not usable
  };
  return (['lower', 'upper'] as const).map((direction) => {
    return functionSql(direction, nonAsciiBody(direction, all, native(probe?.[direction])));
  });
}
