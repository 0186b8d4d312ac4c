import { buildQuery, skiptokenOf } from "../../graph/odata";
import type { GraphObject, TenantData } from "../../loaders/tenantData";
import type { Connection } from "./connection";
import { checkPageSize } from "./connection";
import type { CursorCodec } from "./cursor";

export interface GraphListQuery {
  /** Collection path relative to the version root, e.g. `/users` or `/groups/{id}/members`. */
  path: string;
  select: string[];
  filter?: string;
  search?: string;
  orderBy?: string;
  /** Whether totalCount is selected. */
  count: boolean;
  /** The filter or order is an advanced query (ConsistencyLevel: eventual and $count=true). */
  advanced?: boolean;
}

/**
 * A Relay connection over a Graph collection. Graph pages forward only, with opaque skip tokens, so a
 * cursor is (skip token of a page, offset in it): resuming after any edge costs one Graph call.
 */
export async function graphConnection<T>(
  data: TenantData,
  list: GraphListQuery,
  args: { first: number; after?: string | null },
  cursors: CursorCodec,
  map: (o: GraphObject) => T,
): Promise<Connection<T>> {
  const first = checkPageSize(args.first);
  const scope = { tenantId: data.tenantId, query: [list.path, list.filter ?? "", list.search ?? "", list.orderBy ?? ""].join("\u0000") };
  const pos = cursors.decode(args.after, scope) ?? { offset: 0 };
  const top = Math.min(pos.offset + first, 999);
  const pageP = data.page(list.path, { select: list.select, filter: list.filter, search: list.search, orderBy: list.orderBy, top, count: list.count, advanced: list.advanced, skiptoken: pos.skiptoken });
  // @odata.count comes on the first page only; later pages ask for the count alongside, in the same wave.
  const countP = list.count && pos.skiptoken ? countOf(data, list) : undefined;
  const [page, laterCount] = await Promise.all([pageP, countP]);

  const all = page.value ?? [];
  const slice = all.slice(pos.offset, pos.offset + first);
  const next = skiptokenOf(page["@odata.nextLink"]);
  const edges = slice.map((o, i) => {
    const indexInPage = pos.offset + i + 1;
    const atPageEnd = indexInPage === all.length && next !== undefined;
    const cursor = cursors.encode(scope, atPageEnd ? { skiptoken: next, offset: 0 } : { skiptoken: pos.skiptoken, offset: indexInPage });
    return { cursor, node: map(o) };
  });
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: {
      hasNextPage: pos.offset + first < all.length || next !== undefined,
      hasPreviousPage: false,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
    totalCount: list.count ? (laterCount ?? numberOrNull(page["@odata.count"])) : null,
  };
}

async function countOf(data: TenantData, list: GraphListQuery): Promise<number | null> {
  const body = await data.get(`${list.path}/$count${buildQuery({ filter: list.filter, search: list.search })}`, { ConsistencyLevel: "eventual" });
  return numberOrNull(typeof body === "string" ? Number(body.trim()) : body);
}

function numberOrNull(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}
