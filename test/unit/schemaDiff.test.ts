/**
 * The breaking-change check (scripts/schemaDiff.ts, `npm run schema:diff`), the offline equivalent of
 * `rover subgraph check`: the schema the code builds against the committed baseline (the last release),
 * and deliberately changed copies of the baseline, to show what it catches and what it lets through.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { BASELINE_FILE, checkSchema, INTENDED_FILE, parseIntended, passes, report } from "../../scripts/schemaDiff";
import { buildPartnerGraphSchema, printSdl } from "../../src/schema";

const repo = path.resolve(__dirname, "../..");
const baseline = readFileSync(path.join(repo, BASELINE_FILE), "utf8");

/** The baseline with one text replaced (and the replacement proven to have happened). */
function changed(from: string | RegExp, to: string): string {
  const sdl = baseline.replace(from, to);
  expect(sdl).not.toBe(baseline);
  return sdl;
}

const summary = (changes: { type: string; path?: string }[]) => changes.map((c) => `${c.type} ${c.path}`);

describe("breaking-change check", () => {
  it("the code's schema makes no breaking change against the baseline but those schema/intended-breaking.json lists", async () => {
    const current = printSdl(await buildPartnerGraphSchema());
    const check = await checkSchema(baseline, current, parseIntended(readFileSync(path.join(repo, INTENDED_FILE), "utf8")));
    // On failure: deprecate instead of removing, or list the change as intended (the message says how).
    expect(passes(check) ? "" : report(check, BASELINE_FILE)).toBe("");
  });

  it("catches a renamed field (a removal for every client selecting the old name)", async () => {
    const check = await checkSchema(baseline, changed(/^(\s+)displayName: String!$/m, "$1name: String!"));
    expect(passes(check)).toBe(false);
    expect(summary(check.unintended)).toContain("FIELD_REMOVED Customer.displayName");
    expect(summary(check.safe)).toContain("FIELD_ADDED Customer.name");
    expect(report(check, "the fixture")).toMatch(/BREAKING changes[\s\S]*FIELD_REMOVED Customer\.displayName[\s\S]*FAILED\.\n$/);
  });

  it("catches a nullable argument made non-null, and a new required argument (operations that leave them out stop validating)", async () => {
    const check = await checkSchema(baseline, changed("signInRouting(userName: String!)", "signInRouting(userName: String!, hint: String!)"));
    expect(summary(check.unintended)).toEqual(["FIELD_ARGUMENT_ADDED Query.signInRouting.hint"]);
    const nullable = baseline.replace(/(\s+)search: String\n(\s+)orderBy: UserOrder/, "$1search: String!\n$2orderBy: UserOrder");
    expect(nullable).not.toBe(baseline);
    const made = await checkSchema(baseline, nullable);
    expect(passes(made)).toBe(false);
    expect(summary(made.unintended)).toEqual(["FIELD_ARGUMENT_TYPE_CHANGED Customer.users.search"]);
  });

  it("catches a dropped federation key (the router can no longer resolve the entity here)", async () => {
    const check = await checkSchema(baseline, changed(/type Device\n\s+@key\(fields: "tenantId id"\)\n/, "type Device\n"));
    expect(passes(check)).toBe(false);
    expect(summary(check.unintended)).toContain("UNION_MEMBER_REMOVED _Entity");
  });

  it("lets a dangerous change (an enum value added) and a safe one (a field added, a description) pass, and reports them", async () => {
    const sdl = changed("  GUEST\n}", "  GUEST\n  SERVICE\n}").replace(/(type Caller \{\n)/, '$1  """New."""\n  locale: String\n');
    const check = await checkSchema(baseline, sdl.replace('"""Who is calling, and through which partner tenants."""', '"""Who calls."""'));
    expect(passes(check)).toBe(true);
    expect(summary(check.dangerous)).toEqual(["ENUM_VALUE_ADDED UserKind.SERVICE"]);
    expect(summary(check.safe)).toEqual(expect.arrayContaining(["FIELD_ADDED Caller.locale", "TYPE_DESCRIPTION_CHANGED Caller"]));
    expect(report(check, "the fixture")).toMatch(/Dangerous changes[\s\S]*UserKind\.SERVICE[\s\S]*OK: no unintended breaking change\.\n$/);
  });

  it("passes a breaking change listed as intended, and fails on a listed change the schema does not make", async () => {
    const renamed = changed(/^(\s+)displayName: String!$/m, "$1name: String!");
    const entry = { path: "Customer.displayName", type: "FIELD_REMOVED", reason: "Renamed to name in release 2 (announced)." };
    const intended = await checkSchema(baseline, renamed, [entry]);
    expect(passes(intended)).toBe(true);
    expect(summary(intended.intended)).toEqual(["FIELD_REMOVED Customer.displayName"]);
    const stale = await checkSchema(baseline, baseline, [entry]);
    expect(passes(stale)).toBe(false);
    expect(stale.unmatched).toEqual([entry]);
  });

  it("reads the intended list strictly: each entry needs a path, a type and a reason", () => {
    expect(parseIntended('[{"path":"A.b","type":"FIELD_REMOVED","reason":"r"}]')).toEqual([{ path: "A.b", type: "FIELD_REMOVED", reason: "r" }]);
    expect(() => parseIntended('[{"path":"A.b","type":"FIELD_REMOVED","reason":" "}]')).toThrow(/reason/);
    expect(() => parseIntended('{"path":"A.b"}')).toThrow(/array/);
  });
});
