import { createReadStream, existsSync } from 'node:fs';
import path from 'node:path';
import cors from '@fastify/cors';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { errorResponse, formatError, parseTableRequest, type HttpRequest, type TableResponse } from '../core/dialect/index.js';
import type { SyncErrorCode } from '../core/errors.js';
import type { AuthVerifier } from './auth.js';
import type { ChangeFeed } from './change-feed.js';
import { registerChangeFeedRoute } from './change-feed-route.js';
import type { Database } from './database.js';
import { handleTableRequest } from './handle-table-request.js';
import { PULL_TOP_HEADER } from '../core/pull-query.js';
import type { RowStore } from './row-store.js';
import type { TableConfig } from './table-config.js';

/** What the HTTP shell is built from. */
export interface HttpAppOptions {
  readonly db: Database;
  readonly store: RowStore;
  readonly tables: readonly TableConfig[];
  readonly auth: AuthVerifier | null;
  /** The demo app, served at `/`; null serves none. */
  readonly publicDir: string | null;
  /** Directories never served, even inside `publicDir` (the embedded database's files). */
  readonly privateDirs?: readonly string[];
  /** Where `tablesync.js`, `tablesync-sw.js` and `tablesync-elements.js` are built; they are served at the root whatever `publicDir` says. */
  readonly distDir: string;
  readonly bodyLimit: number;
  /** A pino level, or false for no logs. */
  readonly logger: string | false;
  /** Allowed CORS origins; default any. */
  readonly corsOrigins?: readonly string[];
  /** Serves `GET /tables/$changes` from it; null serves none (the path is then an unknown table). */
  readonly changeFeed?: { readonly feed: ChangeFeed; readonly keepAliveMs?: number; readonly coalesceMs?: number } | null;
}

const TABLE_METHODS = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'HEAD', 'TRACE'] as const;
const STATUS_TEXT: Readonly<Record<number, string>> = { 400: 'Bad Request', 404: 'Not Found', 405: 'Method Not Allowed', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' };
const ROOT_SCRIPTS = ['tablesync.js', 'tablesync-sw.js', 'tablesync-shell.js', 'tablesync-sw.mjs', 'tablesync-elements.js'] as const;
const HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/** Fastify's own failures, mapped to the protocol's codes (S-12, S-39). */
const FASTIFY_CODES: Readonly<Record<string, SyncErrorCode>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
};

function send(reply: FastifyReply, response: TableResponse): FastifyReply {
  reply.code(response.status).headers(response.headers);
  return response.body === null || response.status === 204 || response.status === 304
    ? reply.send()
    : reply.send(JSON.stringify(response.body));
}

/** The request as plain data for the core: absolute URL from the Host header (else the listening address). */
function httpRequest(req: FastifyRequest): HttpRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  const host = headers['host'] !== undefined && HOST.test(headers['host']) ? headers['host'] : `${req.hostname}`;
  return {
    method: req.method,
    url: `${req.protocol}://${host}${req.url}`,
    headers,
    body: typeof req.body === 'string' ? req.body : null,
  };
}

/** True for a path under `/tables/`: the core answers it (a table's 404, 405 or 400), never the plain 404. */
const isTablePath = (url: string): boolean => url.startsWith('/tables/');

/** The path of a request URL, without its query, for error details. */
const pathOf = (url: string): string => url.split('?')[0] ?? url;

/** The decoded table name of a `/tables/{t}…` path, to learn whether it needs a token before parsing. */
function tableOfPath(url: string): string | null {
  const match = /^\/tables\/([^/?#]*)/.exec(url);
  if (match?.[1] === undefined) return null;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return null;
  }
}

/** Builds the Fastify app: `/tables/*` through the core's parse and format, `/healthz`, the root scripts and the demo. */
export async function createHttpApp(options: HttpAppOptions): Promise<FastifyInstance> {
  const { tables, store, auth, bodyLimit } = options;
  const byName = new Map(tables.map((t) => [t.name, t]));
  const app = Fastify({
    logger: options.logger === false ? false : { level: options.logger },
    bodyLimit,
    exposeHeadRoutes: false,
    routerOptions: { maxParamLength: 8192 },
    // Errors Node's HTTP parser raises before Fastify sees a request still answer {"error", "code"} (S-39).
    clientErrorHandler: (error: Error & { code?: string; rawPacket?: unknown }, socket) => {
      if (error.code === 'ECONNRESET' || socket.destroyed) return;
      const refused = error.code === 'HPE_INVALID_METHOD' && Buffer.isBuffer(error.rawPacket) ? unknownMethodAnswer(error.rawPacket) : null;
      const status = refused?.status ?? (error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400);
      const body = JSON.stringify(refused?.body ?? { error: status === 431 ? 'The request line or headers are too large' : 'The request could not be read', code: 'invalid_query' });
      const allow = refused?.headers['allow'] === undefined ? '' : `Allow: ${refused.headers['allow']}\r\n`;
      if (socket.writable) {
        socket.write(`HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Bad Request'}\r\n${allow}` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`);
      }
      socket.destroy();
    },
    // A path whose percent-encoding does not decode never reaches a route (S-08, S-39).
    frameworkErrors: (error, req, reply) => {
      let code: SyncErrorCode = 'invalid_query';
      if (error.code === 'FST_ERR_BAD_URL') {
        code = !isTablePath(req.url) ? 'not_found' : /^\/tables\/[^/?]*\//.test(req.url) ? 'invalid_id' : 'table_not_found';
      }
      const table = /^\/tables\/([^/?]*)/.exec(req.url)?.[1] ?? '';
      void send(reply, errorResponse(code, { reason: 'The request URL is malformed', path: pathOf(req.url), table }));
    },
  });

  // Bodies reach the core as text whatever their type: it owns the Content-Type, size and JSON checks (S-11, S-12).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  await app.register(cors, {
    origin: options.corsOrigins === undefined ? '*' : [...options.corsOrigins],
    methods: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'OPTIONS'],
    exposedHeaders: ['ETag', 'Link', 'Location', 'Last-Modified', PULL_TOP_HEADER],
    strictPreflight: false,
    optionsSuccessStatus: 204,
  });

  app.setErrorHandler((error: { code?: string; statusCode?: number }, req, reply) => {
    const code = (error.code !== undefined ? FASTIFY_CODES[error.code] : undefined) ?? null;
    if (code !== null) return send(reply, errorResponse(code, { limit: bodyLimit }));
    const status = error.statusCode ?? 500;
    if (status >= 500) req.log.error(error);
    // A file the static server refuses (a path escaping its root, say) is simply not there.
    if (status < 500 && !isTablePath(req.url)) return send(reply, errorResponse('not_found', { path: pathOf(req.url) }));
    return send(reply, errorResponse(status < 500 ? 'invalid_query' : 'internal_error', { reason: 'The request could not be read' }));
  });

  const handler = async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const http = httpRequest(req);
    const name = tableOfPath(req.url);
    const config = name === null ? undefined : byName.get(name);
    let owner: string | null = null;
    if (config?.auth === true) {
      const caller = auth === null ? null : await auth(http.headers);
      if (caller === null || !caller.ok) return send(reply, errorResponse('unauthorized'));
      if (config.owner !== null) owner = caller.value.subject;
    }
    const parsed = parseTableRequest(http, {
      table: (t) => byName.get(t) ?? null,
      fallbackDialect: 'v3',
      bodyLimit,
    });
    if (!parsed.ok) return send(reply, formatError(parsed.error));
    const table = byName.get(parsed.value.table);
    if (table === undefined) return send(reply, errorResponse('table_not_found', { table: parsed.value.table }));
    return send(reply, await handleTableRequest(parsed.value, { table, store, owner }));
  };
  /**
   * Node's parser refuses a method it does not know (`FOO`, or `patch`: methods are case-sensitive)
   * before any route: answer it as a route would, 405 on a table, else the plain 404 (F-14).
   */
  function unknownMethodAnswer(raw: Buffer | undefined): TableResponse | null {
    const line = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\/\S*) HTTP\/1\.[01]\r?\n/.exec(raw?.toString('latin1') ?? '');
    if (line === null) return null;
    const [, method = '', url = '/'] = line;
    const parsed = parseTableRequest({ method, url: `http://localhost${url}`, headers: {}, body: null }, { table: (t) => byName.get(t) ?? null, fallbackDialect: 'v3', bodyLimit });
    return parsed.ok ? null : formatError(parsed.error);
  }

  if (options.changeFeed) registerChangeFeedRoute(app, { ...options.changeFeed, tables, auth, send });
  app.route({ method: [...TABLE_METHODS], url: '/tables', handler });
  app.route({ method: [...TABLE_METHODS], url: '/tables/*', handler });
  // Under /tables/ the core decides (another method on a table is 405, an unknown table 404
  // table_not_found); any other path that no route or file serves is a plain 404 not_found.
  app.setNotFoundHandler((req, reply) =>
    isTablePath(req.url) ? handler(req, reply) : send(reply, errorResponse('not_found', { path: pathOf(req.url) })),
  );

  app.get('/healthz', async (_req, reply) => {
    try {
      await options.db.query('select 1');
      return reply.code(200).header('cache-control', 'no-cache').send({ status: 'ok' });
    } catch {
      return reply.code(503).send({ error: 'The database is not ready', code: 'internal_error' });
    }
  });

  for (const file of ROOT_SCRIPTS) {
    app.get(`/${file}`, (_req, reply) => {
      const full = path.join(options.distDir, file);
      if (!existsSync(full)) return send(reply, errorResponse('not_found', { path: `/${file}` }));
      return reply.code(200).type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(createReadStream(full));
    });
  }

  if (options.publicDir !== null && existsSync(options.publicDir)) {
    const root = path.resolve(options.publicDir);
    const hidden = (options.privateDirs ?? []).map((dir) => path.resolve(dir));
    await app.register(fastifyStatic, {
      root,
      prefix: '/',
      // Dot paths (`/.data/`, `/.env`, `/.git/`) and the database's directory are never served, wherever they are.
      dotfiles: 'ignore',
      allowedPath: (pathname) => {
        if (pathname.split('/').some((segment) => segment.startsWith('.'))) return false;
        const file = path.join(root, pathname);
        return !hidden.some((dir) => file === dir || file.startsWith(`${dir}${path.sep}`));
      },
    });
  }
  return app;
}
