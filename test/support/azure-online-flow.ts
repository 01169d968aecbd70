/**
 * The official Azure Mobile Apps JS client's ordinary online flow (v2), as issue 9 describes it, run in a page
 * that has loaded the client (`window.WindowsAzure`, see test/server/support/bundle-azure-client.ts): insert,
 * lookup, update with the version, a stale update rejected with 412 exposing `error.serverInstance`, the retry
 * with `serverInstance.version`, a delete with a stale version (412), a delete with the current version, and
 * reads around each step. PROTOCOL.md T-03: the same flow gives the same checks with the worker as without it,
 * against the reference server and against the genuine Azure Mobile Apps Node server.
 *
 *     const checks = await runAzureOnlineFlow(page, serverUrl);
 *     expect(checksWithWorker).toEqual(checksWithoutWorker);
 *
 * Volatile values are normalised so two runs compare: versions become `version#n` by order of first
 * appearance (so "the serverInstance carries the update's version" survives), dates become `<date>`, the
 * run's row id becomes `<id>`.
 */
import type { Page } from 'playwright-core';

/** One observation of the flow: what a step returned or how it failed. */
export interface FlowCheck {
  readonly step: string;
  readonly value: unknown;
}

export interface AzureOnlineFlowOptions {
  /** The table (default `todoitem`); its rows have `text`, `done` and `rank` (the genuine server's columns). */
  readonly table?: string;
  /** The row id the run uses (default a fresh random one, so runs against one server never collide). */
  readonly id?: string;
}

// A string, not a function: page.evaluate of a tsx-compiled function with inner named functions breaks
// (`__name is not defined`, TESTING.md §14).
const FLOW = `async ({ serverUrl, table: tableName, id }) => {
  const client = new WindowsAzure.MobileServiceClient(serverUrl);
  const table = client.getTable(tableName);
  const checks = [];
  const plain = (value) => JSON.parse(JSON.stringify(value === undefined ? null : value));
  const failure = (error) => ({
    ok: false,
    status: error && error.request ? error.request.status : null,
    message: String((error && error.message) || error),
    serverInstance: error && error.serverInstance !== undefined ? plain(error.serverInstance) : null,
  });
  const step = async (name, run) => {
    try {
      const value = plain(await run());
      checks.push({ step: name, value: { ok: true, value } });
      return value;
    } catch (error) {
      checks.push({ step: name, value: failure(error) });
      return null;
    }
  };
  const rows = async () => Array.from(await table.where({ id }).read());
  const count = async () => (await table.where({ id }).includeTotalCount().take(0).read()).totalCount;

  await step('query before insert', rows);
  const inserted = await step('insert', () => table.insert({ id, text: 'first', done: false, rank: 1 }));
  await step('lookup after insert', () => table.lookup(id));
  await step('query after insert', rows);
  await step('count after insert', count);
  const updated = await step('update with the version', () => table.update({ id, text: 'second', version: inserted && inserted.version }));
  await step('lookup after update', () => table.lookup(id));
  const stale = await table.update({ id, text: 'stale', version: inserted && inserted.version }).then(
    (value) => ({ ok: true, value: plain(value) }),
    failure,
  );
  checks.push({ step: 'update with a stale version', value: stale });
  const current = stale.ok ? null : stale.serverInstance;
  checks.push({ step: 'the serverInstance is the current row', value: current !== null && updated !== null && current.version === updated.version });
  await step('lookup after the stale update', () => table.lookup(id));
  const retried = await step('retry with serverInstance.version', () =>
    table.update({ id, text: 'third', rank: 3, version: current ? current.version : null }),
  );
  await step('query after the retry', rows);
  await step('delete with a stale version', () => table.del({ id, version: inserted && inserted.version }));
  await step('lookup after the stale delete', () => table.lookup(id));
  await step('delete with the current version', () => table.del({ id, version: retried && retried.version }));
  await step('lookup after delete', () => table.lookup(id));
  await step('query after delete', rows);
  await step('count after delete', count);
  await step('update after delete', () => table.update({ id, text: 'gone', version: retried && retried.version }));
  return checks;
}`;

/** Runs the flow in `page` against `serverUrl` and returns its checks, volatile values normalised. */
export async function runAzureOnlineFlow(page: Page, serverUrl: string, options: AzureOnlineFlowOptions = {}): Promise<FlowCheck[]> {
  const id = options.id ?? `flow-${Math.random().toString(36).slice(2, 10)}`;
  const raw = (await page.evaluate(`(${FLOW})(${JSON.stringify({ serverUrl, table: options.table ?? 'todoitem', id })})`)) as FlowCheck[];
  return normalise(raw, id);
}

const DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

/** Versions by order of first appearance, dates and the run's id as markers; messages keep their text. */
function normalise(checks: FlowCheck[], id: string): FlowCheck[] {
  const versions = new Map<string, string>();
  const walk = (value: unknown, key: string | null): unknown => {
    if (Array.isArray(value)) return value.map((v) => walk(v, null));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, walk(v, k)]));
    }
    if (typeof value !== 'string') return value;
    if (key === 'version') {
      if (!versions.has(value)) versions.set(value, `version#${versions.size + 1}`);
      return versions.get(value);
    }
    if (DATE.test(value)) return '<date>';
    return value.split(id).join('<id>');
  };
  return checks.map((check) => ({ step: check.step, value: walk(check.value, null) }));
}
