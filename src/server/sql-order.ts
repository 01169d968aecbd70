import type { OrderKey } from '../core/odata/ast.js';
import { fieldSql } from './sql-fields.js';

/**
 * Compiles `$orderby` to SQL, then `id` (PROTOCOL.md §2.3, S-31): ascending puts null first, then
 * false, true, numbers, strings by code point; descending reverses it.
 */
export function compileOrderBy(keys: readonly OrderKey[], ownerField: string | null): string {
  const parts: string[] = [];
  for (const key of keys) {
    const dir = key.direction === 'desc' ? 'desc' : 'asc';
    const nulls = dir === 'asc' ? 'nulls first' : 'nulls last';
    const f = fieldSql(key.field, ownerField);
    switch (f.type) {
      case 'null':
        break; // a field no row can hold is null everywhere
      case 'json': {
        const j = f.sql;
        parts.push(
          `(case jsonb_typeof(${j}) when 'boolean' then 1 when 'number' then 2 when 'string' then 3 else 0 end) ${dir}`,
          `(case when jsonb_typeof(${j}) = 'boolean' then (${j})::boolean end) ${dir}`,
          `(case when jsonb_typeof(${j}) = 'number' then (${j})::float8 end) ${dir}`,
          `(case when jsonb_typeof(${j}) = 'string' then ${j} #>> '{}' end) collate "C" ${dir}`,
        );
        break;
      }
      default:
        if (f.dateColumn !== undefined) {
          parts.push(`${f.dateColumn} ${dir}`); // system dates sort by instant
          break;
        }
        // Only nullable columns name their null order: a NULLS FIRST on a NOT NULL column would defeat its index.
        parts.push(`${f.type === 'string' && !f.collated ? `${f.sql} collate "C"` : f.sql} ${dir}${f.nullable ? ` ${nulls}` : ''}`);
    }
  }
  parts.push('id asc');
  return parts.join(', ');
}
