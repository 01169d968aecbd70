/**
 * A fault proxy in front of the reference server (issue 11, the seeded fault suite). Pages load
 * through it, so the worker's upstream is the proxy too. For `/tables` requests it can:
 * - cut the network (socket destroyed, TESTING.md §3: the worker sees `TypeError`, onLine stays true);
 * - require a bearer token (anything else gets 401 `unauthorized`), as a server whose token expired;
 * - apply one armed fault to the next matching request: answer a status without forwarding, reset
 *   the connection, lose the answer after the server committed, delay the answer, and run a hook
 *   before forwarding, after the server committed, or after the answer went out (stop the worker,
 *   kill the browser there).
 * Everything else (the page, the scripts) always passes.
 *
 * A lost answer has a twin the proxy can see: Chromium resends a request whose reused connection closed before
 * any byte of the answer came, whatever its method, and the page or worker that made it gets the resend's answer.
 * The proxy records such a resend (the same write again, at once), so the suite can tell it from the worker's own.
 */
import { Buffer } from 'node:buffer';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxiedRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
}

/** A write the browser sent again by itself after its answer was lost (see above), with the status the resend got. */
export interface BrowserResend {
  readonly method: string;
  readonly path: string;
  readonly body: string;
  readonly status: number;
}

/** How soon after a lost answer the same write counts as the browser's resend: Chromium's comes within milliseconds. */
const RESEND_WINDOW_MS = 1000;

export interface Fault {
  readonly match: (request: ProxiedRequest) => boolean;
  /** Runs when the request arrived, before it reaches the server. */
  readonly before?: () => Promise<void>;
  /** What reaches the worker: the server's answer, a status made here, a reset, or nothing after the server committed. */
  readonly outcome: 'forward' | 'reset' | 'lose-answer' | { readonly status: number };
  /** With `forward`: waits this long after the server answered before answering. */
  readonly delayMs?: number;
  /** Runs after the server committed, before the answer goes out. */
  readonly afterCommit?: () => Promise<void>;
  /** Runs once the answer went out. */
  readonly afterAnswer?: () => Promise<void>;
}

export interface FaultProxy {
  readonly origin: string;
  /** Cuts every `/tables` request (connections destroyed) while on. */
  cut(on: boolean): void;
  /** `/tables` requests must carry `Authorization: Bearer <token>`; null lets any through. */
  requireToken(token: string | null): void;
  /** Arms a one-shot fault; resolves with the request it hit once its outcome is done. */
  arm(fault: Fault): Promise<ProxiedRequest>;
  /** Disarms every fault not yet hit. */
  disarm(): void;
  /** `/tables` writes as they went: method, path, If-Match, what happened (for a failing run's report). */
  readonly log: string[];
  /** Writes the browser resent after a lost answer, since the last `resetCounts`. */
  readonly resends: readonly BrowserResend[];
  /** Writes (non-GET `/tables` requests) the server answered since the last `resetCounts`. */
  readonly writesForwarded: number;
  resetCounts(): void;
  close(): Promise<void>;
}

interface Armed {
  readonly fault: Fault;
  readonly done: (request: ProxiedRequest) => void;
}

const json = (res: http.ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
};

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const targetUrl = new URL(target);
  let cut = false;
  let token: string | null = null;
  let armed: Armed[] = [];
  let writesForwarded = 0;
  const log: string[] = [];
  const resends: BrowserResend[] = [];
  let lastLost: { readonly method: string; readonly path: string; readonly body: string; readonly at: number } | null = null;

  const forward = (req: http.IncomingMessage, body: Buffer) =>
    new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      const out = http.request(
        { host: targetUrl.hostname, port: targetUrl.port, method: req.method, path: req.url, headers: req.headers, agent: false },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
          res.on('error', reject);
        },
      );
      out.on('error', reject);
      out.end(body);
    });

  const answer = (res: http.ServerResponse, reply: { status: number; headers: http.IncomingHttpHeaders; body: Buffer }): void => {
    if (res.destroyed) return;
    const headers = { ...reply.headers };
    delete headers['transfer-encoding'];
    delete headers['connection'];
    res.writeHead(reply.status, headers);
    res.end(reply.body);
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): Promise<void> => {
    const path = req.url ?? '/';
    const tables = path.startsWith('/tables/');
    if (!tables) return answer(res, await forward(req, body));
    const request: ProxiedRequest = { method: req.method ?? 'GET', path, authorization: req.headers.authorization };
    if (cut) return void req.socket.destroy();
    const text = body.toString('utf8');
    const write = request.method !== 'GET';
    const resent = write && lastLost !== null && lastLost.method === request.method && lastLost.path === path && lastLost.body === text && Date.now() - lastLost.at < RESEND_WINDOW_MS;
    if (write) lastLost = null;
    const note = (what: string, status?: number): void => {
      if (!write) return;
      log.push(`${request.method} ${path} ${req.headers['if-match'] ?? '-'} ${JSON.stringify(text).slice(0, 80)} -> ${what}${resent ? ' (the browser\'s resend)' : ''}`);
      if (resent && status !== undefined) resends.push({ method: request.method, path, body: text, status });
    };
    const hit = armed.find((a) => a.fault.match(request));
    if (hit) armed = armed.filter((a) => a !== hit);
    const fault = hit?.fault;
    try {
      await fault?.before?.();
      if (fault?.outcome === 'reset') return void (note('reset'), req.socket.destroy());
      if (typeof fault?.outcome === 'object') return note(`made ${fault.outcome.status}`, fault.outcome.status), json(res, fault.outcome.status, { error: 'fault proxy', code: `status_${fault.outcome.status}` });
      if (token !== null && request.authorization !== `Bearer ${token}`)
        return note('401', 401), json(res, 401, { error: 'the token is missing or expired', code: 'unauthorized' });
      const reply = await forward(req, body);
      const lost = fault?.outcome === 'lose-answer';
      note(`${reply.status}${fault ? ` (${String(fault.outcome)}${fault.delayMs ? ` ${fault.delayMs} ms` : ''})` : ''}`, lost ? undefined : reply.status);
      if (write) writesForwarded += 1;
      await fault?.afterCommit?.();
      if (lost) {
        if (write) lastLost = { method: request.method, path, body: text, at: Date.now() };
        return void req.socket.destroy();
      }
      if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      answer(res, reply);
      await fault?.afterAnswer?.();
    } finally {
      hit?.done(request);
    }
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks)).catch(() => {
        if (!res.headersSent && !res.destroyed) res.writeHead(502).end();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    cut(on) {
      cut = on;
    },
    requireToken(value) {
      token = value;
    },
    arm: (fault) => new Promise<ProxiedRequest>((done) => armed.push({ fault, done })),
    disarm() {
      armed = [];
    },
    log,
    resends,
    get writesForwarded() {
      return writesForwarded;
    },
    resetCounts() {
      writesForwarded = 0;
      log.length = 0;
      resends.length = 0;
      lastLost = null;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
