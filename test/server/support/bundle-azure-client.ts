import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));
const shim = (name: string): string => path.join(here, 'azure-client', `${name}.js`);

/** Bundles npm `azure-mobile-apps-client` (it ships no browser build) into one classic script setting `window.WindowsAzure`. */
export async function bundleAzureClient(): Promise<string> {
  const output = await build({
    configFile: false,
    logLevel: 'error',
    publicDir: false,
    define: { global: 'globalThis', 'process.env.NODE_NDEBUG': 'undefined' },
    resolve: { alias: { util: shim('util'), stream: shim('stream'), assert: shim('assert') } },
    build: {
      write: false,
      minify: false,
      target: 'es2020',
      lib: { entry: shim('entry'), formats: ['iife'], name: 'AzureClientBundle', fileName: () => 'azure-client.js' },
    },
  });
  const results = Array.isArray(output) ? output : [output];
  for (const result of results) {
    if (!('output' in result)) continue;
    // The Node globals go first, in plain text: the bundler may run CommonJS modules before the entry's imports.
    for (const chunk of result.output) if (chunk.type === 'chunk') return `${readFileSync(shim('globals'), 'utf8')}\n${chunk.code}`;
  }
  throw new Error('the Azure client bundle produced no chunk');
}
