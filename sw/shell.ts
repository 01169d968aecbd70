/**
 * The app-shell add-on, `dist/tablesync-shell.js`: the classic worker imports it from next to itself only when it
 * is the whole worker with its shell on (index.ts), so a worker inside an app's, or with `shell=off`, never
 * carries the shell cache's code.
 */
import { createAppShellCache } from './app-shell-cache.js';

declare const self: ServiceWorkerGlobalScope & { tablesyncShell?: typeof createAppShellCache };

self.tablesyncShell = createAppShellCache;
