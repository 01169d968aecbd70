/**
 * What the engine suites need of a browser, whatever drives it (TESTING.md §13): one tab to load
 * pages in, a way to run page code, the errors the browser itself reports, and a close that leaves
 * no process behind. Firefox ESR and WebKitGTK come from Debian's packages; a missing one fails
 * at once with the command that installs it, never a skip.
 */
import { existsSync } from 'node:fs';

/** A browser engine driven from Node. */
export interface EngineBrowser {
  /** For test titles and messages, e.g. `Firefox ESR 153.8.0`. */
  readonly name: string;
  /** Loads `url` in the tab (a new page load, even for the same URL) and waits for its `load` event. */
  open(url: string): Promise<void>;
  /**
   * Runs `fn` in the current page with `args` (JSON values) and resolves with its JSON result. `fn`
   * travels as source text: no closures, and no named inner functions (TESTING.md §14).
   */
  run<A extends unknown[], T>(fn: (...args: A) => T | Promise<T>, ...args: A): Promise<Awaited<T>>;
  /** Error lines the browser printed itself (worker and page), where its driver shows them; else empty. */
  readonly reported: readonly string[];
  /** Closes the browser and its driver and waits until none of their processes is left. */
  close(): Promise<void>;
}

/** Fails with one line naming the Debian package when a binary is missing. */
export function mustExist(file: string, what: string, install: string): void {
  if (!existsSync(file)) throw new Error(`${what} is missing (${file}): install it with \`${install}\` (scripts/setup-test-machine.sh does).`);
}

/** Sends `signal` to a whole process group; false when none of it is left. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Waits until no process of the group is left, sending SIGKILL after `graceMs`; throws when some survive that. */
export async function reapGroup(pgid: number, graceMs = 3000): Promise<void> {
  let deadline = Date.now() + graceMs;
  let killed = false;
  for (;;) {
    if (!signalGroup(pgid, 0)) return;
    if (Date.now() > deadline) {
      if (killed) throw new Error(`processes of group ${pgid} survived SIGKILL`);
      signalGroup(pgid, 'SIGKILL');
      killed = true;
      deadline = Date.now() + 2000; // the killed are reaped by their parents
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
