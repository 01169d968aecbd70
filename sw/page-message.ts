/** Recognises the page → worker messages of src/protocol.ts. */
import type { PageMessage } from '../src/protocol.js';

export function asPageMessage(data: unknown): PageMessage | null {
  if (typeof data !== 'object' || data === null) return null;
  const { type, port, urls, visible } = data as { type?: unknown; port?: unknown; urls?: unknown; visible?: unknown };
  if (type === 'tablesync:online' || type === 'tablesync:visible') return { type };
  if (type === 'tablesync:ping') return typeof visible === 'boolean' ? { type, visible } : { type };
  if (type === 'tablesync:shell-files' && Array.isArray(urls) && urls.every((url) => typeof url === 'string')) return { type, urls };
  if (type === 'tablesync:connect' && typeof port === 'object' && port !== null && 'postMessage' in port)
    return { type, port: port as MessagePort };
  return null;
}
