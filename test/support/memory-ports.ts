/**
 * In-memory fakes of every engine port (src/engine/ports.ts), shared by every unit test that drives
 * the engine. They copy values in and out, as IndexedDB's structured clone does, so a test can
 * never observe the engine mutating what it stored.
 */
import { IDBFactory } from 'fake-indexeddb';
import type { Op } from '../../src/core/op.js';
import { updatedAtKey } from '../../sw/idb/order-key.js';
import type {
  Change,
  Clock,
  CommitResult,
  ConflictRecord,
  Durability,
  Entropy,
  LocalStore,
  Log,
  MetaStore,
  PushScheduler,
  StoredRow,
  SyncLock,
  SyncStateRecord,
} from '../../src/engine/ports.js';

const idbKeys = new IDBFactory();
const clone = <T>(value: T): T => structuredClone(value);
const rowKey = (table: string, id: string): string => `${table}\u0000${id}`;

/** Everything a memory store holds, for assertions. */
export interface MemoryStoreSnapshot {
  readonly rows: readonly StoredRow[];
  readonly ops: readonly Op[];
  readonly conflicts: readonly ConflictRecord[];
  readonly syncStates: readonly SyncStateRecord[];
}

/** A LocalStore in memory, with hooks to fail commits and to watch them. */
export interface MemoryLocalStore extends LocalStore {
  /** The next `count` commits fail with `quota` and change nothing. */
  failCommits(count?: number): void;
  /** Called with every successful commit's changes and durability (strict unless asked), after they landed. */
  onCommit(listener: (changes: readonly Change[], durability: Durability) => void): void;
  /** How many commits succeeded. */
  readonly commits: number;
  /** How many `getRows` calls were made (reads must not load tables per request). */
  readonly getRowsCalls: number;
  /** How many `walkRows` calls were made (reads answered on the cold path). */
  readonly walkRowsCalls: number;
  /** While on, `getRows` answers a macrotask later, so a read arriving first meets a cold index. */
  slowRowLoads(on: boolean): void;
  /** Slow `getRows` calls not answered yet. */
  readonly pendingRowLoads: number;
  snapshot(): MemoryStoreSnapshot;
}

/** A LocalStore over maps; one commit is all-or-nothing and refuses two ops for one item (W-03). */
export function createMemoryLocalStore(): MemoryLocalStore {
  const rows = new Map<string, StoredRow>();
  let ops = new Map<number, Op>();
  const conflicts = new Map<number, ConflictRecord>();
  const syncStates = new Map<string, SyncStateRecord>();
  let nextSeq = 1;
  let failing = 0;
  let commits = 0;
  let getRowsCalls = 0;
  let walkRowsCalls = 0;
  let slowLoads = false;
  let pendingRowLoads = 0;
  const listeners: ((changes: readonly Change[], durability: Durability) => void)[] = [];

  const byId = <T extends { readonly id: string }>(a: T, b: T): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

  const store: MemoryLocalStore = {
    getRowsById(table, ids) {
      return Promise.resolve(ids.flatMap((id) => {
        const row = rows.get(rowKey(table, id));
        return row ? [clone(row)] : [];
      }));
    },
    getRows(table, after, limit) {
      getRowsCalls++;
      const all = [...rows.values()].filter((r) => r.table === table && (after === undefined || r.id > after)).sort(byId);
      const list = all.slice(0, limit ?? all.length).map(clone);
      if (!slowLoads) return Promise.resolve(list);
      pendingRowLoads++;
      return new Promise((resolve) =>
        setTimeout(() => {
          pendingRowLoads--;
          resolve(list);
        }, 0),
      );
    },
    walkRows(table, order, visit) {
      walkRowsCalls++;
      // IndexedDB's own key order (fake-indexeddb's cmp), over the keys the sw adapter indexes.
      const key = (r: StoredRow): IDBValidKey => (order.field === 'id' ? r.id : updatedAtKey(r.item));
      const list = [...rows.values()].filter((r) => r.table === table).sort((a, b) => idbKeys.cmp(key(a), key(b)) || idbKeys.cmp(a.id, b.id));
      if (order.direction === 'desc') list.reverse();
      for (const row of list) if (!visit(clone(row))) break;
      return Promise.resolve();
    },
    getOp(table, itemId) {
      const op = [...ops.values()].find((o) => o.table === table && o.itemId === itemId);
      return Promise.resolve(op ? clone(op) : null);
    },
    listOps(table) {
      const list = [...ops.values()].filter((o) => table === undefined || o.table === table).sort((a, b) => a.seq - b.seq);
      return Promise.resolve(list.map(clone));
    },
    getConflict(opSeq) {
      const c = conflicts.get(opSeq);
      return Promise.resolve(c ? clone(c) : null);
    },
    listConflicts(table) {
      const list = [...conflicts.values()].filter((c) => table === undefined || c.table === table).sort((a, b) => a.opSeq - b.opSeq);
      return Promise.resolve(list.map(clone));
    },
    listSyncStates(table) {
      return Promise.resolve([...syncStates.values()].filter((s) => s.table === table).map(clone));
    },
    commit(changes, options = {}) {
      if (failing > 0) {
        failing--;
        return Promise.resolve<CommitResult>({ ok: false, reason: 'quota' });
      }
      // Ops are staged on a copy so the unique index can refuse the commit before anything lands;
      // the other stores are applied in place afterwards (copying 100k rows per commit is too slow).
      const o = new Map(ops);
      let seq = nextSeq;
      const appendedSeqs: number[] = [];
      for (const change of changes) {
        if (change.kind === 'append-op') {
          o.set(seq, { ...clone(change.op), seq });
          appendedSeqs.push(seq++);
        } else if (change.kind === 'put-op') o.set(change.op.seq, clone(change.op));
        else if (change.kind === 'delete-op') o.delete(change.seq);
      }
      const seen = new Set<string>();
      for (const op of o.values()) {
        const key = rowKey(op.table, op.itemId);
        // The ops store's unique [table, itemId] index aborts such a transaction (W-03).
        if (seen.has(key)) return Promise.reject(new Error(`ConstraintError: two ops for ${op.table}/${op.itemId}`));
        seen.add(key);
      }
      for (const change of changes) {
        switch (change.kind) {
          case 'put-row':
            rows.set(rowKey(change.row.table, change.row.id), clone(change.row));
            break;
          case 'delete-row':
            rows.delete(rowKey(change.table, change.id));
            break;
          case 'delete-table-rows':
            for (const [key, row] of rows) if (row.table === change.table) rows.delete(key);
            break;
          case 'put-conflict':
            conflicts.set(change.conflict.opSeq, clone(change.conflict));
            break;
          case 'delete-conflict':
            conflicts.delete(change.opSeq);
            break;
          case 'put-sync-state':
            syncStates.set(rowKey(change.state.table, change.state.queryId), clone(change.state));
            break;
          case 'delete-sync-state':
            syncStates.delete(rowKey(change.table, change.queryId));
            break;
          default:
            break;
        }
      }
      ops = o;
      nextSeq = seq;
      commits++;
      // Memory has no disk: both durabilities behave alike, the choice is only reported.
      const durability = options.durability ?? 'strict';
      for (const listener of listeners) listener(changes, durability);
      return Promise.resolve<CommitResult>({ ok: true, appendedSeqs });
    },
    failCommits(count = 1) {
      failing = count;
    },
    onCommit(listener) {
      listeners.push(listener);
    },
    get commits() {
      return commits;
    },
    get getRowsCalls() {
      return getRowsCalls;
    },
    get walkRowsCalls() {
      return walkRowsCalls;
    },
    get pendingRowLoads() {
      return pendingRowLoads;
    },
    slowRowLoads(on) {
      slowLoads = on;
    },
    snapshot() {
      return clone({
        rows: [...rows.values()].sort((a, b) => (rowKey(a.table, a.id) < rowKey(b.table, b.id) ? -1 : 1)),
        ops: [...ops.values()].sort((a, b) => a.seq - b.seq),
        conflicts: [...conflicts.values()].sort((a, b) => a.opSeq - b.opSeq),
        syncStates: [...syncStates.values()],
      });
    },
  };
  return store;
}

/** A MetaStore over a map; `entries` shows what was persisted (F-15: never a token). */
export function createMemoryMetaStore(): MetaStore & { readonly entries: Map<string, unknown> } {
  const entries = new Map<string, unknown>();
  return {
    entries,
    get<T>(key: string) {
      return Promise.resolve(entries.has(key) ? (clone(entries.get(key)) as T) : undefined);
    },
    set(values) {
      for (const [key, value] of Object.entries(values)) entries.set(key, clone(value));
      return Promise.resolve();
    },
  };
}

/** A SyncLock as a promise chain, counting how many tasks ever ran at once (U-01). */
export function createMemoryLock(): SyncLock & { readonly maxConcurrent: number; readonly runs: number } {
  let tail: Promise<unknown> = Promise.resolve();
  let active = 0, maxConcurrent = 0, runs = 0;
  return {
    run<T>(task: () => Promise<T>): Promise<T> {
      const result = tail.then(async () => {
        active++;
        runs++;
        maxConcurrent = Math.max(maxConcurrent, active);
        try {
          return await task();
        } finally {
          active--;
        }
      });
      tail = result.catch(() => undefined);
      return result;
    },
    get maxConcurrent() {
      return maxConcurrent;
    },
    get runs() {
      return runs;
    },
  };
}

/** A PushScheduler that counts its calls (U-20). */
export function createMemoryScheduler(): PushScheduler & { readonly calls: number } {
  let calls = 0;
  return {
    schedule() {
      calls++;
      return Promise.resolve();
    },
    get calls() {
      return calls;
    },
  };
}

/** A Clock that moves only when told (fake time, never sleeps); `advance` and `set` run the timers that fall due. */
export function createManualClock(start = Date.UTC(2026, 0, 1)): Clock & { advance(ms: number): void; set(ms: number): void; readonly timers: number } {
  let now = start;
  let nextId = 0;
  const timers = new Map<number, { readonly at: number; readonly task: () => void }>();
  const runDue = (): void => {
    for (;;) {
      const due = [...timers.entries()].filter(([, t]) => t.at <= now).sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
      if (due === undefined) return;
      timers.delete(due[0]);
      due[1].task();
    }
  };
  return {
    now: () => now,
    after(ms, task) {
      const id = nextId++;
      timers.set(id, { at: now + Math.max(0, ms), task });
      return () => void timers.delete(id);
    },
    advance(ms) {
      now += ms;
      runDue();
    },
    set(ms) {
      now = ms;
      runDue();
    },
    /** Timers set and not yet run or cancelled. */
    get timers() {
      return timers.size;
    },
  };
}

/** Deterministic randomness: counter-based bytes and a settable jitter. */
export function createSeededEntropy(seed = 1): Entropy & { setJitter(value: number): void } {
  let counter = seed;
  let jitter = 0;
  return {
    randomBytes() {
      const bytes = new Uint8Array(16);
      let x = counter++ * 2654435761;
      for (let i = 0; i < 16; i++) {
        x = (x * 1103515245 + 12345) >>> 0;
        bytes[i] = x >>> 24;
      }
      return bytes;
    },
    jitter: () => jitter,
    setJitter(value) {
      jitter = value;
    },
  };
}

/** One captured log line. */
export interface LogEntry {
  readonly level: 'info' | 'error';
  readonly message: string;
  readonly data: Readonly<Record<string, unknown>> | undefined;
}

/** A Log that keeps every line. */
export function createMemoryLog(): Log & { readonly entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  return {
    entries,
    info: (message, data) => void entries.push({ level: 'info', message, data }),
    error: (message, data) => void entries.push({ level: 'error', message, data }),
  };
}
