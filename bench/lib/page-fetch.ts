/** Times `fetch` in a page: each request alone, answered body read, as an app's code would see it. */
import type { Page } from 'playwright-core';

/** One timed fetch: its wall time, status and whether the tablesync worker answered it. */
export interface Timed {
  readonly ms: number;
  readonly status: number;
  readonly local: boolean;
}

/** What a request sends besides its URL. */
export interface FetchInit {
  readonly method?: string;
  readonly headers?: Record<string, string>;
}

/** Fetches `urls` one after another in `page`; `bodies[i]`, when given, is sent with the i-th. */
export async function timeFetches(page: Page, urls: readonly string[], init: FetchInit = {}, bodies: readonly string[] = []): Promise<Timed[]> {
  return page.evaluate(
    async ({ urls, init, bodies }) => {
      const out: { ms: number; status: number; local: boolean }[] = [];
      for (const [i, url] of urls.entries()) {
        const body = bodies[i];
        const t0 = performance.now();
        const response = await fetch(url, { ...init, ...(body === undefined ? {} : { body }) });
        await response.text();
        out.push({ ms: performance.now() - t0, status: response.status, local: response.headers.get('x-tablesync') === 'local' });
      }
      return out;
    },
    { urls, init, bodies },
  );
}

/** Fails when any answer was not `status` or not from the expected side (a benchmark of errors measures nothing). */
export function expectAnswers(label: string, answers: readonly Timed[], status: number, local: boolean): number[] {
  const bad = answers.find((a) => a.status !== status || a.local !== local);
  if (bad) throw new Error(`${label}: expected ${status} ${local ? 'from the worker' : 'from the server'}, got ${bad.status} (local: ${bad.local})`);
  return answers.map((a) => a.ms);
}
