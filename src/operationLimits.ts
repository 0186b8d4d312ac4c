import type { ApolloServerPlugin, GraphQLRequestContext } from "@apollo/server";
import { maxAliasesRule } from "@escape.tech/graphql-armor-max-aliases";
import { maxDirectivesRule } from "@escape.tech/graphql-armor-max-directives";
import {
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
  isUnionType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from "graphql";
import { getArgumentValues, getVariableValues } from "graphql/execution/values";
import { introspectionTooDeep, operationTooCostly, operationTooDeep, queriesOnly, tooManyRootFields } from "./errors";

export interface OperationLimits {
  /** Largest estimated cost (objects fetched and calls made, see estimateOperation) of one operation. */
  maxCost: number;
  /** Deepest field nesting, introspection excluded (it has its own bound, INTROSPECTION_LIST_NESTING). */
  maxDepth: number;
  /** Root fields of one operation, aliases and fragments counted. */
  maxRootFields: number;
}

export interface OperationEstimate {
  cost: number;
  depth: number;
  rootFields: number;
  /** Lists nested inside `__schema` / `__type` (the standard introspection query nests 3: types → fields → args). */
  introspectionLists: number;
}

/**
 * Lists nested in an introspection selection: the standard query (graphql-js's, Apollo Sandbox's) needs 3;
 * each further level multiplies the answer by the schema's size (`types { fields { type { fields … } } }`).
 */
export const INTROSPECTION_LIST_NESTING = 3;

/**
 * What a `signInRouting` costs: an OpenID discovery call to the identity platform that no batch
 * shares, weighed as a full `$batch` of 20 Graph items.
 */
const UNBATCHED_CALL_COST = 20;

/** Types whose objects come from the loaders (entities) or from a call of their own. */
const READ_COST: Record<string, number> = { CustomerReadiness: 1, SignInRouting: UNBATCHED_CALL_COST };

/**
 * The generic limits of graphql-armor as validation rules (run before our estimate; each answers
 * GRAPHQL_VALIDATION_FAILED, 400). Rejections are reported, not thrown: a throw inside a validation
 * rule escapes graphql-js's validate and would become a 500.
 */
export function armorValidationRules(limits: { maxAliases: number; maxDirectives: number }): ValidationRule[] {
  const report = [(ctx: ValidationContext | null, err: Error) => ctx?.reportError(err as never)];
  return [
    maxAliasesRule({ n: limits.maxAliases, onReject: report, propagateOnRejection: false }) as unknown as ValidationRule,
    maxDirectivesRule({ n: limits.maxDirectives, onReject: report, propagateOnRejection: false }) as unknown as ValidationRule,
  ];
}

/**
 * Refuses, before any Graph call, operations that would fan out beyond what one request should cost
 * (estimated objects fetched and unbatched calls made), nest too deep, or ask for too many root fields.
 * A frontend gets BAD_USER_INPUT with the figure and its limit, not a slow answer that throttles the
 * partner's tenants for everyone. `admit` (load shedding) is told every accepted operation's cost.
 */
export function operationLimitsPlugin<C extends object>(
  limits: OperationLimits,
  admit?: (context: C, estimate: OperationEstimate) => void,
): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation(rc: GraphQLRequestContext<C>) {
          const { operation, document, schema, request } = rc;
          if (!operation || !document) return;
          if (operation.operation !== "query") throw queriesOnly(operation.operation);
          const estimate = estimateOperation(schema, document, operation, request.variables ?? {});
          if (!estimate) return; // variables do not coerce: execution refuses the operation before any resolver runs
          if (estimate.depth > limits.maxDepth) throw operationTooDeep(estimate.depth, limits.maxDepth);
          if (estimate.introspectionLists > INTROSPECTION_LIST_NESTING) throw introspectionTooDeep(estimate.introspectionLists, INTROSPECTION_LIST_NESTING);
          if (estimate.rootFields > limits.maxRootFields) throw tooManyRootFields(estimate.rootFields, limits.maxRootFields);
          if (estimate.cost > limits.maxCost) throw operationTooCostly(estimate.cost, limits.maxCost);
          admit?.(rc.contextValue, estimate);
        },
      };
    },
  };
}

interface Measure {
  /** Cost per object of the parent type. */
  cost: number;
  /** Nesting below the parent. */
  depth: number;
  /** Lists nested below the parent inside introspection. */
  lists: number;
}

const NOTHING: Measure = { cost: 0, depth: 0, lists: 0 };

/**
 * The domain cost model, resolved against the schema with the operation's coerced variables (so a
 * variable's default, and every argument's schema default such as `first: Int! = 50`, count):
 * - a connection (a field returning `…Connection`) fetches `first` objects per parent object;
 * - `_entities` fetches one object per representation;
 * - any other field returning an entity (`customer(id:)`, `user(id:)`, `manager`, `device`…) fetches one;
 * - `readiness` asks the tenant once, `signInRouting` makes an unbatched discovery call (UNBATCHED_CALL_COST).
 * Each is multiplied by the objects around it. Every fragment definition is measured once (memoized),
 * so the work is linear in the document however often fragments are spread. `@skip`/`@include` are
 * ignored: the estimate is an upper bound. Returns undefined when the variables do not coerce.
 */
export function estimateOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  rawVariables: Record<string, unknown>,
): OperationEstimate | undefined {
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables, { maxErrors: 1 });
  if (coerced.errors) return undefined;
  const variables = coerced.coerced;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const entityTypes = new Set((schema.getType("_Entity") as { getTypes?: () => Array<{ name: string }> } | undefined)?.getTypes?.().map((t) => t.name) ?? []);
  const memo = new Map<string, Measure>();

  const measureSet = (set: SelectionSetNode, parent: GraphQLCompositeType, inIntrospection: boolean): Measure => {
    let cost = 0;
    let depth = 0;
    let lists = 0;
    for (const sel of set.selections) {
      let m: Measure;
      if (sel.kind === Kind.FIELD) m = measureField(sel, parent, inIntrospection);
      else if (sel.kind === Kind.INLINE_FRAGMENT) {
        const type = sel.typeCondition ? (schema.getType(sel.typeCondition.name.value) as GraphQLCompositeType | undefined) : parent;
        m = type ? measureSet(sel.selectionSet, type, inIntrospection) : NOTHING;
      } else m = measureFragment(sel.name.value, inIntrospection);
      cost += m.cost;
      depth = Math.max(depth, m.depth);
      lists = Math.max(lists, m.lists);
    }
    return { cost, depth, lists };
  };

  const measureFragment = (name: string, inIntrospection: boolean): Measure => {
    const key = `${inIntrospection ? "i" : "o"}:${name}`;
    const known = memo.get(key);
    if (known) return known;
    memo.set(key, NOTHING); // a cycle is a validation error already; this only stops a loop
    const frag = fragments.get(name);
    const type = frag && (schema.getType(frag.typeCondition.name.value) as GraphQLCompositeType | undefined);
    const m = frag && type ? measureSet(frag.selectionSet, type, inIntrospection) : NOTHING;
    memo.set(key, m);
    return m;
  };

  const measureField = (node: FieldNode, parent: GraphQLCompositeType, inIntrospection: boolean): Measure => {
    const name = node.name.value;
    if (name === "__typename") return NOTHING;
    const field = fieldOf(parent, name, schema);
    if (!field) return NOTHING;
    const introspection = inIntrospection || name === "__schema" || name === "__type";
    const named = getNamedType(field.type);
    const child =
      node.selectionSet && (isObjectType(named) || isUnionType(named) || "getFields" in named)
        ? measureSet(node.selectionSet, named as GraphQLCompositeType, introspection)
        : NOTHING;
    if (introspection) {
      // Introspection reads the schema in memory: no cost, no depth; its list nesting is bounded instead.
      return { cost: 0, depth: 0, lists: child.lists + (isListType(getNullableType(field.type)) ? 1 : 0) };
    }
    const fanOut = objectsPerParent(node, field, parent, named.name);
    // fanOut objects per parent object, each with what is fetched below it; a field that fetches
    // nothing itself (a scalar, `nodes`, `pageInfo`) passes on what is below it.
    return { cost: fanOut > 0 ? fanOut * (1 + child.cost) : child.cost, depth: child.depth + 1, lists: 0 };
  };

  const objectsPerParent = (node: FieldNode, field: GraphQLField<unknown, unknown>, parent: GraphQLCompositeType, returns: string): number => {
    if (parent.name.endsWith("Connection") || parent.name.endsWith("Edge")) return 0; // nodes/edges/node: counted by the connection
    if (returns.endsWith("Connection")) return Math.max(1, Number(argumentsOf(node, field).first) || 1);
    if (field.name === "_entities") {
      const reps = argumentsOf(node, field).representations;
      return Array.isArray(reps) ? Math.max(1, reps.length) : 1;
    }
    if (entityTypes.has(returns)) return 1;
    return READ_COST[returns] ?? 0;
  };

  const argumentsOf = (node: FieldNode, field: GraphQLField<unknown, unknown>): Record<string, unknown> => {
    try {
      return getArgumentValues(field, node, variables);
    } catch {
      return {}; // execution reports the bad argument at this field; nothing is fetched for it
    }
  };

  const root = schema.getQueryType();
  if (!root) return { cost: 0, depth: 0, rootFields: 0, introspectionLists: 0 };
  const total = measureSet(operation.selectionSet, root, false);
  return { cost: total.cost, depth: total.depth, rootFields: countRootFields(operation.selectionSet, fragments, new Map()), introspectionLists: total.lists };
}

function fieldOf(parent: GraphQLCompositeType, name: string, schema: GraphQLSchema): GraphQLField<unknown, unknown> | undefined {
  if (name === "__schema" || name === "__type")
    return schema.getQueryType() === parent ? ({ name, type: introspectionType(schema, name) } as never) : undefined;
  return "getFields" in parent ? parent.getFields()[name] : undefined;
}

function introspectionType(schema: GraphQLSchema, name: string) {
  // graphql-js keeps these meta fields outside getFields(); their types are the introspection types.
  return name === "__schema" ? schema.getType("__Schema")! : schema.getType("__Type")!;
}

/** Root fields after fragments are expanded, each fragment counted once (memoized) however often it is spread. */
function countRootFields(set: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, memo: Map<string, number>): number {
  let n = 0;
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) n += sel.name.value === "__typename" ? 0 : 1;
    else if (sel.kind === Kind.INLINE_FRAGMENT) n += countRootFields(sel.selectionSet, fragments, memo);
    else {
      const name = sel.name.value;
      if (!memo.has(name)) {
        memo.set(name, 0); // a cycle is a validation error already; this only stops a loop
        const frag = fragments.get(name);
        memo.set(name, frag ? countRootFields(frag.selectionSet, fragments, memo) : 0);
      }
      n += memo.get(name)!;
    }
  }
  return n;
}
