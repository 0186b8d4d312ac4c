/** `items` cut into runs of at most `size` (Graph's limits: 20 requests to a `$batch`, 1,000 ids to a getByIds). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
