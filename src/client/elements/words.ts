/** The plain words the elements show and announce (English). */
import type { BlockedReason, Conflict } from '../../protocol.js';

/** `1 change`, `2 changes`. */
export const count = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** Why pushing is paused (`SyncStatus.blockedReason`), as a person would say it. */
export const blockedWords: Readonly<Record<BlockedReason, string>> = {
  'needs-auth': 'Sync is paused: sign in again to send your changes.',
  identity: 'Some changes were made while signed in as someone else; they wait until that account signs in again.',
};

/** What happened to an item on each side (K-01 reasons, with the local op's kind). */
export function conflictWords(conflict: Pick<Conflict, 'reason' | 'opKind'>): string {
  if (conflict.reason === 'already-exists') return 'Added here, but the server already has an item with this id.';
  if (conflict.reason === 'deleted-on-server') return 'Changed here, but deleted on the server.';
  return conflict.opKind === 'delete' ? 'Deleted here, but changed on the server.' : 'Changed here and on the server.';
}

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/** `just now`, `5 minutes ago`, `2 hours ago`, else the date and time. */
export function agoWords(at: number, now: number): string {
  const seconds = Math.max(0, Math.round((now - at) / 1000));
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return relative.format(-minutes, 'minute');
  const hours = Math.round(minutes / 60);
  if (hours < 24) return relative.format(-hours, 'hour');
  return new Date(at).toLocaleString('en', { dateStyle: 'medium', timeStyle: 'short' });
}

/** A field value as shown in a cell: strings as they are, booleans as yes/no, nothing as an em dash. */
export function valueWords(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (value === '') return '(empty)';
  return String(value);
}
