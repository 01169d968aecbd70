// The dialect layer's public surface: parse app requests, validate bodies, format answers, plan upstream requests.
export type * from './types.js';
export { chooseDialect, parseApiVersion } from './choose-dialect.js';
export { dialectFacts, pagingOf } from './dialect-facts.js';
export { errorResponse, formatError } from './format-error.js';
export { formatConflict, formatCreated, formatDeleted, formatItem, formatNotModified } from './format-item.js';
export { continuationQuery, formatList, pageLimit, type ListPage, type ListRequest } from './format-list.js';
export { planLookup, planOpRequest, planUndelete, type UndeleteTarget } from './outbound.js';
export { includesDeleted, parseListQuery } from './parse-list-query.js';
export { isJsonContentType, parseTableRequest, type ParseTableRequestOptions } from './parse-table-request.js';
export { conflictStatusOf, formatETag, ifMatchPasses, ifNoneMatchHits, parsePrecondition } from './precondition.js';
export { parseQueryString, type QueryParam } from './query-string.js';
export { resolveTarget, type TargetRequest } from './resolve-target.js';
export { baseHeaders, rowHeaders } from './response-headers.js';
export { splitUrl, type UrlParts } from './split-url.js';
export { v2 } from './v2.js';
export { v3 } from './v3.js';
export { validateWriteBody, type ValidateWriteBodyOptions, type WriteRequest } from './validate-write-body.js';
