import type { Dialect } from '../core/dialect/types.js';
import { SyncError } from '../core/errors.js';
import type { EngineContext, RuntimeState } from './engine-context.js';
import type { Engine, EngineDeps, PullOptions, PullResult, PushResult, SyncResult } from './engine-types.js';
import type { PullPlan } from './pull.js';
import { createCredentials } from './credentials.js';
import { settleDeadLetter } from './dead-letters.js';
import { createEvents } from './events.js';
import { createFacade } from './facade.js';
import { createMutex } from './mutex.js';
import { createOpSummary } from './op-summary.js';
import { planPull, runPull } from './pull.js';
import { createPullScheduler } from './pull-scheduler.js';
import { planPurge, purgeLocked } from './purge.js';
import { pushLocked } from './push.js';
import { resolveLocked } from './resolve.js';
import { readStatus } from './status.js';
import { createTableConfigs } from './table-config.js';
import { createTableIndex } from './table-index.js';
import { loadAppDialects } from './table-state.js';
import { conflictOf, pendingOperationOf } from './views.js';
import { createWriteWaiters } from './write-waiters.js';

const BACKGROUND_PULL_RETRY_MS = 30_000;
/** T-07: a read of a table whose last complete pull is older starts a background pull (§3.9). */
const DEFAULT_MAX_STALE_MS = 30_000;

/** Builds the engine over its ports; it starts nothing until `start()` (STYLE.md §2.4). */
export function createEngine(deps: EngineDeps): Engine {
  const tables = createTableConfigs(deps.config);
  const index = createTableIndex(deps.store);
  const ops = createOpSummary(deps.store);
  const events = createEvents(deps.log);
  const credentials = createCredentials();
  const runtime: RuntimeState = {
    pushing: false,
    pulls: 0,
    online: true,
    offlineAt: null,
    lastPushAt: null,
    lastPullAt: null,
    stoppedPushes: 0,
    authBlockedAt: null,
    storageFull: false,
    observedDialects: new Map<string, Dialect>(),
    completeTables: new Set<string>(),
    serverRemovals: { count: 0, rows: new Map<string, number>() },
    backgroundPulls: new Map<string, number>(),
    lastCompletePulls: new Map<string, number>(),
  };
  const ctx: EngineContext = {
    deps,
    tables,
    index,
    ops,
    credentials,
    events,
    exclusive: createMutex(),
    runtime,
    waiters: createWriteWaiters(),
    async commit(changes, options) {
      const result = await deps.store.commit(changes, options);
      if (result.ok) {
        index.apply(changes);
        ops.apply(changes, result.appendedSeqs);
      } else events.emit({ kind: 'storage-full' });
      if (runtime.storageFull === result.ok) {
        runtime.storageFull = !result.ok;
        statusAfterWrite();
      }
      return result;
    },
    // Before any app request, the table's appDialect: a v2-only server ([node]) answers 3.0.0 with 400 (P18).
    upstreamDialect: (table) => tables.get(table)?.upstreamDialect ?? runtime.observedDialects.get(table) ?? tables.get(table)?.appDialect ?? 'v3',
  };

  const emitStatus = async (): Promise<void> => {
    if (events.listening()) events.emit({ kind: 'status', status: await readStatus(ctx) });
  };

  // Status after writes reads the whole op-log: a burst of writes gets one read per round, not one each.
  let statusBusy = false;
  let statusStale = false;
  const statusAfterWrite = (): void => {
    statusStale = true;
    if (statusBusy) return;
    statusBusy = true;
    void (async () => {
      try {
        while (statusStale) {
          statusStale = false;
          await emitStatus();
        }
      } catch (error) {
        deps.log.error('status after write failed', { error: String(error) });
      } finally {
        statusBusy = false;
      }
    })();
  };

  async function push(options: { readonly explicit?: boolean } = {}): Promise<PushResult> {
    const { result, replayed } = await deps.lock.run(async () => {
      runtime.pushing = true;
      await emitStatus();
      return pushLocked(ctx, options.explicit === true);
    });
    events.emit({ kind: 'pushed', result });
    if (result.stopped !== null || result.failed > 0 || result.held > 0) deps.log.info('push ended', { ...result });
    await emitStatus();
    // T-09: replayed ops (not a waiting app's own write) mean the server moved on while we were away: catch up,
    // whatever back-off a pull that failed meanwhile left (the replay just got answers).
    if (replayed > 0) {
      pulls.resetBackoff();
      for (const table of tables.keys()) void pulls.background(table, { again: true });
    }
    return result;
  }

  /** One pull run of a table, after any other of it (T-09); its end feeds the back-off; `pulled` when asked or rows changed. */
  async function pullNow(plan: PullPlan, pushFirst: boolean, announce: 'always' | 'changed'): Promise<PullResult> {
    return pulls.exclusive(plan.table, async () => {
      // L-01: push first, then pull whatever the outcome.
      const pushed = pushFirst ? (await deps.lock.run(() => pushLocked(ctx, true))).result : null;
      if (pushed !== null) events.emit({ kind: 'pushed', result: pushed });
      let run;
      try {
        run = await runPull(ctx, plan, pushed, emitStatus);
      } catch (error) {
        pulls.ended(plan.table, false);
        throw error;
      }
      pulls.ended(plan.table, run.finished);
      if (announce === 'always' || run.result.changed > 0) events.emit({ kind: 'pulled', result: run.result });
      await emitStatus();
      return run.result;
    });
  }

  async function pull(options: PullOptions): Promise<PullResult> {
    const plan = planPull(ctx, options); // L-15: refused before any request
    return pullNow(plan, options.push !== false, 'always');
  }

  const pulls = createPullScheduler({
    clock: deps.clock,
    entropy: deps.entropy,
    log: deps.log,
    maxStaleMs: deps.config.maxStaleMs ?? DEFAULT_MAX_STALE_MS,
    lastComplete: (table) => runtime.lastCompletePulls.get(table),
    // Runs inside the scheduler's per-table exclusion already.
    pull: async (table) => {
      const run = await runPull(ctx, planPull(ctx, { table }), null, emitStatus);
      if (run.result.changed > 0) events.emit({ kind: 'pulled', result: run.result });
      await emitStatus();
      return run.finished;
    },
  });

  /** Push soon: new credentials may unblock a needs-auth stop (U-13) or ops of this identity (U-17), ops found at start wait. */
  const schedulePush = (): void => {
    deps.scheduler.schedule().catch((error: unknown) => deps.log.error('scheduling a push failed', { error: String(error) }));
  };

  const facade = createFacade(ctx, {
    startBackgroundPull(table) {
      // F-04: the first read starts the pull; one that did not finish is retried at most every 30 s.
      const startedAt = runtime.backgroundPulls.get(table);
      if (startedAt !== undefined && deps.clock.now() - startedAt < BACKGROUND_PULL_RETRY_MS) return;
      runtime.backgroundPulls.set(table, deps.clock.now());
      pull({ table, push: false }).catch((error: unknown) => deps.log.error('background pull failed', { table, error: String(error) }));
    },
    onLocalRead: (table) => pulls.read(table),
    push: () => push(),
    onCredentials: () => schedulePush(),
  });

  return {
    async start() {
      // U-03: a request that may have been sent is retried, still attempted.
      const journal = await ops.list();
      const inflight = journal.filter((op) => op.state === 'inflight');
      if (inflight.length > 0) await ctx.commit(inflight.map((op) => ({ kind: 'put-op', op: { ...op, state: 'pending' } }) as const));
      if (journal.some((op) => op.blockedReason === 'needs-auth')) runtime.authBlockedAt = credentials.generation;
      // Ops a previous worker (or schema) journaled: the sync event that was to carry them may be spent.
      if (journal.some((op) => op.state === 'pending' || op.state === 'inflight')) schedulePush();
      await loadAppDialects(ctx);
      // No table is loaded here: the first read after a wake walks the store, then warms its table (facade.ts).
    },
    intercepts: facade.intercepts,
    async handle(request) {
      const response = await facade.handle(request);
      // A journaled (or written-through) write changes the pending count a status line shows.
      if (request.method.toUpperCase() !== 'GET' && (response.headers['x-tablesync'] === 'upstream' || response.status < 300)) {
        statusAfterWrite();
      }
      return response;
    },
    push,
    pull,
    async sync(): Promise<SyncResult> {
      const pushed = await push({ explicit: true });
      const pulls: PullResult[] = [];
      for (const table of tables.keys()) pulls.push(await pull({ table, push: false }));
      return { push: pushed, pulls };
    },
    async purge(options) {
      const plan = planPurge(ctx, options);
      // G-07: a purge started during a pull waits for it (pulls yield the lock between pages).
      const result = await pulls.exclusive(plan.table, () => deps.lock.run(() => purgeLocked(ctx, plan)));
      await emitStatus();
      return result;
    },
    async pendingOperations(table) {
      return (await ops.list(table)).map(pendingOperationOf);
    },
    async conflicts(table) {
      return (await deps.store.listConflicts(table)).map(conflictOf);
    },
    async resolve(conflictId, resolution) {
      await deps.lock.run(() => resolveLocked(ctx, conflictId, resolution));
      await emitStatus();
    },
    async retryOperation(seq) {
      if (await deps.lock.run(() => settleDeadLetter(ctx, seq, 'retry'))) await deps.scheduler.schedule();
      await emitStatus();
    },
    async discardOperation(seq) {
      await deps.lock.run(() => settleDeadLetter(ctx, seq, 'discard'));
      await emitStatus();
    },
    status: () => readStatus(ctx),
    setAuth(headers) {
      credentials.set(headers);
      if (headers !== null) schedulePush();
    },
    authHeaders: () => credentials.current(),
    online() {
      runtime.offlineAt = null;
      pulls.resetBackoff();
    },
    async refresh(names) {
      const wanted = names ?? [...tables.keys()];
      for (const name of wanted) if (!tables.has(name)) throw new SyncError('table_not_found', { table: name });
      await Promise.all(wanted.map((table) => pulls.background(table, { again: true })));
    },
    subscribe: (listener) => events.subscribe(listener),
  };
}

export type { Engine, EngineDeps };
export { SyncError };
