import { createServer, type ServerOptions } from './create-server.js';

export type { ServerOptions } from './create-server.js';
export type { TableConfigInput } from './table-config.js';

/** A listening server. */
export interface RunningServer {
  /** e.g. `http://127.0.0.1:8080`, no trailing slash. */
  readonly url: string;
  /** Stops listening, then closes the database. */
  close(): Promise<void>;
  /** Empties every configured table (tests). */
  reset(): Promise<void>;
}

/** Starts the reference table server (DESIGN.md §5): schema ensured, then listening. */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const server = await createServer(options);
  try {
    const url = await server.listen();
    return { url, close: () => server.close(), reset: () => server.reset() };
  } catch (error) {
    await server.close().catch(() => {});
    throw error;
  }
}
