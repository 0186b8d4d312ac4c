/**
 * docs/schema.md, the generated schema reference: it is what the code's schema says (so a schema change
 * without `npm run schema:emit` fails here, as the SDL does in test/integration/schema.test.ts), and it
 * shows every type, field, argument and enum value with its description, keys and deprecations.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { buildASTSchema, isEnumType, isInputObjectType, isObjectType, parse } from "graphql";
import { REFERENCE_FILE, schemaReference } from "../../scripts/schemaReference";
import { buildPartnerGraphSchema, printSdl } from "../../src/schema";

const repo = path.resolve(__dirname, "../..");

describe("schema reference", () => {
  let sdl: string;
  beforeAll(async () => {
    sdl = printSdl(await buildPartnerGraphSchema());
  });

  it("the committed docs/schema.md is generated from the code's schema", () => {
    // On failure: run `npm run schema:emit` and commit docs/schema.md.
    expect(readFileSync(path.join(repo, REFERENCE_FILE), "utf8")).toBe(schemaReference(sdl));
  });

  it("has a section for every type and a row for every field, input field and enum value", () => {
    const doc = schemaReference(sdl);
    const schema = buildASTSchema(parse(sdl), { assumeValidSDL: true });
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith("__") || ["String", "Boolean", "Int", "Float", "ID"].includes(type.name)) continue;
      if (type !== schema.getQueryType()) expect(doc).toContain(`\n### ${type.name}\n`);
      const rows = isObjectType(type) || isInputObjectType(type) ? Object.keys(type.getFields()) : isEnumType(type) ? type.getValues().map((v) => v.name) : [];
      for (const row of rows) expect(doc).toMatch(new RegExp(`\\n\\| \`${row}\`[:|\` ]`));
    }
  });

  it("shows arguments with defaults, entity keys, deprecations and links to the types", () => {
    const doc = schemaReference(sdl);
    expect(doc).toContain("↳ `first`: `Int!` `= 50`: Page size, 1 to 999.");
    expect(doc).toContain('Federation entity, keyed by `@key(fields: "tenantId id")`.');
    expect(doc).toMatch(/\| `lastSyncAfter` \| \[DateTimeISO\]\(#datetimeiso\) \|[^\n]*\*\*Deprecated:\*\* Intune documents no range filter/);
    expect(doc).toContain("| `direction` `= ASC` | [SortDirection](#sortdirection)! |");
    expect(doc).toContain("| `users` | [UserConnection](#userconnection) |");
    expect(doc).toContain("filter.&lt;field&gt;");
  });
});
