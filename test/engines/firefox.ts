/**
 * Firefox ESR (Debian's `firefox-esr`) through puppeteer-core over WebDriver BiDi, headless
 * (TESTING.md §13). With `devtools.console.stdout.content` Firefox prints every console call of
 * pages and workers to its stdout, and uncaught errors go to its stderr as `JavaScript error:`
 * lines: that is how a worker's errors reach the test, since BiDi shows page realms only.
 */
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { mustExist, reapGroup, type EngineBrowser } from './engine-browser.js';

const executablePath = (): string => process.env['FIREFOX_PATH'] ?? '/usr/bin/firefox-esr';

/** A line reporting an error of web content: a console.error call, or an uncaught error in a page or worker script (not Firefox's own). */
const isErrorLine = (line: string): boolean => /^console\.error: |^JavaScript error: https?:/.test(line);

export async function launchFirefox(): Promise<EngineBrowser> {
  mustExist(executablePath(), 'Firefox ESR', 'apt-get install -y firefox-esr');
  const browser: Browser = await puppeteer.launch({
    browser: 'firefox',
    protocol: 'webDriverBiDi',
    executablePath: executablePath(),
    headless: true,
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    extraPrefsFirefox: { 'devtools.console.stdout.content': true },
  });
  const child = browser.process();
  const pgid = child?.pid;
  const reported: string[] = [];
  for (const stream of [child?.stdout, child?.stderr]) {
    let rest = '';
    // Read both pipes to the end: a full pipe would block Firefox.
    stream?.on('data', (chunk: Buffer) => {
      const lines = (rest + chunk.toString('utf8')).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) if (isErrorLine(line)) reported.push(line);
    });
  }
  let page: Page;
  try {
    page = (await browser.pages())[0] ?? (await browser.newPage());
  } catch (error) {
    await browser.close().catch(() => undefined);
    throw error;
  }
  page.on('pageerror', (error) => reported.push(`[page] ${error instanceof Error ? error.message : String(error)}`));
  return {
    name: `Firefox ESR ${(await browser.version()).replace(/^firefox\//, '')}`,
    reported,
    async open(url) {
      await page.goto(url, { waitUntil: 'load' });
    },
    async run(fn, ...args) {
      return (await page.evaluate(fn as (...a: unknown[]) => unknown, ...args)) as never;
    },
    async close() {
      await browser.close().catch(() => undefined);
      // Firefox is launched as its own process group (detached): anything left of it goes too.
      if (pgid !== undefined) await reapGroup(pgid);
    },
  };
}
