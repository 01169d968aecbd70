/**
 * The cached install of the genuine Azure Mobile Apps SDK (scripts/azure-sdk-install.ts), proven on a
 * tiny manifest with no dependencies (`npm ci` in about a second, nothing fetched): concurrent first
 * uses from two processes install once, a lock left by a dead process is taken over, and a manifest
 * that cannot install or a module that does not load fails with one line, leaving nothing behind.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { AzureSdkInstallError, azureSdkDir, ensureAzureSdk } from '../../../scripts/azure-sdk-install.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const INSTALLER = path.join(ROOT, 'scripts', 'azure-sdk-install.ts');
const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const tempDir = (prefix: string): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(dir);
  return dir;
};

/** A manifest folder: package.json and a matching lockfile with `dependencies`. */
function manifest(dependencies: Record<string, string> = {}, marker = ''): string {
  const dir = tempDir('ama-manifest-');
  const pkg = { name: 'tiny-baseline', version: '1.0.0', private: true, description: marker, dependencies };
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg));
  const lock = { name: pkg.name, version: pkg.version, lockfileVersion: 3, requires: true, packages: { '': { name: pkg.name, version: pkg.version, dependencies } } };
  fs.writeFileSync(path.join(dir, 'package-lock.json'), JSON.stringify(lock));
  return dir;
}

const leftovers = (cacheHome: string): string[] =>
  fs.existsSync(path.join(cacheHome, 'tablesync')) ? fs.readdirSync(path.join(cacheHome, 'tablesync')).filter((f) => /\.(lock|tmp-\d+)$/.test(f)) : [];

/** ensureAzureSdk in a process of its own: its log so far, and its outcome (stdout: the directory). */
interface Child {
  readonly log: () => string;
  readonly done: Promise<{ code: number | null; dir: string; log: string }>;
}

function ensureInChild(cacheHome: string, manifestDir: string): Child {
  const code = `import(${JSON.stringify(INSTALLER)}).then(async (m) => process.stdout.write(await m.ensureAzureSdk({ cacheHome: ${JSON.stringify(cacheHome)}, manifestDir: ${JSON.stringify(manifestDir)}, modules: [] })))`;
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', code], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
  return { log: () => err, done: new Promise((resolve) => child.on('exit', (exitCode) => resolve({ code: exitCode, dir: out.trim(), log: err }))) };
}

async function until(predicate: () => boolean, what: string): Promise<void> {
  for (const deadline = Date.now() + 60_000; !predicate(); await new Promise((r) => setTimeout(r, 25)))
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
}

// Each test runs npm ci (about a second when quiet); the shared machine can make that many times longer.
describe('azure-sdk-install', { timeout: 60_000 }, () => {
  test('two processes installing at once: one installs, the other waits for it, both get the same complete copy, nothing is left behind', async () => {
    const cacheHome = tempDir('ama-cache-');
    const manifestDir = manifest({}, 'concurrent');
    const dir = azureSdkDir({ cacheHome, manifestDir });
    // A live holder (this process) keeps both waiting, so they contend for the lock when it goes.
    fs.mkdirSync(`${dir}.lock`, { recursive: true });
    fs.writeFileSync(path.join(`${dir}.lock`, 'pid'), String(process.pid));
    const children = [ensureInChild(cacheHome, manifestDir), ensureInChild(cacheHome, manifestDir)];
    await until(() => children.every((c) => c.log().includes('waiting for another process')), 'both to wait on the lock');
    fs.rmSync(`${dir}.lock`, { recursive: true });
    const [a, b] = await Promise.all(children.map((c) => c.done));
    expect([a!.code, b!.code], `${a!.log}\n${b!.log}`).toEqual([0, 0]);
    expect([a!.dir, b!.dir]).toEqual([dir, dir]);
    expect(`${a!.log}${b!.log}`.match(/^installing /gm)).toHaveLength(1);
    expect(fs.existsSync(path.join(dir, 'package-lock.json'))).toBe(true);
    expect(leftovers(cacheHome)).toEqual([]);
    // A later use finds it and installs nothing.
    const logs: string[] = [];
    expect(await ensureAzureSdk({ cacheHome, manifestDir, modules: [], log: (t) => logs.push(t) })).toBe(dir);
    expect(logs).toEqual([]);
  }, 120_000); // two tsx processes and an npm ci: about 2 s on a quiet machine, far more on a shared busy one

  test('the cache lives outside the checkout, keyed by the lockfile', () => {
    const cacheHome = tempDir('ama-cache-');
    const one = azureSdkDir({ cacheHome, manifestDir: manifest({}, 'one') });
    const other = azureSdkDir({ cacheHome, manifestDir: manifest({ x: '1.0.0' }, 'other') });
    expect(path.dirname(one)).toBe(path.join(cacheHome, 'tablesync'));
    expect(one).not.toBe(other);
    expect(azureSdkDir().startsWith(ROOT + path.sep)).toBe(false);
  });

  test('a lock left by a process that died is taken over', async () => {
    const cacheHome = tempDir('ama-cache-');
    const manifestDir = manifest({}, 'stale');
    const dir = azureSdkDir({ cacheHome, manifestDir });
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    fs.mkdirSync(`${dir}.lock`, { recursive: true });
    fs.writeFileSync(path.join(`${dir}.lock`, 'pid'), dead.stdout);
    expect(await ensureAzureSdk({ cacheHome, manifestDir, modules: [], log: () => undefined })).toBe(dir);
    expect(leftovers(cacheHome)).toEqual([]);
  });

  test('a manifest that cannot install fails with one line naming it, and leaves nothing behind', async () => {
    const cacheHome = tempDir('ama-cache-');
    const manifestDir = manifest({ missing: 'file:./does-not-exist' }, 'broken');
    const failure = await ensureAzureSdk({ cacheHome, manifestDir, modules: [], log: () => undefined }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(AzureSdkInstallError);
    expect((failure as Error).message).toContain(manifestDir);
    expect((failure as Error).message).not.toContain('\n');
    expect(fs.existsSync(azureSdkDir({ cacheHome, manifestDir }))).toBe(false);
    expect(leftovers(cacheHome)).toEqual([]);
  });

  test('an install whose modules do not load fails with one line and is not kept', async () => {
    const cacheHome = tempDir('ama-cache-');
    const manifestDir = manifest({}, 'unloadable');
    const failure = await ensureAzureSdk({ cacheHome, manifestDir, modules: ['no-such-module-anywhere'], log: () => undefined }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(AzureSdkInstallError);
    expect((failure as Error).message).toMatch(/does not load: .*no-such-module-anywhere/);
    expect((failure as Error).message).not.toContain('\n');
    expect(fs.existsSync(azureSdkDir({ cacheHome, manifestDir }))).toBe(false);
    expect(leftovers(cacheHome)).toEqual([]);
  });
});
