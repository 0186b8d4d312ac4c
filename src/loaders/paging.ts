import { createHash } from "node:crypto";
import { invalidPageSize } from "../errors";
import type { CompiledQuery } from "../graph/filters/odataFilter";
import type { GraphObject, ListPage, ListSource, TenantGraph } from "../graph/tenantGraph";
import { LazyEdge, type CursorCodec, type CursorPosition, type CursorScope, type PageOptions } from "./cursor";

/** Graph's largest page; larger pages are refused rather than silently cut. */
export const MAX_PAGE_SIZE = 999;

export function checkPageSize(first: number, max = MAX_PAGE_SIZE): number {
  if (!Number.isInteger(first) || first < 1 || first > max) throw invalidPageSize(max);
  return first;
}

/** The page a client asks for (Relay's forward arguments). */
export interface PageRequest {
  first: number;
  after?: string | null;
}

/** One page of a list, with a cursor per item (signed when first read); resolvers shape it into a Connection. */
export interface Page<T> {
  edges: Array<{ readonly cursor: string; readonly node: T }>;
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  /** Null unless counted (`count`), or when Graph gave no count. */
  totalCount: number | null;
}

/** What a list verb needs besides its conditions: the properties to read, and whether to count. */
export interface Wanted {
  select: readonly string[];
  count: boolean;
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
 * A Relay page over a Graph list. Graph pages forward only, with opaque skip tokens that are valid only
 * with the exact options of the request that produced them. A cursor therefore keeps (absolute index;
 * page token, the options it belongs to, offset in that page). The next page either resends exactly
 * those options with the token, or — when its selection differs, or when that is cheaper — re-pages
 * from the start with its own options, never mixing a token with other options.
 *
 * The page size and cursor are checked before anything is read (`start`); `read` then needs the graph.
 */
export function graphPage(tenantId: string, source: ListSource, where: Partial<CompiledQuery>, wanted: Wanted, request: PageRequest, cursors: CursorCodec) {
  const first = checkPageSize(request.first);
  const scope = new ListScope(tenantId, source, where);
  const pos = cursors.decode(request.after, scope) ?? { offset: 0 };
  const start = walkStart(pos, first, selectDigest(wanted.select), wanted.count);
  const query = { ...where, select: wanted.select };

  return async (graph: TenantGraph): Promise<Page<GraphObject>> => {
    const fetchPage = (options: PageOptions, skiptoken?: string): Promise<ListPage> =>
      graph.list(source, query, { top: options.top, count: options.count, skiptoken });
    // @odata.count comes on a first page only; otherwise the count is asked for alongside, in the same wave.
    const countsOnPage = start.skiptoken === undefined && start.options.count;
    const countP = wanted.count && !countsOnPage ? graph.count(source, where) : undefined;
    const [firstPage, separateCount] = await Promise.all([fetchPage(start.options, start.skiptoken), countP]);

    const taken: Array<{ node: GraphObject; after: CursorPosition }> = [];
    let page = firstPage;
    let token = start.skiptoken;
    let skip = start.skip;
    let index = pos.offset;
    let more: boolean;
    let walked = 0;
    for (;;) {
      const value = page.items;
      const next = page.skiptoken;
      let j = Math.min(skip, value.length);
      skip -= j;
      for (; j < value.length && taken.length < first; j++) {
        index += 1;
        const atPageEnd = j + 1 === value.length;
        const after: CursorPosition =
          atPageEnd && next !== undefined
            ? { offset: index, page: { skiptoken: next, options: start.options, skip: 0 } }
            : token !== undefined
              ? { offset: index, page: { skiptoken: token, options: start.options, skip: j + 1 } }
              : { offset: index };
        taken.push({ node: value[j]!, after });
      }
      if (taken.length >= first || next === undefined) {
        more = j < value.length || next !== undefined;
        break;
      }
      // Empty pages are legal, so only a cap guarantees an end if Graph's tokens never run out.
      if (++walked > MAX_WALKED_PAGES) throw new Error(`Graph paging of ${source.kind} did not end after ${MAX_WALKED_PAGES} pages.`);
      token = next;
      page = await fetchPage(start.options, next);
    }

    return {
      edges: taken.map((t) => new LazyEdge(t.node, t.after, cursors, scope)),
      hasNextPage: more,
      hasPreviousPage: false,
      totalCount: wanted.count ? (countsOnPage ? (firstPage.count ?? null) : (separateCount ?? null)) : null,
    };
  };
}

/** A list's cursor scope, its query text built only when a cursor is read or signed (most operations use none). */
class ListScope implements CursorScope {
  private text?: string;

  constructor(
    readonly tenantId: string,
    private readonly source: ListSource,
    private readonly where: Partial<CompiledQuery>,
  ) {}

  get query(): string {
    return (this.text ??= [JSON.stringify(this.source), this.where.filter ?? "", this.where.search ?? "", this.where.orderBy ?? ""].join("\u0000"));
  }
}

/** A Relay page of a list we hold whole (the customers): plain offsets in the cursors. */
export function offsetPage<T>(all: readonly T[], request: PageRequest, cursors: CursorCodec, scope: CursorScope): Page<T> {
  const first = checkPageSize(request.first);
  const offset = cursors.decode(request.after, scope)?.offset ?? 0;
  return {
    edges: all.slice(offset, offset + first).map((node, i) => new LazyEdge(node, { offset: offset + i + 1 }, cursors, scope)),
    hasNextPage: offset + first < all.length,
    hasPreviousPage: offset > 0,
    totalCount: all.length,
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

/** Digests of the few `$select` lists an API of fixed fields builds; bounded, as lists can come from any selection. */
const digests = new Map<string, string>();
const MAX_DIGESTS = 1000;

/** Cursors keep a digest of `$select`, not the list: short, and enough to tell whether it changed. */
function selectDigest(select: readonly string[]): string {
  const key = select.join(",");
  let digest = digests.get(key);
  if (digest === undefined) {
    digest = createHash("sha256").update(key).digest("base64url").slice(0, 12);
    if (digests.size >= MAX_DIGESTS) digests.clear();
    digests.set(key, digest);
  }
  return digest;
}
