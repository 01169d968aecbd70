import type { FieldValue, Item } from '../core/item.js';
import type { StoredRow } from './row-store.js';
import type { TableConfig } from './table-config.js';

/** A stored row as the wire item: id, app fields (and the owner field when shown), system properties. */
export function storedItem(row: StoredRow, table: TableConfig): Item {
  const item: Record<string, FieldValue> = { id: row.id, ...row.data };
  const ownerField = table.owner?.field ?? null;
  if (ownerField !== null) item[ownerField] = row.owner;
  item['createdAt'] = row.createdAt;
  item['updatedAt'] = row.updatedAt;
  item['version'] = row.version;
  item['deleted'] = row.deleted;
  return item;
}
