import { ArgsType, Field, Int, ObjectType } from "type-graphql";
import type { ClassType } from "type-graphql";
import type { Page } from "../../loaders/paging";

@ObjectType({ description: "Relay page information. Paging is forward only, as Microsoft Graph's is." })
export class PageInfo {
  @Field({ description: "True when the list has another page; pass endCursor as `after` to get it." })
  hasNextPage!: boolean;

  @Field({ description: "False for Graph lists, which page forward only; for `customers`, true after the first page." })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: "Cursor of the page's first item; null on an empty page." })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: "Cursor of the page's last item, to pass as `after` for the next page; null on an empty page." })
  endCursor!: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Connection<T> {
  edges: Edge<T>[];
  nodes: T[];
  pageInfo: PageInfo;
  /** Resolved only when selected: Graph counts only when asked ($count=true). */
  totalCount?: number | null;
}

/** Makes the `XEdge` and `XConnection` types of a node type. */
export function connectionTypes<T extends object>(node: ClassType<T>, name: string) {
  @ObjectType(`${name}Edge`, { description: `One item of a ${name} list, with its cursor.` })
  class EdgeType {
    @Field({ description: "Opaque cursor of this item, valid for this list only." })
    cursor!: string;

    @Field(() => node, { description: "The item." })
    node!: T;
  }

  @ObjectType(`${name}Connection`, {
    description: `A Relay page of ${name} items, paged forward with first and after (a Graph list is read a page at a time).`,
  })
  class ConnectionType {
    @Field(() => [EdgeType], { description: "The page's items with their cursors." })
    edges!: EdgeType[];

    @Field(() => [node], { description: "The page's items, without cursors (the same items as edges)." })
    nodes!: T[];

    @Field(() => PageInfo, { description: "Whether there is a next page, and the cursors to continue from." })
    pageInfo!: PageInfo;

    @Field(() => Int, { nullable: true, description: "Total number of items matching the list's arguments (asks Graph to count only when selected)." })
    totalCount?: number | null;
  }
  return ConnectionType as ClassType<Connection<T>>;
}

@ArgsType()
export class PageArgs {
  @Field(() => Int, { defaultValue: 50, description: "Page size, 1 to 999." })
  first!: number;

  @Field(() => String, { nullable: true, description: "An endCursor or edge cursor of a previous page of this same list." })
  after?: string | null;
}

/** An edge of schema objects over a loader's edge: its cursor is still signed only when read. */
class ShapedEdge<N> implements Edge<N> {
  constructor(
    private readonly from: { readonly cursor: string },
    readonly node: N,
  ) {}

  get cursor(): string {
    return this.from.cursor;
  }
}

/** Page information whose start and end cursors are signed only when selected. */
class LazyPageInfo implements PageInfo {
  constructor(
    private readonly edges: readonly Edge<unknown>[],
    readonly hasNextPage: boolean,
    readonly hasPreviousPage: boolean,
  ) {}

  get startCursor(): string | null {
    return this.edges[0]?.cursor ?? null;
  }

  get endCursor(): string | null {
    return this.edges[this.edges.length - 1]?.cursor ?? null;
  }
}

/** A loader's page as a Relay connection of schema objects. Cursors are computed only when the selection reads them. */
export function connection<T, N>(page: Page<T>, toNode: (item: T) => N): Connection<N> {
  const edges = page.edges.map((e) => new ShapedEdge(e, toNode(e.node)));
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: new LazyPageInfo(edges, page.hasNextPage, page.hasPreviousPage),
    totalCount: page.totalCount,
  };
}
