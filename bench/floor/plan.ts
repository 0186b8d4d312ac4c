/**
 * What the floor client replays: partner-graph's own Graph requests for one operation, as the
 * emulator logged them, in waves (requests of a wave go out together; a wave starts when the one
 * before it has answered), and partner-graph's response to that operation.
 */
export interface FloorPlan {
  waves: FloorRequest[][];
  /** Plain requests + `$batch` requests of all waves. */
  requests: number;
  /** Batch items + plain requests: what Graph serves one by one. */
  subRequests: number;
  /** partner-graph's JSON response to the operation (the floor client answers with one of this size). */
  response: string;
}

/** One HTTP call to Graph: a plain request (method, url under /v1.0) or a `$batch` of items. */
export interface FloorRequest {
  tenantId: string;
  method?: string;
  url?: string;
  consistencyLevel?: string;
  batch?: Array<{ id: string; method: string; url: string; headers?: Record<string, string> }>;
}

/** A Graph request in the emulator's log (counters.requests). */
export interface Logged {
  kind: string;
  tenantId?: string;
  method: string;
  url: string;
  consistencyLevel?: string;
}

const BATCH_LIMIT = 20;

/**
 * The plan of an operation from the emulator's log of it: `waveOf` puts each logged request in its
 * wave; within a wave, a tenant's single plain request stays plain and its batch items go in
 * `$batch`es of at most 20, in logged order (as partner-graph's DataLoader chunks them).
 */
export function planOf(logged: readonly Logged[], waveOf: (r: Logged) => number, response: string): FloorPlan {
  const graph = logged.filter((r) => (r.kind === "graph" || r.kind === "batchItem") && r.tenantId);
  const waves: FloorRequest[][] = [];
  const byWave = new Map<number, Map<string, Logged[]>>();
  for (const r of graph) {
    const w = waveOf(r);
    let tenants = byWave.get(w);
    if (!tenants) byWave.set(w, (tenants = new Map()));
    let list = tenants.get(r.tenantId!);
    if (!list) tenants.set(r.tenantId!, (list = []));
    list.push(r);
  }
  let requests = 0;
  for (const w of [...byWave.keys()].sort((a, b) => a - b)) {
    const wave: FloorRequest[] = [];
    for (const [tenantId, list] of byWave.get(w)!) {
      const plain = list.filter((r) => r.kind === "graph");
      for (const r of plain) wave.push({ tenantId, method: r.method, url: r.url, consistencyLevel: r.consistencyLevel });
      const items = list.filter((r) => r.kind === "batchItem");
      for (let i = 0; i < items.length; i += BATCH_LIMIT) {
        wave.push({
          tenantId,
          batch: items.slice(i, i + BATCH_LIMIT).map((r, k) => ({
            id: String(k + 1),
            method: r.method,
            url: r.url.replace(/^\/v1\.0/, ""),
            ...(r.consistencyLevel ? { headers: { ConsistencyLevel: r.consistencyLevel } } : {}),
          })),
        });
      }
    }
    requests += wave.length;
    waves.push(wave);
  }
  return { waves, requests, subRequests: graph.length, response };
}
