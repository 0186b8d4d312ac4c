import "reflect-metadata";
import { buildSubgraphSchema, printSubgraphSchema } from "@apollo/subgraph";
import { printSchemaWithDirectives } from "@graphql-tools/utils";
import { GraphQLSchema } from "graphql";
import gql from "graphql-tag";
import { buildSchema, createResolversMap } from "type-graphql";
import { referenceResolvers, resolvers } from "./resolvers";
import { guardEntities } from "./resolvers/entities";

/**
 * type-graphql classes are the single source of the schema; Apollo's buildSubgraphSchema adds the
 * federation parts (`_entities`, `_service`) and the reference resolvers; `_entities` checks every
 * representation before any lookup (resolvers/entities.ts).
 */
export async function buildPartnerGraphSchema(): Promise<GraphQLSchema> {
  const typeGraphQLSchema = await buildSchema({ resolvers: [...resolvers], validate: false });
  const typeDefs = gql`
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])
    ${printSchemaWithDirectives(typeGraphQLSchema)}
  `;
  const generated = createResolversMap(typeGraphQLSchema) as Record<string, Record<string, unknown>>;
  const merged: Record<string, Record<string, unknown>> = { ...generated };
  for (const [type, extra] of Object.entries(referenceResolvers)) merged[type] = { ...(generated[type] ?? {}), ...extra };
  return guardEntities(buildSubgraphSchema({ typeDefs, resolvers: merged as never }));
}

/** The subgraph SDL as the router sees it (with @key; graphql's printSchema would drop it). */
export function printSdl(schema: GraphQLSchema): string {
  return printSubgraphSchema(schema);
}
