/** A scalar app-field value (PROTOCOL.md §2.2): nested objects and arrays are invalid. */
export type FieldValue = string | number | boolean | null;

export const isFieldValue = (value: unknown): value is FieldValue =>
  value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';

/** A row as JSON: an `id`, system properties and app fields. */
export type Item = Readonly<Record<string, FieldValue>>;

/** The five system properties; every other key is an app field. */
export const SYSTEM_PROPERTIES = ['id', 'createdAt', 'updatedAt', 'version', 'deleted'] as const;
export type SystemProperty = (typeof SYSTEM_PROPERTIES)[number];

export const isSystemProperty = (name: string): name is SystemProperty =>
  (SYSTEM_PROPERTIES as readonly string[]).includes(name);

const fieldsWhere = (item: Item, system: boolean): Record<string, FieldValue> =>
  Object.fromEntries(Object.entries(item).filter(([key]) => isSystemProperty(key) === system));

/** The app fields of a row, without system properties. */
export const appFields = (item: Item): Record<string, FieldValue> => fieldsWhere(item, false);

/** The system properties a row holds. */
export const systemFields = (item: Item): Record<string, FieldValue> => fieldsWhere(item, true);

/** A row's `version`, null when it has none. */
export const versionOf = (row: Item | null): string | null => (typeof row?.['version'] === 'string' ? row['version'] : null);

/** True when `item` is a tombstone. */
export const isTombstone = (item: Item): boolean => item['deleted'] === true;
