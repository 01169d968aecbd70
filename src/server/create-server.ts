import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { createAuthVerifier, type AuthOptions } from './auth.js';
import type { Database } from './database.js';
import { createHttpApp } from './http-app.js';
import { createPgDatabase } from './pg-database.js';
import { createPgliteDatabase } from './pglite-database.js';
import { createRowStore } from './row-store.js';
import { ensureSchema, truncateTables } from './schema.js';
import { DEFAULT_TABLES, resolveTableConfig, type TableConfigInput } from './table-config.js';

/** How to start the reference table server; every field has a default. */
export interface ServerOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 8080; 0 picks any free port. */
  readonly port?: number;
  /** PostgreSQL through `pg`; wins over `dataDir` and `memory`. */
  readonly databaseUrl?: string;
  /** With `databaseUrl`: a schema to create if missing and use (test isolation, several apps on one database). */
  readonly databaseSchema?: string;
  /** With `databaseUrl`: session settings for every connection, e.g. `{ statement_timeout: '5000' }`. */
  readonly databaseSettings?: Readonly<Record<string, string>>;
  /** PGlite on disk (default `.data/`). */
  readonly dataDir?: string;
  /** PGlite in memory. */
  readonly memory?: boolean;
  /** Default: `todoitem` (soft delete on, no owner, default page sizes). */
  readonly tables?: readonly TableConfigInput[];
  /** The app served at `/`; default the repository's `public/` (none from the npm package); null serves none. */
  readonly publicDir?: string | null;
  /** Where `tablesync.js`, `tablesync-sw.js` and `tablesync-elements.js` are built; default the repository's `dist/` (the package's own from npm). */
  readonly distDir?: string;
  /** JWT bearer auth: an HS256 secret or a JWKS URL, optional issuer and audience. */
  readonly auth?: AuthOptions;
  /** Largest request body in bytes; default 1 MiB. */
  readonly bodyLimit?: number;
  /** Pino logs to stdout; default off. */
  readonly logger?: boolean;
  /** With `logger`: the pino level, default `info` (which logs every request). */
  readonly logLevel?: 'fatal' | 'error' | 'info' | 'debug' | 'trace';
  /** CORS origins allowed; default any. */
  readonly corsOrigins?: readonly string[];
}

/** The reference table server, built and ready to listen. */
export interface TablesyncServer {
  /** The Fastify instance: add routes, hooks or plugins before `listen`. */
  readonly app: FastifyInstance;
  /** Listens on the options' `host` and `port` (or these) and resolves with the URL, e.g. `http://127.0.0.1:8080`. */
  listen(at?: { readonly host?: string; readonly port?: number }): Promise<string>;
  /** Stops listening, then closes the database. */
  close(): Promise<void>;
  /** Empties every configured table (tests). */
  reset(): Promise<void>;
}

/**
 * Where this module runs from: the npm package's `dist/server.js` sits next to the worker bundles it serves
 * and has no demo app; in the repository, `src/server/` serves `dist/` and `public/`.
 */
const besideBundles = existsSync(fileURLToPath(new URL('tablesync-sw.js', import.meta.url)));
const repoPath = (relative: string): string => fileURLToPath(new URL(`../../${relative}`, import.meta.url));
const DEFAULT_DIST_DIR = besideBundles ? fileURLToPath(new URL('.', import.meta.url)) : repoPath('dist');
const DEFAULT_PUBLIC_DIR = besideBundles ? null : repoPath('public');

/** The directory of the embedded database's files, or null when the database is elsewhere. */
function dataDirOf(options: ServerOptions): string | null {
  return options.databaseUrl !== undefined || options.memory === true ? null : (options.dataDir ?? '.data');
}

/** Opens the database the options name: PostgreSQL, PGlite in memory, or PGlite on disk. */
async function openDatabase(options: ServerOptions): Promise<Database> {
  if (options.databaseUrl !== undefined) return createPgDatabase(options.databaseUrl, options.databaseSchema ?? null, options.databaseSettings);
  return createPgliteDatabase(dataDirOf(options));
}

/** Builds the reference table server (DESIGN.md §5): database opened, schema ensured, not yet listening. */
export async function createServer(options: ServerOptions = {}): Promise<TablesyncServer> {
  const auth = createAuthVerifier(options.auth);
  const tables = resolveTableConfig(options.tables ?? DEFAULT_TABLES, auth !== null);
  const db = await openDatabase(options);
  try {
    await ensureSchema(db, tables);
    const app = await createHttpApp({
      db,
      store: createRowStore(db),
      tables,
      auth,
      publicDir: options.publicDir === undefined ? DEFAULT_PUBLIC_DIR : options.publicDir,
      privateDirs: [dataDirOf(options)].filter((dir) => dir !== null),
      distDir: options.distDir ?? DEFAULT_DIST_DIR,
      bodyLimit: options.bodyLimit ?? 1024 * 1024,
      logger: options.logger === true ? (options.logLevel ?? 'info') : false,
      ...(options.corsOrigins !== undefined ? { corsOrigins: options.corsOrigins } : {}),
    });
    let closed: Promise<void> | null = null;
    return {
      app,
      async listen(at = {}) {
        const host = at.host ?? options.host ?? '127.0.0.1';
        await app.listen({ host, port: at.port ?? options.port ?? 8080 });
        const { port } = app.server.address() as AddressInfo;
        return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
      },
      close: () => (closed ??= app.close().then(() => db.close())),
      reset: () => truncateTables(db, tables),
    };
  } catch (error) {
    await db.close().catch(() => {});
    throw error;
  }
}
