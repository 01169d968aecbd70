/**
 * PROTOCOL.md §1 rule 3: the dialect the engine speaks upstream. The genuine Azure Mobile Apps Node
 * server speaks only v2 and answers `ZUMO-API-VERSION: 3.0.0` with 400 (P18), so a pull before the
 * app's first request (the worker's start, a page's `pull()`) follows the table's `appDialect`
 * rather than assuming v3.
 */
import { describe, expect, test } from 'vitest';
import { createHarness } from './harness.js';

describe('upstream dialect', () => {
  test('P18: with no app request seen yet, a pull speaks the table\'s appDialect (v2: 2.0.0, $top=50), not 3.0.0 that [node] refuses', async () => {
    const h = createHarness({ tables: [{ name: 'todo', appDialect: 'v2' }, { name: 'other' }] });
    await h.engine.start();
    await h.engine.pull({ table: 'todo', push: false });
    await h.engine.pull({ table: 'other', push: false });
    expect(h.server.requests.map((r) => [r.path.split('?')[0], r.headers['zumo-api-version'], new URLSearchParams(r.path.split('?')[1]).get('$top')])).toEqual([
      ['/tables/todo', '2.0.0', '50'],
      ['/tables/other', '3.0.0', '100'],
    ]);
  });

  test('§1 rule 3: a configured upstreamDialect wins, then the app\'s latest request, then appDialect', async () => {
    const h = createHarness({ tables: [{ name: 'todo', appDialect: 'v2' }, { name: 'fixed', appDialect: 'v2', upstreamDialect: 'v3' }] });
    await h.engine.start();
    await h.request('GET', '/tables/todo', { version: '3.0.0' });
    await h.settle();
    h.server.requests.length = 0;
    await h.engine.pull({ table: 'todo', push: false });
    await h.engine.pull({ table: 'fixed', push: false });
    expect(h.server.requests.map((r) => r.headers['zumo-api-version'])).toEqual(['3.0.0', '3.0.0']);
  });
});
