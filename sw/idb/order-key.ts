import type { Item } from '../../src/core/item.js';
import { sortValueOf } from '../../src/core/odata/order-by.js';

/**
 * A row's `updatedAt` as an IndexedDB key that sorts as `$orderby` does (PROTOCOL.md §2.3): null,
 * false, true, numbers, dates by instant, then strings (by code unit here; the engine checks).
 * Stored on the row record as `u` for the rows store's `updatedAt` index (the cold read path).
 */
export function updatedAtKey(item: Item): IDBValidKey {
  const v = sortValueOf(item, 'updatedAt');
  return v === null ? [0] : typeof v === 'boolean' ? [1, +v] : typeof v === 'number' ? [2, v] : typeof v === 'string' ? [4, v] : [3, v.ms, v.us];
}
