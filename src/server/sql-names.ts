/** App field names (PROTOCOL.md §2.2); only names that pass reach SQL text. */
export const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/** Table names: a field name short enough for a PostgreSQL identifier with our suffixes. */
export const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,47}$/;

/** Quotes an identifier for SQL text. */
export const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** A validated field name as a SQL string literal (the regex admits no quote). */
export function fieldKey(name: string): string {
  if (!FIELD_NAME.test(name)) throw new Error(`not a field name: ${JSON.stringify(name)}`);
  return `'${name}'`;
}
