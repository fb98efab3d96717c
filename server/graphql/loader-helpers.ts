/** Results of a batch in the order of the requested ids; null where no row came back. */
export function byId<T extends { id: string }>(rows: readonly T[], ids: readonly string[]): Array<T | null> {
  const map = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => map.get(id) ?? null);
}

/** Rows grouped under the requested keys, in key order; an empty list for keys without rows. */
export function grouped<T>(rows: readonly T[], keys: readonly string[], keyOf: (r: T) => string): T[][] {
  const map = new Map<string, T[]>();
  for (const r of rows) {
    const k = keyOf(r);
    const list = map.get(k);
    if (list) list.push(r);
    else map.set(k, [r]);
  }
  return keys.map((k) => map.get(k) ?? []);
}
