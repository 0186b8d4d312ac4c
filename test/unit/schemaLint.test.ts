/**
 * The schema's lint (the graphql blocks of eslint.config.mjs, run by `npm run lint` in `npm test`): it
 * passes the committed SDL and operations, and fails a missing description, a misnamed input, an
 * unreachable type and an operation that does not validate against the schema.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";

const repo = path.resolve(__dirname, "../..");
const sdl = readFileSync(path.join(repo, "schema/subgraph.graphql"), "utf8");
const example = readFileSync(path.join(repo, "examples/customerOverview.graphql"), "utf8");

interface Message {
  ruleId: string | null;
  line: number;
  message: string;
}

/** Lints each { filePath, text } in one child (ESLint's ESM config cannot load inside jest). */
function lint(inputs: { filePath: string; text: string }[]): Message[][] {
  const out = execFileSync(process.execPath, [path.join(repo, "test/fixtures/schemaLint/run.mjs")], {
    cwd: repo,
    input: JSON.stringify(inputs),
    encoding: "utf8",
  });
  return JSON.parse(out) as Message[][];
}

function changed(text: string, from: string | RegExp, to: string): string {
  const out = text.replace(from, to);
  if (out === text) throw new Error(`fixture: ${String(from)} not found`);
  return out;
}

describe("schema lint", () => {
  let committedSdl: Message[], committedExample: Message[], undescribed: Message[], misnamed: Message[], unreachable: Message[], badOperation: Message[];
  beforeAll(() => {
    [committedSdl, committedExample, undescribed, misnamed, unreachable, badOperation] = lint([
      { filePath: "schema/subgraph.graphql", text: sdl },
      { filePath: "examples/customerOverview.graphql", text: example },
      { filePath: "schema/subgraph.graphql", text: changed(sdl, '  """The customer\'s tenant id."""\n', "") },
      { filePath: "schema/subgraph.graphql", text: changed(sdl, /\binput UserOrder\b/, "input UserSorting").replace(/\bUserOrder\b/g, "UserSorting") },
      { filePath: "schema/subgraph.graphql", text: `${sdl}\n"""Nobody points here."""\ntype Orphan {\n  """An id."""\n  id: ID!\n}\n` },
      { filePath: "examples/customerOverview.graphql", text: changed(example, /displayName/, "displayNameTypo") },
    ]);
  });
  const rules = (messages: Message[]) => messages.map((m) => m.ruleId);

  it("passes the committed SDL and the examples", () => {
    expect(committedSdl).toEqual([]);
    expect(committedExample).toEqual([]);
  });

  it("requires a description on every field", () => {
    expect(undescribed).toEqual([
      expect.objectContaining({ ruleId: "@graphql-eslint/require-description", message: 'Description is required for field "id" in type "Customer"' }),
    ]);
  });

  it("requires inputs to be named …Filter or …Order", () => {
    expect(rules(misnamed)).toContain("@graphql-eslint/naming-convention");
    expect(misnamed.find((m) => m.ruleId === "@graphql-eslint/naming-convention")!.message).toMatch(/UserSorting/);
  });

  it("refuses a type no field reaches", () => {
    expect(unreachable).toEqual([expect.objectContaining({ ruleId: "@graphql-eslint/no-unreachable-types", message: expect.stringContaining("Orphan") })]);
  });

  it("validates operations against the schema", () => {
    expect(badOperation).toEqual([
      expect.objectContaining({ ruleId: "@graphql-eslint/fields-on-correct-type", message: expect.stringContaining("displayNameTypo") }),
    ]);
  });
});
