import type { Dialect } from '../core/dialect/types.js';
import { DIALECTS_META_KEY, type EngineContext } from './engine-context.js';

/**
 * True once any pull of the table reached its end (F-04, F-05); read from the store once per wake, which also
 * tells when its last complete pull ended (T-07: a cursor at rest was last written by the page that ended a run).
 */
export async function isTableComplete(ctx: EngineContext, table: string): Promise<boolean> {
  if (ctx.runtime.completeTables.has(table)) return true;
  const states = await ctx.deps.store.listSyncStates(table);
  const complete = states.filter((s) => s.complete);
  if (complete.length > 0) {
    ctx.runtime.completeTables.add(table);
    if (!ctx.runtime.lastCompletePulls.has(table)) {
      const ended = complete.filter((s) => s.drain === null && s.queryId === '*').map((s) => s.lastPullAt ?? 0);
      ctx.runtime.lastCompletePulls.set(table, Math.max(0, ...ended));
    }
  }
  return ctx.runtime.completeTables.has(table);
}

/** Records the dialect of the app's latest request to a table, persisted when it changes (PROTOCOL.md §1 rule 3). */
export async function noteAppDialect(ctx: EngineContext, table: string, dialect: Dialect): Promise<void> {
  const dialects = ctx.runtime.observedDialects;
  if (dialects.get(table) === dialect) return;
  dialects.set(table, dialect);
  // Only a worker woken with no page reads it back: a full disk must not fail the app's request (this worker keeps it in memory).
  await ctx.deps.meta.set({ [DIALECTS_META_KEY]: Object.fromEntries(dialects) }).catch(() => undefined);
}

/** Loads the persisted observed dialects (a worker woken with no page still knows them). */
export async function loadAppDialects(ctx: EngineContext): Promise<void> {
  const stored = await ctx.deps.meta.get<Record<string, unknown>>(DIALECTS_META_KEY);
  if (typeof stored !== 'object' || stored === null) return;
  for (const [table, dialect] of Object.entries(stored)) {
    if ((dialect === 'v2' || dialect === 'v3') && !ctx.runtime.observedDialects.has(table)) ctx.runtime.observedDialects.set(table, dialect);
  }
}
