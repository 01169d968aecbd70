import type { TableResponse } from '../core/dialect/types.js';
import type { TableRows } from './table-index.js';

/** Remembers recent list answers until their table changes (an app re-reading the same query is common). */
export interface ReadCache {
  /** The cached answer for `key`, or the one `answer` computes now. */
  answer(key: string, rows: TableRows, compute: () => TableResponse): TableResponse;
}

/** A small insertion-ordered cache; an entry is valid only for the rows' generation it was made from. */
export function createReadCache(capacity = 64): ReadCache {
  const entries = new Map<string, { readonly generation: number; readonly response: TableResponse }>();
  return {
    answer(key, rows, compute) {
      const hit = entries.get(key);
      if (hit !== undefined && hit.generation === rows.generation) return hit.response;
      const response = compute();
      entries.delete(key);
      entries.set(key, { generation: rows.generation, response });
      if (entries.size > capacity) entries.delete(entries.keys().next().value as string);
      return response;
    },
  };
}
