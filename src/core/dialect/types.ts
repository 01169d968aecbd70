import type { Expr, OrderKey } from '../odata/ast.js';

/** The two wire dialects (PROTOCOL.md §1); versions appear only in `v2.ts` and `v3.ts`. */
export type Dialect = 'v2' | 'v3';

/** A table's settings, shared by the server's config and the worker's (PROTOCOL.md §2.5, §2.7). */
export interface TableSettings {
  readonly name: string;
  /** Default true. */
  readonly softDelete: boolean;
  /** Rows per page when no `$top` caps it; null = the dialect's default (50 v2, 100 v3). */
  readonly pageSize: number | null;
  /** Largest `$top` accepted; null = the dialect's default (1000 v2, 128000 v3). */
  readonly maxTop: number | null;
  /** v2 bodies with reserved system properties get 400 instead of having them dropped (façade only). */
  readonly strict: boolean;
}

/** An HTTP request reduced to plain data at a shell's border (sw/http.ts, the server). */
export interface HttpRequest {
  readonly method: string;
  /** Absolute URL, e.g. `http://127.0.0.1:8080/tables/todoitem?$top=5`. */
  readonly url: string;
  /** Header names lowercased. */
  readonly headers: Readonly<Record<string, string>>;
  /** The raw body text, or null when there is none. */
  readonly body: string | null;
}

/** The preconditions of `If-Match` / `If-None-Match`: `*` or a list of decoded strong tags. */
export type Precondition = { readonly kind: 'any' } | { readonly kind: 'tags'; readonly versions: readonly string[] };

/** Parsed list-query options (PROTOCOL.md §2.3). */
export interface ListQuery {
  readonly filter: Expr | null;
  /** Without the implicit trailing `id asc`. */
  readonly orderBy: readonly OrderKey[];
  readonly skip: number;
  readonly top: number | null;
  readonly select: readonly string[] | null;
  readonly count: boolean;
  readonly includeDeleted: boolean;
}

/** Facts common to every parsed table request. */
interface RequestBase {
  readonly table: string;
  readonly dialect: Dialect;
  /** The request URL, kept to build continuation links. */
  readonly url: string;
}

/** An app's (or client's) `/tables` request, parsed and validated; bodies are still unvalidated JSON. */
export type TableRequest =
  | (RequestBase & { readonly kind: 'list'; readonly query: ListQuery })
  | (RequestBase & {
      readonly kind: 'get';
      readonly id: string;
      readonly includeDeleted: boolean;
      readonly ifNoneMatch: Precondition | null;
    })
  | (RequestBase & { readonly kind: 'insert'; readonly body: Readonly<Record<string, unknown>> })
  | (RequestBase & {
      readonly kind: 'update';
      readonly id: string;
      /** PATCH merges, PUT replaces (both dialects accept both). */
      readonly mode: 'merge' | 'replace';
      readonly ifMatch: Precondition | null;
      /** `PUT /{id}?__includedeleted=true`: an undelete-and-replace (v3 form). */
      readonly undelete: boolean;
      readonly body: Readonly<Record<string, unknown>>;
    })
  | (RequestBase & { readonly kind: 'delete'; readonly id: string; readonly ifMatch: Precondition | null })
  | (RequestBase & { readonly kind: 'undelete'; readonly id: string; readonly ifMatch: Precondition | null });

/** A response as plain data; a shell turns it into a platform response. */
export interface TableResponse {
  readonly status: number;
  /** Header names lowercased. */
  readonly headers: Readonly<Record<string, string>>;
  /** JSON-serialisable body, or null for 204/304. */
  readonly body: unknown;
}

/** A request to the upstream server, path relative to its origin (planned in core, sent by a shell). */
export interface OutboundRequest {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Path and query, e.g. `/tables/todoitem/abc?__includedeleted=true`. */
  readonly path: string;
  /** Header names lowercased (`zumo-api-version`, `content-type`, `if-match`). */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | null;
}

/** The per-dialect facts of PROTOCOL.md §1, one record in `v2.ts` and one in `v3.ts`. */
export interface DialectFacts {
  readonly dialect: Dialect;
  /** The `ZUMO-API-VERSION` value the engine sends upstream. */
  readonly apiVersion: string;
  /** Rows per page when neither `$top` nor the table caps it. */
  readonly pageSize: number;
  /** Largest `$top` accepted when the table sets none. */
  readonly maxTop: number;
  /** The verb the engine sends for an update: PATCH merges (v2), PUT replaces (v3). */
  readonly updateMethod: 'PATCH' | 'PUT';
  /** `DELETE` answers 200 with the tombstone (v2) or an empty 204 (v3). */
  readonly deleteStatus: 200 | 204;
  /** A list body is a bare array (or `{results,count}`) in v2, `{items,count,nextLink}` in v3. */
  readonly listShape: 'array' | 'items';
  /** The code for a read or write aimed at a tombstone: 404 `item_not_found` (v2), 410 `item_deleted` (v3). */
  readonly tombstoneCode: 'item_not_found' | 'item_deleted';
  /** v2 refuses `createdAt`, `updatedAt`, `deleted` in write bodies; v3 ignores every system property. */
  readonly reservedProperties: 'reject' | 'ignore';
  /** A PATCH body `version` without `If-Match` is the expected version in v2; v3 ignores it. */
  readonly bodyVersionIsPrecondition: boolean;
  /** The `$filter` date literal for an instant, 3 digits and `Z` (L-03). */
  readonly dateLiteral: (epochMs: number) => string;
}

/** A validated write body (PROTOCOL.md §2.2): the id and app fields to store, and a v2 expected version. */
export interface WriteBody {
  /** The row id; null on an insert without one (the caller generates a UUIDv4). */
  readonly id: string | null;
  /** App fields only: every system property is removed or refused. */
  readonly fields: Readonly<Record<string, string | number | boolean | null>>;
  /** v2 PATCH body `version` when no `If-Match` was sent: a mismatch is a 409 (S-19, F-12). */
  readonly expectedVersion: string | null;
}
