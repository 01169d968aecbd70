/**
 * `tolower` and `toupper` as the core evaluates them (PROTOCOL.md §2.4: locale-free, as
 * JavaScript's), for SQL. PostgreSQL's lower() and upper() follow the database's ctype (with
 * C.UTF-8, simple one-to-one mappings that differ between PGlite and PostgreSQL), while
 * JavaScript maps ß to SS, ﬁ to FI and İ to i̇. JavaScript's mapping is context-free apart from
 * the final sigma, which the core does not apply (core/odata/call-function.ts), so it is one
 * translate() for the one-to-one mappings and a replace() per longer one, with the tables read
 * from this process's own JavaScript.
 */

interface CaseTable {
  readonly from: string;
  readonly to: string;
  readonly longer: readonly (readonly [string, string])[];
}

function caseTable(map: (c: string) => string): CaseTable {
  let from = '';
  let to = '';
  const longer: [string, string][] = [];
  for (let cp = 0; cp <= 0x10ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const c = String.fromCodePoint(cp);
    const mapped = map(c);
    if (mapped === c) continue;
    if ([...mapped].length === 1) {
      from += c;
      to += mapped;
    } else {
      longer.push([c, mapped]);
    }
  }
  return { from, to, longer };
}

const literal = (s: string): string => `'${s.replaceAll("'", "''")}'`;

function functionSql(name: string, table: CaseTable): string {
  let body = `translate(s, ${literal(table.from)}, ${literal(table.to)})`;
  for (const [c, mapped] of table.longer) body = `replace(${body}, ${literal(c)}, ${literal(mapped)})`;
  return `create or replace function ${name}(s text) returns text language sql immutable strict parallel safe as $fn$ select ${body} $fn$`;
}

let statements: readonly string[] | null = null;

/** The `create or replace function` statements of `tablesync_lower(text)` and `tablesync_upper(text)`. */
export function caseMappingFunctions(): readonly string[] {
  statements ??= [functionSql('tablesync_lower', caseTable((c) => c.toLowerCase())), functionSql('tablesync_upper', caseTable((c) => c.toUpperCase()))];
  return statements;
}
