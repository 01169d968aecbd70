import type { Item } from '../core/item.js';
import type { OrderKey } from '../core/odata/ast.js';
import { compareItems } from '../core/odata/order-by.js';

/**
 * A table's rows kept sorted by the `$orderby` keys that reads asked for (then `id`, a total
 * order), maintained change by change, so a paged read walks rows in order and stops early
 * instead of sorting every match (DESIGN.md §6).
 */
export interface SortedOrders {
  /** The rows in `orderBy` order, sorting `items()` the first time this order is asked for. */
  ordered(orderBy: readonly OrderKey[], items: () => readonly Item[]): readonly Item[];
  /** One row changed: `before` leaves every kept order, `after` joins it (either may be null). */
  replace(before: Item | null, after: Item | null): void;
  /** Forgets every order (a bulk change is cheaper to re-sort once than to splice row by row). */
  clear(): void;
}

interface Order {
  readonly compare: (a: Item, b: Item) => number;
  list: Item[];
}

const keyOf = (orderBy: readonly OrderKey[]): string => orderBy.map((k) => `${k.field} ${k.direction}`).join(',');

/** The first index whose item is not before `item`. */
function lowerBound(list: readonly Item[], item: Item, compare: (a: Item, b: Item) => number): number {
  let lo = 0, hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(list[mid] as Item, item) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Sorted orders for one table, at most `capacity` of them (the oldest asked-for is dropped). */
export function createSortedOrders(capacity = 8): SortedOrders {
  const orders = new Map<string, Order>();
  return {
    ordered(orderBy, items) {
      const key = keyOf(orderBy);
      let order = orders.get(key);
      if (order === undefined) {
        const compare = compareItems(orderBy);
        order = { compare, list: [...items()].sort(compare) };
        if (orders.size >= capacity) orders.delete(orders.keys().next().value as string);
      } else orders.delete(key);
      orders.set(key, order); // most recently used last
      return order.list;
    },
    replace(before, after) {
      for (const [key, order] of orders) {
        if (before !== null) {
          let at = lowerBound(order.list, before, order.compare);
          if (order.list[at] !== before) at = order.list.indexOf(before);
          if (at < 0) {
            orders.delete(key); // out of step: re-sort on the next read
            continue;
          }
          order.list.splice(at, 1);
        }
        if (after !== null) order.list.splice(lowerBound(order.list, after, order.compare), 0, after);
      }
    },
    clear() {
      orders.clear();
    },
  };
}
