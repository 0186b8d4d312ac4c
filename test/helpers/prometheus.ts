/**
 * Reading Prometheus' text exposition in tests: the sum of the samples of a metric whose labels
 * include the given ones (0 when none match).
 */
export function sampleOf(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const s of samplesOf(text, name)) {
    if (Object.entries(labels).every(([k, v]) => s.labels[k] === v)) total += s.value;
  }
  return total;
}

export interface Sample {
  labels: Record<string, string>;
  value: number;
}

export function samplesOf(text: string, name: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const labels = Object.fromEntries([...(m[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1]!, x[2]!]));
    out.push({ labels, value: Number(m[3]) });
  }
  return out;
}

/** The change of every named sample between two scrapes. */
export function deltaOf(before: string, after: string) {
  return (name: string, labels: Record<string, string> = {}) => sampleOf(after, name, labels) - sampleOf(before, name, labels);
}
