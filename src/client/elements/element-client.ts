/** What the elements need of a SyncClient: `window.tablesync` (the drop-in's) and `registerSync()`'s both fit. */
import type { SyncClient } from '../sync-client.js';

/** The slice of the page API the status and conflict elements call. */
export type ElementClient = Pick<SyncClient, 'status' | 'sync' | 'push' | 'conflicts' | 'resolve' | 'on'>;

/** The drop-in's global client, when the page has the tag. */
export const pageClient = (): ElementClient | null => window.tablesync ?? null;

/** A rejected call's message, for a person to read. */
export const reasonOf = (error: unknown): string =>
  error instanceof Error ? error.message : typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string' ? (error as { message: string }).message : String(error);

/** A rejected call's stable code (PROTOCOL.md §2.6), when it has one. */
export const codeOf = (error: unknown): string | null =>
  typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : null;
