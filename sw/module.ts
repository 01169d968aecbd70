/**
 * The ESM worker entry, `tablesync/sw`, for module workers and bundled workers (Vite, Workbox builds):
 *
 *     import { installTablesync } from 'tablesync/sw';
 *     installTablesync({ tables: ['todoitem'] });
 *
 * The options are the classic worker's query (config.ts) as an object. Call it during the worker's first
 * evaluation, before or after the app's own routes: tablesync answers only its tables' requests.
 */
import { createAppShellCache } from './app-shell-cache.js';
import { install } from './install.js';

/** The configuration of `installTablesync`; only `tables` is required. */
export interface TablesyncWorkerOptions {
  /** The synced tables, e.g. `['todoitem']`. */
  readonly tables: readonly string[];
  /** The API origin when it is not the worker's. */
  readonly upstream?: string;
  /** The dialect answered to app requests that name none (default `v3`). */
  readonly dialect?: 'v2' | 'v3';
  readonly upstreamDialect?: 'v2' | 'v3';
  /** How conflicts met on replay are resolved (default `merge`). */
  readonly policy?: 'merge' | 'serverWins' | 'clientWins' | 'lastWriteWins' | 'hold';
  /** v2 reserved properties in write bodies are refused as the server does, not dropped. */
  readonly strict?: boolean;
  /** `online-first` (default): online writes get the server's own answer; `local-first`: always the worker's. */
  readonly writes?: 'online-first' | 'local-first';
  readonly writeTimeoutMs?: number;
  readonly maxStaleMs?: number;
  readonly pullIntervalMs?: number;
  /** The fallback pushes' periods where Background Sync is missing (defaults 60000 and 30000). */
  readonly pushIntervalMs?: number;
  readonly requestPushIntervalMs?: number;
  /**
   * True when tablesync is the whole worker: it then caches the app shell (unless `shell` is false) and logs
   * uncaught errors. Default false: the app's worker keeps its own caches and error handling.
   */
  readonly standalone?: boolean;
  /** With `standalone`: false turns the app-shell cache off. */
  readonly shell?: boolean;
}

/** The options as the classic worker's query. */
export function toWorkerQuery(options: TablesyncWorkerOptions): string {
  const query = new URLSearchParams({ tables: options.tables.join(',') });
  const { tables: _tables, standalone: _standalone, shell, strict, ...rest } = options;
  for (const [key, value] of Object.entries(rest)) if (value !== undefined) query.set(key, String(value));
  if (shell === false) query.set('shell', 'off');
  if (strict === true) query.set('strict', '1');
  return `?${query.toString()}`;
}

/** Adds tablesync to the worker being evaluated. */
export function installTablesync(options: TablesyncWorkerOptions): void {
  install({ search: toWorkerQuery(options), standalone: options.standalone === true, shell: createAppShellCache });
}
