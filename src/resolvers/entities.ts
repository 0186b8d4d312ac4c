import type { GraphQLFieldResolver, GraphQLSchema } from "graphql";
import { badInput } from "../errors";
import { isGuid as guid, isUserId as guidOrUpn } from "../ids";

type KeyCheck = (value: unknown) => boolean;

/** Every entity type this subgraph resolves, with its @key fields and what a well-formed value is. */
export const ENTITY_KEYS: Record<string, Record<string, KeyCheck>> = {
  Customer: { id: guid },
  User: { tenantId: guid, id: guidOrUpn },
  Group: { tenantId: guid, id: guid },
  Device: { tenantId: guid, id: guid },
  ManagedDevice: { tenantId: guid, id: guid },
  Organization: { tenantId: guid, id: guid },
};

/** Why a representation cannot be looked up, or undefined when it can. Checked before any lookup. */
export function representationProblem(rep: unknown): string | undefined {
  if (typeof rep !== "object" || rep === null || Array.isArray(rep)) return "A representation is an object with __typename and the type's key fields.";
  const typename = (rep as Record<string, unknown>).__typename;
  const keys = typeof typename === "string" && Object.prototype.hasOwnProperty.call(ENTITY_KEYS, typename) ? ENTITY_KEYS[typename] : undefined;
  if (!keys) return `Unknown entity type; this subgraph resolves ${Object.keys(ENTITY_KEYS).join(", ")}.`;
  for (const [field, wellFormed] of Object.entries(keys)) {
    if (!wellFormed((rep as Record<string, unknown>)[field])) return `${typename} representation: key field '${field}' is missing or malformed.`;
  }
  return undefined;
}

/**
 * Wraps Apollo's `_entities` resolver. Apollo's own throws on the first unknown type after it has
 * started the lookups of the representations before it, whose rejections then go unobserved (the
 * process exited on them). Here every representation is checked first; a bad one becomes a
 * BAD_USER_INPUT at its index (graphql-js puts an Error list item at its own path), the good ones are
 * looked up together (one tick, so loaders still batch them), and the answer waits until every
 * lookup has settled, so none can reject unobserved.
 */
export function validatedEntities(original: GraphQLFieldResolver<unknown, unknown>): GraphQLFieldResolver<unknown, unknown> {
  return async (source, args, context, info) => {
    const reps: unknown[] = Array.isArray((args as { representations?: unknown }).representations)
      ? (args as { representations: unknown[] }).representations
      : [];
    const lookups = reps.map((rep) => {
      const problem = representationProblem(rep);
      if (problem) return Promise.reject(badInput(problem, { argument: "representations" }));
      try {
        const [one] = original(source, { representations: [rep] }, context, info) as unknown[];
        return Promise.resolve(one);
      } catch (err) {
        return Promise.reject(err);
      }
    });
    const settled = await Promise.allSettled(lookups);
    return settled.map((s) => (s.status === "fulfilled" ? s.value : s.reason instanceof Error ? s.reason : new Error(String(s.reason))));
  };
}

/** Puts the validation in front of the `_entities` field of a built subgraph schema. */
export function guardEntities(schema: GraphQLSchema): GraphQLSchema {
  const field = schema.getQueryType()?.getFields()._entities;
  if (field?.resolve) field.resolve = validatedEntities(field.resolve);
  return schema;
}
