/**
 * CDP on a service-worker target. Playwright gives CDP sessions for pages only, so this attaches
 * from a page's session (`Target.attachToTarget`, not flattened) and talks to the worker through
 * `Target.sendMessageToTarget`, which reaches any domain of its isolate (Runtime, HeapProfiler, Profiler).
 */
import type { CDPSession } from 'playwright-core';

/** Opens a fresh CDP session (a page's) that can see the worker targets. */
export type OpenSession = () => Promise<CDPSession>;

/** Sends one CDP command to the attached worker. */
export type WorkerCall = <T = unknown>(method: string, params?: Record<string, unknown>) => Promise<T>;

/** Attaches to the running worker whose script URL starts with `urlPrefix`, runs `work`, detaches. */
export async function withWorkerSession<T>(open: OpenSession, urlPrefix: string, work: (call: WorkerCall) => Promise<T>): Promise<T> {
  const cdp = await open();
  try {
    const { targetInfos } = await cdp.send('Target.getTargets');
    const target = targetInfos.find((t) => t.type === 'service_worker' && t.url.startsWith(urlPrefix));
    if (target === undefined) throw new Error(`no running service worker at ${urlPrefix}`);
    const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: target.targetId, flatten: false });
    let nextId = 0;
    const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
    cdp.on('Target.receivedMessageFromTarget', (event) => {
      if (event.sessionId !== sessionId) return;
      const message = JSON.parse(event.message) as { id?: number; result?: unknown; error?: { message: string } };
      if (message.id === undefined) return;
      const entry = waiting.get(message.id);
      waiting.delete(message.id);
      if (message.error) entry?.reject(new Error(message.error.message));
      else entry?.resolve(message.result);
    });
    const call: WorkerCall = <R>(method: string, params: Record<string, unknown> = {}) =>
      new Promise<R>((resolve, reject) => {
        const id = ++nextId;
        waiting.set(id, { resolve: (v) => resolve(v as R), reject });
        cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) }).catch(reject);
      });
    try {
      return await work(call);
    } finally {
      await cdp.send('Target.detachFromTarget', { sessionId }).catch(() => {});
    }
  } finally {
    await cdp.detach().catch(() => {});
  }
}

/** The worker's live JS heap in bytes: garbage collected first, then `Runtime.getHeapUsage`. */
export async function workerHeap(open: OpenSession, urlPrefix: string): Promise<{ usedBytes: number; totalBytes: number; embedderBytes: number }> {
  return withWorkerSession(open, urlPrefix, async (call) => {
    await call('HeapProfiler.collectGarbage');
    const usage = await call<{ usedSize: number; totalSize: number; embedderHeapUsedSize?: number }>('Runtime.getHeapUsage');
    return { usedBytes: usage.usedSize, totalBytes: usage.totalSize, embedderBytes: usage.embedderHeapUsedSize ?? 0 };
  });
}
