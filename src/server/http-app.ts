import { createReadStream, existsSync } from 'node:fs';
import path from 'node:path';
import cors from '@fastify/cors';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { errorResponse, formatError, parseTableRequest, type HttpRequest, type TableResponse } from '../core/dialect/index.js';
import type { SyncErrorCode } from '../core/errors.js';
import type { AuthVerifier } from './auth.js';
import type { Database } from './database.js';
import { handleTableRequest } from './handle-table-request.js';
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
  /** Where `tablesync.js`, `tablesync-sw.js` and `tablesync-elements.js` are built; they are served at the root whatever `publicDir` says. */
  readonly distDir: string;
  readonly bodyLimit: number;
  /** A pino level, or false for no logs. */
  readonly logger: string | false;
  /** Allowed CORS origins; default any. */
  readonly corsOrigins?: readonly string[];
}

const TABLE_METHODS = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'HEAD', 'TRACE'] as const;
const ROOT_SCRIPTS = ['tablesync.js', 'tablesync-sw.js', 'tablesync-elements.js'] as const;
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
    clientErrorHandler: (error: Error & { code?: string }, socket) => {
      if (error.code === 'ECONNRESET' || socket.destroyed) return;
      const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
      const body = JSON.stringify({ error: status === 431 ? 'The request line or headers are too large' : 'The request could not be read', code: 'invalid_query' });
      if (socket.writable) {
        socket.write(`HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request'}\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`);
      }
      socket.destroy();
    },
    // A path whose percent-encoding does not decode never reaches a route (S-08, S-39).
    frameworkErrors: (error, req, reply) => {
      const code: SyncErrorCode = error.code === 'FST_ERR_BAD_URL' ? (/^\/tables\/[^/?]*\//.test(req.url) ? 'invalid_id' : 'table_not_found') : 'invalid_query';
      void send(reply, errorResponse(code, { reason: 'The request URL is malformed' }));
    },
  });

  // Bodies reach the core as text whatever their type: it owns the Content-Type, size and JSON checks (S-11, S-12).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  await app.register(cors, {
    origin: options.corsOrigins === undefined ? '*' : [...options.corsOrigins],
    methods: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'OPTIONS'],
    exposedHeaders: ['ETag', 'Link', 'Location', 'Last-Modified'],
    strictPreflight: false,
    optionsSuccessStatus: 204,
  });

  app.setErrorHandler((error: { code?: string; statusCode?: number }, req, reply) => {
    const code = (error.code !== undefined ? FASTIFY_CODES[error.code] : undefined) ?? null;
    if (code !== null) return send(reply, errorResponse(code, { limit: bodyLimit }));
    const status = error.statusCode ?? 500;
    if (status >= 500) req.log.error(error);
    return send(reply, errorResponse(status < 500 ? 'invalid_query' : 'internal_error', { reason: 'The request could not be read' }));
  });
  app.setNotFoundHandler((req, reply) => {
    const table = tableOfPath(req.url) ?? '';
    return send(reply, errorResponse('table_not_found', { table, reason: 'Not found' }));
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
  app.route({ method: [...TABLE_METHODS], url: '/tables', handler });
  app.route({ method: [...TABLE_METHODS], url: '/tables/*', handler });

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
      if (!existsSync(full)) return send(reply, errorResponse('table_not_found', { reason: `${file} is not built (npm run build)` }));
      return reply.code(200).type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(createReadStream(full));
    });
  }

  if (options.publicDir !== null && existsSync(options.publicDir)) {
    await app.register(fastifyStatic, { root: path.resolve(options.publicDir), prefix: '/' });
  }
  return app;
}
