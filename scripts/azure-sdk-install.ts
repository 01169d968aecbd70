/**
 * The genuine Azure Mobile Apps Node SDK (npm `azure-mobile-apps` 4.0.2 with express and sqlite3),
 * installed once per machine into a cache OUTSIDE the checkout, from bench/baseline's manifest and
 * lockfile. The browser suite (test/browser/azure-*.test.ts) and the benchmarks share that one copy;
 * it is never a dependency of ours and never part of `npm ci`.
 *
 * Where: `${XDG_CACHE_HOME:-~/.cache}/tablesync/azure-sdk-<hash>`, the hash covering the lockfile
 * and the Node ABI (sqlite3 is a native addon), so a changed lockfile or Node gets a fresh install.
 * sqlite3 builds from the source in its npm tarball (`npm_config_build_from_source`, about 3 minutes
 * on 2 cores, only the first time), against the headers of the running Node, so nothing is
 * downloaded from outside the npm registry.
 *
 * Concurrent first uses (two vitest runs, a bench): one process holds `<dir>.lock` (made by an
 * atomic `mkdir`, holding its pid) while it installs into `<dir>.tmp-<pid>`, then renames that to
 * `<dir>` (atomic on one file system); the others wait for the lock, then find the finished copy.
 * A lock whose holder died is taken over.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The checked-in manifest and lockfile the cache is installed from. */
export const AZURE_SDK_MANIFEST_DIR = path.join(root, 'bench', 'baseline');

const INSTALL_TIMEOUT_MS = 15 * 60_000;
const COMPLETE_MARK = '.tablesync-complete';

/** Thrown when the SDK cannot be installed or loaded; its message is one line. */
export class AzureSdkInstallError extends Error {
  constructor(message: string) {
    super(message.replace(/\s*\n\s*/g, ' | '));
    this.name = 'AzureSdkInstallError';
  }
}

/** Where and what to install; the defaults are the real SDK (tests of the installer pass a tiny manifest). */
export interface AzureSdkInstallOptions {
  /** Default `$XDG_CACHE_HOME`, else `~/.cache`. */
  readonly cacheHome?: string;
  /** The folder holding package.json and package-lock.json; default bench/baseline. */
  readonly manifestDir?: string;
  /** Modules a child process must be able to `require` from the install; default the SDK's three. */
  readonly modules?: readonly string[];
  readonly log?: (text: string) => void;
}

const defaultCacheHome = (): string => process.env['XDG_CACHE_HOME'] || path.join(os.homedir(), '.cache');

/** The cache directory for the manifest's lockfile and the running Node's ABI (it may not exist yet). */
export function azureSdkDir(options: Pick<AzureSdkInstallOptions, 'cacheHome' | 'manifestDir'> = {}): string {
  const hash = createHash('sha256')
    .update(fs.readFileSync(path.join(options.manifestDir ?? AZURE_SDK_MANIFEST_DIR, 'package-lock.json')))
    .update(`\0${process.versions.modules}\0${process.platform}\0${process.arch}`)
    .digest('hex')
    .slice(0, 16);
  return path.join(options.cacheHome ?? defaultCacheHome(), 'tablesync', `azure-sdk-${hash}`);
}

/**
 * The environment of a child process that loads the SDK from the cache: its scripts take
 * `require = createRequire(path.join(process.env.AZURE_SDK_DIR, 'package.json'))`, so nothing
 * resolves from the checkout's own node_modules (NODE_PATH would come after those).
 */
export const azureSdkEnv = (dir: string): Readonly<Record<string, string>> => ({ AZURE_SDK_DIR: dir });

const isComplete = (dir: string): boolean => fs.existsSync(path.join(dir, COMPLETE_MARK));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Takes `<dir>.lock`, waiting while a live process holds it; false when `dir` got completed meanwhile. */
async function acquireLock(dir: string, log: (text: string) => void): Promise<boolean> {
  const lock = `${dir}.lock`;
  const deadline = Date.now() + INSTALL_TIMEOUT_MS;
  let announced = false;
  for (;;) {
    if (isComplete(dir)) return false;
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let holder = Number.NaN;
    try {
      holder = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8'));
    } catch {
      // the holder made the directory and has not written its pid yet
    }
    if (Number.isInteger(holder) && holder > 0 && !alive(holder)) {
      fs.rmSync(lock, { recursive: true, force: true });
      continue;
    }
    if (!announced) log(`waiting for another process (pid ${holder}) installing the Azure Mobile Apps SDK into ${dir}…`);
    announced = true;
    if (Date.now() > deadline) throw new AzureSdkInstallError(`timed out waiting for ${lock} (pid ${holder})`);
    await sleep(250);
  }
}

/** The Node headers of the running Node, so node-gyp never downloads them. */
function nodeDir(): Record<string, string> {
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  return fs.existsSync(path.join(prefix, 'include', 'node', 'node_api.h')) ? { npm_config_nodedir: prefix } : {};
}

const SDK_MODULES = ['sqlite3', 'azure-mobile-apps', 'express'];

/** Loads `modules` in a child process; null when they load, else why not. */
function probe(dir: string, modules: readonly string[]): string | null {
  const script = `for (const m of ${JSON.stringify(modules)}) { try { require(m); } catch (e) { console.error(String(e && e.message).split('\\n')[0]); process.exit(1); } }`;
  const run = spawnSync(process.execPath, ['-e', script], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return run.status === 0 ? null : `${run.stderr}`.trim().split('\n').slice(0, 3).join(' | ') || `exit ${run.status ?? run.signal}`;
}

function install(dir: string, manifestDir: string, modules: readonly string[], log: (text: string) => void): void {
  const tmp = `${dir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  for (const file of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(manifestDir, file), path.join(tmp, file));
  log(`installing the Azure Mobile Apps SDK into ${dir} (once; sqlite3 builds from source, about 3 min on 2 cores)…`);
  const started = Date.now();
  const run = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: tmp,
    env: { ...process.env, ...nodeDir(), npm_config_build_from_source: 'true', npm_config_foreground_scripts: 'false' },
    encoding: 'utf8',
    timeout: INSTALL_TIMEOUT_MS,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) {
    fs.rmSync(tmp, { recursive: true, force: true });
    const tail = `${run.stderr}`.trim().split('\n').filter(Boolean).slice(-4).join(' | ');
    throw new AzureSdkInstallError(`npm ci of ${manifestDir} into ${tmp} failed (${run.status ?? run.signal ?? run.error?.message}): ${tail}`);
  }
  const why = probe(tmp, modules);
  if (why !== null) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw new AzureSdkInstallError(`the Azure Mobile Apps SDK installed in ${tmp} does not load: ${why}`);
  }
  fs.writeFileSync(path.join(tmp, COMPLETE_MARK), `${new Date().toISOString()}\n`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(tmp, dir);
  log(`installed the Azure Mobile Apps SDK in ${Math.round((Date.now() - started) / 1000)} s`);
}

/**
 * The cache directory holding a loadable install, installing it first when missing; throws an
 * `AzureSdkInstallError` (one line) when it cannot.
 */
export async function ensureAzureSdk(options: AzureSdkInstallOptions = {}): Promise<string> {
  const { manifestDir = AZURE_SDK_MANIFEST_DIR, modules = SDK_MODULES, log = (text: string) => process.stderr.write(`${text}\n`) } = options;
  let dir: string;
  try {
    dir = azureSdkDir(options);
  } catch (error) {
    throw new AzureSdkInstallError(`cannot read the Azure Mobile Apps SDK's lockfile in ${manifestDir}: ${String(error)}`);
  }
  if (!isComplete(dir)) {
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    if (await acquireLock(dir, log)) {
      try {
        if (!isComplete(dir)) install(dir, manifestDir, modules, log);
      } finally {
        fs.rmSync(`${dir}.lock`, { recursive: true, force: true });
      }
    }
  }
  const why = probe(dir, modules);
  if (why !== null) throw new AzureSdkInstallError(`the Azure Mobile Apps SDK in ${dir} does not load (delete that folder to reinstall): ${why}`);
  return dir;
}
