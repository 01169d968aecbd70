/**
 * The drop-in entry: `<script src="/tablesync.js" data-tables="todoitem" defer></script>`. Reads the
 * tag's `data-*` attributes, calls `registerSync` and sets `window.tablesync` at once to a client
 * whose calls wait for the worker; `await tablesync.ready` gives the connected SyncClient. When the
 * page uses `<tablesync-status>` or `<tablesync-conflicts>`, it loads the elements bundle, by default
 * `tablesync-elements.js` next to this script (`data-elements` names another URL, `off` none).
 */
import { createLazyClient, type LazySyncClient } from './lazy-client.js';
import { loadElementsWhenUsed } from './load-elements.js';
import { registerSync, type RegisterSyncOptions } from './register-sync.js';

declare global {
  interface Window {
    tablesync?: LazySyncClient;
  }
}

const script = document.currentScript as HTMLScriptElement | null;
const data = script?.dataset ?? {};
const oneOf = <T extends string>(value: string | undefined, allowed: readonly T[]): T | undefined =>
  allowed.find((item) => item === value);
const dialect = oneOf(data['dialect'], ['v2', 'v3'] as const);
const upstreamDialect = oneOf(data['upstreamDialect'], ['v2', 'v3'] as const);
const policy = oneOf(data['policy'], ['merge', 'serverWins', 'clientWins', 'lastWriteWins', 'hold'] as const);
const writes = oneOf(data['writes'], ['online-first', 'local-first'] as const);
/** A non-negative whole number of milliseconds, else undefined. */
const ms = (value: string | undefined): number | undefined => (value !== undefined && /^\d+$/.test(value.trim()) ? Number(value) : undefined);
const writeTimeoutMs = ms(data['writeTimeoutMs']);
const maxStaleMs = ms(data['maxStaleMs']);
const pullIntervalMs = ms(data['pullIntervalMs']);
const maxServerErrors = ms(data['maxServerErrors']);
const tables = (data['tables'] ?? '').split(',').map((name) => name.trim()).filter((name) => name !== '');
const options: RegisterSyncOptions = {
  ...(data['sw'] ? { scriptUrl: data['sw'] } : {}),
  ...(tables.length > 0 ? { tables } : {}),
  ...(data['upstream'] ? { upstream: data['upstream'] } : {}),
  ...(dialect ? { dialect } : {}),
  ...(upstreamDialect ? { upstreamDialect } : {}),
  ...(policy ? { policy } : {}),
  ...(data['shell'] === 'off' ? { shell: false } : {}),
  ...(data['register'] === 'off' ? { register: false } : {}),
  ...(writes ? { writes } : {}),
  ...(writeTimeoutMs === undefined ? {} : { writeTimeoutMs }),
  ...(maxStaleMs === undefined ? {} : { maxStaleMs }),
  ...(pullIntervalMs === undefined ? {} : { pullIntervalMs }),
  ...(maxServerErrors === undefined ? {} : { maxServerErrors }),
};

const ready = registerSync(options);
ready.catch((error: unknown) => console.error('[tablesync] could not start the service worker', error));
window.tablesync = createLazyClient(ready);
if (data['elements'] !== 'off') loadElementsWhenUsed(new URL(data['elements'] ?? 'tablesync-elements.js', script?.src || location.href).href);
