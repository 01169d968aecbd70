/** Registers the elements under their tag names; safe to call twice. */
import { TablesyncConflictsElement } from './conflicts-element.js';
import { TablesyncStatusElement } from './status-element.js';

/** Defines `<tablesync-status>` and `<tablesync-conflicts>` (those not defined yet) in `registry`. */
export function defineTablesyncElements(registry: CustomElementRegistry = customElements): void {
  if (!registry.get('tablesync-status')) registry.define('tablesync-status', TablesyncStatusElement);
  if (!registry.get('tablesync-conflicts')) registry.define('tablesync-conflicts', TablesyncConflictsElement);
}
