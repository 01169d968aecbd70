import type { TableSettings } from '../core/dialect/types.js';
import { isSystemProperty } from '../core/item.js';
import { FIELD_NAME, TABLE_NAME } from './sql-names.js';

/** A table as a config file or `startServer` names it. */
export interface TableConfigInput {
  readonly name: string;
  /** Default true. */
  readonly softDelete?: boolean;
  /** Owner scoping: `true` keeps the owner hidden; a field name also shows it in rows under that name. */
  readonly ownerColumn?: boolean | string;
  readonly pageSize?: number;
  readonly maxTop?: number;
  /** Requires a valid JWT; default: on when the server has auth configured or the table has an owner. */
  readonly auth?: boolean;
}

/** A table's settings after defaults and validation. */
export interface TableConfig extends TableSettings {
  readonly owner: { readonly field: string | null } | null;
  readonly auth: boolean;
}

/** The default tables config (DESIGN.md §5): the Azure quick-start table. */
export const DEFAULT_TABLES: readonly TableConfigInput[] = [{ name: 'todoitem', softDelete: true }];

const positiveInt = (value: unknown): boolean => typeof value === 'number' && Number.isInteger(value) && value > 0;

/** Validates and completes a tables config; throws on a config error, which is the operator's bug. */
export function resolveTableConfig(inputs: readonly TableConfigInput[], authConfigured: boolean): readonly TableConfig[] {
  const seen = new Set<string>();
  return inputs.map((input): TableConfig => {
    const where = `table ${JSON.stringify(input.name)}`;
    if (typeof input.name !== 'string' || !TABLE_NAME.test(input.name)) throw new Error(`${where}: name must match ${TABLE_NAME.source}`);
    if (seen.has(input.name)) throw new Error(`${where}: configured twice`);
    seen.add(input.name);
    if (input.pageSize !== undefined && !positiveInt(input.pageSize)) throw new Error(`${where}: pageSize must be a positive integer`);
    if (input.maxTop !== undefined && !positiveInt(input.maxTop)) throw new Error(`${where}: maxTop must be a positive integer`);
    const ownerField = typeof input.ownerColumn === 'string' ? input.ownerColumn : null;
    if (ownerField !== null && (!FIELD_NAME.test(ownerField) || isSystemProperty(ownerField))) {
      throw new Error(`${where}: ownerColumn must be true or an app field name`);
    }
    const owner = input.ownerColumn === true || ownerField !== null ? { field: ownerField } : null;
    const auth = input.auth ?? (authConfigured || owner !== null);
    if ((auth || owner !== null) && !authConfigured) throw new Error(`${where}: needs auth (a secret or jwksUrl) in the server options`);
    if (owner !== null && !auth) throw new Error(`${where}: an owner column needs auth on`);
    return {
      name: input.name,
      softDelete: input.softDelete ?? true,
      pageSize: input.pageSize ?? null,
      maxTop: input.maxTop ?? null,
      strict: true,
      owner,
      auth,
    };
  });
}
