import { ArgsType, Field, Int, ObjectType } from "type-graphql";
import type { ClassType } from "type-graphql";
import { badInput } from "../../errors";

@ObjectType({ description: "Relay page information. Paging is forward only, as Microsoft Graph's is." })
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field()
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor!: string | null;

  @Field(() => String, { nullable: true })
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
  @ObjectType(`${name}Edge`)
  class EdgeType {
    @Field({ description: "Opaque cursor of this item, valid for this list only." })
    cursor!: string;

    @Field(() => node)
    node!: T;
  }

  @ObjectType(`${name}Connection`)
  class ConnectionType {
    @Field(() => [EdgeType])
    edges!: EdgeType[];

    @Field(() => [node])
    nodes!: T[];

    @Field(() => PageInfo)
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

/** Graph's largest page; larger pages are refused rather than silently cut. */
export const MAX_PAGE_SIZE = 999;

export function checkPageSize(first: number, max = MAX_PAGE_SIZE): number {
  if (!Number.isInteger(first) || first < 1 || first > max) throw badInput(`'first' must be between 1 and ${max}.`, { argument: "first" });
  return first;
}
