/**
 * A PostgreSQL array literal of text values, sent as one bind parameter and unnested on
 * the server: thousands of rows cost one parameter each column instead of one each
 * value, and PostgreSQL parses it several times faster than the same rows as JSON.
 */
export function textArray(values: readonly (string | null)[]): string {
  const items = values.map((value) => {
    if (value === null) return "NULL";
    if (!value.includes('"') && !value.includes("\\")) return `"${value}"`;
    return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
  });
  return `{${items.join(",")}}`;
}

/** A PostgreSQL array literal of whole numbers (minor units). */
export function bigintArray(values: readonly bigint[]): string {
  return `{${values.join(",")}}`;
}
