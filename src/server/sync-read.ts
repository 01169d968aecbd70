/**
 * Bigger pages for pulls (issue 10): a sync read, as a tablesync pull sends it (`__includeDeleted=true`, ordered by
 * `updatedAt` first, no `$skip`), gets up to `SYNC_READ_TOP` rows for its `$top` in either dialect, and the answer
 * says so in `x-tablesync-pull-top`, so the engine asks for that many from its second page on. Other reads, and
 * other servers, keep the dialect's paging (PROTOCOL.md §2.5).
 */
import type { ListQuery, TableSettings } from '../core/dialect/types.js';
import { PULL_TOP_HEADER } from '../core/pull-query.js';

export const SYNC_READ_TOP = 1000;
export { PULL_TOP_HEADER };

/** A pull's read: it gives `$top`, asks for tombstones, orders by `updatedAt` first and never skips. */
export function isSyncRead(query: ListQuery): boolean {
  return query.top !== null && query.includeDeleted && query.skip === 0 && query.orderBy[0]?.field === 'updatedAt';
}

/**
 * The settings a sync read is paged with: a page of up to `SYNC_READ_TOP` rows (never above the table's maxTop);
 * null when the table configures its own page size, which then holds for pulls too.
 */
export function syncReadSettings<T extends TableSettings>(table: T, maxTop: number): T | null {
  return table.pageSize === null ? { ...table, pageSize: Math.min(SYNC_READ_TOP, maxTop) } : null;
}
