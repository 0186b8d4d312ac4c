/** The cache key of a lookup by id or value with a selection: case-insensitive value, selection in any order. */
export function selectionKey(value: string, select: readonly string[]): string {
  return `${value.toLowerCase()}|${[...select].sort().join(",")}`;
}
