import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, test } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tablesync-start-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

// `npm start` is `tsx scripts/start.ts`: a fresh PGlite data dir, any free port, the demo from public/.
test('S-01: npm start serves the demo at /, answers /tables and /healthz, and stops cleanly on SIGTERM', async () => {
  const started = Date.now();
  const child = spawn(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'scripts/start.ts'], {
    cwd: root,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      output += c.toString();
      const m = /listening at (http:\/\/\S+)/.exec(output);
      if (m?.[1] !== undefined) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`start exited with ${String(code)}: ${output}`)));
  });
  const tables = await fetch(`${url}/tables/todoitem`);
  const firstAnswerMs = Date.now() - started;
  expect(tables.status).toBe(200);
  expect(await tables.json()).toEqual({ items: [] });
  expect(output.trim().split('\n').filter((line) => line.includes('listening'))).toHaveLength(1);
  expect((await fetch(`${url}/healthz`)).status).toBe(200);
  const home = await fetch(`${url}/`);
  expect(home.status).toBe(200);
  expect(home.headers.get('content-type')).toMatch(/text\/html/);
  for (const file of ['tablesync.js', 'tablesync-sw.js', 'tablesync-elements.js']) {
    const r = await fetch(`${url}/${file}`);
    expect([file, r.status]).toEqual([file, 200]);
    expect(r.headers.get('content-type')).toMatch(/javascript/);
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
  // The budget is 10 s on an idle machine (a fresh PGlite data dir costs 4 s of it); a shared,
  // loaded 2-core box gets slack here, and the figure is printed.
  expect(firstAnswerMs).toBeLessThan(30_000);
  console.log(`npm start → first /tables answer in ${firstAnswerMs} ms`);
}, 60_000);
