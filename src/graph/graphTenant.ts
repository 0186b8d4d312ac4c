import DataLoader from "dataloader";
import type { Agent } from "undici";
import type { GraphBudget } from "./budget";
import { chunks } from "./chunks";
import type { GraphDenial, TenantCredentials } from "./credentials";
import type { GraphObserver } from "./observer";
import type { CompiledQuery } from "./filters/odataFilter";
import { translateGraphFailure } from "./graphFailures";
import { BATCH_LIMIT, HttpGraphTransport, type CallPolicy, type GraphTransport } from "./graphTransport";
import { buildQuery, needsEventualConsistency, odataString, skiptokenOf, type ODataQuery } from "./odata";
import { listPath, objectPath } from "./paths";
import { workloadOf, type InFlightLimits, type TenantBreakers } from "./resilience";
import { coalesceWindow } from "./schedule";
import type { GraphObject, ListPage, ListQuery, ListSource, ObjectRef, PagePosition, TenantGraph } from "./tenantGraph";
import { requestKey, type GraphPage, type GraphRequest, type GraphResponse } from "./types";

/** Graph's documented limit of ids in one `directoryObjects/getByIds` call. */
const GET_BY_IDS_MAX = 1000;

/**
 * The TenantGraph of one tenant for one GraphQL operation. Every request of the tenant issued in the
 * same tick (and coalescing window) goes out together — one plain call, or `$batch`es of 20 — and
 * identical requests are made once. Never shared across operations: its cache holds what this caller
 * may see of this tenant.
 */
export class GraphTenant implements TenantGraph {
  private readonly requests: DataLoader<GraphRequest, GraphResponse, string>;

  constructor(
    readonly tenantId: string,
    transport: GraphTransport,
    private readonly explainDenial?: (denial: GraphDenial) => Error,
  ) {
    this.requests = new DataLoader((reqs) => transport.execute(reqs), { maxBatchSize: BATCH_LIMIT, cacheKeyFn: requestKey, batchScheduleFn: coalesceWindow });
  }

  async get(ref: ObjectRef, select: readonly string[]): Promise<GraphObject | null> {
    const path = objectPath(ref);
    if (path === undefined) return null;
    const req: GraphRequest = { method: "GET", url: `${path}${buildQuery({ select })}` };
    const res = await this.requests.load(req);
    if (res.status === 404) return null;
    return this.bodyOf(res, req);
  }

  async list(source: ListSource, query: ListQuery, position: PagePosition): Promise<ListPage> {
    const { select, filter, search, orderBy, advanced, equals } = query;
    const odata: ODataQuery = {
      select,
      search,
      orderBy,
      advanced,
      top: position.top,
      count: position.count,
      skiptoken: position.skiptoken,
      filter: equals ? `${equals.property} eq ${odataString(equals.value)}` : filter,
    };
    const body: GraphPage<GraphObject> | undefined = await this.read(
      `${listPath(source)}${buildQuery(odata)}`,
      needsEventualConsistency(odata),
      Boolean(search),
    );
    return { items: body?.value ?? [], skiptoken: skiptokenOf(body?.["@odata.nextLink"]), count: finite(body?.["@odata.count"]) };
  }

  /**
   * The directory answers `{list}/$count` (with ConsistencyLevel); Intune has no `$count` segment, so
   * its count is the `@odata.count` of a one-item first page.
   */
  async count(source: ListSource, query: Partial<CompiledQuery>): Promise<number | null> {
    const path = listPath(source);
    if (workloadOf({ method: "GET", url: path }) === "intune") {
      const page = await this.list(source, { select: ["id"], filter: query.filter, search: query.search }, { top: 1, count: true });
      return page.count ?? null;
    }
    const body = await this.read(`${path}/$count${buildQuery({ filter: query.filter, search: query.search })}`, true, Boolean(query.search));
    return finite(typeof body === "string" ? Number(body.trim()) : body) ?? null;
  }

  /** One call per 1,000 ids; the POST only reads, so it is re-sent after a 429/503/504 like a GET. */
  async getByIds(ids: readonly string[], type: "user" | "group"): Promise<GraphObject[]> {
    const pages = await Promise.all(
      chunks(ids, GET_BY_IDS_MAX).map((part) => {
        const req: GraphRequest = {
          method: "POST",
          url: "/directoryObjects/getByIds",
          body: { ids: part, types: [type] },
          headers: { "Content-Type": "application/json" },
          idempotent: true,
        };
        return this.requests.load(req).then((res): GraphPage<GraphObject> | undefined => this.bodyOf(res, req));
      }),
    );
    return pages.flatMap((page) => page?.value ?? []);
  }

  /** `search`: the URL carries the client's own free text, so Graph's 400 to it is the client's. */
  private read<T>(url: string, eventual: boolean, search: boolean): Promise<T> {
    const req: GraphRequest = { method: "GET", url, headers: eventual ? { ConsistencyLevel: "eventual" } : undefined, clientInput: search };
    return this.requests.load(req).then((res) => this.bodyOf<T>(res, req));
  }

  /** A 2xx answer's body, as the caller's shape of that resource; any other answer is translated and thrown. */
  private bodyOf<T>(res: GraphResponse, req: GraphRequest): T {
    if (res.status >= 200 && res.status < 300) return res.body as T;
    throw translateGraphFailure(res, req, this.tenantId, this.explainDenial);
  }
}

function finite(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

/** Shared by every request of the process: where Graph is, and the caps, breakers and budget that protect it. */
export interface GraphSettings {
  graphEndpoint: string;
  dispatcher: Agent;
  limits: InFlightLimits;
  breakers: TenantBreakers;
  budget: GraphBudget;
  /** The operation's deadline: customers that do not answer by then return TIMEOUT at their path. */
  operationTimeoutMs: number;
}

/** How one operation (of one caller partition) may use Graph: the shared protections, its own deadline, and its recorder if any. */
export function operationPolicy(settings: GraphSettings, partition: string, observer?: GraphObserver): CallPolicy {
  return {
    observer,
    limits: settings.limits,
    breakers: settings.breakers,
    budget: settings.budget,
    deadline: Date.now() + settings.operationTimeoutMs,
    signal: AbortSignal.timeout(settings.operationTimeoutMs),
    partition,
  };
}

/** The TenantGraph of a tenant over Graph, with these credentials, for one operation. */
export function connectTenant(tenantId: string, credentials: TenantCredentials, settings: GraphSettings, policy: CallPolicy): TenantGraph {
  let tokens: ReturnType<TenantCredentials["tokens"]> | undefined;
  const once = () => (tokens ??= credentials.tokens());
  const transport = new HttpGraphTransport(tenantId, once, settings.graphEndpoint, settings.dispatcher, policy);
  return new GraphTenant(tenantId, transport, credentials.explainDenial?.bind(credentials));
}
