// `npm run build` (and the browser suite's globalSetup): the three bundles of DESIGN.md §3, one
// Vite library build each, because an IIFE build takes exactly one entry (TESTING.md §10).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type InlineConfig } from 'vite';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** One output of the build. */
export interface BundleSpec {
  readonly entry: string;
  readonly format: 'es' | 'iife';
  readonly fileName: string;
  /** Module ids replaced by others (tests swap the engine for a stub). */
  readonly alias?: Readonly<Record<string, string>>;
}

/** The shipped bundles, relative to the repository root. */
export const BUNDLES: readonly BundleSpec[] = [
  { entry: 'sw/index.ts', format: 'iife', fileName: 'tablesync-sw.js' },
  // `tablesync/sw`: installTablesync(options) for module workers and bundlers.
  { entry: 'sw/module.ts', format: 'es', fileName: 'tablesync-sw.mjs' },
  // The app-shell add-on the classic worker imports only when it caches the shell (sw/index.ts).
  { entry: 'sw/shell.ts', format: 'iife', fileName: 'tablesync-shell.js' },
  { entry: 'src/client/script.ts', format: 'iife', fileName: 'tablesync.js' },
  { entry: 'src/client/index.ts', format: 'es', fileName: 'tablesync.mjs' },
  // Loaded by the drop-in only for a page that uses the elements; the npm export `./elements`.
  { entry: 'src/client/elements/index.ts', format: 'es', fileName: 'tablesync-elements.js' },
];

/** The Vite config of one bundle: minified, es2022, sourcemaps. */
export function bundleConfig(spec: BundleSpec, outDir = path.join(root, 'dist')): InlineConfig {
  return {
    configFile: false,
    root,
    mode: 'production',
    logLevel: 'warn',
    publicDir: false,
    resolve: {
      alias: Object.entries(spec.alias ?? {}).map(([find, replacement]) => ({ find, replacement })),
    },
    build: {
      outDir,
      emptyOutDir: false,
      target: 'es2022',
      // terser's extra passes take about 2 % (600 B) more off the worker than the default minifier. Vite turns on
      // terser's Safari 10 workarounds (90 B brotli of the worker); es2022 output never runs there. Unused trailing
      // parameters go too (35 B): nothing in the bundles reads a function's arity.
      minify: 'terser',
      terserOptions: { compress: { passes: 3, keep_fargs: false }, format: { comments: false }, safari10: false },
      sourcemap: true,
      // Terser is most of each build's time by choice; rolldown's note saying so would greet every `npm start`.
      rolldownOptions: { checks: { bundlerTimings: false } },
      lib: {
        entry: path.join(root, spec.entry),
        formats: [spec.format],
        fileName: () => spec.fileName,
        ...(spec.format === 'iife' ? { name: spec.fileName.replace(/\W+(\w)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase()).replace(/Js$/, '') } : {}),
      },
    },
  };
}

/** The reference server as a Node library (`tablesync/server`), its dependencies left to npm. */
export function serverConfig(outDir = path.join(root, 'dist')): InlineConfig {
  const dependencies = Object.keys((JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies);
  return {
    configFile: false,
    root,
    mode: 'production',
    logLevel: 'warn',
    publicDir: false,
    build: {
      outDir,
      emptyOutDir: false,
      target: 'node20',
      ssr: path.join(root, 'src/server/index.ts'),
      minify: false,
      sourcemap: true,
      rolldownOptions: {
        external: [/^node:/, ...dependencies.map((name) => new RegExp(`^${name}(/|$)`))],
        output: { format: 'es', entryFileNames: 'server.js' },
      },
    },
  };
}

/** Emits the declarations of the npm exports to `<outDir>/types`, mirroring the repository (about 5 s, so the test build skips it). */
export function emitTypes(outDir: string): void {
  for (const project of ['src/client', 'sw', 'src/server']) {
    const args = ['tsc', '-p', project, '--noEmit', 'false', '--declaration', '--emitDeclarationOnly', '--rootDir', '.', '--outDir', path.join(outDir, 'types')];
    const run = spawnSync('npx', args, { cwd: root, stdio: 'inherit' });
    if (run.status !== 0) throw new Error(`declaration emit of ${project} failed`);
  }
}

/** Builds the bundles of BUNDLES and `dist/server.js` (and, with `types`, their declarations). */
export async function buildAll(options: { readonly outDir?: string; readonly types?: boolean } = {}): Promise<void> {
  const outDir = options.outDir ?? path.join(root, 'dist');
  for (const spec of BUNDLES) await build(bundleConfig(spec, outDir));
  await build(serverConfig(outDir));
  if (options.types === true) emitTypes(outDir);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await buildAll({ types: true });
}
