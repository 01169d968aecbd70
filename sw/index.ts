/**
 * The classic worker entry, `dist/tablesync-sw.js`: registered as the worker itself, or loaded into an
 * app's own worker by `importScripts('/tablesync-sw.js?tables=todoitem')`. Either way its configuration is
 * its own URL's query (see script-url.ts).
 */
import type { createAppShellCache } from './app-shell-cache.js';
import { isShellCacheEnabled } from './config.js';
import { install } from './install.js';
import { classicSetup } from './script-url.js';

declare const self: ServiceWorkerGlobalScope & { tablesyncShell?: typeof createAppShellCache };

// Captured here, while the script is first evaluated: its first frame is this script's URL.
const loaded = self.performance.getEntriesByType('resource').map((entry) => entry.name);
const setup = classicSetup(new Error().stack, self.location.href, loaded);
// The shell add-on (shell.ts) is imported now or never: a worker imports, after its install, only the scripts it
// imported while installing, and whether it is needed is fixed by the worker's URL.
if (setup.standalone && isShellCacheEnabled(setup.search)) {
  try {
    importScripts(new URL('tablesync-shell.js', self.location.href).href);
  } catch (error) {
    // Without the add-on the worker still answers its tables; pages just get no offline shell.
    console.error('[tablesync] no app shell:', error);
  }
}
install({ ...setup, shell: self.tablesyncShell });
