/** Builds an engine over the memory ports and a fake upstream, for the engine's unit tests. */
import { createEngine } from '../../../src/engine/create-engine.js';
import type { Engine, EngineConfig, EngineTableConfig, SyncEvent } from '../../../src/engine/engine-types.js';
import type { TableResponse } from '../../../src/core/dialect/types.js';
import { createFakeUpstream, type FakeTable } from '../../support/fake-upstream.js';
import {
  createManualClock,
  createMemoryLocalStore,
  createMemoryLock,
  createMemoryLog,
  createMemoryMetaStore,
  createMemoryScheduler,
  createSeededEntropy,
} from '../../support/memory-ports.js';

export const UPSTREAM = 'http://upstream.test';

export interface HarnessOptions {
  readonly tables?: readonly EngineTableConfig[];
  readonly upstreamTables?: readonly FakeTable[];
  readonly overlapMs?: number;
  /**
   * Default `local-first`: most engine tests prove the local answers (F, W) and the replay (U, K) that every
   * offline write gets, so writes are answered locally and pushed when the test says; the write-through tests
   * (T-01…T-06) ask for `online-first`, the product's default.
   */
  readonly writes?: EngineConfig['writes'];
  readonly writeTimeoutMs?: number;
  readonly maxStaleMs?: number;
  readonly maxServerErrors?: number;
}

/** A request as the app sends it; `body` is JSON-encoded unless a string. */
export interface AppRequest {
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sets `ZUMO-API-VERSION`. */
  readonly version?: '2.0.0' | '3.0.0';
}

export function createHarness(options: HarnessOptions = {}) {
  const tables = options.tables ?? [{ name: 'todo' }];
  const store = createMemoryLocalStore();
  const meta = createMemoryMetaStore();
  const lock = createMemoryLock();
  const scheduler = createMemoryScheduler();
  const clock = createManualClock();
  const entropy = createSeededEntropy();
  const log = createMemoryLog();
  const server = createFakeUpstream({
    tables: options.upstreamTables ?? tables.map((t) => ({ name: t.name, ...(t.softDelete === undefined ? {} : { softDelete: t.softDelete }) })),
    now: () => clock.now(),
  });
  const events: SyncEvent[] = [];
  const make = (): Engine => {
    const engine = createEngine({
      store, meta, remote: server.remote, lock, scheduler, clock, entropy, log,
      config: {
        upstream: UPSTREAM,
        tables,
        writes: options.writes ?? 'local-first',
        ...(options.overlapMs === undefined ? {} : { overlapMs: options.overlapMs }),
        ...(options.writeTimeoutMs === undefined ? {} : { writeTimeoutMs: options.writeTimeoutMs }),
        ...(options.maxStaleMs === undefined ? {} : { maxStaleMs: options.maxStaleMs }),
        ...(options.maxServerErrors === undefined ? {} : { maxServerErrors: options.maxServerErrors }),
      },
    });
    engine.subscribe((e) => events.push(e));
    return engine;
  };
  const h = {
    store, meta, lock, scheduler, clock, entropy, log, server, events,
    engine: make(),
    /** A new engine over the same store and meta, as after the worker was stopped. */
    async restart(): Promise<Engine> {
      h.engine = make();
      await h.engine.start();
      return h.engine;
    },
    /** One app request to the façade. */
    request(method: string, path: string, req: AppRequest = {}): Promise<TableResponse> {
      const headers: Record<string, string> = { ...(req.headers ?? {}) };
      if (req.version !== undefined) headers['zumo-api-version'] = req.version;
      let body: string | null = null;
      if (req.body !== undefined) {
        body = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
        headers['content-type'] ??= 'application/json';
      }
      return h.engine.handle({ method, url: `${UPSTREAM}${path}`, headers, body });
    },
    /** Marks every table as completely pulled (an empty pull), so reads are local (F-05). */
    async ready(): Promise<void> {
      await h.engine.start();
      for (const t of tables) await h.engine.pull({ table: t.name, push: false });
      server.requests.length = 0;
    },
    /** Lets fire-and-forget work (status events, background pulls) run to its end. */
    async settle(): Promise<void> {
      for (let i = 0; i < 100; i++) await Promise.resolve();
    },
    ops: () => store.snapshot().ops,
    rows: () => store.snapshot().rows,
    conflictRecords: () => store.snapshot().conflicts,
  };
  return h;
}

export type Harness = ReturnType<typeof createHarness>;
