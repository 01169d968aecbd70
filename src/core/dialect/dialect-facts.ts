import type { Dialect, DialectFacts, TableSettings } from './types.js';
import { v2 } from './v2.js';
import { v3 } from './v3.js';

/** The facts of one dialect (PROTOCOL.md §1). */
export const dialectFacts = (dialect: Dialect): DialectFacts => (dialect === 'v2' ? v2 : v3);

/** A table's page size and max `$top`: its configured values, else the dialect's (PROTOCOL.md §2.5). */
export function pagingOf(dialect: Dialect, settings: TableSettings): { readonly pageSize: number; readonly maxTop: number } {
  const facts = dialectFacts(dialect);
  return { pageSize: settings.pageSize ?? facts.pageSize, maxTop: settings.maxTop ?? facts.maxTop };
}
