/**
 * The server baseline: the Azure Mobile Apps Node SDK, express and sqlite3, installed from
 * bench/baseline's manifest and lockfile into the one cached copy the browser suite uses too
 * (scripts/azure-sdk-install.ts: outside the checkout, keyed by the lockfile, installed on first use;
 * sqlite3 builds from the source in its npm tarball, about 3 minutes on 2 cores, so nothing is
 * downloaded from outside the npm registry). A native build and a deprecated SDK have no place in
 * `npm ci` for the product.
 */
import path from 'node:path';
import { azureSdkEnv, ensureAzureSdk } from '../../scripts/azure-sdk-install.js';
import { BENCH_DIR } from './stack.js';

/** Where the baseline's server script (ama-server.cjs) and its manifest live. */
export const BASELINE_DIR = path.join(BENCH_DIR, 'baseline');

/** The environment the baseline's server script needs (where the cached install is), or why it cannot run. */
export type Baseline = { readonly ok: true; readonly env: Readonly<Record<string, string>> } | { readonly ok: false; readonly why: string };

/** Installs the baseline when missing (once per machine) and says how to run it. */
export async function ensureBaseline(log: (text: string) => void): Promise<Baseline> {
  try {
    return { ok: true, env: azureSdkEnv(await ensureAzureSdk({ log })) };
  } catch (error) {
    return { ok: false, why: error instanceof Error ? error.message : String(error) };
  }
}
