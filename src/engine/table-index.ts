import type { Item } from '../core/item.js';
import type { OrderKey } from '../core/odata/ast.js';
import type { Change, LocalStore, StoredRow } from './ports.js';
import { createMutex } from './mutex.js';
import { createSortedOrders, type SortedOrders } from './sorted-orders.js';

/** A commit touching more rows of a table than this re-sorts its orders once instead of splicing. */
const BULK_CHANGES = 64;
/** Rows read per store request while a table loads (one message, and the longest a cold read waits). */
const LOAD_SLICE = 20_000;

/** One table's rows in memory (DESIGN.md §6: reads never load a table from the store). */
export interface TableRows {
  get(id: string): StoredRow | undefined;
  /** Every item, as the app sees them; the array is cached until the next change. */
  items(): readonly Item[];
  /** Every item in `$orderby` order (then `id`), kept sorted across changes. */
  ordered(orderBy: readonly OrderKey[]): readonly Item[];
  readonly size: number;
  /** Bumped by every change to the table's rows: a cached answer of an older generation is stale. */
  readonly generation: number;
}

/** The in-memory index of every table, warmed once per wake and kept in step with each commit. */
export interface TableIndex {
  /** The table's rows, loading them from the store the first time. */
  rows(table: string): Promise<TableRows>;
  /**
   * Runs `task` (a read straight from the store) unless the table is already in memory (then null).
   * Table loads and such reads take turns, a load's slice at a time: a load is long store requests, which would stall them.
   */
  whileCold<T>(table: string, task: () => Promise<T>): Promise<T | null>;
  /** True once the table's rows are in memory. */
  isWarm(table: string): boolean;
  /** Applies a committed change set to the tables already warm (or warming). */
  apply(changes: readonly Change[]): void;
}

/**
 * One table in memory: items by id, and the known versions of the few rows whose versions are not
 * just their item's own (a row and its wrapper cost about twice the item alone: 1M rows must fit).
 */
interface Entry {
  readonly table: string;
  readonly rows: Map<string, Item>;
  readonly versions: Map<string, readonly string[]>;
  cache: readonly Item[] | null;
  generation: number;
  readonly orders: SortedOrders;
}

/** The versions a row knows when nothing else was recorded: its item's own, if any. */
const ownVersions = (item: Item): readonly string[] => (typeof item['version'] === 'string' ? [item['version']] : []);

function put(entry: Entry, row: StoredRow): void {
  // The item's own id string is the key (the row's is a second copy of it).
  const id = row.item['id'] === row.id ? row.item['id'] : row.id;
  entry.rows.set(id, row.item);
  const own = ownVersions(row.item);
  if (row.knownVersions.length === own.length && row.knownVersions.every((v, i) => v === own[i])) entry.versions.delete(id);
  else entry.versions.set(id, row.knownVersions);
}

/** An index over `store.getRows`, one map per table. */
export function createTableIndex(store: LocalStore): TableIndex {
  const turns = createMutex();
  const ready = new Map<string, Entry>();
  // Changes committed while a table loads are replayed on top of the loaded rows (puts and
  // deletes are idempotent, so a snapshot that already holds them is fine).
  const loading = new Map<string, { readonly promise: Promise<Entry>; readonly pending: Change[] }>();

  const view = (entry: Entry): TableRows => ({
    get(id) {
      const item = entry.rows.get(id);
      return item === undefined ? undefined : { table: entry.table, id, item, knownVersions: entry.versions.get(id) ?? ownVersions(item) };
    },
    items() {
      entry.cache ??= [...entry.rows.values()];
      return entry.cache;
    },
    ordered(orderBy) {
      return entry.orders.ordered(orderBy, () => view(entry).items());
    },
    get size() {
      return entry.rows.size;
    },
    get generation() {
      return entry.generation;
    },
  });

  const applyTo = (entry: Entry, change: Change): void => {
    entry.generation++;
    switch (change.kind) {
      case 'put-row': {
        const before = entry.rows.get(change.row.id) ?? null;
        put(entry, change.row);
        entry.orders.replace(before, change.row.item);
        entry.cache = null;
        break;
      }
      case 'delete-row': {
        const before = entry.rows.get(change.id) ?? null;
        entry.versions.delete(change.id);
        if (entry.rows.delete(change.id)) {
          entry.orders.replace(before, null);
          entry.cache = null;
        }
        break;
      }
      case 'delete-table-rows':
        entry.rows.clear();
        entry.versions.clear();
        entry.orders.clear();
        entry.cache = null;
        break;
      default:
        break;
    }
  };

  const tableOf = (change: Change): string | null => {
    switch (change.kind) {
      case 'put-row':
        return change.row.table;
      case 'delete-row':
      case 'delete-table-rows':
        return change.table;
      default:
        return null;
    }
  };

  return {
    async rows(table) {
      const hit = ready.get(table);
      if (hit) return view(hit);
      let load = loading.get(table);
      if (!load) {
        const pending: Change[] = [];
        const promise = (async () => {
          const entry: Entry = { table, rows: new Map(), versions: new Map(), cache: null, generation: 0, orders: createSortedOrders() };
          // A slice per turn: cold reads of any table wait for one slice, never for a whole 1M-row load.
          for (let after: string | undefined; ; ) {
            const slice = await turns.run(() => store.getRows(table, after, LOAD_SLICE));
            for (const row of slice) put(entry, row);
            if (slice.length < LOAD_SLICE) break;
            after = slice[slice.length - 1]?.id;
          }
          // Changes committed meanwhile (a slice already read may hold their rows' older state).
          for (const change of pending) applyTo(entry, change);
          ready.set(table, entry);
          loading.delete(table);
          return entry;
        })();
        promise.catch(() => loading.delete(table));
        load = { promise, pending };
        loading.set(table, load);
      }
      return view(await load.promise);
    },
    isWarm: (table) => ready.has(table),
    whileCold: (table, task) => (ready.has(table) ? Promise.resolve(null) : turns.run(() => (ready.has(table) ? Promise.resolve(null) : task()))),
    apply(changes) {
      const touched = new Map<string, number>();
      for (const change of changes) {
        const table = tableOf(change);
        if (table !== null) touched.set(table, (touched.get(table) ?? 0) + 1);
      }
      for (const [table, count] of touched) if (count > BULK_CHANGES) ready.get(table)?.orders.clear();
      for (const change of changes) {
        const table = tableOf(change);
        if (table === null) continue;
        const entry = ready.get(table);
        if (entry) applyTo(entry, change);
        else loading.get(table)?.pending.push(change);
      }
    },
  };
}
