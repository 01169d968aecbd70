import { formatDateTime } from '../dates.js';
import type { DialectFacts } from './types.js';

/** The v3 dialect (`ZUMO-API-VERSION: 3.0.x`): the Datasync Toolkit and Microsoft.AspNetCore.Datasync. */
export const v3: DialectFacts = {
  dialect: 'v3',
  apiVersion: '3.0.0',
  pageSize: 100,
  maxTop: 128000,
  updateMethod: 'PUT',
  deleteStatus: 204,
  listShape: 'items',
  tombstoneCode: 'item_deleted',
  reservedProperties: 'ignore',
  bodyVersionIsPrecondition: false,
  dateLiteral: (epochMs) => `cast(${formatDateTime(epochMs)},Edm.DateTimeOffset)`,
};
