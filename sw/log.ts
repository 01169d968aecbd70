/** The Log port over `console`; debug lines only when asked, and never in production builds. */
import type { Log } from '../src/engine/ports.js';

const PREFIX = '[tablesync]';
const noop = (): void => undefined;

export function createLog(options: { readonly debug?: boolean } = {}): Log {
  const line = (data: Readonly<Record<string, unknown>> | undefined): unknown[] => (data === undefined ? [] : [data]);
  return {
    info: (message, data) => console.info(PREFIX, message, ...line(data)),
    error: (message, data) => console.error(PREFIX, message, ...line(data)),
    debug: import.meta.env.DEV && options.debug === true ? (message, data) => console.debug(PREFIX, message, ...line(data)) : noop,
  };
}
