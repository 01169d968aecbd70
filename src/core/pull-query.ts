/**
 * Turns a pull cursor's abstract request into the upstream GET of PROTOCOL.md §3.6 step 2, in
 * either dialect: bounds as date literals, `$orderby`, `$top`, `__includeDeleted=true`, and
 * never `$skip`, `$select` or a count.
 */
import { dialectFacts } from './dialect/dialect-facts.js';
import type { Dialect, OutboundRequest } from './dialect/types.js';
import type { PullFetch } from './watermark.js';

/** Inputs of one pull request besides the cursor's bounds: the table, the upstream dialect and the pull filter (L-02). */
export interface PullRequestOptions {
  readonly table: string;
  readonly dialect: Dialect;
  /** The pull's filter text as validated by `parsePullQuery`; null when unfiltered. */
  readonly filter: string | null;
}

/**
 * The response header by which a server offers a pull more rows per request (`$top`) than N: the reference
 * server sends it on sync reads (src/server/sync-read.ts). Other servers never do, and keep their own caps.
 */
export const PULL_TOP_HEADER = 'x-tablesync-pull-top';

/** The default rows per pull request N, the dialect's page size: 50 in v2, 100 in v3 (L-02). */
export const defaultPullPageSize = (dialect: Dialect): number => dialectFacts(dialect).pageSize;

/** The GET for one pull step: `(F) and (updatedAt ge …)`… parenthesised, `$orderby`, `$top`, `__includeDeleted=true`, values percent-encoded (L-02, L-03, L-07, L-08). */
export function buildPullRequest(step: PullFetch, options: PullRequestOptions): OutboundRequest {
  const { dialect, filter } = options;
  const facts = dialectFacts(dialect);
  const clauses: string[] = [];
  if (filter !== null) clauses.push(filter);
  if (step.ge !== null) clauses.push(`updatedAt ge ${facts.dateLiteral(step.ge)}`);
  if (step.lt !== null) clauses.push(`updatedAt lt ${facts.dateLiteral(step.lt)}`);
  if (step.afterId !== null) clauses.push(`id gt '${step.afterId.replace(/'/g, "''")}'`);
  const params: (readonly [string, string])[] = [];
  if (clauses.length === 1) params.push(['$filter', clauses[0] as string]);
  else if (clauses.length > 1) params.push(['$filter', clauses.map((c) => `(${c})`).join(' and ')]);
  params.push(['$orderby', step.orderBy === 'id' ? 'id' : 'updatedAt,id']);
  params.push(['$top', String(step.top)]);
  params.push(['__includeDeleted', 'true']);
  const query = params.map(([key, value]) => `${key}=${encodeURIComponent(value)}`).join('&');
  return {
    method: 'GET',
    path: `/tables/${encodeURIComponent(options.table)}?${query}`,
    headers: { 'ZUMO-API-VERSION': facts.apiVersion },
    body: null,
  };
}
