import type { OutboundRequest } from '../core/dialect/types.js';
import type { PushAnswer } from '../core/push-outcome.js';
import type { EngineContext } from './engine-context.js';
import type { RemoteResponse } from './ports.js';

/** Sends a request upstream with the credentials current at send time (U-18), header names lowercased. */
export async function sendUpstream(ctx: EngineContext, request: OutboundRequest): Promise<RemoteResponse> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
  Object.assign(headers, ctx.credentials.outbound());
  const response = await ctx.deps.remote.send({ ...request, headers });
  ctx.runtime.online = response.kind === 'response';
  // §3.9: after a network failure, writes answer locally until an answer comes (or `online`, or 30 s).
  ctx.runtime.offlineAt = response.kind === 'response' ? null : ctx.deps.clock.now();
  return response;
}

/** A remote response as core's push classifier reads it. */
export function pushAnswerOf(response: RemoteResponse): PushAnswer {
  return response.kind === 'network-error'
    ? { kind: 'network-error' }
    : { kind: 'response', status: response.status, body: response.body, retryAfter: response.headers['retry-after'] ?? null };
}
