/**
 * The URL of the running classic script. Inside `importScripts('/tablesync-sw.js?tables=…')`,
 * `self.location` is the app's worker, so the imported script finds its own URL in the first frame
 * of a stack captured while it is evaluated: `    at https://host/tablesync-sw.js?q:1:2` in Chromium,
 * `@https://host/tablesync-sw.js?q:1:2` in Firefox, `global code@https://host/tablesync-sw.js:1:2` in
 * WebKit, which drops the query; there the query is that of the script's resource timing entry.
 */
const FRAME_URL = /(https?:\/\/[^\s()]+):\d+:\d+/;

/** The first frame's URL of `stack`, or null when there is none (an unknown format, or no stack). */
export function scriptUrlOf(stack: string | undefined): URL | null {
  const match = stack === undefined ? null : FRAME_URL.exec(stack);
  return match?.[1] === undefined ? null : new URL(match[1]);
}

/**
 * Where the classic worker reads its configuration, and whether it is the whole worker or an app's import.
 * `loaded` are the URLs of the worker's resource timing entries: the imported script's, query included,
 * is among them when the browser just fetched it (a restarted worker may have none: its persisted
 * configuration then applies, see config.ts).
 */
export function classicSetup(stack: string | undefined, workerUrl: string, loaded: readonly string[] = []): { readonly search: string; readonly standalone: boolean } {
  const worker = new URL(workerUrl);
  const own = scriptUrlOf(stack);
  if (own === null || own.pathname === worker.pathname) return { search: worker.search, standalone: true };
  const fetched = loaded.map((url) => new URL(url)).filter((url) => url.origin === own.origin && url.pathname === own.pathname);
  const search = own.search || (fetched.at(-1)?.search ?? '');
  // An import with no query of its own keeps reading the app worker's query (`/app-sw.js?tables=…`).
  return { search: search || worker.search, standalone: false };
}
