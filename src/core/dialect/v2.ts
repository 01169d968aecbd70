import { formatDateTime } from '../dates.js';
import type { DialectFacts } from './types.js';

/** The v2 dialect (`ZUMO-API-VERSION: 2.0.x`): Azure Mobile Apps Node and ASP.NET servers, the JS and .NET clients. */
export const v2: DialectFacts = {
  dialect: 'v2',
  apiVersion: '2.0.0',
  pageSize: 50,
  maxTop: 1000,
  updateMethod: 'PATCH',
  deleteStatus: 200,
  listShape: 'array',
  tombstoneCode: 'item_not_found',
  reservedProperties: 'reject',
  bodyVersionIsPrecondition: true,
  dateLiteral: (epochMs) => `datetimeoffset'${formatDateTime(epochMs)}'`,
};
