import { nextAttemptAt } from '../core/backoff.js';
import { SyncError } from '../core/errors.js';
import { conflictContextOf, conflictRound, planResolution, resolveConflict } from '../core/conflict.js';
import { formatDeleted, formatItem } from '../core/dialect/format-item.js';
import { parsePrecondition } from '../core/dialect/precondition.js';
import { planLookup, planOpRequest, planUndelete, withAppPreconditions } from '../core/dialect/outbound.js';
import { identityOf, mayPush } from '../core/identity.js';
import { isTombstone, versionOf, type Item } from '../core/item.js';
import type { Op } from '../core/op.js';
import { asServerRow, classifyLookupResponse, withoutSendState, classifyPushResponse, rememberSent, type PushOutcome } from '../core/push-outcome.js';
import type { EngineContext } from './engine-context.js';
import type { Conflict, PushResult, PushStopReason } from './engine-types.js';
import { holdConflict } from './hold-conflict.js';
import { pushAnswerOf, sendUpstream } from './send-upstream.js';
import type { Change, CommitOptions, RemoteResponse } from './ports.js';
import { pendingOperationOf } from './views.js';
import type { AppWrite, ClaimedWrite } from './write-waiters.js';
import { planChanges, settleDone, settleRebase, type VersionRule } from './settle.js';

/** What happened to one op in this push; `answered`: its app got the server's answer (write-through, §3.9). */
type OpResult =
  | { readonly kind: 'completed'; readonly answered?: true }
  | { readonly kind: 'failed' }
  | { readonly kind: 'held' }
  | { readonly kind: 'skipped' }
  /** Completed by the server; its settlement is queued (counted once committed). */
  | { readonly kind: 'settling' }
  | { readonly kind: 'stopped'; readonly reason: PushStopReason };

/** What one push did, and how many of its completed ops were replays (not a waiting app's own write, §3.9). */
export interface PushRun {
  readonly result: PushResult;
  readonly replayed: number;
}

/**
 * One push (PROTOCOL.md §3.4), to be run under the sync lock: ops one at a time by ascending seq
 * (U-02), each marked inflight before it is sent (U-03), classified by core, settled in one commit
 * (U-08, U-09); a stop ends the push (U-13, U-14), a rejection fails only its op (U-16). An op whose
 * app still waits on it (write-through, §3.9) goes with the app's preconditions and is settled by
 * the write-through rules.
 */
export async function pushLocked(ctx: EngineContext, explicit: boolean): Promise<PushRun> {
  const { runtime } = ctx;
  let completed = 0, failed = 0, held = 0, answered = 0;
  let stopped: PushStopReason | null = null;
  runtime.pushing = true;
  try {
    // U-13: after a needs-auth stop nothing goes until new credentials arrive.
    if (runtime.authBlockedAt !== null) {
      if (ctx.credentials.generation === runtime.authBlockedAt) return { result: { completed, failed, held, stopped: 'needs-auth' }, replayed: 0 };
      runtime.authBlockedAt = null;
    }
    let lastSeq = 0;
    const pipeline: Pipeline = { queued: [], completed: 0, ahead: null };
    for (;;) {
      const batch = (await ctx.deps.store.listOps()).filter((op) => op.seq > lastSeq);
      if (batch.length === 0) break;
      for (const [i, listed] of batch.entries()) {
        lastSeq = listed.seq;
        const result = await pushOne(ctx, listed, explicit, pipeline, batch[i + 1] ?? null);
        if (result.kind === 'completed') {
          completed++;
          if (result.answered === true) answered++;
        }
        else if (result.kind === 'failed') failed++;
        else if (result.kind === 'held') held++;
        else if (result.kind === 'stopped') {
          stopped = result.reason;
          break;
        }
      }
      if (stopped !== null) break;
      await settleQueued(ctx, pipeline);
    }
    await settleQueued(ctx, pipeline);
    await unmarkAhead(ctx, pipeline);
    completed += pipeline.completed;
    if (stopped === null) runtime.stoppedPushes = 0;
    return { result: { completed, failed, held, stopped }, replayed: completed - answered };
  } finally {
    runtime.pushing = false;
    runtime.lastPushAt = ctx.deps.clock.now();
  }
}

/** What a `withCurrent` task commits, and what it gives back. */
interface Planned<T> {
  readonly changes: Change[];
  readonly value: T;
}

/** The task result that stores `op`. */
const putting = <T>(op: Op, value: T): Planned<T> => ({ changes: [{ kind: 'put-op', op }], value });

/** Commits op changes under the write mutex, re-reading the op so concurrent edits are kept; strict unless told. */
async function withCurrent<T>(
  ctx: EngineContext,
  op: Op,
  task: (current: Op) => Planned<T> | Promise<Planned<T>>,
  options: CommitOptions = {},
): Promise<T | null> {
  return ctx.exclusive.run(async () => {
    const current = await ctx.deps.store.getOp(op.table, op.itemId);
    if (current === null || current.seq !== op.seq) return null; // purged or resolved meanwhile
    const { changes, value } = await task(current);
    if (changes.length > 0) {
      const result = await ctx.commit(changes, options);
      if (!result.ok) throw new SyncError('storage_full');
    }
    return value;
  });
}

/**
 * What a push carries from one op to the next (§3.4 with storage overlapping the network): completed ops whose
 * settlement rides on the next commit (U-08, U-09), and the next op, already marked inflight (U-03) while this one
 * was on the wire. Requests stay one at a time (U-01); only IndexedDB work overlaps them.
 */
interface Pipeline {
  /** Completed by the server, settled by the next commit: the op as sent, its status, the server row, the version rule. */
  readonly queued: (readonly [Op, number | null, Item | null, VersionRule])[];
  /** Ops those commits removed (the rest were rebased and go again). */
  completed: number;
  /** The op marked ahead of its turn, as marked. */
  ahead: Op | null;
}

/** U-03: inflight, attempted, one more attempt, the snapshot among the unconfirmed (U-11). */
const markSent = (op: Op, now: number): Op =>
  rememberSent({ ...op, state: 'inflight', attempted: true, attempts: op.attempts + 1, lastAttemptAt: now, blockedReason: null, nextAttemptAt: null });

/**
 * One commit while a request is on the wire: the queued settlements, each against its op as it is now, and the
 * inflight mark of `next` (strict then, as every mark is). Relaxed settlements alone: losing one (power loss only)
 * leaves the strict inflight mark, as a lost answer does (U-23), so the op is sent again and its 409/412/404/410
 * adopted as its own echo (U-10, U-11).
 */
async function commitAhead(ctx: EngineContext, pipeline: Pipeline, next: Op | null): Promise<void> {
  let rebased = 0;
  await ctx.exclusive.run(async () => {
    const changes: Change[] = [];
    let completed = 0;
    for (const [sent, status, serverRow, rule] of pipeline.queued.splice(0)) {
      const current = await ctx.deps.store.getOp(sent.table, sent.itemId);
      if (current?.seq !== sent.seq) continue; // purged or resolved meanwhile
      const settled = await settleDone(ctx, { ...current, lastStatus: status }, sent.editCounter, serverRow, rule);
      changes.push(...settled.changes);
      if (settled.completed) completed++;
      else rebased++;
    }
    const current = next && (await ctx.deps.store.getOp(next.table, next.itemId));
    const ahead = current?.seq === next?.seq && current?.state === 'pending' ? markSent(current, ctx.deps.clock.now()) : null;
    if (ahead) changes.push({ kind: 'put-op', op: ahead });
    if (changes.length > 0 && !(await ctx.commit(changes, { durability: ahead ? 'strict' : 'relaxed' })).ok) throw new SyncError('storage_full');
    pipeline.completed += completed;
    pipeline.ahead ??= ahead;
  });
  if (rebased > 0) await ctx.deps.scheduler.schedule(); // rebased: they go again (U-09)
}

/** Commits the queued settlements now. */
const settleQueued = (ctx: EngineContext, pipeline: Pipeline): Promise<void> =>
  pipeline.queued.length > 0 ? commitAhead(ctx, pipeline, null) : Promise.resolve();

/** The push ends before the op marked ahead was sent: pending again, that attempt uncounted (still attempted: never wrong to be). */
async function unmarkAhead(ctx: EngineContext, pipeline: Pipeline): Promise<void> {
  const ahead = pipeline.ahead;
  pipeline.ahead = null;
  if (ahead) await withCurrent(ctx, ahead, (c) => (c.state === 'inflight' ? putting({ ...c, state: 'pending', attempts: c.attempts - 1 }, null) : { changes: [], value: null }));
}

async function pushOne(ctx: EngineContext, listed: Op, explicit: boolean, pipeline: Pipeline, next: Op | null): Promise<OpResult> {
  const now = ctx.deps.clock.now();
  if (listed.state === 'failed' || listed.state === 'held') return { kind: 'skipped' }; // U-02
  const identity = identityOf(ctx.credentials.current());
  // The next op is marked ahead only when its own turn would send it (U-02, U-15, U-17).
  const sendable = (o: Op | null): o is Op => o?.state === 'pending' && mayPush(o, identity) && (explicit || o.nextAttemptAt === null || o.nextAttemptAt <= now);
  if (!mayPush(listed, identity)) {
    // U-17: made under another identity; it waits.
    if (listed.blockedReason !== 'identity') {
      await withCurrent(ctx, listed, (c) => putting({ ...c, blockedReason: 'identity' }, null));
    }
    return { kind: 'skipped' };
  }
  // U-15: an automatic push waits out the back-off; an explicit one ignores it.
  if (!explicit && listed.nextAttemptAt !== null && listed.nextAttemptAt > now) return { kind: 'stopped', reason: 'backoff' };

  let rounds = 0;
  let op: Op = listed;
  for (;;) {
    // U-03: persisted inflight and attempted before the request leaves, the snapshot among the unconfirmed (U-11).
    // Strict: an insert whose mark is lost reads as never attempted, and a later delete would drop it (W-06), leaving a server orphan.
    // Marked ahead while the previous request was on the wire, it goes as marked unless edited since.
    const ahead = pipeline.ahead?.seq === op.seq ? pipeline.ahead : null;
    if (ahead) pipeline.ahead = null;
    const sent = await withCurrent(ctx, op, (c): Planned<Op | null> => {
      if (c.state === 'failed' || c.state === 'held') return { changes: [], value: null };
      if (c.state === 'inflight' && c.editCounter === ahead?.editCounter) return { changes: [], value: c };
      const marked = markSent(ahead && c.state === 'inflight' ? { ...c, attempts: c.attempts - 1 } : c, now);
      return putting(marked, marked);
    });
    if (sent === null) return { kind: 'skipped' };
    const credentials = ctx.credentials.generation;
    const sending = sendOp(ctx, sent, ctx.waiters.sending(sent.seq, sent.editCounter));
    // While it is on the wire: earlier settlements, and the next op's mark.
    const committed = commitAhead(ctx, pipeline, rounds === 0 && sendable(next) ? next : null).catch((error: unknown) => error ?? 0);
    const outcome = { ...(await sending), credentials };
    const failure = await committed;
    if (failure !== undefined) throw failure;
    // An echo of an earlier attempt is resent at once (U-11): its app, if any, waits for that answer. (An insert
    // over a tombstone is rebased as an undelete only in a replay: a waiting app gets the server's 409, S-09.)
    const resent = outcome.outcome.kind === 'adopt-rebase' && !(sent.kind === 'insert' && isTombstone(outcome.outcome.serverRow));
    const claimed: ClaimedWrite | null = resent ? null : ctx.waiters.claim(sent.seq);
    const done = outcome.outcome.kind === 'done' || outcome.outcome.kind === 'done-gone' || outcome.outcome.kind === 'adopt' ? outcome.outcome : null;
    if (claimed === null && done !== null) {
      // Batched: settled by the commit made while the next request is on the wire, or at the push's end.
      pipeline.queued.push([sent, outcome.response.kind === 'response' ? outcome.response.status : null, done.serverRow, done.kind === 'adopt' ? 'adopt' : 'append']);
      return { kind: 'settling' };
    }
    await settleQueued(ctx, pipeline);
    const result: Applied = claimed === null ? await applyOutcome(ctx, sent, outcome, rounds) : await answerWaiting(ctx, sent, outcome, rounds, claimed);
    if (result.kind === 'stopped') await unmarkAhead(ctx, pipeline);
    if (result.kind !== 'resend') return result;
    rounds++;
    op = result.op;
  }
}

/** Sends an op (a K-05 undelete first when flagged), looks the row up when the body is not one (U-12), and classifies. */
async function sendOp(ctx: EngineContext, op: Op, app: AppWrite | null): Promise<{ readonly outcome: PushOutcome; readonly response: RemoteResponse }> {
  const dialect = ctx.upstreamDialect(op.table);
  const now = (): number => ctx.deps.clock.now();
  let sending = op;
  if (op.undelete === true && op.snapshot !== null && op.baseVersion !== null) {
    const target = { table: op.table, id: op.itemId, snapshot: op.snapshot, ifMatch: op.baseVersion };
    const undeleted = await sendUpstream(ctx, planUndelete(target, dialect));
    const answer = pushAnswerOf(undeleted);
    const ok = undeleted.kind === 'response' && undeleted.status >= 200 && undeleted.status < 300;
    if (!ok || dialect === 'v3') return { outcome: classifyPushResponse(op, answer, now()), response: undeleted };
    // v2: POST /{id} brought the row back; the PATCH follows against its new version.
    const live = asServerRow(op.itemId, undeleted.body);
    sending = { ...withoutSendState(op), baseVersion: versionOf(live), baseRow: live ?? op.baseRow };
  }
  const planned = planOpRequest(sending, dialect);
  const response = await sendUpstream(ctx, app === null ? planned : (app.request ?? withAppPreconditions(planned, app.preconditions)));
  let outcome = classifyPushResponse(sending, pushAnswerOf(response), now());
  if (outcome.kind === 'done' && outcome.serverRow === null && op.kind !== 'delete') outcome = { kind: 'done', serverRow: etagFallback(op, response) };
  if (outcome.kind === 'needs-lookup') {
    const lookup = await sendUpstream(ctx, planLookup(op.table, op.itemId, dialect));
    outcome = classifyLookupResponse(sending, outcome.status, pushAnswerOf(lookup), now());
  }
  return { outcome, response };
}

/** U-19: a 2xx whose body is not a row; the version may still come from `ETag`. */
function etagFallback(op: Op, response: RemoteResponse): Item | null {
  if (response.kind !== 'response' || op.snapshot === null) return null;
  const tag = parsePrecondition(response.headers['etag']);
  const version = tag?.kind === 'tags' ? tag.versions[0] : undefined;
  return version === undefined ? null : { ...op.snapshot, id: op.itemId, version };
}

/** Consecutive 5xx answers after which an op is failed (EngineConfig.maxServerErrors); far above transient bursts. */
export const MAX_SERVER_ERRORS = 8;

type Applied = OpResult | { readonly kind: 'resend'; readonly op: Op };

async function applyOutcome(
  ctx: EngineContext,
  sent: Op,
  { outcome, response, credentials }: { readonly outcome: PushOutcome; readonly response: RemoteResponse; readonly credentials?: number },
  rounds: number,
): Promise<Applied> {
  const now = ctx.deps.clock.now();
  const status = response.kind === 'response' ? response.status : null;
  switch (outcome.kind) {
    case 'done':
    case 'done-gone':
    case 'adopt': {
      const rule = outcome.kind === 'adopt' ? 'adopt' : 'append';
      const completed = await withCurrent(
        ctx,
        sent,
        async (c) => {
          const settled = await settleDone(ctx, { ...c, lastStatus: status }, sent.editCounter, outcome.serverRow, rule);
          return { changes: settled.changes, value: settled.completed };
        },
        // Relaxed: losing it (power loss only) leaves the strict inflight mark, as a lost answer does (U-23), so the op
        // is sent again and the 409/412/404/410 is adopted as the echo of this very write (U-10, U-11, `unconfirmed`).
        { durability: 'relaxed' },
      );
      if (completed === false) await ctx.deps.scheduler.schedule(); // rebased: it goes again (U-09)
      return completed === true ? { kind: 'completed' } : { kind: 'skipped' };
    }
    case 'adopt-rebase': {
      // U-11 with P10 + P12: an earlier attempt wrote the server row; rebased on it, the op goes again with its If-Match.
      const rebased = await withCurrent(ctx, sent, async (c) => {
        const settled = await settleRebase(ctx, { ...c, lastStatus: status }, outcome.serverRow);
        return { changes: settled.changes, value: settled.op };
      });
      return rebased === null ? { kind: 'skipped' } : { kind: 'resend', op: rebased };
    }
    case 'needs-auth':
      await withCurrent(ctx, sent, (c) => putting({ ...c, state: 'pending', blockedReason: 'needs-auth', lastStatus: outcome.status }, null));
      // U-13: blocked until credentials newer than those the request went with (the page may have sent some meanwhile).
      ctx.runtime.authBlockedAt = credentials ?? ctx.credentials.generation;
      return { kind: 'stopped', reason: 'needs-auth' };
    case 'retry': {
      // A poisoned op (the genuine Azure server answers 500 forever to an undeclared column) must not block the
      // queue for ever: its last consecutive 5xx answer makes it a dead letter, and the push goes on.
      const serverError = response.kind === 'response' && response.status >= 500;
      const serverErrors = (sent.serverErrors ?? 0) + 1;
      if (serverError && serverErrors >= (ctx.deps.config.maxServerErrors ?? MAX_SERVER_ERRORS)) return failOp(ctx, sent, response.status, response.body);
      ctx.runtime.stoppedPushes++;
      const at = nextAttemptAt({ now, stoppedPushes: ctx.runtime.stoppedPushes, jitter: ctx.deps.entropy.jitter(), retryAfterMs: outcome.retryAfterMs });
      await withCurrent(ctx, sent, (c) =>
        putting({ ...c, state: 'pending', nextAttemptAt: at, lastStatus: outcome.status, ...(serverError ? { serverErrors } : {}) }, null),
      );
      return { kind: 'stopped', reason: outcome.status === null ? 'offline' : 'backoff' }; // U-14
    }
    case 'rejected':
      return failOp(ctx, sent, outcome.status, outcome.body); // U-16
    case 'needs-lookup':
      return { kind: 'skipped' }; // classified by sendOp; unreachable
    case 'conflict':
      return applyConflict(ctx, sent, outcome, rounds);
  }
}

/** U-16: the op joins the dead letters with the server's answer and the push goes on. */
async function failOp(ctx: EngineContext, sent: Op, status: number, body: unknown): Promise<OpResult> {
  const failedOp = await withCurrent(ctx, sent, (c) => {
    // An edit made while the request was in flight is a new attempt, as a write onto a failed op is (W-14).
    const state = c.editCounter === sent.editCounter ? 'failed' : 'pending';
    const next: Op = { ...c, state, lastStatus: status, lastError: body, nextAttemptAt: null };
    return putting(next, next);
  });
  if (failedOp?.state !== 'failed') return { kind: 'skipped' };
  ctx.events.emit({ kind: 'op-failed', operation: pendingOperationOf(failedOp) });
  return { kind: 'failed' };
}

/**
 * Write-through (§3.9): the op's app still waits. It gets the server's answer as it came unless there was none to
 * give (network error, 408, 429, 5xx: the local answer, the op replays later). A "done" settles as in a replay; a
 * refusal (409, 412, any other 4xx, 401 and 403 included) removes the op as `discard` does, the local row becoming
 * the server's, with no policy, record or dead op: the app that asked handles its answer. A local edit made while
 * the request was in flight, or made before it and collapsed into its op, keeps the replay rules, so that edit is
 * never lost.
 */
async function answerWaiting(
  ctx: EngineContext,
  sent: Op,
  answer: { readonly outcome: PushOutcome; readonly response: RemoteResponse },
  rounds: number,
  claimed: ClaimedWrite,
): Promise<Applied> {
  const { outcome, response } = answer;
  const refused = outcome.kind === 'conflict' || outcome.kind === 'adopt-rebase' || outcome.kind === 'rejected' || outcome.kind === 'needs-auth';
  // An op that carries earlier edits (collapsed onto this write) holds writes the app was already told succeeded:
  // a refusal must not discard them, so they keep the replay rules and this write gets the local answer too.
  if (response.kind !== 'response' || outcome.kind === 'retry' || (refused && sent.editCounter > 0)) {
    claimed.answer({ kind: 'local' });
    return applyOutcome(ctx, sent, answer, rounds);
  }
  let result: Applied;
  if (refused) {
    const removed = await withCurrent(ctx, sent, async (c) => {
      if (c.editCounter !== sent.editCounter) return { changes: [], value: false };
      const row = outcome.kind === 'conflict' || outcome.kind === 'adopt-rebase' ? outcome.serverRow : (c.serverRow ?? c.baseRow);
      const live = row === null || isTombstone(row) ? null : row;
      return { changes: await planChanges(ctx, { ...c, lastStatus: response.status }, { kind: 'discard', row: live }), value: true };
    });
    result = removed === false ? await applyOutcome(ctx, sent, answer, rounds) : { kind: 'skipped' };
  } else {
    result = await applyOutcome(ctx, sent, answer, rounds);
    if (result.kind === 'completed') result = { kind: 'completed', answered: true };
  }
  claimed.answer({ kind: 'upstream', response: outcome.kind === 'conflict' ? response : echoAnswer(ctx, sent, outcome, response) });
  return result;
}

/**
 * A "done" that is not a 2xx is the echo of this very write (its request resent after a lost answer, by the
 * browser or a replay): the app is told its write happened, as the server's first answer would have said, never
 * the 409/412/404/410 of the echo (issue 11: an app told its write failed must not find it on the server).
 */
type Answered = Extract<RemoteResponse, { readonly kind: 'response' }>;

function echoAnswer(ctx: EngineContext, sent: Op, outcome: PushOutcome, response: Answered): Answered {
  const echoed = outcome.kind === 'done' || outcome.kind === 'done-gone' || outcome.kind === 'adopt';
  if (!echoed || (response.status >= 200 && response.status < 300)) return response;
  const row = outcome.serverRow ?? { id: sent.itemId };
  const given =
    sent.kind === 'delete' ? formatDeleted(ctx.upstreamDialect(sent.table), row) : formatItem(row, sent.kind === 'insert' ? 201 : 200);
  return { kind: 'response', status: given.status, headers: given.headers, body: given.body };
}

/** K-01…K-13: the table's policy decides; after 5 rounds in one push the op is held (K-11). */
async function applyConflict(
  ctx: EngineContext,
  sent: Op,
  conflict: Extract<PushOutcome, { readonly kind: 'conflict' }>,
  rounds: number,
): Promise<Applied> {
  const policy = ctx.tables.get(sent.table)?.policy;
  type Settled = { readonly kind: 'held'; readonly record: Conflict } | { readonly kind: 'resend'; readonly op: Op } | { readonly kind: 'completed' };
  // The policy runs outside the write mutex (a resolver may be slow); the plan applies to the op as it is then.
  const seen = (await ctx.deps.store.getOp(sent.table, sent.itemId)) ?? sent;
  const resolution =
    conflictRound(rounds) === 'hold' ? ({ kind: 'defer' } as const) : await resolveConflict(policy, conflictContextOf(seen, conflict), seen.editedAt);
  const result = await withCurrent<Settled>(ctx, sent, async (c) => {
    const current: Op = { ...c, lastStatus: conflict.status };
    const plan = planResolution(current, resolution, conflict);
    if (plan.kind === 'hold') {
      const { changes, record } = holdConflict(ctx, current, conflict);
      return { changes, value: { kind: 'held', record } };
    }
    const changes = await planChanges(ctx, current, plan);
    return { changes, value: plan.kind === 'resend' ? { kind: 'resend', op: plan.op } : { kind: 'completed' } };
  });
  if (result === null) return { kind: 'skipped' };
  if (result.kind === 'held') {
    ctx.deps.log.info('conflict held', { table: sent.table, seq: sent.seq, reason: conflict.reason, status: conflict.status });
    ctx.events.emit({ kind: 'conflict', conflict: result.record });
    return { kind: 'held' };
  }
  return result;
}
