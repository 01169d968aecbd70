import type { Dialect } from '../core/dialect/types.js';
import { DIALECTS_META_KEY, type EngineContext } from './engine-context.js';

/** True once any pull of the table reached its end (F-04, F-05); read from the store once per wake. */
export async function isTableComplete(ctx: EngineContext, table: string): Promise<boolean> {
  if (ctx.runtime.completeTables.has(table)) return true;
  const states = await ctx.deps.store.listSyncStates(table);
  if (states.some((s) => s.complete)) ctx.runtime.completeTables.add(table);
  return ctx.runtime.completeTables.has(table);
}

/** Records the dialect of the app's latest request to a table, persisted when it changes (PROTOCOL.md §1 rule 3). */
export async function noteAppDialect(ctx: EngineContext, table: string, dialect: Dialect): Promise<void> {
  const dialects = ctx.runtime.observedDialects;
  if (dialects.get(table) === dialect) return;
  dialects.set(table, dialect);
  await ctx.deps.meta.set(DIALECTS_META_KEY, Object.fromEntries(dialects));
}

/** Loads the persisted observed dialects (a worker woken with no page still knows them). */
export async function loadAppDialects(ctx: EngineContext): Promise<void> {
  const stored = await ctx.deps.meta.get<Record<string, unknown>>(DIALECTS_META_KEY);
  if (typeof stored !== 'object' || stored === null) return;
  for (const [table, dialect] of Object.entries(stored)) {
    if ((dialect === 'v2' || dialect === 'v3') && !ctx.runtime.observedDialects.has(table)) ctx.runtime.observedDialects.set(table, dialect);
  }
}
