import type { Item } from '../item.js';
import type { Expr, LiteralValue, OrderKey } from './ast.js';
import { matches } from './evaluate.js';
import { compareValues, sortValueOf, withIdKey } from './order-by.js';
import { project } from './select.js';

/** What runQuery needs of a list query (PROTOCOL.md §2.3): the engine derives it from the dialect's ListQuery. */
export interface PageQuery {
  readonly filter: Expr | null;
  readonly orderBy: readonly OrderKey[];
  readonly skip: number;
  readonly limit: number;
  readonly select: readonly string[] | null;
}

/** One page of a list query and the number of all matches, regardless of skip and limit (S-26). */
export interface QueryPage {
  readonly items: Item[];
  readonly matches: number;
}

interface Entry {
  readonly item: Item;
  readonly seq: number;
  /** The row's sort values, extracted once so comparisons stay cheap. */
  readonly key: readonly LiteralValue[];
}

/**
 * Filters, orders (stable, then `id`), counts, pages and projects in-memory rows. Only the best
 * skip + limit rows are kept: candidates beating the current cut-off are buffered, and a full
 * buffer is cut back by quickselect, so a small page over n rows costs O(n), not O(n log n).
 */
export function runQuery(items: Iterable<Item>, query: PageQuery): QueryPage {
  const skip = Math.max(0, query.skip);
  const limit = Math.max(0, query.limit);
  const keep = skip + limit;
  const keys = withIdKey(query.orderBy);
  const fields = keys.map((k) => k.field);
  const signs = keys.map((k) => (k.direction === 'asc' ? 1 : -1));
  // The same order as compareItems(query.orderBy), then input order, so the result is stable.
  const cmp = (a: Entry, b: Entry): number => {
    for (let i = 0; i < signs.length; i++) {
      const c = compareValues(a.key[i] ?? null, b.key[i] ?? null);
      if (c !== 0) return c * (signs[i] ?? 1);
    }
    return a.seq - b.seq;
  };
  const capacity = Math.max(2 * keep, 1024);
  const kept: Entry[] = [];
  let cutoff: Entry | null = null;
  let count = 0;
  for (const item of items) {
    if (!matches(query.filter, item)) continue;
    const seq = count++;
    if (keep === 0) continue;
    const e: Entry = { item, seq, key: fields.map((f) => sortValueOf(item, f)) };
    if (cutoff !== null && cmp(e, cutoff) > 0) continue;
    kept.push(e);
    if (kept.length >= capacity) {
      selectNth(kept, keep - 1, cmp);
      kept.length = keep;
      cutoff = kept[keep - 1] ?? null;
    }
  }
  const page = kept.sort(cmp).slice(skip, skip + limit).map((e) => e.item);
  const { select } = query;
  return { items: select === null ? page : page.map((item) => project(item, select)), matches: count };
}

/** Reorders `a` so that a[n] is its n-th smallest, with no larger entry before it (Hoare's select). */
function selectNth(a: Entry[], n: number, cmp: (x: Entry, y: Entry) => number): void {
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1] as Entry;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (cmp(a[i] as Entry, pivot) < 0) i++;
      while (cmp(a[j] as Entry, pivot) > 0) j--;
      if (i <= j) {
        const t = a[i] as Entry;
        a[i++] = a[j] as Entry;
        a[j--] = t;
      }
    }
    if (n <= j) hi = j;
    else if (n >= i) lo = i;
    else return;
  }
}
