/**
 * The genuine Azure Mobile Apps Node server (azure-sdk-server.cjs) in a child process, from the
 * install that scripts/azure-sdk-install.ts keeps in the user's cache (AZURE_SDK_DIR), plus the view of it from
 * Node that tests use to seed, edit and check rows (v2, the SDK's only dialect).
 *
 *     const sdk = await startAzureSdkServer({ sdkDir: inject('azureSdkDir'), staticDirs: [www, dist] });
 *     await sdk.reset();                       // between tests: every row deleted, no restart
 *     await sdk.stop();                        // in afterAll
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { azureSdkEnv } from '../../scripts/azure-sdk-install.js';

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'azure-sdk-server.cjs');
export const AZURE_TABLE = 'todoitem';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
/** A row as the SDK returns it. */
export type SdkRow = Record<string, Json>;

/** One answer of the SDK, body parsed when it is JSON. */
export interface SdkAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Json | undefined;
}

export interface AzureSdkServer {
  /** `http://127.0.0.1:<port>`: the SDK's tables, and the static directories at `/`. */
  readonly url: string;
  readonly pid: number;
  /** Deletes every row of `todoitem` (tombstones too) through the SDK's own SQLite connection. */
  reset(): Promise<void>;
  /** Inserts `count` live rows `s0001`… (text, done, rank) in one SQL statement, all with `updatedAt` = `at` (L-08). */
  seed(count: number, at: Date): Promise<void>;
  /** A v2 request straight to the SDK (ZUMO-API-VERSION 2.0.0; JSON body when given). */
  request(method: string, pathname: string, body?: unknown, headers?: Record<string, string>): Promise<SdkAnswer>;
  /** Inserts a row; throws unless 201. */
  insert(row: SdkRow): Promise<SdkRow>;
  /** Patches a row (no If-Match: it wins whatever the version); throws unless 200. */
  patch(id: string, fields: SdkRow): Promise<SdkRow>;
  /** Soft-deletes a row; throws unless 200. */
  remove(id: string): Promise<SdkRow>;
  /** Every row, tombstones included, by id. */
  all(): Promise<Map<string, SdkRow>>;
  /** Closes its stdin and waits for it to exit (SIGKILL after 10 s). */
  stop(): Promise<void>;
}

export interface AzureSdkServerOptions {
  /** The cached install (`inject('azureSdkDir')` in a browser test). */
  readonly sdkDir: string;
  /** Served at `/` before the SDK, first match wins. */
  readonly staticDirs?: readonly string[];
  readonly timeoutMs?: number;
}

/** Spawns the server and resolves once it printed its URL; rejects with its stderr if it exits first or takes too long. */
export function startAzureSdkServer(options: AzureSdkServerOptions): Promise<AzureSdkServer> {
  const { timeoutMs = 60_000 } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SCRIPT], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...azureSdkEnv(options.sdkDir), AMA_STATIC: (options.staticDirs ?? []).join(path.delimiter) },
    });
    let stdout = '';
    let stderr = '';
    let stopping = false;
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the Azure Mobile Apps server was not listening after ${timeoutMs} ms: ${stderr.trim()}`));
    }, timeoutMs);
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (!stopping) process.stderr.write(`the Azure Mobile Apps server exited (${signal ?? code}): ${stderr.trim()}\n`);
      reject(new Error(`the Azure Mobile Apps server exited with ${signal ?? code} before listening: ${stderr.trim()}`));
    });
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (line === undefined || child.pid === undefined) return;
      clearTimeout(timer);
      const { url } = JSON.parse(line) as { url: string };
      resolve(sdkView(url, child.pid, async () => {
        stopping = true;
        child.stdin.end();
        const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(killer);
      }));
    });
  });
}

const parseJson = (text: string): Json | undefined => {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as Json;
  } catch {
    return text;
  }
};

function sdkView(url: string, pid: number, stop: () => Promise<void>): AzureSdkServer {
  const request = async (method: string, pathname: string, body?: unknown, headers: Record<string, string> = {}): Promise<SdkAnswer> => {
    const response = await fetch(new URL(pathname, url), {
      method,
      headers: { 'zumo-api-version': '2.0.0', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, headers: Object.fromEntries(response.headers), body: parseJson(await response.text()) };
  };
  const must = (answer: SdkAnswer, status: number, what: string): SdkRow => {
    if (answer.status !== status) throw new Error(`${what}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body as SdkRow;
  };
  const item = (id: string): string => `/tables/${AZURE_TABLE}/${encodeURIComponent(id)}`;
  return {
    url,
    pid,
    stop,
    request,
    async reset() {
      const answer = await fetch(new URL('/__test/reset', url), { method: 'POST' });
      if (answer.status !== 204) throw new Error(`reset: HTTP ${answer.status} ${await answer.text()}`);
    },
    async seed(count, at) {
      const answer = await fetch(new URL(`/__test/seed?count=${count}&at=${encodeURIComponent(at.toISOString())}`, url), { method: 'POST' });
      if (answer.status !== 204) throw new Error(`seed: HTTP ${answer.status} ${await answer.text()}`);
    },
    insert: async (row) => must(await request('POST', `/tables/${AZURE_TABLE}`, row), 201, `insert ${String(row['id'])}`),
    patch: async (id, fields) => must(await request('PATCH', item(id), fields), 200, `patch ${id}`),
    remove: async (id) => must(await request('DELETE', item(id)), 200, `delete ${id}`),
    async all() {
      const rows = new Map<string, SdkRow>();
      for (let skip = 0; ; skip += 1000) {
        const answer = await request('GET', `/tables/${AZURE_TABLE}?__includeDeleted=true&$orderby=id&$top=1000&$skip=${skip}`);
        if (answer.status !== 200 || !Array.isArray(answer.body)) throw new Error(`list: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
        for (const row of answer.body as SdkRow[]) rows.set(String(row['id']), row);
        if (answer.body.length < 1000) return rows;
      }
    },
  };
}
