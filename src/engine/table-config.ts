import type { Dialect, TableSettings } from '../core/dialect/types.js';
import type { ConflictPolicy, EngineConfig } from './engine-types.js';

/** One table's configuration with every default applied. */
export interface TableConfig {
  readonly name: string;
  readonly appDialect: Dialect;
  /** null: follow the app's latest request (PROTOCOL.md §1 rule 3). */
  readonly upstreamDialect: Dialect | null;
  readonly policy: ConflictPolicy;
  readonly settings: TableSettings;
}

/** The configured tables by name, defaults applied (appDialect v3, policy merge, soft delete on). */
export function createTableConfigs(config: EngineConfig): ReadonlyMap<string, TableConfig> {
  const tables = new Map<string, TableConfig>();
  for (const t of config.tables) {
    tables.set(t.name, {
      name: t.name,
      appDialect: t.appDialect ?? 'v3',
      upstreamDialect: t.upstreamDialect ?? null,
      policy: t.policy ?? 'merge',
      settings: {
        name: t.name,
        softDelete: t.softDelete ?? true,
        pageSize: t.pageSize ?? null,
        maxTop: t.maxTop ?? null,
        strict: t.strict ?? false,
      },
    });
  }
  return tables;
}
