/**
 * WebKitGTK, Safari's engine (Debian's `webkit2gtk-driver` and `xvfb`), through selenium-webdriver:
 * `xvfb-run -a WebKitWebDriver --port=P` drives MiniBrowser in automation mode (its `--headless`
 * does not work here: TESTING.md §13). WebKitWebDriver has no log endpoint and MiniBrowser under
 * automation prints no console, so `reported` stays empty: the suite reads the worker's errors
 * from the worker itself (www/sw-report.js).
 *
 * Stopping: the session first, then WebKitWebDriver by its PID, so xvfb-run cleans up (it stops
 * Xvfb and removes its auth directory); MiniBrowser's network and web processes outlive the
 * session, so the whole process group goes last.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { Builder, type WebDriver } from 'selenium-webdriver';
import { mustExist, reapGroup, signalGroup, type EngineBrowser } from './engine-browser.js';

const DRIVER = '/usr/bin/WebKitWebDriver';
const XVFB_RUN = '/usr/bin/xvfb-run';
const miniBrowser = (): string => process.env['MINIBROWSER_PATH'] ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

/** A port free right now on 127.0.0.1 (WebKitWebDriver needs one named). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The PIDs whose parent is `pid` (from /proc). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // pid (comm) state ppid …: comm may hold spaces, so read after its closing parenthesis.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));

async function waitForDriver(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`WebKitWebDriver exited (${child.exitCode}): ${output()}`);
    try {
      const response = await fetch(`${url}/status`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`WebKitWebDriver did not answer at ${url}: ${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Stops WebKitWebDriver so xvfb-run cleans up after it, then whatever is left of the group. */
async function stopDriver(xvfbRun: ChildProcess): Promise<void> {
  const pgid = xvfbRun.pid;
  if (pgid === undefined) return;
  for (const pid of childrenOf(pgid)) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'WebKitWebDriver') process.kill(pid, 'SIGTERM');
    } catch {
      // gone meanwhile
    }
  }
  await Promise.race([exited(xvfbRun), new Promise((resolve) => setTimeout(resolve, 3000))]);
  signalGroup(pgid, 'SIGTERM');
  await reapGroup(pgid);
}

export async function launchWebKit(): Promise<EngineBrowser> {
  mustExist(DRIVER, 'WebKitWebDriver', 'apt-get install -y webkit2gtk-driver');
  mustExist(miniBrowser(), 'MiniBrowser (WebKitGTK)', 'apt-get install -y webkit2gtk-driver');
  mustExist(XVFB_RUN, 'xvfb-run', 'apt-get install -y xvfb');
  mustExist('/usr/bin/xauth', 'xauth (which xvfb-run needs)', 'apt-get install -y xauth');
  const port = await freePort();
  const xvfbRun = spawn(XVFB_RUN, ['-a', DRIVER, `--port=${port}`], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  for (const stream of [xvfbRun.stdout, xvfbRun.stderr]) stream?.on('data', (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  let driver: WebDriver;
  try {
    await waitForDriver(url, xvfbRun, () => output);
    driver = await new Builder()
      .usingServer(url)
      .withCapabilities({ browserName: 'MiniBrowser', 'webkitgtk:browserOptions': { binary: miniBrowser(), args: ['--automation'] } })
      .build();
    // Page code returns promises: executeAsyncScript waits for them (TESTING.md §13).
    await driver.manage().setTimeouts({ script: 60_000, pageLoad: 30_000 });
  } catch (error) {
    await stopDriver(xvfbRun);
    throw error;
  }
  const version = String((await driver.getCapabilities()).get('browserVersion') ?? '');
  return {
    name: `WebKitGTK ${version}`.trim(),
    reported: [],
    async open(target) {
      await driver.get(target);
    },
    async run(fn, ...args) {
      const script = `const done = arguments[arguments.length - 1];
        Promise.resolve().then(() => (${fn.toString()})(...arguments[0])).then(
          (value) => done({ value: value === undefined ? null : value }),
          (error) => done({ error: String((error && error.stack) || error) }));`;
      const result = (await driver.executeAsyncScript(script, args)) as { value?: unknown; error?: string };
      if (result.error !== undefined) throw new Error(`in WebKit: ${result.error}`);
      return result.value as never;
    },
    async close() {
      await driver.quit().catch(() => undefined);
      await stopDriver(xvfbRun);
    },
  };
}
