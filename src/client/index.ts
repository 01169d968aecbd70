/** The npm entry of tablesync: the page API. Anything not exported here is internal. */
export { registerSync, type RegisterSyncOptions } from './register-sync.js';
export type { SyncClient, SyncClientError, SyncEventOf } from './sync-client.js';
export type {
  AuthHeaders,
  Conflict,
  PendingOperation,
  PullOptions,
  PullResult,
  PurgeOptions,
  PurgeResult,
  PushResult,
  Resolution,
  Row,
  SyncEvent,
  SyncEventKind,
  SyncStatus,
} from '../protocol.js';
