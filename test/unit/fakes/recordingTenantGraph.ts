import type { CompiledQuery } from "../../../src/graph/filters/odataFilter";
import type { GraphObject, ListPage, ListQuery, ListSource, ObjectRef, PagePosition, TenantGraph } from "../../../src/graph/tenantGraph";

/** One call the loaders made of the graph port, as DataLoader's tests record `loadCalls`. */
export type GraphCall =
  | { op: "get"; ref: ObjectRef; select: readonly string[] }
  | { op: "list"; source: ListSource; query: ListQuery; position: PagePosition }
  | { op: "count"; source: ListSource; query: Partial<CompiledQuery> }
  | { op: "getByIds"; ids: readonly string[]; type: "user" | "group" };

export interface FakeTenantData {
  /** Items of each list, by `listKey(source)` (`users`, `userLinks:u1:memberOf`, …). */
  lists?: Record<string, GraphObject[]>;
  /** Each user's manager, by user id. */
  managers?: Record<string, GraphObject>;
  /** An error for a call, instead of its answer (e.g. a denial of one list). */
  fail?: (call: GraphCall) => Error | undefined;
}

export function listKey(source: ListSource): string {
  switch (source.kind) {
    case "userLinks":
      return `userLinks:${source.userId}:${source.link}`;
    case "groupLinks":
      return `groupLinks:${source.groupId}:${source.link}`;
    case "deviceLinks":
      return `deviceLinks:${source.deviceId}:${source.link}`;
    default:
      return source.kind;
  }
}

const COLLECTION_OF = { user: "users", group: "groups" } as const;

/**
 * A TenantGraph over in-memory lists that records every call and is as strict as Graph about
 * skiptokens: a token is honoured only with the exact options ($top, $select, $count, filter…) of the
 * request that made it.
 */
export class RecordingTenantGraph implements TenantGraph {
  readonly calls: GraphCall[] = [];

  constructor(
    readonly tenantId: string = "t1",
    private readonly data: FakeTenantData = {},
  ) {}

  /** The calls of one kind. */
  callsOf<K extends GraphCall["op"]>(op: K): Array<Extract<GraphCall, { op: K }>> {
    return this.calls.filter((c): c is Extract<GraphCall, { op: K }> => c.op === op);
  }

  async get(ref: ObjectRef, select: readonly string[]): Promise<GraphObject | null> {
    this.record({ op: "get", ref, select });
    if (ref.kind === "manager") return this.data.managers?.[ref.userId] ?? null;
    return this.items(ref.kind).find((o) => o.id.toLowerCase() === ref.id.toLowerCase()) ?? null;
  }

  async list(source: ListSource, query: ListQuery, position: PagePosition): Promise<ListPage> {
    this.record({ op: "list", source, query, position });
    const key = JSON.stringify([listKey(source), position.top, position.count, query]);
    let at = 0;
    if (position.skiptoken) {
      const t = JSON.parse(position.skiptoken) as { at: number; key: string };
      if (t.key !== key) throw new Error("400: $skiptoken used with other options");
      at = t.at;
    }
    const equals = query.equals;
    const all = this.items(listKey(source)).filter((o) => !equals || String(o[equals.property] ?? "").toLowerCase() === equals.value.toLowerCase());
    const end = Math.min(at + (position.top ?? 100), all.length);
    return {
      items: all.slice(at, end),
      skiptoken: end < all.length ? JSON.stringify({ at: end, key }) : undefined,
      count: position.count && !position.skiptoken ? all.length : undefined,
    };
  }

  async count(source: ListSource, query: Partial<CompiledQuery>): Promise<number | null> {
    this.record({ op: "count", source, query });
    return this.items(listKey(source)).length;
  }

  async getByIds(ids: readonly string[], type: "user" | "group"): Promise<GraphObject[]> {
    this.record({ op: "getByIds", ids, type });
    const wanted = new Set(ids.map((id) => id.toLowerCase()));
    return this.items(COLLECTION_OF[type]).filter((o) => wanted.has(o.id.toLowerCase()));
  }

  private items(key: string): GraphObject[] {
    return this.data.lists?.[key] ?? [];
  }

  private record(call: GraphCall): void {
    this.calls.push(call);
    const err = this.data.fail?.(call);
    if (err) throw err;
  }
}

/** `n` objects `o0…o{n-1}`, with these extra properties. */
export function objects(n: number, props: (i: number) => Record<string, unknown> = () => ({})): GraphObject[] {
  return Array.from({ length: n }, (_, i) => ({ id: `o${i}`, ...props(i) }));
}
