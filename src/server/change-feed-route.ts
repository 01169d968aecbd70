import { PassThrough } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { errorResponse, type TableResponse } from '../core/dialect/index.js';
import type { AuthVerifier } from './auth.js';
import type { Change, ChangeFeed } from './change-feed.js';
import type { TableConfig } from './table-config.js';

/** The change feed's path (PROTOCOL.md §3.9): `$` cannot start a table name, so it names no table. */
export const CHANGES_PATH = '/tables/$changes';

export interface ChangeFeedRouteOptions {
  readonly feed: ChangeFeed;
  readonly tables: readonly TableConfig[];
  readonly auth: AuthVerifier | null;
  /** A comment line this often keeps proxies from cutting an idle stream (default 15 s). */
  readonly keepAliveMs?: number;
  /** At most one event per table per connection this often; a burst ends with one trailing event (default 50 ms). */
  readonly coalesceMs?: number;
  readonly send: (reply: FastifyReply, response: TableResponse) => FastifyReply;
}

/** One SSE event naming a table, no row data: `event: change` / `data: {"table":"todoitem"}`. */
const changeEvent = (table: string): string => `event: change\ndata: ${JSON.stringify({ table })}\n\n`;

/**
 * `GET /tables/$changes`: a `text/event-stream` with an event after each committed write a caller may
 * see. Authentication as the tables: when any table needs a token, so does the feed; a caller hears of
 * an owner-scoped table's changes only for their own rows.
 */
export function registerChangeFeedRoute(app: FastifyInstance, options: ChangeFeedRouteOptions): void {
  const { feed, auth, send } = options;
  const keepAliveMs = options.keepAliveMs ?? 15_000;
  const coalesceMs = options.coalesceMs ?? 50;
  const byName = new Map(options.tables.map((t) => [t.name, t]));
  const needsToken = options.tables.some((t) => t.auth);
  const open = new Set<() => void>();

  // Open streams would hold `close()` forever.
  app.addHook('preClose', (done) => {
    for (const end of open) end();
    done();
  });

  app.get(CHANGES_PATH, async (req, reply) => {
    let subject: string | null = null;
    if (needsToken) {
      const caller = auth === null ? null : await auth(req.headers as Record<string, string | undefined>);
      if (caller === null || !caller.ok) return send(reply, errorResponse('unauthorized'));
      subject = caller.value.subject;
    }
    const visible = (change: Change): boolean => {
      const table = byName.get(change.table);
      return table !== undefined && (table.owner === null || change.owner === subject);
    };

    const stream = new PassThrough();
    const lastSent = new Map<string, number>();
    const trailing = new Map<string, ReturnType<typeof setTimeout>>();
    const emit = (table: string): void => {
      trailing.delete(table);
      lastSent.set(table, Date.now());
      stream.write(changeEvent(table));
    };
    const onChange = (change: Change): void => {
      if (!visible(change) || trailing.has(change.table)) return;
      const wait = (lastSent.get(change.table) ?? -Infinity) + coalesceMs - Date.now();
      if (wait <= 0) emit(change.table);
      else trailing.set(change.table, setTimeout(() => emit(change.table), wait));
    };
    const unsubscribe = await feed.subscribe(onChange);
    const keepAlive = setInterval(() => stream.write(': keep-alive\n\n'), keepAliveMs);
    const end = (): void => {
      if (!open.delete(end)) return;
      unsubscribe();
      clearInterval(keepAlive);
      for (const timer of trailing.values()) clearTimeout(timer);
      stream.end();
    };
    open.add(end);
    reply.raw.once('close', end);
    stream.write(': connected\n\n');
    return reply
      .code(200)
      .header('content-type', 'text/event-stream; charset=utf-8')
      .header('cache-control', 'no-cache, no-transform')
      // nginx buffers proxied answers unless told otherwise.
      .header('x-accel-buffering', 'no')
      .send(stream);
  });
}
