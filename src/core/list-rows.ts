/** The rows of a list body in either dialect (v2 array or `{results}`, v3 `{items}`), or null when it is not a list. */
export function listRows(body: unknown): readonly unknown[] | null {
  if (Array.isArray(body)) return body;
  if (typeof body !== 'object' || body === null) return null;
  const list = (body as Record<string, unknown>)['items'] ?? (body as Record<string, unknown>)['results'];
  return Array.isArray(list) ? list : null;
}
