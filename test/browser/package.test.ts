/**
 * Issue 12 item 4: the package as users get it. `npm pack` makes the tarball; it is installed into a
 * scratch app in a temp dir (unpacked into node_modules/tablesync next to the dependencies its
 * package.json declares, linked from this repository's node_modules, so no registry is needed and an
 * undeclared dependency fails to resolve); the app is typechecked against the shipped types, built
 * with Vite, served by the packaged `tablesync/server`, and run in Chromium: a write offline, then
 * replayed to the server.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { emitTypes } from '../../scripts/build.js';
import type { SyncClient } from '../../src/client/index.js';
import { assertPostgresReachable, dropSchema, TEST_DATABASE_URL, uniqueSchema } from '../server/support/databases.js';
import { collectLogs, launchBrowser, swDevtools, waitFor } from '../support/browser.js';

declare global {
  interface Window {
    /** The scratch app's client (its main.ts). */
    sync?: SyncClient;
  }
}

const repo = path.resolve(import.meta.dirname, '../..');
const manifest = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };

interface PackResult {
  readonly filename: string;
  readonly files: readonly { readonly path: string }[];
}

let scratch: string;
let packed: PackResult;
let server: ChildProcess | null = null;
const schema = uniqueSchema('package');

/** Whether dist/types is newer than every source file (a previous run or `npm run build` emitted it). */
function typesAreFresh(): boolean {
  const marker = path.join(repo, 'dist/types/src/server/index.d.ts');
  if (!fs.existsSync(marker)) return false;
  const sources = ['src', 'sw'].flatMap((dir) =>
    fs.readdirSync(path.join(repo, dir), { recursive: true }).map((file) => path.join(repo, dir, String(file))).filter((file) => file.endsWith('.ts')),
  );
  const built = fs.statSync(marker).mtimeMs;
  return sources.every((file) => fs.statSync(file).mtimeMs < built);
}

/** Runs a command to completion; its output is in the error when it fails. */
function run(command: string, args: readonly string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** Links a package of this repository's node_modules into the scratch app's. */
function linkDependency(name: string): void {
  const target = path.join(scratch, 'node_modules', name);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.symlinkSync(path.join(repo, 'node_modules', name), target, 'dir');
}

const APP_FILES: Readonly<Record<string, string>> = {
  'package.json': JSON.stringify({ name: 'scratch-app', private: true, type: 'module' }),
  'index.html': '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>scratch</title><script type="module" src="/main.ts"></script></head><body></body></html>',
  'main.ts': [
    "import { registerSync, type SyncClient } from 'tablesync';",
    'declare global { interface Window { sync?: SyncClient } }',
    "window.sync = await registerSync({ tables: ['todoitem'] });",
  ].join('\n'),
  // Typechecked only: every typed export resolves to real types.
  'check.ts': [
    "import { createServer, startServer, type TablesyncServer, type RunningServer } from 'tablesync/server';",
    "import { installTablesync, type TablesyncWorkerOptions } from 'tablesync/sw';",
    "import { defineTablesyncElements } from 'tablesync/elements';",
    "import type { SyncStatus } from 'tablesync';",
    "const options: TablesyncWorkerOptions = { tables: ['todoitem'], policy: 'hold' };",
    '// @ts-expect-error tables are names',
    'installTablesync({ tables: [1] });',
    'export async function check(): Promise<void> {',
    "  const server: TablesyncServer = await createServer({ memory: true, publicDir: 'dist' });",
    '  const url: string = await server.listen({ port: 0 });',
    '  const running: RunningServer = await startServer({ port: 0 });',
    '  const status: SyncStatus | null = null;',
    '  console.log(url, running.url, status, options, defineTablesyncElements);',
    '}',
  ].join('\n'),
  'tsconfig.json': JSON.stringify({
    compilerOptions: {
      target: 'ES2022',
      module: 'ESNext',
      moduleResolution: 'Bundler',
      lib: ['ES2022', 'DOM', 'DOM.Iterable'],
      types: ['node'],
      strict: true,
      noEmit: true,
      skipLibCheck: true,
    },
    include: ['main.ts', 'check.ts'],
  }),
  // The app's server: the packaged reference server serving the built app, on the suite's PostgreSQL.
  'serve.mjs': [
    "import { createServer } from 'tablesync/server';",
    "const [databaseUrl, databaseSchema] = process.argv.slice(2);",
    "const server = await createServer({ databaseUrl, databaseSchema, publicDir: new URL('dist', import.meta.url).pathname });",
    'console.log(`listening ${await server.listen({ port: 0 })}`);',
    "process.on('SIGTERM', () => server.close().then(() => process.exit(0)));",
  ].join('\n'),
};

beforeAll(async () => {
  await assertPostgresReachable();
  // The bundles come from the browser suite's globalSetup; the declarations are built here unless fresh (`npm run build` does both).
  if (!typesAreFresh()) emitTypes(path.join(repo, 'dist'));
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tablesync-package-'));
  const [result] = JSON.parse(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', scratch], repo)) as PackResult[];
  packed = result!;
  for (const [file, text] of Object.entries(APP_FILES)) fs.writeFileSync(path.join(scratch, file), text);
  const installed = path.join(scratch, 'node_modules', 'tablesync');
  fs.mkdirSync(installed, { recursive: true });
  run('tar', ['xzf', path.join(scratch, packed.filename), '-C', installed, '--strip-components=1'], scratch);
  for (const name of Object.keys(manifest.dependencies)) linkDependency(name);
  linkDependency('@types/node'); // the app's own dev dependency, for its server code's types
  // The declaration emit typechecks three projects: a few seconds idle, minutes on an overloaded machine.
}, 240_000);

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server!.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  await dropSchema(schema);
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
});

describe('the packed package', () => {
  test('ships the built bundles, the server and their types, and no sources or tests', () => {
    const files = packed.files.map((file) => file.path).sort();
    expect(files.filter((file) => !(file === 'package.json' || file === 'README.md' || file.startsWith('dist/')))).toEqual([]);
    expect(files.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))).toEqual([]);
    expect(files.filter((file) => /(^|\/)(test|bench|scripts)\//.test(file))).toEqual([]);
    const exports = (JSON.parse(fs.readFileSync(path.join(scratch, 'node_modules/tablesync/package.json'), 'utf8')) as { exports: Record<string, unknown> }).exports;
    const targets = Object.values(exports).flatMap((target) => (typeof target === 'string' ? [target] : Object.values(target as Record<string, string>)));
    for (const target of targets) expect(files, `export target ${target}`).toContain(target.replace(/^\.\//, ''));
    expect(Object.keys(exports).sort()).toEqual(['.', './elements', './package.json', './script', './server', './sw', './sw/classic']);
  });

  // Over 5 s: a typecheck, a Vite build, a PGlite start and a browser, each a second or more (120 s under load).
  test('a Vite app using it typechecks, builds, is served by tablesync/server, and syncs an offline write in Chromium', { timeout: 120_000 }, async () => {
    const t0 = Date.now();
    run(path.join(repo, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], scratch);
    const t1 = Date.now();
    await build({ configFile: false, root: scratch, logLevel: 'warn', build: { outDir: 'dist', target: 'es2022' } });
    expect(fs.existsSync(path.join(scratch, 'dist/index.html'))).toBe(true);

    const t2 = Date.now();
    const child = spawn(process.execPath, ['serve.mjs', TEST_DATABASE_URL, schema], { cwd: scratch, stdio: ['ignore', 'pipe', 'pipe'] });
    server = child;
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const origin = await waitFor(() => /listening (\S+)/.exec(output)?.[1], { timeoutMs: 30_000, stepMs: 50, message: `the packaged server to listen (${output})` });

    console.log(`typecheck ${t1 - t0} ms, build ${t2 - t1} ms, server ${Date.now() - t2} ms`);
    const browser = await launchBrowser();
    try {
      const context = await browser.newContext();
      const page = await context.newPage();
      const sw = await swDevtools(context, page);
      const logs = collectLogs(context);
      try {
        await page.goto(`${origin}/`);
        await page.waitForFunction(() => window.sync !== undefined, null, { timeout: 15_000 });
        await context.setOffline(true);
        const written = await page.evaluate(async () => {
          const response = await fetch('/tables/todoitem', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 'packed-1', text: 'from the packed app' }) });
          return { status: response.status, via: response.headers.get('x-tablesync') };
        });
        expect(written).toEqual({ status: 201, via: 'local' });
        expect(await page.evaluate(() => window.sync!.pendingOperations().then((ops) => ops.length))).toBe(1);
        await context.setOffline(false);
        await sw.dispatchSync(origin);
        const row = await waitFor(
          async () => {
            const response = await fetch(`${origin}/tables/todoitem/packed-1`);
            return response.ok ? ((await response.json()) as { text: string }) : null;
          },
          { timeoutMs: 10_000, message: 'the offline write on the packaged server' },
        );
        expect(row.text).toBe('from the packed app');
        expect(await page.evaluate(() => window.sync!.pendingOperations().then((ops) => ops.length))).toBe(0);
        expect([...sw.errors]).toEqual([]);
      } catch (error) {
        console.log([...logs, output].join('\n'));
        throw error;
      }
    } finally {
      await browser.close();
    }
  });
});
