/**
 * A PostgreSQL array literal for one parameter (`= any(?::uuid[])`). MikroORM's execute()
 * expands a JS array into a comma list (and `any()` of nothing is a syntax error), so a list of
 * ids travels as one text value, instead of a hand-built `in (?, ?, …)` per call site.
 */
export function pgArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}
