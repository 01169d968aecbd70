/** Recognises the page → worker messages of src/protocol.ts. */
import type { PageMessage } from '../src/protocol.js';

export function asPageMessage(data: unknown): PageMessage | null {
  if (typeof data !== 'object' || data === null) return null;
  const { type, port, urls } = data as { type?: unknown; port?: unknown; urls?: unknown };
  if (type === 'tablesync:online' || type === 'tablesync:ping') return { type };
  if (type === 'tablesync:shell-files' && Array.isArray(urls) && urls.every((url) => typeof url === 'string')) return { type, urls };
  if (type === 'tablesync:connect' && typeof port === 'object' && port !== null && 'postMessage' in port)
    return { type, port: port as MessagePort };
  return null;
}
