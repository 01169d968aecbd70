import { nextAttemptAt } from '../core/backoff.js';
import { createMutex, type Mutex } from './mutex.js';
import type { Clock, Entropy, Log } from './ports.js';

/** What the scheduler needs: time, jitter, the table's freshness and a way to run one background pull. */
export interface PullSchedulerOptions {
  readonly clock: Clock;
  readonly entropy: Entropy;
  readonly log: Log;
  /** A read of a table whose last complete pull is older than this starts a background pull (T-07). */
  readonly maxStaleMs: number;
  /** When the table's last complete pull ended; undefined when unknown (then it is stale). */
  readonly lastComplete: (table: string) => number | undefined;
  /** Runs one unfiltered pull of `table` (no push first); resolves true when it reached its end. */
  readonly pull: (table: string) => Promise<boolean>;
}

/**
 * Decides when tables are pulled in the background (PROTOCOL.md §3.9): pulls of one table never overlap
 * (an explicit pull or a purge queues behind a running one); a background pull joins the one that runs,
 * or, asked `again` (a trigger saying the server changed), runs once more after it; a table whose pull
 * failed waits out a back-off as a push does (U-15's delays), which an explicit pull ignores.
 */
export interface PullScheduler {
  /** Runs `task` once no other pull (or purge) of `table` runs. */
  exclusive<T>(table: string, task: () => Promise<T>): Promise<T>;
  /** A background pull of `table`; resolves when it (or the one it joined) ended, at once while backing off. */
  background(table: string, options?: { readonly again?: boolean }): Promise<void>;
  /** T-07: a read of `table` was answered locally; a stale table gets one background pull. */
  read(table: string): void;
  /** Records how any pull of `table` ended, for the back-off. */
  ended(table: string, finished: boolean): void;
  /** The network is back (a page heard `online`, a sync event, a replay got answers): no table waits any more. */
  resetBackoff(): void;
}

interface TableSchedule {
  readonly mutex: Mutex;
  running: Promise<void> | null;
  again: Promise<void> | null;
  failures: number;
  nextAt: number | null;
}

/** Creates the scheduler; it starts nothing by itself. */
export function createPullScheduler(options: PullSchedulerOptions): PullScheduler {
  const { clock } = options;
  const tables = new Map<string, TableSchedule>();
  const of = (table: string): TableSchedule => {
    let s = tables.get(table);
    if (s === undefined) {
      s = { mutex: createMutex(), running: null, again: null, failures: 0, nextAt: null };
      tables.set(table, s);
    }
    return s;
  };
  const backingOff = (s: TableSchedule): boolean => s.nextAt !== null && s.nextAt > clock.now();

  const ended = (table: string, finished: boolean): void => {
    const s = of(table);
    if (finished) {
      s.failures = 0;
      s.nextAt = null;
      return;
    }
    s.failures++;
    s.nextAt = nextAttemptAt({ now: clock.now(), stoppedPushes: s.failures, jitter: options.entropy.jitter(), retryAfterMs: null });
  };

  const start = (table: string): Promise<void> => {
    const s = of(table);
    if (backingOff(s)) return Promise.resolve();
    const run = s.mutex
      .run(async () => {
        let finished = false;
        try {
          finished = await options.pull(table);
        } catch (error) {
          options.log.error('background pull failed', { table, error: String(error) });
        }
        ended(table, finished);
      })
      .finally(() => {
        if (s.running === run) s.running = null;
      });
    s.running = run;
    return run;
  };

  const background = (table: string, opts: { readonly again?: boolean } = {}): Promise<void> => {
    const s = of(table);
    if (s.running === null) return start(table);
    if (opts.again !== true) return s.running;
    // One more run after the current one, shared by every `again` asked meanwhile.
    s.again ??= s.running.then(() => {
      s.again = null;
      return s.running ?? start(table);
    });
    return s.again;
  };

  return {
    exclusive: (table, task) => of(table).mutex.run(task),
    background,
    read(table) {
      const last = options.lastComplete(table);
      if (last !== undefined && clock.now() - last <= options.maxStaleMs) return;
      if (of(table).running !== null) return;
      void background(table);
    },
    ended,
    resetBackoff() {
      for (const s of tables.values()) {
        s.failures = 0;
        s.nextAt = null;
      }
    },
  };
}
