import { describe, expect, test } from 'vitest';
import { toWorkerQuery } from '../../../sw/module.js';
import { classicSetup, scriptUrlOf } from '../../../sw/script-url.js';

const URL_OF_SCRIPT = 'http://127.0.0.1:8080/tablesync-sw.js?tables=todoitem,notes&policy=hold';

// The stack of `new Error()` at the top level of a script loaded by importScripts from /app-sw.js, per engine.
const STACKS = {
  chromium: `Error\n    at ${URL_OF_SCRIPT}:1:98765\n    at http://127.0.0.1:8080/app-sw.js:3:1`,
  chromiumNamed: `Error\n    at tablesyncSw (${URL_OF_SCRIPT}:1:98765)\n    at http://127.0.0.1:8080/app-sw.js:3:1`,
  firefox: `@${URL_OF_SCRIPT}:1:98765\n@http://127.0.0.1:8080/app-sw.js:3:1\n`,
};
// WebKit drops the query from its frames; the query is then the script's resource timing entry's.
const WEBKIT_STACK = 'global code@http://127.0.0.1:8080/tablesync-sw.js:1:38\nimportScripts@[native code]\nglobal code@http://127.0.0.1:8080/app-sw.js:3:14';

describe('the classic worker finds its own script URL', () => {
  test.each(Object.entries(STACKS))('%s stack format', (_engine, stack) => {
    expect(scriptUrlOf(stack)?.href).toBe(URL_OF_SCRIPT);
    expect(classicSetup(stack, 'http://127.0.0.1:8080/app-sw.js')).toEqual({ search: '?tables=todoitem,notes&policy=hold', standalone: false });
  });

  test('WebKit: the query of the resource timing entry of the script', () => {
    const loaded = ['http://127.0.0.1:8080/other.js?tables=nope', URL_OF_SCRIPT];
    expect(classicSetup(WEBKIT_STACK, 'http://127.0.0.1:8080/app-sw.js', loaded)).toEqual({ search: '?tables=todoitem,notes&policy=hold', standalone: false });
    // A restarted worker that fetched nothing: the app worker's query (else the persisted configuration).
    expect(classicSetup(WEBKIT_STACK, 'http://127.0.0.1:8080/app-sw.js', [])).toEqual({ search: '', standalone: false });
  });

  test('registered itself: the whole worker, configured by its own query', () => {
    expect(classicSetup(STACKS.chromium, URL_OF_SCRIPT)).toEqual({ search: '?tables=todoitem,notes&policy=hold', standalone: true });
  });

  test('imported without a query: the app worker query still configures it (`/app-sw.js?tables=…`)', () => {
    const stack = 'Error\n    at http://127.0.0.1:8080/tablesync-sw.js:1:5\n    at http://127.0.0.1:8080/app-sw.js:3:1';
    expect(classicSetup(stack, 'http://127.0.0.1:8080/app-sw.js?tables=todoitem')).toEqual({ search: '?tables=todoitem', standalone: false });
  });

  test('no usable stack: falls back to the worker URL, as the whole worker', () => {
    expect(scriptUrlOf(undefined)).toBeNull();
    expect(scriptUrlOf('Error\n    at <anonymous>')).toBeNull();
    expect(classicSetup(undefined, 'http://127.0.0.1:8080/sw.js?tables=a')).toEqual({ search: '?tables=a', standalone: true });
  });
});

describe('installTablesync options as the worker query', () => {
  test('every option maps to the query key the classic worker reads', () => {
    const query = new URLSearchParams(
      toWorkerQuery({
        tables: ['todoitem', 'notes'],
        upstream: 'https://api.example.com',
        dialect: 'v2',
        upstreamDialect: 'v3',
        policy: 'hold',
        strict: true,
        writes: 'local-first',
        writeTimeoutMs: 2000,
        maxStaleMs: 1000,
        pullIntervalMs: 5000,
        pushIntervalMs: 7000,
        requestPushIntervalMs: 3000,
        standalone: true,
        shell: false,
      }),
    );
    expect(Object.fromEntries(query)).toEqual({
      tables: 'todoitem,notes',
      upstream: 'https://api.example.com',
      dialect: 'v2',
      upstreamDialect: 'v3',
      policy: 'hold',
      strict: '1',
      writes: 'local-first',
      writeTimeoutMs: '2000',
      maxStaleMs: '1000',
      pullIntervalMs: '5000',
      pushIntervalMs: '7000',
      requestPushIntervalMs: '3000',
      shell: 'off',
    });
    expect(toWorkerQuery({ tables: ['todoitem'] })).toBe('?tables=todoitem');
  });
});
