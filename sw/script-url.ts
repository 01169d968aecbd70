/**
 * The URL of the running classic script. Inside `importScripts('/tablesync-sw.js?tables=…')`,
 * `self.location` is the app's worker, so the imported script finds its own URL, query included,
 * in the first frame of a stack captured while it is evaluated. Chromium writes frames as
 * `    at https://host/tablesync-sw.js?q:1:2`, Firefox and WebKit as `@https://host/tablesync-sw.js?q:1:2`.
 */
const FRAME_URL = /(https?:\/\/[^\s()]+):\d+:\d+/;

/** The first frame's URL of `stack`, or null when there is none (an unknown format, or no stack). */
export function scriptUrlOf(stack: string | undefined): URL | null {
  const match = stack === undefined ? null : FRAME_URL.exec(stack);
  return match?.[1] === undefined ? null : new URL(match[1]);
}

/** Where the classic worker reads its configuration, and whether it is the whole worker or an app's import. */
export function classicSetup(stack: string | undefined, workerUrl: string): { readonly search: string; readonly standalone: boolean } {
  const worker = new URL(workerUrl);
  const own = scriptUrlOf(stack);
  const standalone = own === null || own.pathname === worker.pathname;
  // An import with no query of its own keeps reading the app worker's query (`/app-sw.js?tables=…`).
  return { search: !standalone && own.search !== '' ? own.search : worker.search, standalone };
}
