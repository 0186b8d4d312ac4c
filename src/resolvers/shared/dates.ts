/** Graph sends DateTimeOffset as ISO text; the schema's DateTimeISO scalar wants Date objects. */
export function toDates<T extends Record<string, unknown>>(o: T, fields: readonly string[]): T {
  for (const f of fields) {
    if (!(f in o)) continue;
    const v = o[f];
    (o as Record<string, unknown>)[f] = typeof v === "string" && !Number.isNaN(Date.parse(v)) ? new Date(v) : null;
  }
  return o;
}
