// `npm start`: builds the drop-in scripts if dist/ lacks them, then serves the demo app and /tables on PGlite (or DATABASE_URL).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, type ServerOptions, type TableConfigInput } from '../src/server/start-server.js';

const root = path.resolve(import.meta.dirname, '..');
const env = process.env;

async function buildIfNeeded(): Promise<void> {
  const dist = path.join(root, 'dist');
  if (['tablesync.js', 'tablesync-sw.js', 'tablesync-elements.js'].every((file) => existsSync(path.join(dist, file)))) return;
  if (!existsSync(path.join(root, 'scripts', 'build.ts'))) {
    console.error('dist/ has no tablesync.js and scripts/build.ts is missing: serving without the drop-in scripts');
    return;
  }
  const specifier = './build.js'; // a variable, so this file compiles before build.ts exists
  const build = (await import(specifier)) as { buildAll?: () => Promise<void> };
  await build.buildAll?.();
}

function readTables(): readonly TableConfigInput[] {
  const file = path.resolve(root, env['TABLES_CONFIG'] ?? 'tables.config.json');
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { tables?: TableConfigInput[] };
  if (!Array.isArray(parsed.tables)) throw new Error(`${file}: expected {"tables": [...]}`);
  return parsed.tables;
}

function authFromEnv(): ServerOptions['auth'] {
  const auth = {
    ...(env['AUTH_SECRET'] ? { secret: env['AUTH_SECRET'] } : {}),
    ...(env['AUTH_JWKS_URL'] ? { jwksUrl: env['AUTH_JWKS_URL'] } : {}),
    ...(env['AUTH_ISSUER'] ? { issuer: env['AUTH_ISSUER'] } : {}),
    ...(env['AUTH_AUDIENCE'] ? { audience: env['AUTH_AUDIENCE'] } : {}),
  };
  return Object.keys(auth).length === 0 ? undefined : auth;
}

const auth = authFromEnv();
// The build (on a fresh clone) and the database start overlap: they take the two cores' worth of a cold start.
const build = buildIfNeeded().catch((error: unknown) => {
  console.error('building dist/ failed; /tablesync.js, /tablesync-sw.js and /tablesync-elements.js will 404 until `npm run build`:', error);
});
const server = await startServer({
  host: env['HOST'] ?? '127.0.0.1',
  port: env['PORT'] !== undefined ? Number(env['PORT']) : 8080,
  ...(env['DATABASE_URL'] ? { databaseUrl: env['DATABASE_URL'] } : { dataDir: path.resolve(env['DATA_DIR'] ?? path.join(root, '.data')) }),
  publicDir: path.resolve(env['PUBLIC_DIR'] ?? path.join(root, 'public')),
  distDir: path.join(root, 'dist'),
  tables: readTables(),
  ...(auth !== undefined ? { auth } : {}),
  ...(env['BODY_LIMIT'] ? { bodyLimit: Number(env['BODY_LIMIT']) } : {}),
  ...(env['CORS_ORIGINS'] ? { corsOrigins: env['CORS_ORIGINS'].split(',').map((o) => o.trim()) } : {}),
  ...(env['CHANGE_FEED'] === 'off' ? { changeFeed: false as const } : {}),
  // Errors always reach the log; LOG_LEVEL=info adds a line per request.
  logger: true,
  logLevel: (env['LOG_LEVEL'] as ServerOptions['logLevel']) ?? 'error',
});
await build;
console.log(`tablesync server listening at ${server.url} (${env['DATABASE_URL'] ? 'PostgreSQL' : `PGlite in ${env['DATA_DIR'] ?? '.data/'}`})`);

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  server.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
