// ESLint flat config. The import-boundary rules below ARE the layer picture of README "How it works":
// change one and the other together. test/unit/architecture.test.ts proves that each rule fires on a
// forbidden import (fixtures under test/fixtures/lint/, linted through layerConfig with that folder as root).
import path from "node:path";
import js from "@eslint/js";
import graphql from "@graphql-eslint/eslint-plugin";
import { defineConfig } from "eslint/config";
import importX, { createNodeResolver } from "eslint-plugin-import-x";
import tseslint from "typescript-eslint";

const SEE = 'See README "How it works".';

// Who may not import whom, by path from the repository root. A folder stands for every file under it.
// Each rule reads "<target> must not import <from>". Only src/context.ts, src/app.ts and src/http/
// compose layers; they are targets of no rule except the ones for all of src. src/observability/
// implements the Graph layer's GraphObserver port (as auth implements TokenSource): the layers below
// report to it through that port and never import it.
const LEAVES = ["src/errors.ts", "src/formatError.ts", "src/config.ts", "src/log.ts", "src/ids.ts"];
const ENTRIES = ["src/main.ts"];
export const BOUNDARIES = [
  {
    target: ["src/resolvers"],
    from: ["src/graph", "src/auth", "src/http", "src/server.ts", "src/app.ts", "src/observability", "src/shared"],
    message: `Resolvers speak to loaders only (domain verbs, Relay shaping): no Graph paths or OData, no auth, no HTTP or Apollo setup. ${SEE}`,
  },
  {
    target: ["src/loaders"],
    from: ["src/auth", "src/resolvers", "src/http", "src/server.ts", "src/app.ts", "src/context.ts", "src/observability"],
    message: `Loaders see the TenantGraph port of src/graph only: tokens and denials are auth's business, and the context composes loaders, not the reverse. ${SEE}`,
  },
  {
    target: ["src/graph"],
    from: ["src/auth", "src/loaders", "src/resolvers", "src/http", "src/server.ts", "src/app.ts", "src/context.ts", "src/observability"],
    message: `The Graph layer is the bottom: it defines the interfaces it needs from auth (TokenSource, denial explanation) and observability (GraphObserver), and they implement them. ${SEE}`,
  },
  {
    target: ["src/auth"],
    from: ["src/loaders", "src/resolvers", "src/http", "src/server.ts", "src/app.ts", "src/context.ts", "src/observability"],
    message: `Auth may use the Graph port's types and the leaves only; it knows nothing of loaders, resolvers or the HTTP front. ${SEE}`,
  },
  {
    target: ["src/server.ts"],
    from: ["src/auth", "src/graph", "src/loaders", "src/http", "src/app.ts", "src/shared"],
    message: `src/server.ts is Apollo Server setup alone; the singletons are built in src/app.ts and the request context in src/context.ts. ${SEE}`,
  },
  {
    target: ["src/observability"],
    from: ["src/auth", "src/loaders", "src/resolvers", "src/http", "src/server.ts", "src/app.ts", "src/context.ts", "src/shared"],
    message: `Observability hears what the layers report (the Graph layer's GraphObserver port, the Apollo plugins' hooks, the front's calls); it imports the Graph port's types and the leaves only. ${SEE}`,
  },
  {
    target: ["src/shared"],
    from: ["src/auth", "src/graph", "src/loaders", "src/resolvers", "src/http", "src/server.ts", "src/app.ts", "src/context.ts", "src/observability"],
    message: `src/shared is what replicas share (Redis, or memory): it sits under the layers that use it and imports the leaves only. ${SEE}`,
  },
  {
    target: LEAVES,
    from: [
      "src/auth",
      "src/graph",
      "src/loaders",
      "src/resolvers",
      "src/http",
      "src/server.ts",
      "src/app.ts",
      "src/context.ts",
      "src/observability",
      "src/shared",
    ],
    message: `errors.ts, formatError.ts, config.ts, log.ts and ids.ts are leaves every layer imports; they import no layer. ${SEE}`,
  },
  {
    target: ["src"],
    from: ["emulator", "test", "bench", "demo", "supergraph"],
    message: `The product never imports the built-in cloud, the tests, the bench, the demo or the supergraph tool (the emulator is a separate build target; demo/ and supergraph/ wire it to the API). ${SEE}`,
  },
  {
    target: ["src"],
    from: ENTRIES,
    message: `src/main.ts is the production entry: it is run, never imported. ${SEE}`,
  },
  {
    target: ["emulator"],
    from: ["src", "demo", "supergraph", "test", "bench"],
    message: `The built-in cloud stands alone: it speaks Microsoft's protocols and imports nothing of the API. ${SEE}`,
  },
];

// Packages only one layer may touch (inside src/). undici's Agent is the HTTPS dispatcher trusting the
// configured CA: built in src/app.ts / src/http, used by auth (MSAL, JWKS) and the Graph client.
export const PACKAGES = [
  { name: "@azure/msal-node", allowed: ["src/auth"], message: `Only src/auth talks to MSAL. ${SEE}` },
  { name: "@microsoft/microsoft-graph-client", allowed: ["src/graph"], message: `Only src/graph talks to the Graph client. ${SEE}` },
  { name: "redis", allowed: ["src/shared"], message: `Only src/shared talks to Redis (and falls back to memory without it). ${SEE}` },
  {
    name: "undici",
    allowed: ["src/auth", "src/graph", "src/app.ts", "src/http"],
    message: `Only src/app.ts, src/http, src/auth and src/graph handle the HTTPS dispatcher. ${SEE}`,
  },
  // Metrics, spans and request logs are made in one place: no layer grows its own instrumentation.
  { name: "prom-client", allowed: ["src/observability"], message: `Only src/observability defines metrics. ${SEE}` },
  { name: "pino-http", allowed: ["src/observability"], message: `Only src/observability logs requests. ${SEE}` },
  { name: "@opentelemetry/api", allowed: ["src/observability"], message: `Only src/observability makes spans. ${SEE}` },
  { name: "@opentelemetry/sdk-trace-base", allowed: ["src/observability"], message: `Only src/observability sets up tracing. ${SEE}` },
];

const glob = (p) => (p.endsWith(".ts") ? p : `${p}/**`);

/** no-restricted-imports takes one option set per file, so src/ is cut into the disjoint areas the package rules name. */
function packageRules() {
  const areas = [...new Set(PACKAGES.flatMap((p) => p.allowed))];
  const configFor = (files, ignores, isIn) => {
    // The package and its subpaths (undici/types/…), type-only imports included.
    const patterns = PACKAGES.filter((p) => !p.allowed.some(isIn)).map((p) => ({ group: [p.name, `${p.name}/*`], message: p.message }));
    return { name: `partner-graph/packages ${files.join(",")}`, files, ignores, rules: { "no-restricted-imports": ["error", { patterns }] } };
  };
  return [configFor(["src/**/*.ts"], areas.map(glob), () => false), ...areas.map((area) => configFor([glob(area)], [], (a) => a === area))];
}

// The schema's lint (issue 18). The emitted SDL is linted as a schema; examples/ and test/operations/ as
// operations validated against it. graphql-eslint 4 sees the SDL's `extend schema @link(url:
// "https://specs.apollo.dev/federation/v2…")` and builds the schema with @apollo/subgraph's
// buildSubgraphSchema, which declares @key, @shareable, @link and the rest: no hand-written directive
// definitions. The schema path is absolute from `root`, so linting from any working directory finds it.
export const SCHEMA_FILE = "schema/subgraph.graphql";
export const OPERATION_FILES = ["examples/*.graphql", "test/operations/*.graphql"];

function graphqlConfig(root) {
  const graphQLConfig = { schema: path.join(root, SCHEMA_FILE), documents: OPERATION_FILES.map((g) => path.join(root, g)) };
  const languageOptions = { parser: graphql.parser, parserOptions: { graphQLConfig } };
  return [
    {
      name: "partner-graph/graphql-schema",
      files: [SCHEMA_FILE],
      languageOptions,
      plugins: { "@graphql-eslint": graphql },
      rules: {
        ...graphql.configs["flat/schema-recommended"].rules,
        ...graphql.configs["flat/schema-relay"].rules,
        // Every element a client sees is described (test/unit/schemaDescriptions.test.ts counts the same).
        "@graphql-eslint/require-description": [
          "error",
          {
            types: true,
            rootField: true,
            FieldDefinition: true,
            InputValueDefinition: true,
            EnumValueDefinition: true,
            DirectiveDefinition: true,
            // Query is every subgraph's root, described (if anywhere) by the supergraph; its fields are described.
            ignoredSelectors: ["ObjectTypeDefinition[name.value=Query]"],
          },
        ],
        "@graphql-eslint/require-deprecation-reason": "error",
        // Inputs are named by their role: filters and orderings of lists (no mutations, so no `input` argument).
        "@graphql-eslint/naming-convention": [
          "error",
          {
            ...graphql.configs["flat/schema-recommended"].rules["@graphql-eslint/naming-convention"][1],
            InputObjectTypeDefinition: { style: "PascalCase", requiredSuffixes: ["Filter", "Order"] },
          },
        ],
        // Objects with an identity have `id: ID!`; the value types listed have none (a new one must be listed deliberately).
        "@graphql-eslint/strict-id-in-types": [
          "error",
          {
            acceptedIdNames: ["id"],
            acceptedIdTypes: ["ID"],
            exceptions: {
              suffixes: ["Connection", "Edge", "Readiness"],
              types: ["Caller", "PartnerTenant", "SignInRouting", "PartnerRelationship", "PageInfo", "VerifiedDomain"],
            },
          },
        ],
        // Relay connections (XConnection of XEdge with cursor and node, PageInfo), paged forward only as Graph
        // pages: first/after without last/before. `nodes` beside `edges` is the common shortcut, and a node is
        // keyed by federation (@key), not by a global Node interface.
        "@graphql-eslint/relay-arguments": ["error", { includeBoth: false }],
        "@graphql-eslint/relay-edge-types": ["error", { withEdgeSuffix: true, shouldImplementNode: false, listTypeCanWrapOnlyEdgeType: false }],
        // Field names are Microsoft Graph's property names (User.userPrincipalName, Device.deviceId): kept as Graph spells them.
        "@graphql-eslint/no-typename-prefix": "off",
      },
    },
    {
      name: "partner-graph/graphql-operations",
      files: OPERATION_FILES,
      languageOptions,
      plugins: { "@graphql-eslint": graphql },
      rules: {
        ...graphql.configs["flat/operations-recommended"].rules,
        // The tests' operations select exactly what each test is about (the $select they cause is asserted),
        // and no client here caches by id: requiring `id` in every selection would change what they test.
        "@graphql-eslint/require-selections": "off",
      },
    },
  ];
}

/** The whole config for a tree rooted at `root` (the repository, or a fixture tree in the architecture test). */
export function layerConfig(root) {
  return defineConfig(
    {
      name: "partner-graph/ignores",
      ignores: ["dist/**", "node_modules/**", "coverage/**", "test/__generated__/**", "test/fixtures/lint/**", "bench/mesh/**", "bench/results/**"],
    },
    js.configs.recommended,
    tseslint.configs.recommended,
    {
      name: "partner-graph/typescript",
      files: ["**/*.ts"],
      languageOptions: { parser: tseslint.parser, ecmaVersion: 2022, sourceType: "module" },
      plugins: { "import-x": importX },
      settings: {
        "import-x/extensions": [".ts", ".js"],
        "import-x/parsers": { "@typescript-eslint/parser": [".ts"] },
        // All our imports are relative and extensionless; the node resolver with .ts finds them
        // (no TypeScript resolver needed: no paths aliases in tsconfig).
        "import-x/resolver-next": [createNodeResolver({ extensions: [".ts", ".js", ".json", ".node", ".d.ts"] })],
      },
      rules: {
        // An import the resolver cannot find would silently escape no-restricted-paths and no-cycle.
        "import-x/no-unresolved": ["error", { ignore: ["^[^.]"] }],
        "import-x/no-restricted-paths": ["error", { basePath: root, zones: BOUNDARIES }],
        "import-x/no-cycle": ["error", { ignoreExternal: true }],
        "@typescript-eslint/no-unused-vars": [
          "error",
          { args: "after-used", argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none", ignoreRestSiblings: true },
        ],
      },
    },
    {
      name: "partner-graph/javascript",
      files: ["**/*.js", "**/*.cjs", "**/*.mjs"],
      languageOptions: {
        sourceType: "commonjs",
        globals: { module: "writable", require: "readonly", process: "readonly", console: "readonly", __dirname: "readonly" },
      },
    },
    { files: ["**/*.mjs"], languageOptions: { sourceType: "module" } },
    ...packageRules(),
    ...graphqlConfig(root),
    {
      name: "partner-graph/tests",
      files: ["test/**/*.ts", "bench/**/*.ts"],
      rules: {
        "@typescript-eslint/no-explicit-any": "off",
      },
      // Some tests carry eslint-disable comments for no-explicit-any: unused while the rule is off here.
      linterOptions: { reportUnusedDisableDirectives: "off" },
    },
  );
}

export default layerConfig(import.meta.dirname);
