/**
 * A vitest globalSetup that checks what a project's tests run on before any of them starts, and
 * stops the run with one line naming the command to run, instead of dozens of failed tests:
 * Chromium (browser), PostgreSQL (server, browser), Firefox ESR and WebKitGTK (engines).
 */
import { existsSync } from 'node:fs';
import pg from 'pg';
import type { TestProject } from 'vitest/node';

const FIX = 'run `bash scripts/setup-test-machine.sh` (it installs the browsers and starts PostgreSQL)';
const TEST_DATABASE_URL = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** An error whose report is its one-line message, without a stack into this file. */
function missing(message: string): Error {
  const error = new Error(message);
  error.stack = `Error: ${message}`;
  return error;
}

function mustExist(file: string, what: string, apt: string): void {
  if (!existsSync(file)) throw missing(`${what} not found at ${file}: ${FIX}, or \`apt-get install -y ${apt}\`.`);
}

async function mustReachPostgres(): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (error) {
    throw missing(`PostgreSQL unreachable at ${TEST_DATABASE_URL} (${error instanceof Error ? error.message : String(error)}): ${FIX}, or set TEST_DATABASE_URL.`);
  } finally {
    await client.end().catch(() => {});
  }
}

export default async function checkPrerequisites(project: TestProject): Promise<void> {
  const name = project.name;
  if (name === 'browser') mustExist(process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium', 'Chromium', 'chromium');
  if (name === 'engines') {
    mustExist(process.env['FIREFOX_PATH'] ?? '/usr/bin/firefox-esr', 'Firefox ESR', 'firefox-esr');
    mustExist('/usr/bin/WebKitWebDriver', 'WebKitWebDriver', 'webkit2gtk-driver');
    mustExist(process.env['MINIBROWSER_PATH'] ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser', 'MiniBrowser (WebKitGTK)', 'webkit2gtk-driver');
    mustExist('/usr/bin/xvfb-run', 'xvfb-run', 'xvfb');
    mustExist('/usr/bin/xauth', 'xauth (xvfb-run needs it)', 'xauth');
  }
  if (name === 'server' || name === 'browser') await mustReachPostgres();
}
