import DataLoader from "dataloader";
import { BATCH_LIMIT, type TenantGraphClient } from "../graph/graphClient";
import { toGraphError } from "../graph/graphErrors";
import { buildQuery, needsEventualConsistency, type ODataQuery } from "../graph/odata";
import { coalesceWindow } from "./schedule";
import { requestKey, type GraphPage, type GraphRequest, type GraphResponse } from "../graph/types";

export type GraphObject = Record<string, unknown> & { id: string };

/** Turns a failed Graph answer into the error the caller sees (the request says which data was denied). */
export type FailureMapper = (res: GraphResponse, req: GraphRequest) => Error;

/** A request for one object by id, with the properties this operation needs of it. */
export interface ObjectKey {
  id: string;
  select: readonly string[];
}

/**
 * The Graph data of one customer tenant for one GraphQL operation. Every load of the tenant issued in
 * the same tick is coalesced into one Graph call or `$batch`es of 20; identical requests are made once.
 * Never shared across operations or tenants: its cache holds what this caller may see of this tenant.
 */
export class TenantData {
  private readonly requests: DataLoader<GraphRequest, GraphResponse, string>;
  private readonly objectLoaders = new Map<string, DataLoader<ObjectKey, GraphObject | null, string>>();

  constructor(
    readonly tenantId: string,
    graph: TenantGraphClient,
    private readonly fail: FailureMapper = (res, req) => toGraphError(res, tenantId, req),
  ) {
    this.requests = new DataLoader((reqs) => graph.execute(reqs), { maxBatchSize: BATCH_LIMIT, cacheKeyFn: requestKey, batchScheduleFn: coalesceWindow });
  }

  get users(): DataLoader<ObjectKey, GraphObject | null, string> {
    return this.objects("/users");
  }

  /** The by-id loader of a collection (`/users`, `/groups`, `/devices`, `/deviceManagement/managedDevices`). */
  objects(collection: string): DataLoader<ObjectKey, GraphObject | null, string> {
    let loader = this.objectLoaders.get(collection);
    if (!loader) {
      loader = this.objectLoader(collection);
      this.objectLoaders.set(collection, loader);
    }
    return loader;
  }

  /**
   * A POST through the same batching (e.g. `/directoryObjects/getByIds`); not cached across identical
   * bodies by accident, since the body is part of the key. `readOnly`: the POST only reads, so it is
   * re-sent after a 429/503/504 like a GET.
   */
  async post(url: string, body: unknown, options: { headers?: Record<string, string>; readOnly?: boolean } = {}): Promise<any> {
    return this.send({ method: "POST", url, body, headers: { "Content-Type": "application/json", ...options.headers }, idempotent: options.readOnly });
  }

  /** One page of a collection (`/users`, `/groups/{id}/members`, …). */
  async page(path: string, query: ODataQuery): Promise<GraphPage<GraphObject>> {
    const headers = needsEventualConsistency(query) ? { ConsistencyLevel: "eventual" } : undefined;
    return this.get(`${path}${buildQuery(query)}`, headers);
  }

  /**
   * The tenant's organization profile (GET /organization is a collection of exactly one item), with
   * these properties; also the cheapest read that proves the caller can reach the tenant.
   */
  async organization(select: readonly string[]): Promise<GraphObject | null> {
    const page = await this.page("/organization", { select: [...select] });
    return page.value?.[0] ?? null;
  }

  async get(url: string, headers?: Record<string, string>): Promise<any> {
    // A `$search` is only ever the client's free text (e.g. a `$count` of a searched list).
    return this.send({ method: "GET", url, headers, clientInput: carriesSearch(url) });
  }

  private async send(req: GraphRequest): Promise<any> {
    const res = await this.requests.load(req);
    if (res.status >= 200 && res.status < 300) return res.body;
    throw this.fail(res, req);
  }

  /**
   * Objects by id from `{collection}/{id}`: keys of one tick asking for the same id are merged into
   * one request selecting the union of their properties. A 404 is `null`, not a failure.
   */
  private objectLoader(collection: string): DataLoader<ObjectKey, GraphObject | null, string> {
    return new DataLoader<ObjectKey, GraphObject | null, string>(
      async (keys) => {
        const selectById = new Map<string, Set<string>>();
        for (const k of keys) {
          const set = selectById.get(k.id) ?? new Set(["id"]);
          k.select.forEach((s) => set.add(s));
          selectById.set(k.id, set);
        }
        const results = new Map<string, Promise<GraphObject | null | Error>>();
        for (const [id, select] of selectById) {
          // Dot segments would climb out of the collection once the URL is resolved; no object has such an id.
          if (id === "." || id === "..") {
            results.set(id, Promise.resolve(null));
            continue;
          }
          const url = `${collection}/${encodeURIComponent(id)}${buildQuery({ select: [...select].sort() })}`;
          const req: GraphRequest = { method: "GET", url };
          results.set(id, this.requests.load(req).then(
            (res) => (res.status === 404 ? null : res.status >= 200 && res.status < 300 ? (res.body as GraphObject) : this.fail(res, req)),
            (err: Error) => err,
          ));
        }
        return Promise.all(keys.map((k) => results.get(k.id)!));
      },
      { cacheKeyFn: (k) => `${k.id.toLowerCase()}|${[...k.select].sort().join(",")}` },
    );
  }
}

function carriesSearch(url: string): boolean {
  const q = url.indexOf("?");
  return q >= 0 && new URLSearchParams(url.slice(q + 1)).has("$search");
}
