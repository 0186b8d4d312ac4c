import type { ApolloServerPlugin } from "@apollo/server";
import { Kind, type FragmentDefinitionNode, type SelectionSetNode, type ValueNode } from "graphql";
import { PartnerGraphError, withHttpStatus } from "./errors";

/** Page size assumed for a list field whose `first` is not given (the schema's default). */
const DEFAULT_PAGE = 50;

/**
 * Refuses, before any Graph call, operations that would fan out beyond what one request should cost:
 * the estimated number of objects fetched (each list's `first` times the lists around it, plus every
 * `_entities` representation) and the nesting depth. A frontend gets BAD_USER_INPUT with the estimate,
 * not a slow answer that throttles the partner's tenants for everyone.
 */
export function operationLimitsPlugin(limits: { maxCost: number; maxDepth: number }): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, request }) {
          if (!operation) return;
          const fragments = new Map<string, FragmentDefinitionNode>();
          for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
          const variables = request.variables ?? {};
          const { cost, depth } = measure(operation.selectionSet, 1, 0, fragments, variables, new Set());
          if (depth > limits.maxDepth) {
            throw limitError(`The operation nests ${depth} levels deep; at most ${limits.maxDepth} are allowed.`, { depth, maxDepth: limits.maxDepth });
          }
          if (cost > limits.maxCost) {
            throw limitError(`The operation could fetch about ${cost} objects; at most ${limits.maxCost} are allowed. Ask for smaller pages.`, { cost, maxCost: limits.maxCost });
          }
        },
      };
    },
  };
}

function limitError(message: string, details: Record<string, number>): PartnerGraphError {
  return withHttpStatus(new PartnerGraphError("BAD_USER_INPUT", message, details), 400);
}

function measure(
  set: SelectionSetNode,
  multiplier: number,
  depth: number,
  fragments: Map<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  seen: Set<string>,
): { cost: number; depth: number } {
  let cost = 0;
  let deepest = depth;
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) {
      const first = sel.arguments?.find((a) => a.name.value === "first");
      const reps = sel.name.value === "_entities" ? sel.arguments?.find((a) => a.name.value === "representations") : undefined;
      let inner = multiplier;
      if (first) inner = multiplier * Math.max(1, numberOf(first.value, variables) ?? DEFAULT_PAGE);
      else if (reps) inner = multiplier * Math.max(1, listLength(reps.value, variables));
      if (inner !== multiplier) cost += inner;
      if (sel.selectionSet) {
        const child = measure(sel.selectionSet, inner, depth + 1, fragments, variables, seen);
        cost += child.cost;
        deepest = Math.max(deepest, child.depth);
      } else deepest = Math.max(deepest, depth + 1);
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      const child = measure(sel.selectionSet, multiplier, depth, fragments, variables, seen);
      cost += child.cost;
      deepest = Math.max(deepest, child.depth);
    } else {
      const frag = fragments.get(sel.name.value);
      // A fragment spread inside itself is invalid GraphQL; validation reports it, we just do not loop.
      if (!frag || seen.has(frag.name.value)) continue;
      const child = measure(frag.selectionSet, multiplier, depth, fragments, variables, new Set([...seen, frag.name.value]));
      cost += child.cost;
      deepest = Math.max(deepest, child.depth);
    }
  }
  return { cost, depth: deepest };
}

function numberOf(v: ValueNode, variables: Record<string, unknown>): number | undefined {
  if (v.kind === Kind.INT) return Number(v.value);
  if (v.kind === Kind.VARIABLE) {
    const n = variables[v.name.value];
    return typeof n === "number" ? n : undefined;
  }
  return undefined;
}

function listLength(v: ValueNode, variables: Record<string, unknown>): number {
  if (v.kind === Kind.LIST) return v.values.length;
  if (v.kind === Kind.VARIABLE) {
    const l = variables[v.name.value];
    return Array.isArray(l) ? l.length : 1;
  }
  return 1;
}
