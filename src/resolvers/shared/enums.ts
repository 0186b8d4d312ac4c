/** A Graph string mapped onto a schema enum; values Graph adds later (unknownFutureValue…) become `fallback`. */
export function enumValue<E extends string>(values: readonly E[], v: unknown, fallback: E | null = null): E | null {
  return typeof v === "string" && (values as readonly string[]).includes(v) ? (v as E) : v === undefined || v === null ? null : fallback;
}
