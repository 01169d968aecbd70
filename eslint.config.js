// Import boundaries of DESIGN.md §3: core ← engine ← sw, core ← server, protocol.ts ← client, protocol.ts ← sw.
import tseslint from 'typescript-eslint';

const restrict = (files, patterns) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns: patterns.map((group) => ({ group, message: 'Crosses a layer boundary (DESIGN.md §3).' })) }] },
});

export default tseslint.config(
  { ignores: ['dist/**', 'coverage/**', 'node_modules/**', '.data/**'] },
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: { '@typescript-eslint/no-explicit-any': 'error' },
  },
  restrict(['src/core/**/*.ts'], [['**/engine/**', '**/server/**', '**/client/**', '**/sw/**', '**/protocol*'], ['node:*', 'fastify', 'pg', '@electric-sql/*', 'comlink', 'workbox-*', 'idb-keyval']]),
  restrict(['src/engine/**/*.ts'], [['**/server/**', '**/client/**', '**/sw/**'], ['node:*', 'fastify', 'pg', '@electric-sql/*', 'comlink', 'workbox-*', 'idb-keyval']]),
  restrict(['src/server/**/*.ts'], [['**/engine/**', '**/client/**', '**/sw/**', '**/protocol*']]),
  restrict(['src/client/**/*.ts'], [['**/core/**', '**/engine/**', '**/server/**', '**/sw/**'], ['node:*']]),
  restrict(['sw/**/*.ts'], [['**/server/**', '**/client/**'], ['node:*']]),
);
