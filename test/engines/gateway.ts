/**
 * A gateway in front of the reference server: pages load through it, so the worker's upstream
 * (same origin) is the gateway too, and every `/tables` request any worker instance sends is
 * recorded here. It cuts the network where the worker cannot tell it from a real outage
 * (TESTING.md §13: Firefox's offline switch does not cut the worker's own fetches, and WebKit has
 * none): `reset` destroys the socket (a fetch TypeError, as a stopped server gives) and
 * `unavailable` answers 503 with `Retry-After`, as a load balancer does while its server is down.
 * Each gateway listens on a new port, so each is a new origin: an empty worker and IndexedDB.
 */
import { Buffer } from 'node:buffer';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the gateway treats `/tables` requests; everything else (pages, scripts) always passes. */
export type GatewayMode = 'pass' | 'reset' | 'unavailable';

/** One `/tables` request as the gateway saw it. */
export interface GatewayEntry {
  readonly method: string;
  /** Path and query, e.g. `/tables/todoitem/a`. */
  readonly path: string;
  /** The item id a write names: the path's last segment, or the body's `id` for a POST. */
  readonly itemId: string | null;
  /** When it arrived (Date.now()). */
  readonly at: number;
  /** `forwarded` reached the server, which answered `status`. */
  readonly outcome: 'forwarded' | 'reset' | 'unavailable';
  status?: number;
}

export interface Gateway {
  readonly origin: string;
  /** Every `/tables` request, in arrival order. */
  readonly entries: readonly GatewayEntry[];
  mode: GatewayMode;
  /** The writes (POST, PUT, PATCH, DELETE) of one item that reached the server. */
  writesOf(itemId: string): GatewayEntry[];
  /** The writes of one item that reached the gateway, forwarded or not. */
  attemptsOf(itemId: string): GatewayEntry[];
  close(): Promise<void>;
}

/** Seconds a worker is told to wait in `unavailable` mode: longer than any test, so its own retry stays out of the way. */
export const RETRY_AFTER_S = 60;

const isWrite = (method: string): boolean => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(method);

function itemIdOf(method: string, pathname: string, body: Buffer): string | null {
  if (!isWrite(method)) return null;
  const segments = pathname.split('/').filter((s) => s !== '');
  if (segments.length >= 3) return decodeURIComponent(segments[2] ?? '');
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { id?: unknown };
    return typeof parsed.id === 'string' ? parsed.id : null;
  } catch {
    return null;
  }
}

/** Starts a gateway to `target` (the server's URL) on a free port of 127.0.0.1. */
export async function startGateway(target: string): Promise<Gateway> {
  const upstream = new URL(target);
  const entries: GatewayEntry[] = [];
  let mode: GatewayMode = 'pass';
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const method = req.method ?? 'GET';
      const url = new URL(req.url ?? '/', 'http://gateway');
      const table = url.pathname.startsWith('/tables/');
      let entry: GatewayEntry | null = null;
      if (table) {
        const outcome = mode === 'pass' ? 'forwarded' : mode;
        entry = { method, path: url.pathname + url.search, itemId: itemIdOf(method, url.pathname, body), at: Date.now(), outcome };
        entries.push(entry);
        if (mode === 'reset') return void req.socket.destroy();
        if (mode === 'unavailable') {
          res.writeHead(503, { 'content-type': 'application/json', 'retry-after': String(RETRY_AFTER_S) });
          return void res.end(JSON.stringify({ error: 'The server is down', code: 'unavailable' }));
        }
      }
      const out = http.request(
        { host: upstream.hostname, port: upstream.port, method, path: req.url, headers: req.headers },
        (answer) => {
          if (entry) entry.status = answer.statusCode ?? 502;
          const headers = { ...answer.headers };
          delete headers['connection'];
          res.writeHead(answer.statusCode ?? 502, headers);
          answer.pipe(res);
        },
      );
      out.on('error', () => {
        if (!res.headersSent) res.writeHead(502).end();
      });
      out.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const writes = (itemId: string): GatewayEntry[] => entries.filter((e) => isWrite(e.method) && e.itemId === itemId);
  return {
    origin,
    entries,
    get mode() {
      return mode;
    },
    set mode(value: GatewayMode) {
      mode = value;
    },
    writesOf: (itemId) => writes(itemId).filter((e) => e.outcome === 'forwarded'),
    attemptsOf: writes,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
