import { errorResponse, formatError } from '../core/dialect/format-error.js';
import { decodePathSegment, parseTableRequest } from '../core/dialect/parse-table-request.js';
import { splitUrl } from '../core/dialect/split-url.js';
import type { HttpRequest, TableRequest, TableResponse } from '../core/dialect/types.js';
import type { EngineContext } from './engine-context.js';
import { answerCold } from './cold-read.js';
import { answerRead, type ReadRequest } from './local-read.js';
import { forwardWrite } from './forward-write.js';
import { handleWrite, schedulePush, type LocalWrite, type WriteRequest } from './local-write.js';
import { createReadCache } from './read-cache.js';
import { relayed, writeMethodOf } from './relay.js';
import { sendUpstream } from './send-upstream.js';
import type { TableConfig } from './table-config.js';
import { isTableComplete, noteAppDialect } from './table-state.js';
import { DEFAULT_WRITE_TIMEOUT_MS, inOfflineWindow, writeThrough } from './write-through.js';
import { answerRedelivered, receiveWrite } from './write-receipts.js';
import { uuidV4 } from '../core/ids.js';

const DEFAULT_BODY_LIMIT = 1024 * 1024;
const LOCAL = { 'x-tablesync': 'local' } as const;
const WARM_AFTER_COLD_MS = 1000;

/** The façade the worker routes app requests to (PROTOCOL.md §3.8). */
export interface Facade {
  intercepts(url: string): boolean;
  handle(request: HttpRequest): Promise<TableResponse>;
}

/** What the façade needs besides the context: pulls and pushes started in the background. */
export interface FacadeOptions {
  /** F-04: the first read of a table not yet completely pulled starts its pull. */
  readonly startBackgroundPull: (table: string) => void;
  /** T-07: a local read of a completely pulled table; a stale one gets one background pull. */
  readonly onLocalRead: (table: string) => void;
  /** Runs a push (automatic, so back-off holds); write-through waits on it (§3.9). */
  readonly push: () => Promise<unknown>;
  /** Called when an app request brought new credentials (U-13). */
  readonly onCredentials: () => void;
}

/**
 * The table a `/tables/{t}…` path names, or null. Whatever follows the name is the core's to judge
 * (an id with a raw slash or a bad escape is 400 `invalid_id`, as on the server: F-14).
 */
function tableOfPath(path: string): string | null {
  const m = /^\/tables\/([^/]+)(?:\/.*)?$/.exec(path);
  return m ? decodePathSegment(m[1] ?? '') : null;
}

/** The reference server's answer to `OPTIONS` (its CORS preflight, given to any OPTIONS): 204, no body (S-04, F-14). */
function optionsAnswer(http: HttpRequest): TableResponse {
  const headers: Record<string, string> = { 'access-control-allow-methods': 'GET, POST, PATCH, PUT, DELETE, OPTIONS' };
  const requested = http.headers['access-control-request-headers'];
  if (requested !== undefined) headers['access-control-allow-headers'] = requested;
  return { status: 204, headers, body: null };
}

/** The façade over an engine context. */
export function createFacade(ctx: EngineContext, options: FacadeOptions): Facade {
  const { config } = ctx.deps;
  const upstream = (config.upstream || (config.origin ?? '')).replace(/\/+$/, '');
  const bodyLimit = config.bodyLimit ?? DEFAULT_BODY_LIMIT;

  const writeMode = config.writes ?? 'online-first';
  const writeTimeoutMs = config.writeTimeoutMs ?? DEFAULT_WRITE_TIMEOUT_MS;
  const cache = createReadCache();
  const warmings = new Map<string, () => void>();
  const local = (response: TableResponse): TableResponse => ({ ...response, headers: { ...response.headers, ...LOCAL } });

  /** This instance, as write receipts name it: a re-delivered write comes to another one. */
  const instance = { boot: uuidV4(ctx.deps.entropy.randomBytes()), begun: 0 };

  async function route(http: HttpRequest, redelivered = false): Promise<TableResponse> {
    if (ctx.credentials.capture(http.headers)) options.onCredentials(); // F-15: memory only
    if (http.method === 'OPTIONS') return local(optionsAnswer(http));
    const name = tableOfPath(splitUrl(http.url).path) ?? '';
    const table = ctx.tables.get(name);
    const parsed = parseTableRequest(http, {
      table: (t) => ctx.tables.get(t)?.settings ?? null,
      fallbackDialect: table?.appDialect ?? 'v3',
      bodyLimit,
    });
    if (!parsed.ok || table === undefined) return local(parsed.ok ? errorResponse('table_not_found', { table: name }) : formatError(parsed.error));
    const request = parsed.value;
    await noteAppDialect(ctx, table.name, request.dialect);
    if (isRead(request)) {
      const forwarded = await maybeForward(http, request);
      if (forwarded !== null) return forwarded;
      const response = await readLocally(table, request);
      // T-07: only a completely pulled table has a freshness to keep (before that, F-04's pull is under way).
      if (ctx.runtime.completeTables.has(table.name)) options.onLocalRead(table.name);
      return local(response);
    }
    const again = redelivered ? await answerRedelivered(ctx, table, request) : null;
    if (again !== null) {
      schedulePush(ctx, request, { response: again, op: null, refused: null, expectedVersion: null });
      return local(again);
    }
    const written = await handleWrite(ctx, table, request);
    const online = writeMode === 'local-first' ? null : await answerOnline(http, request, written);
    if (online !== null) return online;
    // Only an op that stays queued needs the push triggers (a written-through one is settled or refused).
    schedulePush(ctx, request, written);
    return local(written.response);
  }

  /** A read from the in-memory index, or from the store while the index still warms (the cold path). */
  async function readLocally(table: TableConfig, request: ReadRequest): Promise<TableResponse> {
    const { name } = table;
    const cold = await ctx.index.whileCold(name, () => answerCold(table, request, ctx.deps.store));
    if (cold !== null) {
      // The table warms a second after its first cold read, so steady reads (a search as one types) do not stay
      // cold: each cold read walks the store, a warm one does not. The load gives way to cold reads between slices.
      if (!warmings.has(name)) {
        warmings.set(name, ctx.deps.clock.after(WARM_AFTER_COLD_MS, () => {
          warmings.delete(name);
          void ctx.index.rows(name).catch(() => {});
        }));
      }
      return cold;
    }
    const rows = await ctx.index.rows(name);
    if (request.kind === 'get') return answerRead(table, request, rows);
    return cache.answer(`${table.name}\u0000${request.dialect}\u0000${request.url}`, rows, () => answerRead(table, request, rows));
  }

  /** §3.9: the server's own answer to an online write, or null for the local one. */
  async function answerOnline(http: HttpRequest, request: WriteRequest, written: LocalWrite): Promise<TableResponse | null> {
    if (written.refused === 'state') {
      if (inOfflineWindow(ctx)) return null;
      const bodyId = request.kind === 'insert' ? request.body['id'] : undefined;
      const id = request.kind !== 'insert' ? request.id : typeof bodyId === 'string' ? bodyId : null;
      return forwardWrite(ctx, http, request, id);
    }
    if (written.op === null) return null;
    return writeThrough(ctx, http, request, { ...written, op: written.op }, { push: options.push, timeoutMs: writeTimeoutMs });
  }

  /** F-04: before the first complete pull, with no ops and equal dialects, the server answers. */
  async function maybeForward(http: HttpRequest, request: ReadRequest): Promise<TableResponse | null> {
    if (await isTableComplete(ctx, request.table)) return null;
    options.startBackgroundPull(request.table);
    if (request.dialect !== ctx.upstreamDialect(request.table)) return null;
    if ((await ctx.ops.list(request.table)).length > 0) return null;
    const response = await sendUpstream(ctx, relayed(http, 'GET', ['zumo-api-version', 'if-none-match', 'accept'], null));
    if (response.kind === 'network-error') return null;
    return { status: response.status, headers: response.headers, body: response.status === 204 || response.status === 304 ? null : response.body };
  }

  return {
    intercepts(url) {
      const { origin, path } = splitUrl(url);
      if (upstream !== '' && origin !== upstream) return false;
      const table = tableOfPath(path);
      return table !== null && ctx.tables.has(table);
    },
    async handle(http) {
      try {
        if (writeMethodOf(http) === undefined) return await route(http);
        const received = await receiveWrite(ctx, instance, http);
        const response = received.answer ?? (await route(received.http, received.redelivered));
        received.done(response);
        return response;
      } catch (error) {
        ctx.deps.log.error('façade request failed', { method: http.method, error: String(error) });
        return local(errorResponse('internal_error'));
      }
    },
  };
}

const isRead = (request: TableRequest): request is ReadRequest => request.kind === 'list' || request.kind === 'get';
