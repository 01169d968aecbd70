/**
 * A bounded closed-loop HTTP load generator on loopback: `concurrency` keep-alive connections,
 * each sending its next request when the last one answered, until `maxRequests` were sent or
 * `maxMs` passed, whichever first.
 */
import http from 'node:http';
import { summarize, type Summary } from './stats.js';

/** One request of the loop. */
export interface LoadRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

export interface LoadOptions {
  readonly url: string;
  readonly concurrency: number;
  readonly maxRequests: number;
  readonly maxMs: number;
  /** The i-th request (i counts from 0 across all connections). */
  readonly request: (i: number) => LoadRequest;
  /** The status every answer must have. */
  readonly expectStatus: number;
}

export interface LoadResult {
  readonly requests: number;
  readonly ms: number;
  readonly perSecond: number;
  readonly latency: Summary;
}

function send(agent: http.Agent, base: URL, r: LoadRequest): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers = r.body === undefined ? r.headers : { ...r.headers, 'content-length': String(Buffer.byteLength(r.body)) };
    const req = http.request({ agent, host: base.hostname, port: base.port, method: r.method, path: r.path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(r.body);
  });
}

/** Runs the loop; throws on the first unexpected status (a benchmark of errors measures nothing). */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const base = new URL(options.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  const latencies: number[] = [];
  let next = 0;
  const start = performance.now();
  const deadline = start + options.maxMs;
  const worker = async (): Promise<void> => {
    while (next < options.maxRequests && performance.now() < deadline) {
      const i = next++;
      const t0 = performance.now();
      const answer = await send(agent, base, options.request(i));
      latencies.push(performance.now() - t0);
      if (answer.status !== options.expectStatus) {
        throw new Error(`request ${i} got ${answer.status}, expected ${options.expectStatus}: ${answer.body.slice(0, 300)}`);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency }, worker));
  } finally {
    agent.destroy();
  }
  const ms = performance.now() - start;
  return { requests: latencies.length, ms, perSecond: (latencies.length / ms) * 1000, latency: summarize(latencies) };
}
