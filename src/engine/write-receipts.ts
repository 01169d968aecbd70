import { formatCreated, formatDeleted, formatItem } from '../core/dialect/format-item.js';
import type { HttpRequest, TableResponse } from '../core/dialect/types.js';
import { validateWriteBody } from '../core/dialect/validate-write-body.js';
import { uuidV4 } from '../core/ids.js';
import type { EngineContext } from './engine-context.js';
import type { WriteRequest } from './local-write.js';
import type { TableConfig } from './table-config.js';

/**
 * Chromium dispatches a fetch event again, to a new worker instance, when the instance handling it stopped before
 * answering: the app's one write arrives twice (found by the fault suite: a re-delivered insert got 409, a delete
 * 404, an id-less insert made a second row, for writes that had happened). A receipt in meta marks a write as begun
 * (with the id an insert without one gets), then answered. A write finding the receipt of an instance that died
 * meanwhile is that write again: it gets the stored answer, or, when none was computed, the answer for the state
 * the write left. An answer stands only while its instance began no later write (after that the page had it).
 */
interface Receipt {
  readonly key: string;
  readonly boot: string;
  readonly at: number;
  /** The id given to an insert whose body had none, so a re-delivery inserts the same row. */
  readonly id: string | null;
  /** `begun`: how many writes its instance had begun when it answered. */
  readonly answer?: { readonly response: TableResponse; readonly begun: number };
}

/** What a write goes ahead with: its request (an id-less insert given its id), and whether it is a re-delivery. */
export interface ReceivedWrite {
  readonly http: HttpRequest;
  /** The answer a previous instance computed for this very request and may not have handed over. */
  readonly answer: TableResponse | null;
  /** A previous instance began this very request and died before answering. */
  readonly redelivered: boolean;
  /**
   * Records the answer being handed over, without waiting: its transaction is queued before any later write's,
   * and once the answer is out Chromium delivers the write no more, so a receipt lost with the worker costs nothing.
   */
  done(response: TableResponse): void;
}

/** Re-delivery follows the worker's death at once; a receipt older than this was left by a page that went away. */
const REDELIVERY_WINDOW_MS = 10_000;
const SLOTS = 16;
const LAST_BEGUN = 'write-last-begun';

const slotOf = (key: string): string => {
  let hash = 0;
  for (let i = 0; i < key.length; i++) hash = (Math.imul(hash, 31) + key.charCodeAt(i)) | 0;
  return `write-receipt:${(hash >>> 0) % SLOTS}`;
};

const withoutId = (body: string | null): Record<string, unknown> | null => {
  try {
    const parsed: unknown = JSON.parse(body ?? '');
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) || (parsed as { id?: unknown }).id != null) return null;
    // The body is re-serialized with its id: a value JSON cannot carry back (1e999 parses to Infinity, which
    // serializes as null) would turn a refused write into an accepted one, so such a body keeps its own form.
    const faithful = Object.values(parsed).every((value) => typeof value !== 'number' || Number.isFinite(value));
    return faithful ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
};

/** A worker instance: its id and how many writes it has begun. */
export interface WriteInstance {
  readonly boot: string;
  begun: number;
}

/** Looks the write up among the receipts and records it as begun; a full disk only costs the receipt. */
export async function receiveWrite(ctx: EngineContext, instance: WriteInstance, http: HttpRequest): Promise<ReceivedWrite> {
  const { boot } = instance;
  const begun = ++instance.begun;
  const key = `${http.method.toUpperCase()} ${http.url}\n${http.headers['if-match'] ?? ''}\n${http.body ?? ''}`;
  const slot = slotOf(key);
  const now = ctx.deps.clock.now();
  const { meta } = ctx.deps;
  const [seen, last] = await Promise.all([meta.get<Receipt>(slot), meta.get<{ boot: string; begun: number }>(LAST_BEGUN)]).catch(() => []);
  let first = seen?.key === key && seen.boot !== boot && now - seen.at < REDELIVERY_WINDOW_MS ? seen : null;
  if (first?.answer && !(last?.boot === first.boot && last.begun === first.answer.begun)) first = null;
  const body = http.method.toUpperCase() === 'POST' ? withoutId(http.body) : null;
  const id = body === null ? null : (first?.id ?? uuidV4(ctx.deps.entropy.randomBytes()));
  const receipt: Receipt = { key, boot, at: now, id };
  const save = (entries: Readonly<Record<string, unknown>>): Promise<unknown> => meta.set(entries).catch(() => undefined);
  await save({ [slot]: receipt, [LAST_BEGUN]: { boot, begun } });
  return {
    http: body === null ? http : { ...http, body: JSON.stringify({ ...body, id }) },
    answer: first?.answer?.response ?? null,
    redelivered: first !== null,
    done: (response) => void save({ [slot]: { ...receipt, answer: { response, begun: instance.begun } } }),
  };
}

/**
 * A re-delivered write whose first delivery died before answering: when the local state is what that write left
 * (the row holding its fields; for a delete, no row), the app gets the answer for it; null otherwise (the first
 * delivery died before its commit, so the write goes ahead as new).
 */
export async function answerRedelivered(ctx: EngineContext, table: TableConfig, request: WriteRequest): Promise<TableResponse | null> {
  const rows = await ctx.index.rows(table.name);
  if (request.kind === 'delete') return rows.get(request.id) !== undefined ? null : formatDeleted(request.dialect, { id: request.id });
  if (request.kind === 'undelete') return null;
  const checked = validateWriteBody(request, { reserved: table.settings.strict ? 'reject' : 'drop' });
  const id = request.kind === 'insert' ? checked.ok && checked.value.id : request.id;
  const row = id ? rows.get(id)?.item : undefined;
  if (!checked.ok || row === undefined) return null;
  for (const [name, value] of Object.entries(checked.value.fields)) if (JSON.stringify(row[name]) !== JSON.stringify(value)) return null;
  return request.kind === 'insert' ? formatCreated(row, request.url) : formatItem(row);
}
