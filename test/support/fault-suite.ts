/**
 * The seeded fault suite (issue 11 item 1). Each run makes random writes (insert, update, delete;
 * three tables; a few items, some written again) from a plain-fetch page through the real worker in
 * headless Chromium, against the reference server behind a fault proxy, and injects faults at random
 * points: the network cut, the server's answer lost after it committed, 5xx, answers slower than
 * `writeTimeoutMs`, connection resets, the worker stopped (CDP) before, during or after a push step,
 * the browser killed (SIGKILL) and relaunched on its profile mid-write and mid-push, a token that
 * expires in the middle of the queue (the page refreshes it through `setAuth`), and the storage quota
 * exhausted (CDP, set below the origin's use as the browser relaunches) during a write and during a pull;
 * a quota fault must bite, so a Chromium that stops honouring the override fails the suite. Then it heals everything, waits until the op-log
 * is empty, and judges the server's rows against what the app was told (fault-model.ts).
 *
 * One answer is the browser's, not the worker's: when an answer is lost on a reused connection, Chromium resends
 * the request itself and the worker gets the resend's answer. A write refused on that resend (a token that expired
 * in between) may still have landed with the first copy, exactly as it would without the worker
 * (browser-resend.test.ts shows both). Such a write counts as unknown, and the line reports how many there were.
 * A resend answered otherwise (409, 412) is the worker's to recognise, and is judged as any answer.
 *
 * One browser, worker and server serve every run; a run uses fresh ids, and afterwards the tables
 * are emptied on both sides. Only runs that draw a kill relaunch the browser. Run i uses seed
 * `seed + i`, so `FAULT_SEED=<that> FAULT_RUNS=1` replays it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startServer } from '../../src/server/start-server.js';
import { CHROMIUM_ARGS, collectLogs, swDevtools, waitFor, type SwDevtools } from './browser.js';
import { startFaultProxy, type BrowserResend, type Fault, type FaultProxy, type ProxiedRequest } from './fault-proxy.js';
import { judge, type Outcome, type ServerRow, type WriteRecord } from './fault-model.js';

const WWW = path.join(path.dirname(fileURLToPath(import.meta.url)), '../browser/fixtures/faults/www');
export const FAULT_TABLES = ['fa', 'fb', 'fc'] as const;
/** The page's `data-write-timeout-ms`. */
const WRITE_TIMEOUT_MS = 300;
/** Runs between two purges of the page's tables and truncations of the server's. */
const RESET_EVERY = 20;
/** The origin's quota while its storage is full (bytes): nothing fits, yet the app has all it needs to start. */
const FULL_QUOTA = 1;
/** How long the origin's IndexedDB may stay open after its last connection closed (Chromium: about 2 s). */
const IDB_CLOSE_MS = 2500;
/** Longest a page call may take before the run counts it as hung. */
const CALL_LIMIT_MS = 15_000;

export const FAULT_KINDS = [
  'cut',
  'lose-answer',
  '5xx',
  'slow',
  'reset',
  'stop-idle',
  'stop-before-send',
  'stop-after-commit',
  'stop-after-answer',
  'kill-mid-write',
  'kill-at-server',
  'token-expiry',
  'quota-write',
  'quota-pull',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultSuiteOptions {
  readonly runs: number;
  readonly seed: number;
  /** The server's database: a PostgreSQL URL (a schema of its own per suite), or PGlite in memory. */
  readonly databaseUrl?: string;
  readonly databaseSchema?: string;
  /** Where the built bundles are; default the repository's dist/. */
  readonly distDir?: string;
  readonly log?: (line: string) => void;
  /** The fault kinds drawn from; default all (a narrower set chases one kind). */
  readonly kinds?: readonly FaultKind[];
}

export interface RunReport {
  readonly seed: number;
  readonly faults: readonly FaultKind[];
  readonly lost: number;
  readonly duplicated: number;
  readonly stray: number;
  /** Quota faults that bit (a write got 507 `storage_full`, a pull failed with it); a fault that did not, or whose heal did not work, is a problem that fails the run. */
  readonly quotaBit: number;
  readonly quotaProblems: number;
  /** Writes refused on the browser's own resend of a request whose answer was lost, judged as unknown. */
  readonly browserResends: number;
  /** 1 when the run could not go on (a call or relaunch failed outside any fault's expectations): it fails. */
  readonly stopped: number;
  readonly details: readonly string[];
}

export interface FaultSuiteResult {
  readonly runs: number;
  readonly faults: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly stray: number;
  /** Quota faults drawn, and those that bit: every one must (otherwise the run fails). */
  readonly quotaFaults: number;
  readonly quotaBit: number;
  readonly browserResends: number;
  /** Runs that could not go on: each is among `failed`. */
  readonly stopped: number;
  readonly failed: readonly RunReport[];
  readonly byKind: Readonly<Record<string, number>>;
  /** Statuses the app got, by status (how often faults reached it). */
  readonly answers: Readonly<Record<string, number>>;
  readonly relaunches: number;
}

/** The one line the suite prints. */
export const summaryLine = (r: FaultSuiteResult): string =>
  `faults: ${r.runs} runs, ${r.faults} faults, lost ${r.lost}, duplicated ${r.duplicated}, stray ${r.stray}; quota faults bit ${r.quotaBit} of ${r.quotaFaults}; writes refused on the browser's own resend ${r.browserResends}${r.stopped > 0 ? `; runs stopped by an error ${r.stopped}` : ''}`;

/** mulberry32: small, fast and the same everywhere. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The app's token of a generation, as faults-app.js makes it: one identity (iss|sub), new credentials each time. */
function tokenOf(generation: number): string {
  const b64 = (v: object): string => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iss: 'faults', sub: 'user', gen: generation })}.x`;
}

/** Milliseconds spent per phase, summed over runs (FAULT_TIMING=1 prints them). */
export const phases: Record<string, number> = {};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

interface Answer {
  readonly status: number;
  readonly via: string | null;
  readonly body: unknown;
}

interface AppWindow {
  app: {
    insert(table: string, row: object): Promise<Answer>;
    replace(table: string, id: string, row: object): Promise<Answer>;
    remove(table: string, id: string): Promise<Answer>;
    list(table: string): Promise<Answer>;
    refresh(generation: number): Promise<void>;
  };
  tablesync: {
    push(): Promise<unknown>;
    refresh(tables?: string[]): Promise<void>;
    purge(o: { table: string; force?: boolean }): Promise<unknown>;
    pull(o: { table: string; push?: boolean }): Promise<unknown>;
    pendingOperations(): Promise<{ table: string; itemId: string; kind: string; state: string; blockedReason: string | null; attempts: number; lastStatus: number | null }[]>;
    conflicts(): Promise<{ table: string; itemId: string; opKind: string; reason: string; status: number }[]>;
    status(): Promise<{ pushing: boolean; pulling: boolean; blockedReason: string | null }>;
  };
}

/** Processes of process group `group` that still run (a killed one stays a zombie until reaped: not counted). */
function liveProcessesOfGroup(group: number): number {
  let live = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // /proc/<pid>/stat: "pid (comm) state ppid pgrp ..."; comm may hold spaces, so fields are read after its ')'.
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === group && state !== 'Z') live++;
    } catch {
      // Gone meanwhile.
    }
  }
  return live;
}

/** Chromium started by hand on one profile, so a run can SIGKILL it and start it again (TESTING.md §5). */
class BrowserHost {
  private process: ChildProcess | null = null;
  private browser: Browser | null = null;
  context!: BrowserContext;
  page!: Page;
  devtools!: SwDevtools;
  dead = true;
  relaunches = 0;
  /** The token generation the server (the proxy) accepts, and the one the app holds (kept across a relaunch, as an app stores its token). */
  serverGeneration = 0;
  appGeneration = 0;
  /** Whether a quota override is in force. */
  private quotaOverridden = false;
  // On tmpfs where there is one: a SIGKILL loses nothing a process wrote there (only power loss would), and
  // IndexedDB's strict commits cost no disk flush, which makes most of a run's time on a disk.
  private readonly profile = fs.mkdtempSync(path.join(fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(), 'tablesync-faults-'));

  private readonly origin: string;

  constructor(origin: string) {
    this.origin = origin;
  }

  /** With `quota`, the origin's quota is set before the page's first navigation (see `relaunchWithQuota`). */
  async launch(quota?: number): Promise<void> {
    const child = spawn(process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium', [...CHROMIUM_ARGS, `--user-data-dir=${this.profile}`, '--remote-debugging-port=0', 'about:blank'], {
      stdio: ['ignore', 'ignore', 'pipe'],
      // A process group of its own, so that `close` can end the helpers a killed browser leaves for a moment.
      detached: true,
    });
    this.process = child;
    const endpoint = await within(
      new Promise<string>((resolve, reject) => {
        let text = '';
        child.stderr!.on('data', (chunk: Buffer) => {
          text += chunk.toString('utf8');
          const match = /DevTools listening on (ws:\/\/\S+)/.exec(text);
          if (match?.[1]) resolve(match[1]);
        });
        child.on('exit', (code) => reject(new Error(`chromium exited (${String(code)}): ${text}`)));
      }),
      20_000,
      'chromium start',
    );
    child.stderr!.resume();
    this.browser = await chromium.connectOverCDP(endpoint);
    this.context = this.browser.contexts()[0]!;
    this.page = this.context.pages()[0] ?? (await this.context.newPage());
    this.devtools = await swDevtools(this.context, this.page);
    const logs = collectLogs(this.context);
    if (quota !== undefined) {
      await this.devtools.cdp.send('Storage.overrideQuotaForOrigin', { origin: this.origin, quotaSize: quota });
      this.quotaOverridden = true;
      await this.closeEarlyWorker();
    }
    await this.page.goto(`${this.origin}/index.html?gen=${this.appGeneration}`);
    await this.page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { polling: 25, timeout: 15_000 });
    await within(this.page.evaluate(() => (window as unknown as { tablesync: { ready: Promise<unknown> } }).tablesync.ready.then(() => undefined)), CALL_LIMIT_MS, `tablesync.ready${quota === undefined ? '' : ' (storage full)'}`).catch((error: unknown) => {
      throw new Error(`${String(error)}; workers ${this.devtools.statuses().join(', ')}; errors: ${[...this.devtools.errors].join(' | ')}; console: ${logs.slice(-30).join(' | ')}`);
    });
    this.dead = false;
  }

  /**
   * Chromium may start the worker before anyone attaches (a Background Sync registered offline fires at start-up), and
   * its IndexedDB then caches the free space from before the quota override. Such a worker is stopped, and the
   * origin's IndexedDB given time to close (Chromium keeps it open a moment after its last connection goes).
   */
  private async closeEarlyWorker(): Promise<void> {
    const statuses = await waitFor(() => (this.devtools.statuses().length > 0 ? this.devtools.statuses() : undefined), { timeoutMs: 5000, message: 'the worker\'s status' });
    if (statuses.every((status) => status === 'stopped')) return;
    // A worker still starting ignores a stop: asked again until it is down.
    await waitFor(
      async () => {
        if (this.devtools.statuses().every((status) => status === 'stopped')) return true;
        await this.devtools.cdp.send('ServiceWorker.stopAllWorkers');
        return false;
      },
      { timeoutMs: 10_000, stepMs: 50, message: 'the early worker stopped' },
    );
    await sleep(IDB_CLOSE_MS);
  }

  /**
   * SIGKILL to every process of the browser, as a crash: nothing is flushed or closed on the way out. Killing the
   * main process alone is not a crash of the browser: its renderers (the worker with its engine) and its storage
   * process go on for seconds, pushing and committing to the profile beside the relaunched browser's worker, two
   * browsers on one profile, which Chromium never runs (its profile lock). The relaunch waits until all are gone.
   */
  async kill(): Promise<void> {
    const child = this.process;
    // A process killed by a signal keeps a null exitCode: its signalCode says it ended.
    const running = child !== null && child.exitCode === null && child.signalCode === null;
    // A launch that failed half-way left its browser running, though the host counts as dead.
    if (this.dead && !running) return;
    this.dead = true;
    if (child?.pid !== undefined) {
      const exited = running ? new Promise((resolve) => child.once('exit', resolve)) : Promise.resolve();
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // None left.
      }
      await exited;
      await waitFor(() => liveProcessesOfGroup(child.pid!) === 0, { timeoutMs: 10_000, stepMs: 10, message: 'the killed browser\'s processes gone' });
    }
    await this.browser?.close().catch(() => {});
    this.browser = null;
  }

  async relaunch(quota?: number): Promise<void> {
    const at = Date.now();
    await this.kill();
    this.relaunches += 1;
    this.quotaOverridden = false;
    await this.launch(quota);
    phases['relaunch'] = (phases['relaunch'] ?? 0) + Date.now() - at;
  }

  /**
   * The storage quota exhausted: the browser relaunched on its profile with the origin's quota far below what it
   * uses, set before the app's first IndexedDB use. Chromium caches an origin's free space once its IndexedDB is
   * first used, so an override set later is not seen; a raised one (`setQuota(null)`) is, after the next refusal.
   * Not half the use: the worker's registration counts in the origin's use but not against IndexedDB's space.
   */
  relaunchWithQuota(): Promise<void> {
    return this.relaunch(FULL_QUOTA);
  }

  async close(): Promise<void> {
    await this.kill();
    fs.rmSync(this.profile, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 });
  }

  async stopWorker(): Promise<void> {
    if (!this.dead) await within(this.devtools.stopAllWorkers(), 10_000, 'stopping the worker').catch(() => {});
  }

  /** The origin's quota override; null removes it. A browser that dies loses it. */
  async setQuota(bytes: number | null): Promise<void> {
    if (this.dead || (bytes === null && !this.quotaOverridden)) return;
    await this.devtools.cdp.send('Storage.overrideQuotaForOrigin', bytes === null ? { origin: this.origin } : { origin: this.origin, quotaSize: bytes });
    this.quotaOverridden = bytes !== null;
  }

  /** The app refreshes an expired token and hands it to the worker (`setAuth`). */
  async refreshToken(): Promise<void> {
    if (this.appGeneration === this.serverGeneration) return;
    await this.call((g) => (window as unknown as AppWindow).app.refresh(g), this.serverGeneration, 'setAuth');
    this.appGeneration = this.serverGeneration;
  }

  /** Runs `fn(window)` in the page; rejects when the page is gone or the call outlives `CALL_LIMIT_MS`. */
  call<T, A>(fn: (arg: A) => Promise<T>, arg: A, what: string): Promise<T> {
    return within(this.page.evaluate(fn as (arg: unknown) => Promise<T>, arg), CALL_LIMIT_MS, what);
  }
}

interface Item {
  readonly table: string;
  readonly id: string;
  /** What the app believes: live after a 2xx insert or update, gone after a 2xx delete. */
  live: boolean;
}

/** Starts server, proxy and browser, runs `runs` seeded runs, and closes everything. */
export async function runFaultSuite(options: FaultSuiteOptions): Promise<FaultSuiteResult> {
  const log = options.log ?? (() => {});
  const server = await startServer({
    port: 0,
    publicDir: WWW,
    ...(options.distDir === undefined ? {} : { distDir: options.distDir }),
    tables: FAULT_TABLES.map((name) => ({ name, softDelete: true })),
    ...(options.databaseUrl === undefined ? { memory: true } : { databaseUrl: options.databaseUrl, ...(options.databaseSchema === undefined ? {} : { databaseSchema: options.databaseSchema }) }),
  });
  const proxy = await startFaultProxy(server.url);
  const host = new BrowserHost(proxy.origin);
  const totals = { faults: 0, lost: 0, duplicated: 0, stray: 0, quotaFaults: 0, quotaBit: 0, browserResends: 0, stopped: 0 };
  const failed: RunReport[] = [];
  const byKind: Record<string, number> = {};
  const answers: Record<string, number> = {};
  try {
    await host.launch();
    for (let i = 0; i < options.runs; i++) {
      const seed = (options.seed + i) >>> 0;
      const report = await runOnce(seed, { host, proxy, serverUrl: server.url, answers, kinds: options.kinds ?? FAULT_KINDS }).catch(async (error: unknown) => {
        // A run that cannot go on (the app never got its worker back) fails alone; the next starts on a new browser.
        await host.kill();
        return stoppedRun(seed, error);
      });
      totals.faults += report.faults.length;
      totals.lost += report.lost;
      totals.duplicated += report.duplicated;
      totals.stray += report.stray;
      totals.quotaFaults += report.faults.filter((kind) => kind.startsWith('quota')).length;
      totals.quotaBit += report.quotaBit;
      totals.browserResends += report.browserResends;
      for (const kind of report.faults) byKind[kind] = (byKind[kind] ?? 0) + 1;
      totals.stopped += report.stopped;
      if (report.lost + report.duplicated + report.stray + report.quotaProblems + report.stopped > 0) {
        failed.push(report);
        log(`run ${i} failed: FAULT_SEED=${seed} FAULT_RUNS=1 replays it; faults ${report.faults.join(', ')}\n  ${report.details.join('\n  ')}`);
      }
      // Empty both sides for the next run: the page's tables (op-log included) and the server's.
      // Ids are fresh per run, so both sides are emptied only now and then (and after a run that left something).
      proxy.disarm();
      proxy.cut(false);
      if ((i + 1) % RESET_EVERY === 0 || report.lost + report.duplicated + report.stray + report.stopped > 0) {
        const resetAt = Date.now();
        await resetBetweenRuns(host, server.reset, proxy);
        phases['reset'] = (phases['reset'] ?? 0) + Date.now() - resetAt;
      }
      if ((i + 1) % 50 === 0) log(`${i + 1} runs, ${totals.faults} faults, lost ${totals.lost}, duplicated ${totals.duplicated}, stray ${totals.stray}, quota bit ${totals.quotaBit} of ${totals.quotaFaults}, refused on the browser's resend ${totals.browserResends}`);
    }
  } finally {
    await host.close();
    await proxy.close();
    await server.close();
  }
  return { runs: options.runs, ...totals, failed, byKind, answers, relaunches: host.relaunches };
}

async function resetBetweenRuns(host: BrowserHost, resetServer: () => Promise<void>, proxy: FaultProxy): Promise<void> {
  proxy.disarm();
  proxy.cut(false);
  proxy.requireToken(null);
  if (host.dead) await host.relaunch();
  await host.setQuota(null);
  for (const table of FAULT_TABLES) await host.call((t) => (window as unknown as AppWindow).tablesync.purge({ table: t, force: true }), table, 'purge');
  await resetServer();
  proxy.resetCounts();
}

interface RunContext {
  readonly host: BrowserHost;
  readonly proxy: FaultProxy;
  readonly serverUrl: string;
  readonly answers: Record<string, number>;
  readonly kinds: readonly FaultKind[];
}

async function runOnce(seed: number, { host, proxy, serverUrl, answers, kinds }: RunContext): Promise<RunReport> {
  const rand = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const writes: WriteRecord[] = [];
  const items: Item[] = [];
  const details: string[] = [];
  const trace: string[] = [];
  const prefix = `s${seed.toString(36)}`;
  proxy.resetCounts();
  let marks = 0;

  // The app's token; the proxy accepts only the current one (a 401 otherwise).
  proxy.requireToken(tokenOf(host.serverGeneration));

  const steps = 5 + Math.floor(rand() * 11);
  const faultCount = 1 + (rand() < 0.4 ? 1 : 0) + (rand() < 0.15 ? 1 : 0);
  const faults: FaultKind[] = [];
  const at = new Map<number, FaultKind[]>();
  for (let f = 0; f < faultCount; f++) {
    // A browser relaunch costs about 1.5 s: the kills are drawn half as often as the rest.
    let kind = pick(kinds);
    if (kind.startsWith('kill') && rand() < 0.5) kind = pick(kinds);
    faults.push(kind);
    const step = Math.floor(rand() * steps);
    at.set(step, [...(at.get(step) ?? []), kind]);
  }
  let uncutAt = -1;
  let killDuringWrite = false;
  /** quota-write faults due at this step's write (two may fall on one step). */
  let quotaWrites = 0;
  /** Quota faults that bit, and what went wrong with the others or with their heal (the recipe stopped working: the run fails). */
  let quotaBit = 0;
  const quotaProblems: string[] = [];
  const bitten = (bit: boolean, note: string, faults = 1): void => {
    if (bit) quotaBit += faults;
    else quotaProblems.push(`quota fault did not bite: ${note}`);
  };
  const isWrite = (r: ProxiedRequest): boolean => r.method !== 'GET';

  /** The hook a fault runs at the proxy, on whatever push (online write or replay) sends the next write. */
  const armOnNextWrite = (fault: Omit<Fault, 'match'>): void => {
    void proxy.arm({ match: isWrite, ...fault });
  };

  const inject = async (kind: FaultKind, step: number): Promise<void> => {
    switch (kind) {
      case 'cut':
        proxy.cut(true);
        uncutAt = step + 1 + Math.floor(rand() * (steps - step));
        return;
      case 'lose-answer':
        return armOnNextWrite({ outcome: 'lose-answer' });
      case '5xx': {
        const status = pick([500, 502, 503]);
        armOnNextWrite({ outcome: { status } });
        if (rand() < 0.5) armOnNextWrite({ outcome: { status } });
        return;
      }
      case 'slow':
        return armOnNextWrite({ outcome: 'forward', delayMs: WRITE_TIMEOUT_MS + 200 + Math.floor(rand() * 300) });
      case 'reset':
        return armOnNextWrite({ outcome: 'reset' });
      case 'stop-idle':
        return host.stopWorker();
      case 'stop-before-send':
        // The request dies with its worker before reaching the server. (Forwarding it after the stop would let it
        // land after later writes, which no client can order: see the report.)
        return armOnNextWrite({ outcome: 'reset', before: () => host.stopWorker() });
      case 'stop-after-commit':
        return armOnNextWrite({ outcome: 'forward', afterCommit: () => host.stopWorker() });
      case 'stop-after-answer':
        return armOnNextWrite({ outcome: 'forward', afterAnswer: () => host.stopWorker() });
      case 'kill-mid-write':
        killDuringWrite = true;
        return;
      case 'kill-at-server':
        return armOnNextWrite({
          outcome: 'forward',
          before: () => {
            trace.push(`kill-at-server fired (a write reached the proxy ${Date.now() - writesAt} ms into the writes)`);
            return host.kill();
          },
        });
      case 'token-expiry':
        // The token expires as the next write reaches the server: that write (online, or the middle of a replayed queue) gets 401.
        return armOnNextWrite({
          outcome: 'forward',
          before: async () => {
            host.serverGeneration += 1;
            proxy.requireToken(tokenOf(host.serverGeneration));
          },
        });
      case 'quota-write':
        // This step's write meets a full disk (checked after it).
        if (quotaWrites === 0) await host.relaunchWithQuota();
        quotaWrites += 1;
        return;
      case 'quota-pull': {
        // Another device writes two rows; this page's pull of them meets a full disk, then resumes once space is back.
        await host.relaunchWithQuota();
        await host.refreshToken();
        const table = pick(FAULT_TABLES);
        for (let k = 0; k < 2; k++) {
          const mark = `${prefix}-m${marks++}`;
          const id = `${mark}-ext`;
          const answer = await fetch(`${serverUrl}/tables/${table}`, {
            method: 'POST',
            headers: { 'ZUMO-API-VERSION': '3.0.0', 'content-type': 'application/json' },
            body: JSON.stringify({ id, w: mark, n: k }),
          });
          if (answer.status !== 201) throw new Error(`the other device's insert got ${answer.status}`);
          writes.push({ table, id, kind: 'insert', mark, outcome: 'ok' });
        }
        // The pull must reach the server to meet the full disk: a cut network comes back now.
        if (uncutAt > step) {
          proxy.cut(false);
          uncutAt = -1;
        }
        // An app request first: it brings the credentials the relaunched worker lacks (its pull would be refused otherwise).
        await host.call((t) => (window as unknown as AppWindow).app.list(t), table, 'list').catch((e: unknown) => details.push(`note: ${String(e)}`));
        const pull = (): Promise<string> =>
          host
            .call((t) => (window as unknown as AppWindow).tablesync.pull({ table: t, push: false }).then((r) => `stored ${JSON.stringify(r)}`, (e: { code?: string }) => e.code ?? String(e)), table, 'pull')
            .catch((e: unknown) => `no answer: ${String(e)}`);
        const refused = await pull();
        bitten(refused === 'storage_full', `quota-pull at step ${step}: the pull of ${table} ended ${refused}, not storage_full`);
        await host.setQuota(null);
        // Another fault may stop this pull (a worker stopped or a browser killed by a push starting beside it), but not the disk.
        const resumed = await pull();
        if (resumed === 'storage_full') quotaProblems.push(`quota-pull at step ${step}: the pull of ${table} still met a full disk once the override was removed`);
        return;
      }
    }
  };

  const count = (answer: Answer): void => {
    const label = `${answer.status}${answer.via === 'local' ? ' local' : ''}`;
    answers[label] = (answers[label] ?? 0) + 1;
  };
  const outcomeOf = (answer: Answer | null): Outcome =>
    answer === null || answer.status === 0 ? 'unknown' : answer.status >= 200 && answer.status < 300 ? 'ok' : 'rejected';

  const storageFull = (answer: Answer | null): boolean => answer?.status === 507 && (answer.body as { code?: unknown } | undefined)?.code === 'storage_full';
  /** Notes a write and what the app was told; the app's idea of its item follows the answer. */
  const record = (step: number, table: string, id: string | undefined, kind: WriteRecord['kind'], mark: string, answer: Answer | null): void => {
    if (answer !== null) count(answer);
    trace.push(`step ${step}: ${(at.get(step) ?? []).join('+') || '-'} ${kind} ${table}/${id ?? '(no id)'} ${mark} -> ${answer === null ? 'no answer' : `${answer.status} ${answer.via ?? ''} ${answer.status >= 300 ? JSON.stringify(answer.body) : ''}`}`);
    const outcome = outcomeOf(answer);
    const answeredId = id ?? (outcome === 'ok' ? String((answer?.body as { id?: unknown } | undefined)?.id) : undefined);
    writes.push({ table, id: answeredId, kind, mark, outcome });
    const entry = items.find((x) => x.table === table && x.id === answeredId);
    if (answeredId !== undefined && entry === undefined) items.push({ table, id: answeredId, live: kind !== 'delete' && outcome !== 'rejected' });
    else if (entry !== undefined && outcome === 'ok') entry.live = kind !== 'delete';
    else if (entry !== undefined && outcome === 'unknown') entry.live = rand() < 0.5;
  };

  const writesAt = Date.now();
  for (let step = 0; step < steps; step++) {
    if (step === uncutAt) proxy.cut(false);
    // A quota-write goes last: the step's write must meet the full disk, which a quota-pull's heal would free.
    const due = [...(at.get(step) ?? [])].sort((a, b) => Number(a === 'quota-write') - Number(b === 'quota-write'));
    for (const kind of due) {
      const injectAt = Date.now();
      await inject(kind, step);
      phases[`inject ${kind}`] = (phases[`inject ${kind}`] ?? 0) + Date.now() - injectAt;
    }
    const stepAt = Date.now();
    if (host.dead) {
      await host.relaunch();
      trace.push(`relaunched at step ${step}; ${await opLogLine(host)}`);
    }
    // The app learnt its token expired (a 401, or its own clock) and refreshes it.
    await host.refreshToken();

    // Choose a write: an item of this run (often one written before), or a new one.
    const table = pick(FAULT_TABLES);
    const known = items.filter((item) => item.table === table);
    const item = known.length > 0 && rand() < 0.7 ? pick(known) : null;
    const mark = `${prefix}-m${marks++}`;
    let kind: WriteRecord['kind'];
    let id: string | undefined;
    let send: () => Promise<Answer>;
    if (item === null || (!item.live && rand() < 0.8)) {
      kind = 'insert';
      const withId = item !== null || rand() < 0.85;
      id = item?.id ?? (withId ? `${prefix}-${table}-${items.length}` : undefined);
      const row = { ...(id === undefined ? {} : { id }), w: mark, n: step };
      send = () => host.call(([t, r]) => (window as unknown as AppWindow).app.insert(t, r), [table, row] as const, 'insert');
    } else if (item.live && rand() < 0.1) {
      kind = 'insert'; // an insert over a live row: 409, and nothing changes
      id = item.id;
      const row = { id, w: mark, n: step };
      send = () => host.call(([t, r]) => (window as unknown as AppWindow).app.insert(t, r), [table, row] as const, 'insert');
    } else if (rand() < 0.65) {
      kind = 'update';
      id = item.id;
      const row = { id, w: mark, n: step };
      send = () => host.call(([t, i, r]) => (window as unknown as AppWindow).app.replace(t, i, r), [table, item.id, row] as const, 'update');
    } else {
      kind = 'delete';
      id = item.id;
      send = () => host.call(([t, i]) => (window as unknown as AppWindow).app.remove(t, i), [table, item.id] as const, 'delete');
    }

    let answer: Answer | null = null;
    if (killDuringWrite) {
      killDuringWrite = false;
      const pending = send().then(
        (a) => a,
        () => null,
      );
      await sleep(Math.floor(rand() * 40));
      await host.kill();
      answer = await pending;
    } else {
      try {
        answer = await send();
      } catch (error) {
        if (!host.dead) details.push(`hung or failed call: ${kind} ${table}/${id ?? '?'}: ${String(error)}`);
        answer = null;
      }
    }
    const label = `write ${(at.get(step) ?? ['-']).join('+')}`;
    phases[label] = (phases[label] ?? 0) + Date.now() - stepAt;
    record(step, table, id, kind, mark, answer);
    if (quotaWrites > 0) {
      const faultsDue = quotaWrites;
      quotaWrites = 0;
      if (!storageFull(answer)) {
        // Refused before anything was stored (409 or 404 of the local state), or the browser died under it: a new row meets the full disk.
        if (host.dead) await host.relaunchWithQuota();
        const probeId = `${prefix}-${table}-q${step}`;
        const probeMark = `${prefix}-m${marks++}`;
        const probe = await host
          .call(([t, r]) => (window as unknown as AppWindow).app.insert(t, r), [table, { id: probeId, w: probeMark, n: step }] as const, 'insert')
          .catch(() => null);
        record(step, table, probeId, 'insert', probeMark, probe);
        bitten(storageFull(probe), `quota-write at step ${step}: a new row got ${probe === null ? 'no answer' : `${probe.status} ${JSON.stringify(probe.body)}`}`, faultsDue);
      } else bitten(true, '', faultsDue);
      await host.setQuota(null);
    } else if (storageFull(answer)) {
      quotaProblems.push(`step ${step}: a write got 507 with no quota fault in force`);
    }
  }

  // Heal: the network back, the quota restored, a browser if it died, a fresh token where it expired.
  phases['writes'] = (phases['writes'] ?? 0) + Date.now() - writesAt;
  const healAt = Date.now();
  const leftovers = await heal(host, proxy, details);
  phases['heal'] = (phases['heal'] ?? 0) + Date.now() - healAt;
  // A previous run's write may still land (a request the browser held): it is that run's, not this one's.
  const rows = (await serverRows(serverUrl)).filter((row) => row.id.startsWith(`${prefix}-`) || row.mark?.startsWith(`${prefix}-`) === true);
  const resent = writes.filter((write) => write.outcome === 'rejected' && proxy.resends.some((resend) => refusedUnread(resend.status) && isCopyOf(resend, write)));
  const verdict = judge(
    writes.map((write) => (resent.includes(write) ? { ...write, outcome: 'unknown' as const } : write)),
    rows,
    leftovers,
  );
  const problems = [...quotaProblems, ...verdict.details];
  return {
    seed,
    faults,
    lost: verdict.lost,
    duplicated: verdict.duplicated,
    stray: verdict.stray,
    quotaBit,
    quotaProblems: quotaProblems.length,
    browserResends: resent.length,
    stopped: 0,
    details: [...problems, ...(problems.length > 0 ? [...details, ...trace, 'upstream writes:', ...proxy.log] : [])],
  };
}

/**
 * 401 and 403 refuse a request before the server reads it. Any other answer to a resend reads the first copy's
 * row, which the worker knows for its own (a 409 or 412 holding what it sent is "done", §3.4 step 5).
 */
const refusedUnread = (status: number): boolean => status === 401 || status === 403;

/** Whether the browser's resend carried `write`: its mark in the body, or for a delete (no body) its item's path. */
function isCopyOf(resend: BrowserResend, write: WriteRecord): boolean {
  if (write.kind === 'delete') return resend.method === 'DELETE' && write.id !== undefined && resend.path === `/tables/${write.table}/${encodeURIComponent(write.id)}`;
  return resend.body.includes(JSON.stringify(write.mark));
}

/** The op-log in one line, for a failing run's report. */
async function opLogLine(host: BrowserHost): Promise<string> {
  const ops = await host.call(() => (window as unknown as AppWindow).tablesync.pendingOperations(), undefined, 'state').catch((error: unknown) => String(error));
  if (typeof ops === 'string') return `op-log unreadable: ${ops}`;
  return `op-log: ${ops.map((op) => `${op.table}/${op.itemId} ${op.kind} ${op.state}${op.attempts > 0 ? ` x${op.attempts}` : ''}`).join(', ') || 'empty'}`;
}

const stoppedRun = (seed: number, error: unknown): RunReport => ({
  seed, faults: [], lost: 0, duplicated: 0, stray: 0, quotaBit: 0, quotaProblems: 0, browserResends: 0, stopped: 1,
  details: [`the run stopped: ${error instanceof Error ? error.message : String(error)}`],
});

/** Heals every fault and waits for quiescence; returns what is left behind (ops, conflicts), described. */
async function heal(host: BrowserHost, proxy: FaultProxy, details: string[]): Promise<string[]> {
  proxy.cut(false);
  await host.setQuota(null);
  const deadline = Date.now() + 30_000;
  for (let round = 0; ; round++) {
    // Faults still armed hit the replay (a fault mid-push); after two rounds they are gone.
    if (round === 2) proxy.disarm();
    if (host.dead) {
      await host.relaunch();
      details.push(`heal round ${round}: relaunched; ${await opLogLine(host)}`);
    }
    try {
      await host.refreshToken();
      // An app request: wakes a stopped worker and brings the credentials a restarted one lacks.
      await host.call((t) => (window as unknown as AppWindow).app.list(t), 'fa', 'list');
      if (round === 0) {
        // For a failing run's report: the op-log as the heal found it, before its push.
        details.push(`at the heal, ${await opLogLine(host)}`);
      }
      const pushed = await host.call(() => (window as unknown as AppWindow).tablesync.push(), undefined, 'push');
      const [ops, conflicts, status] = await host.call(
        () => {
          const t = (window as unknown as AppWindow).tablesync;
          return Promise.all([t.pendingOperations(), t.conflicts(), t.status()]);
        },
        undefined,
        'state',
      );
      // For a failing run's report: what each round's push did and left.
      details.push(`heal round ${round}: push ${JSON.stringify(pushed)}; ${ops.length} ops, ${conflicts.length} conflicts, pushing ${String(status.pushing)}`);
      const settled = ops.every((op) => op.state === 'held' || op.state === 'failed');
      if (settled && !status.pushing) {
        return [
          ...ops.map((op) => `op ${op.table}/${op.itemId} ${op.kind} ${op.state} (last status ${String(op.lastStatus)}, attempts ${op.attempts})`),
          ...conflicts.map((c) => `conflict ${c.table}/${c.itemId} ${c.opKind} ${c.reason} ${c.status}`),
        ];
      }
      if (Date.now() > deadline) {
        return ops.map((op) => `op ${op.table}/${op.itemId} ${op.kind} ${op.state} blocked ${String(op.blockedReason)} never drained (last status ${String(op.lastStatus)}, attempts ${op.attempts})`);
      }
    } catch (error) {
      details.push(`heal round ${round}: ${host.dead ? 'the browser died: ' : ''}${String(error)}`);
      if (Date.now() > deadline) return [`no quiescence: ${String(error)}`];
    }
    await sleep(50);
  }
}

/** Every row of the suite's tables, tombstones included, straight from the server. */
async function serverRows(serverUrl: string): Promise<ServerRow[]> {
  const rows: ServerRow[] = [];
  for (const table of FAULT_TABLES) {
    const answer = await fetch(`${serverUrl}/tables/${table}?__includeDeleted=true&$top=1000`, { headers: { 'ZUMO-API-VERSION': '3.0.0' } });
    const body = (await answer.json()) as { items: { id: string; w?: string; deleted?: boolean }[] };
    for (const row of body.items) rows.push({ table, id: row.id, mark: row.w ?? null, deleted: row.deleted === true });
  }
  return rows;
}

