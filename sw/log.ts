/** The Log port over `console`. */
import type { Log } from '../src/engine/ports.js';

const PREFIX = '[tablesync]';
export function createLog(): Log {
  const line = (data: Readonly<Record<string, unknown>> | undefined): unknown[] => (data === undefined ? [] : [data]);
  return {
    info: (message, data) => console.info(PREFIX, message, ...line(data)),
    error: (message, data) => console.error(PREFIX, message, ...line(data)),
  };
}
