/**
 * The elements bundle (`dist/tablesync-elements.js`, ESM): `<tablesync-status>` and
 * `<tablesync-conflicts>`. Importing defines nothing; `defineTablesyncElements()` does (the drop-in
 * calls it after loading this bundle for a page that uses either tag).
 */
export { defineTablesyncElements } from './define-elements.js';
export { TablesyncStatusElement } from './status-element.js';
export { TablesyncConflictsElement } from './conflicts-element.js';
export type { ElementClient } from './element-client.js';
export type { FieldDiff, Side } from './conflict-fields.js';
