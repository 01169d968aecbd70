/** The npm export `tablesync/server`: the reference table server as a library. */
export { createServer, type ServerOptions, type TablesyncServer } from './create-server.js';
export { startServer, type RunningServer } from './start-server.js';
export type { TableConfigInput } from './table-config.js';
export type { AuthOptions } from './auth.js';
