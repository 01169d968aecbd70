/**
 * Issue 9 acceptance (T-03): the official `azure-mobile-apps-client` (v2, unchanged) runs its ordinary online
 * flow (test/support/azure-online-flow.ts) once straight against the reference server and once through the
 * worker: every check is the same. The offline half of the same client's flow is e2e-azure-client.test.ts.
 */
import fs from 'node:fs';
import { describe, expect, test } from 'vitest';
import { runAzureOnlineFlow, type FlowCheck } from '../support/azure-online-flow.js';
import { webRootWithAzureClient } from './fixtures/e2e/azure-bundle.js';
import { openApp, openPlain, syncApi, useStack, waitForPull } from './fixtures/e2e/harness.js';

let webRoot = '';
const stack = useStack({
  publicDir: async () => (webRoot = await webRootWithAzureClient()),
  cleanup: async () => fs.rmSync(webRoot, { recursive: true, force: true }),
});

const valueOf = (checks: readonly FlowCheck[], step: string): unknown => checks.find((c) => c.step === step)?.value;

describe('e2e-azure-online', () => {
  test('T-01 T-02 T-03: the Azure client\'s online flow gives the same results with the worker as without it', async () => {
    const plain = await openPlain(stack.browser, stack.origin, '/azure-bare.html');
    const without = await runAzureOnlineFlow(plain.page, stack.origin, { id: 'flow-plain' });
    await plain.close();

    // The flow itself is sound: it saw what the protocol says a v2 server answers.
    expect(valueOf(without, 'update with a stale version')).toMatchObject({ ok: false, status: 412, serverInstance: { id: '<id>', text: 'second' } });
    expect(valueOf(without, 'the serverInstance is the current row')).toBe(true);
    expect(valueOf(without, 'retry with serverInstance.version')).toMatchObject({ ok: true, value: { text: 'third', rank: 3 } });
    expect(valueOf(without, 'delete with a stale version')).toMatchObject({ ok: false, status: 412 });
    expect(valueOf(without, 'delete with the current version')).toEqual({ ok: true, value: null });
    expect(valueOf(without, 'lookup after delete')).toMatchObject({ ok: false, status: 404 });
    expect(without.length).toBeGreaterThanOrEqual(18);

    const app = await openApp(stack.browser, stack.proxy, '/azure.html');
    await waitForPull(app.page); // the page's load pulls (T-09); the flow then reads locally
    const withWorker = await runAzureOnlineFlow(app.page, stack.origin, { id: 'flow-worker' });
    expect(withWorker).toEqual(without);

    // Reads were answered by the worker, writes by the server through it, and nothing is left to replay.
    const one = ['POST 201', 'PATCH 200', 'PATCH 412', 'PATCH 200', 'DELETE 412', 'DELETE 200', 'PATCH 404'];
    expect(stack.proxy.writes().map((s) => `${s.method} ${s.status}`)).toEqual([...one, ...one]);
    expect(await syncApi(app.page).pending()).toEqual([]);
    expect(await syncApi(app.page).conflicts()).toEqual([]);
    expect([...app.devtools.errors]).toEqual([]);
    await app.close();
  });
});
