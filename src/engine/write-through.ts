import { dialectFacts } from '../core/dialect/dialect-facts.js';
import type { HttpRequest, OutboundRequest, TableResponse } from '../core/dialect/types.js';
import { identityOf, mayPush } from '../core/identity.js';
import type { Op } from '../core/op.js';
import type { EngineContext } from './engine-context.js';
import type { LocalWrite, WriteRequest } from './local-write.js';
import type { RemoteResponse } from './ports.js';
import { pickHeaders, relayed, writeMethodOf } from './relay.js';
import type { WaitingWrite } from './write-waiters.js';

/** How long writes answer locally without trying the network after a network failure (§3.9). */
export const OFFLINE_WINDOW_MS = 30_000;
/** The default wait for an online write's answer (§3.9). */
export const DEFAULT_WRITE_TIMEOUT_MS = 5000;

/** The upstream headers an app gets with a server answer; the rest (hop-by-hop, CORS, length) stays behind. */
const PASSED_HEADERS = ['content-type', 'etag', 'location', 'last-modified', 'link', 'retry-after', 'www-authenticate', 'cache-control'];

/** The server's answer as the app gets it: status, JSON body, its row headers, `x-tablesync: upstream`. */
export function upstreamAnswer(response: Extract<RemoteResponse, { readonly kind: 'response' }>): TableResponse {
  const headers = { ...pickHeaders(response.headers, PASSED_HEADERS), 'x-tablesync': 'upstream' };
  return { status: response.status, headers, body: response.status === 204 || response.status === 304 ? null : response.body };
}

/** True while writes answer locally at once: a network failure less than 30 s ago with no answer since (§3.9). */
export function inOfflineWindow(ctx: EngineContext): boolean {
  const at = ctx.runtime.offlineAt;
  return at !== null && ctx.deps.clock.now() - at < OFFLINE_WINDOW_MS;
}

/** What the write-through of one journaled write found. */
type Plan = { readonly kind: 'wait'; readonly waiting: WaitingWrite } | { readonly kind: 'older' } | { readonly kind: 'local' };

/**
 * §3.9 write-through of a journaled write (T-01, T-02, T-04, T-05): when its op is `pending`, sendable (not held,
 * blocked or backing off), still the app's very edit, and no older op would be sent before it, the app waits up to
 * `writeTimeoutMs` while a push sends it; the push path hands over the server's answer (write-waiters.ts). Null
 * means the local answer: offline window, another dialect upstream, an older op waiting (a push starts then), a
 * timeout (which opens the offline window; the push goes on and settles by the replay rules).
 */
export async function writeThrough(
  ctx: EngineContext,
  http: HttpRequest,
  request: WriteRequest,
  written: LocalWrite & { readonly op: Op },
  options: { readonly push: () => Promise<unknown>; readonly timeoutMs: number },
): Promise<TableResponse | null> {
  if (inOfflineWindow(ctx) || request.dialect !== ctx.upstreamDialect(request.table)) return null;
  const plan = await ctx.exclusive.run(() => planWrite(ctx, http, request, written));
  if (plan.kind === 'local') return null;
  const push = (): Promise<void> =>
    options.push().then(
      () => undefined,
      (error: unknown) => ctx.deps.log.error('write-through push failed', { error: String(error) }),
    );
  if (plan.kind === 'older') {
    void push(); // T-05: the older ops go first, in seq order
    return null;
  }
  const seq = written.op.seq;
  const { waiting } = plan;
  // A push that ends without having sent the op (it stopped before, or found it changed) leaves the local answer.
  void push().then(() => ctx.waiters.release(seq, waiting));
  const cancel = ctx.deps.clock.after(options.timeoutMs, () => {
    // T-04: a hung server counts as a network failure; the request may still be on the wire and settles later.
    if (ctx.waiters.release(seq, waiting)) ctx.runtime.offlineAt = ctx.deps.clock.now();
  });
  const answer = await waiting.answer;
  cancel();
  return answer.kind === 'upstream' ? upstreamAnswer(answer.response) : null;
}

/** Run under the write mutex, so no push marks the op inflight between the check and the registration. */
async function planWrite(ctx: EngineContext, http: HttpRequest, request: WriteRequest, written: LocalWrite & { readonly op: Op }): Promise<Plan> {
  const ops = await ctx.ops.list();
  const op = ops.find((o) => o.seq === written.op.seq);
  if (op === undefined || op.editCounter !== written.op.editCounter) return { kind: 'local' };
  if (request.kind === 'undelete' || (request.kind === 'update' && request.undelete) || op.kind !== request.kind || op.undelete === true) {
    return { kind: 'local' };
  }
  const now = ctx.deps.clock.now();
  const identity = identityOf(ctx.credentials.current());
  const authBlocked = ctx.runtime.authBlockedAt !== null && ctx.runtime.authBlockedAt === ctx.credentials.generation;
  if (op.state !== 'pending' || !mayPush(op, identity) || authBlocked || (op.nextAttemptAt !== null && op.nextAttemptAt > now)) return { kind: 'local' };
  // §3.4 step 2: an older op that a push would send first (failed, held and identity-blocked ones are skipped).
  if (ops.some((o) => o.seq < op.seq && (o.state === 'pending' || o.state === 'inflight') && mayPush(o, identity))) return { kind: 'older' };
  const preconditions = { ifMatch: http.headers['if-match'] ?? null, bodyVersion: written.expectedVersion };
  // A new op holds this write alone: the app's own request goes. One collapsed onto earlier edits sends them all.
  const own = op.editCounter === 0 ? appRequest(http, request, op) : null;
  const waiting = ctx.waiters.wait(op.seq, op.editCounter, { preconditions, request: own });
  return waiting === null ? { kind: 'local' } : { kind: 'wait', waiting };
}

/** The app's write as it made it (path, query, body, `If-Match`), an insert carrying the id the worker gave it. */
function appRequest(http: HttpRequest, request: WriteRequest, op: Op): OutboundRequest | null {
  const method = writeMethodOf(http);
  if (method === undefined) return null;
  const body = request.kind === 'insert' ? JSON.stringify({ ...request.body, id: op.itemId }) : http.body;
  const relay = relayed(http, method, ['zumo-api-version', 'content-type', 'if-match', 'accept'], body);
  return { ...relay, headers: { 'zumo-api-version': dialectFacts(request.dialect).apiVersion, ...relay.headers } };
}
