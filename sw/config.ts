/**
 * The worker's configuration (DESIGN.md §5): read from its script URL's query, merged over the
 * record persisted in meta and saved back, so a worker woken by a `sync` event with no page open
 * still knows its tables.
 *
 * Query: `tables=todoitem,other`, `upstream=<origin>`, `dialect=v2|v3` (the app's),
 * `upstreamDialect=v2|v3`, `policy=merge|serverWins|clientWins|lastWriteWins|hold`,
 * `shell=off` (no app-shell cache), `strict=1` (v2 reserved properties refused as the server does: F-12),
 * `pushIntervalMs` and `requestPushIntervalMs` (the fallback pushes' periods, PROTOCOL.md §3.4.8:
 * 60000 and 30000 by default; tests shorten them), and PROTOCOL.md §3.9's
 * `writes=online-first|local-first`, `writeTimeoutMs`, `maxStaleMs`, `pullIntervalMs` (milliseconds), and
 * `maxServerErrors` (consecutive 5xx answers that make an op a dead letter).
 */
import type { Dialect } from '../src/core/dialect/types.js';
import type { ConflictPolicy, EngineConfig, EngineTableConfig, WriteMode } from '../src/engine/engine-types.js';
import type { MetaStore } from '../src/engine/ports.js';
import { REQUEST_PUSH_INTERVAL_MS, TIMER_PUSH_INTERVAL_MS } from './push-triggers.js';

/** The meta key of the persisted record. */
export const CONFIG_KEY = 'config';

/** What the worker runs with. */
export interface WorkerConfig {
  readonly engine: EngineConfig;
  /** How often the worker pulls every table while a visible page is connected; undefined: the default. */
  readonly pullIntervalMs?: number;
}

/** The §3.9 options of a query, each only when given and valid. */
export interface FreshnessQuery {
  readonly writes?: WriteMode;
  readonly writeTimeoutMs?: number;
  readonly maxStaleMs?: number;
  readonly pullIntervalMs?: number;
  readonly maxServerErrors?: number;
}

/** The record persisted under CONFIG_KEY. */
type StoredConfig = EngineConfig & { readonly pullIntervalMs?: number };

/** A whole number of milliseconds from a query value, else undefined. */
const msOf = (value: string | null): number | undefined => (value !== null && /^\d+$/.test(value.trim()) ? Number(value) : undefined);

/** The §3.9 options: `writes`, `writeTimeoutMs`, `maxStaleMs`, `pullIntervalMs`; unknown or malformed values are ignored. */
export function parseFreshnessQuery(search: string): FreshnessQuery {
  const query = new URLSearchParams(search);
  const writes = query.get('writes');
  const out: { -readonly [K in keyof FreshnessQuery]: FreshnessQuery[K] } = {};
  if (writes === 'online-first' || writes === 'local-first') out.writes = writes;
  for (const key of ['writeTimeoutMs', 'maxStaleMs', 'pullIntervalMs', 'maxServerErrors'] as const) {
    const value = msOf(query.get(key));
    if (value !== undefined) out[key] = value;
  }
  return out;
}

const DIALECTS: readonly string[] = ['v2', 'v3'];
const POLICIES: readonly string[] = ['merge', 'serverWins', 'clientWins', 'lastWriteWins', 'hold'];

const dialectOf = (value: string | null): Dialect | undefined =>
  value !== null && DIALECTS.includes(value) ? (value as Dialect) : undefined;

/** The upstream origin of a query value; '' (same origin) when absent or not an absolute URL. */
const originOf = (value: string | null): string | undefined => {
  if (value === null) return undefined;
  if (value === '') return '';
  try {
    return new URL(value).origin;
  } catch {
    return undefined;
  }
};

/** The tables named by a query, with its dialect and policy options applied to each; null when it names none. */
export function parseConfigQuery(search: string): { readonly upstream?: string; readonly tables: EngineTableConfig[] | null } {
  const query = new URLSearchParams(search);
  const appDialect = dialectOf(query.get('dialect'));
  const upstreamDialect = dialectOf(query.get('upstreamDialect'));
  const policyValue = query.get('policy');
  const policy = policyValue !== null && POLICIES.includes(policyValue) ? (policyValue as ConflictPolicy) : undefined;
  const strict = query.get('strict') === '1';
  const names = (query.get('tables') ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const tables =
    names.length === 0
      ? null
      : [...new Set(names)].map(
          (name): EngineTableConfig => ({
            name,
            ...(appDialect ? { appDialect } : {}),
            ...(upstreamDialect ? { upstreamDialect } : {}),
            ...(policy ? { policy } : {}),
            ...(strict ? { strict } : {}),
          }),
        );
  const upstream = originOf(query.get('upstream'));
  return { ...(upstream === undefined ? {} : { upstream }), tables };
}

/** The periods of the fallback pushes (U-21), in ms. */
export interface PushIntervals {
  /** The timer's period while a page is connected. */
  readonly pushIntervalMs: number;
  /** The least time between two pushes started by intercepted requests. */
  readonly requestPushIntervalMs: number;
}

/** The fallback periods from the worker's query; a missing or invalid value keeps its default. */
export function parsePushIntervals(search: string): PushIntervals {
  const query = new URLSearchParams(search);
  const ms = (name: keyof PushIntervals, fallback: number): number => {
    const value = Number(query.get(name) ?? Number.NaN);
    return Number.isSafeInteger(value) && value > 0 ? value : fallback;
  };
  return {
    pushIntervalMs: ms('pushIntervalMs', TIMER_PUSH_INTERVAL_MS),
    requestPushIntervalMs: ms('requestPushIntervalMs', REQUEST_PUSH_INTERVAL_MS),
  };
}

/** Whether the app-shell cache is on: it is unless the worker's query says `shell=off`. */
export const isShellCacheEnabled = (search: string): boolean => new URLSearchParams(search).get('shell') !== 'off';

const isEngineConfig = (value: unknown): value is EngineConfig =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { upstream?: unknown }).upstream === 'string' &&
  Array.isArray((value as { tables?: unknown }).tables);

/**
 * Resolves the configuration: the query wins over the persisted record, which fills what the query lacks. The
 * §3.9 options come whole from a query that names tables (so removing `data-writes` restores the default), and
 * from the record only for a worker started without one.
 */
export async function loadConfig(meta: MetaStore, search: string): Promise<WorkerConfig> {
  const fromQuery = parseConfigQuery(search);
  const storedValue = await meta.get<unknown>(CONFIG_KEY);
  const stored: StoredConfig | null = isEngineConfig(storedValue) ? storedValue : null;
  const { upstream: _upstream, tables: _tables, ...storedOptions } = stored ?? { upstream: '', tables: [] };
  const { pullIntervalMs, ...options } = fromQuery.tables === null ? storedOptions : parseFreshnessQuery(search);
  const engine: EngineConfig = {
    ...options,
    upstream: fromQuery.upstream ?? stored?.upstream ?? '',
    tables: fromQuery.tables ?? stored?.tables ?? [],
  };
  const record: StoredConfig = pullIntervalMs === undefined ? engine : { ...engine, pullIntervalMs };
  // The record serves only a later worker started without a query: a full disk must not stop this one starting.
  if (JSON.stringify(record) !== JSON.stringify(stored)) await meta.set({ [CONFIG_KEY]: record }).catch(() => undefined);
  return { engine, ...(pullIntervalMs === undefined ? {} : { pullIntervalMs }) };
}
