import { createHash } from "node:crypto";
import { buildQuery, skiptokenOf } from "../../graph/odata";
import { workloadOf } from "../../graph/resilience";
import type { GraphPage } from "../../graph/types";
import type { GraphObject, TenantData } from "../../loaders/tenantData";
import type { Connection } from "./connection";
import { checkPageSize, MAX_PAGE_SIZE } from "./connection";
import type { CursorCodec, CursorPosition, PageOptions } from "./cursor";

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

/** Pages one connection may walk: re-paging to position 100,000 with pages of 999 takes 101. */
const MAX_WALKED_PAGES = 200;

/** Where a walk over Graph pages starts: a page's skiptoken (absent: the first page), its options, items to skip. */
interface WalkStart {
  skiptoken?: string;
  options: PageOptions;
  skip: number;
}

/**
 * A Relay connection over a Graph collection. Graph pages forward only, with opaque skip tokens that
 * are valid only with the exact options of the request that produced them. A cursor therefore keeps
 * (absolute index; page token, the options it belongs to, offset in that page). The next page either
 * resends exactly those options with the token, or — when its selection differs, or when that is
 * cheaper — re-pages from the start with its own options, never mixing a token with other options.
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
  const select = selectDigest(list.select);
  const start = walkStart(pos, first, select, list.count);

  const fetchPage = (options: PageOptions, skiptoken?: string): Promise<GraphPage<GraphObject>> =>
    data.page(list.path, {
      select: list.select, filter: list.filter, search: list.search, orderBy: list.orderBy,
      top: options.top, count: options.count, advanced: list.advanced, skiptoken,
    });
  // @odata.count comes on a first page only; otherwise the count is asked for alongside, in the same wave.
  const countsOnPage = start.skiptoken === undefined && start.options.count;
  const countP = list.count && !countsOnPage ? countOf(data, list) : undefined;
  const firstPageP = fetchPage(start.options, start.skiptoken);
  const [firstPage, separateCount] = await Promise.all([firstPageP, countP]);

  const taken: Array<{ node: T; after: CursorPosition }> = [];
  let page = firstPage;
  let token = start.skiptoken;
  let skip = start.skip;
  let index = pos.offset;
  let more = false;
  let walked = 0;
  for (;;) {
    const value = page.value ?? [];
    const next = skiptokenOf(page["@odata.nextLink"]);
    let j = Math.min(skip, value.length);
    skip -= j;
    for (; j < value.length && taken.length < first; j++) {
      index += 1;
      const atPageEnd = j + 1 === value.length;
      const after: CursorPosition =
        atPageEnd && next !== undefined ? { offset: index, page: { skiptoken: next, options: start.options, skip: 0 } }
        : token !== undefined ? { offset: index, page: { skiptoken: token, options: start.options, skip: j + 1 } }
        : { offset: index };
      taken.push({ node: map(value[j]!), after });
    }
    if (taken.length >= first || next === undefined) {
      more = j < value.length || next !== undefined;
      break;
    }
    // Empty pages are legal, so only a cap guarantees an end if Graph's tokens never run out.
    if (++walked > MAX_WALKED_PAGES) throw new Error(`Graph paging of ${list.path} did not end after ${MAX_WALKED_PAGES} pages.`);
    token = next;
    page = await fetchPage(start.options, next);
  }

  const edges = taken.map((t) => ({ cursor: cursors.encode(scope, t.after), node: t.node }));
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: {
      hasNextPage: more,
      hasPreviousPage: false,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
    totalCount: list.count ? (countsOnPage ? numberOrNull(firstPage["@odata.count"]) : separateCount ?? null) : null,
  };
}

/**
 * Resume on the cursor's page with its own options when the selection is the same and that takes no
 * more Graph pages than re-paging from the start with this request's options (ties go to the token:
 * its page is the smaller one).
 */
function walkStart(pos: CursorPosition, first: number, select: string, count: boolean): WalkStart {
  const fresh: WalkStart = { options: { top: Math.min(pos.offset + first, MAX_PAGE_SIZE), count, select }, skip: pos.offset };
  const page = pos.page;
  if (!page || page.options.select !== select) return fresh;
  const resumePages = Math.ceil((page.skip + first) / page.options.top);
  const freshPages = Math.ceil((pos.offset + first) / MAX_PAGE_SIZE);
  return resumePages <= freshPages ? { skiptoken: page.skiptoken, options: page.options, skip: page.skip } : fresh;
}

/**
 * The count of a list whose page does not carry it. The directory answers `{list}/$count` (with
 * ConsistencyLevel); Intune has no `$count` segment, so its count is the `@odata.count` of a
 * one-item first page.
 */
async function countOf(data: TenantData, list: GraphListQuery): Promise<number | null> {
  if (workloadOf({ method: "GET", url: list.path }) === "intune") {
    const page: GraphPage<GraphObject> = await data.page(list.path, { select: ["id"], filter: list.filter, search: list.search, top: 1, count: true });
    return numberOrNull(page["@odata.count"]);
  }
  const body = await data.get(`${list.path}/$count${buildQuery({ filter: list.filter, search: list.search })}`, { ConsistencyLevel: "eventual" });
  return numberOrNull(typeof body === "string" ? Number(body.trim()) : body);
}

/** Cursors keep a digest of `$select`, not the list: short, and enough to tell whether it changed. */
function selectDigest(select: readonly string[]): string {
  return createHash("sha256").update(select.join(",")).digest("base64url").slice(0, 12);
}

function numberOrNull(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}
