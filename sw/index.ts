/**
 * The classic worker entry, `dist/tablesync-sw.js`: registered as the worker itself, or loaded into an
 * app's own worker by `importScripts('/tablesync-sw.js?tables=todoitem')`. Either way its configuration is
 * its own URL's query (see script-url.ts).
 */
import { install } from './install.js';
import { classicSetup } from './script-url.js';

declare const self: ServiceWorkerGlobalScope;

// Captured here, while the script is first evaluated: its first frame is this script's URL.
const loaded = self.performance.getEntriesByType('resource').map((entry) => entry.name);
install(classicSetup(new Error().stack, self.location.href, loaded));
