/** Vite replaces `import.meta.env.DEV` at build time (false in production bundles). */
interface ImportMetaEnv {
  readonly DEV: boolean;
}
interface ImportMeta {
  readonly env: ImportMetaEnv;
}
