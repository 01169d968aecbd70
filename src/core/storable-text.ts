/** U+0000 or an unpaired surrogate: PostgreSQL `text` and `jsonb` cannot hold either. */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/u;

/**
 * True when a string can be stored and compared as it was sent: no U+0000 and no unpaired
 * surrogate. The server's database cannot hold such a string, so the core refuses it in ids, app
 * field values and `$filter` literals, for the server and the worker alike (F-14).
 */
export const isStorableText = (value: string): boolean => !UNSTORABLE.test(value);
