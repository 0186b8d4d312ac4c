import { evaluate, FilterSyntaxError, parseFilter, renameProperties, tokenize, usedOperators } from "../../emulator/odata/filter";

const SKU_E3 = "05e9a617-0261-4cee-bb44-138d3ef5d965";
const SKU_E5 = "06ebc4ee-1bb5-47dd-8120-11324bc54e06";

const alice = {
  id: "a1",
  displayName: "Alice Adams",
  userPrincipalName: "alice@contoso.onmicrosoft.com",
  mail: "Alice@Contoso.com",
  accountEnabled: true,
  userType: "Member",
  createdDateTime: "2024-03-01T10:00:00Z",
  companyName: null,
  groupTypes: ["Unified"],
  businessPhones: ["+1 555 0100"],
  assignedLicenses: [{ skuId: SKU_E3, disabledPlans: [] }],
  customer: { tenantId: "t-1", displayName: "Fabrikam" },
  score: 7,
};
const bob = {
  id: "b2",
  displayName: "Bob O'Brien",
  userPrincipalName: "bob@contoso.onmicrosoft.com",
  mail: null,
  accountEnabled: false,
  userType: "Guest",
  createdDateTime: "2023-12-31T23:59:59Z",
  companyName: "Contoso",
  groupTypes: [],
  businessPhones: [],
  assignedLicenses: [],
  customer: { tenantId: "t-2", displayName: "Tailspin" },
  score: 12,
};

const match = (filter: string, item: Record<string, unknown>): boolean => evaluate(parseFilter(filter), item);
const names = (filter: string): string[] => [alice, bob].filter((i) => match(filter, i)).map((i) => i.id);

describe("tokenize", () => {
  it("reads bare GUIDs, dates, numbers, doubled quotes and qualified enums as single tokens", () => {
    const toks = tokenize(`x eq ${SKU_E3} 2024-01-01T00:00:00Z -1.5 'it''s' microsoft.graph.complianceState'compliant'`);
    expect(toks.map((t) => t.type)).toEqual(["ident", "ident", "guid", "dateTime", "number", "string", "enum", "eof"]);
    expect(toks[5].value).toBe("it's");
    expect(toks[6]).toMatchObject({ value: "compliant", enumType: "microsoft.graph.complianceState" });
  });

  it("reads a GUID that starts with letters as a GUID, not an identifier", () => {
    expect(tokenize("f2ef992c-3afb-46b9-b7cf-a126ee74c451")[0]).toMatchObject({ type: "guid" });
  });
});

describe("parseFilter", () => {
  it("parses comparisons into property/literal nodes", () => {
    expect(parseFilter("displayName eq 'A'")).toEqual({
      kind: "compare",
      op: "eq",
      left: { kind: "property", path: ["displayName"] },
      right: { kind: "literal", type: "string", value: "A" },
    });
  });

  it("binds and tighter than or", () => {
    const ast = parseFilter("a eq 1 or b eq 2 and c eq 3");
    expect(ast.kind).toBe("or");
    expect(ast.kind === "or" && ast.right.kind).toBe("and");
  });

  it("accepts upper-case NOT, OR and AND as the Graph docs write them", () => {
    expect(parseFilter("NOT startsWith(displayName,'x') OR a eq 1 AND b eq 2").kind).toBe("or");
  });

  it("parses a lambda with a variable path and a bare GUID", () => {
    const ast = parseFilter(`assignedLicenses/any(c:c/skuId eq ${SKU_E3})`);
    expect(ast).toEqual({
      kind: "lambda",
      op: "any",
      collection: { kind: "property", path: ["assignedLicenses"] },
      variable: "c",
      predicate: {
        kind: "compare",
        op: "eq",
        left: { kind: "property", path: ["skuId"], lambdaVar: "c" },
        right: { kind: "literal", type: "guid", value: SKU_E3 },
      },
    });
  });

  it("parses $count segments and in-lists", () => {
    expect(parseFilter("groupTypes/$count eq 0")).toMatchObject({ kind: "compare", left: { kind: "count", path: ["groupTypes"] } });
    expect(parseFilter("userType in ('Member', 'Guest')")).toMatchObject({ kind: "in", values: [{ value: "Member" }, { value: "Guest" }] });
  });

  it("takes a bare date as midnight UTC", () => {
    expect(parseFilter("createdDateTime ge 2021-11-01")).toMatchObject({ right: { type: "dateTime", epoch: Date.UTC(2021, 10, 1) } });
  });

  it.each([
    ["displayName eq", "Syntax error at position 14 in 'displayName eq'."],
    ["displayName eq 'x", "Unterminated string literal at position 15 in 'displayName eq 'x'."],
    ["displayName foo 'x'", "Syntax error: character 'foo' is not valid at position 12 in 'displayName foo 'x''."],
    ["(a eq 1", "Syntax error at position 7 in '(a eq 1'."],
    ["a eq 1 b", "Syntax error: character 'b' is not valid at position 7 in 'a eq 1 b'."],
    ["a eq #", "Syntax error: character '#' is not valid at position 5 in 'a eq #'."],
    ["substringof('a', b)", "Unknown function 'substringof' at position 0 in 'substringof('a', b)'."],
    ["'x' eq displayName", "Syntax error: character ''x'' is not valid at position 0 in ''x' eq displayName'."],
  ])("rejects %s with an Invalid filter clause message", (filter, detail) => {
    expect(() => parseFilter(filter)).toThrow(FilterSyntaxError);
    expect(() => parseFilter(filter)).toThrow(`Invalid filter clause: ${detail}`);
  });
});

describe("evaluate", () => {
  it("compares strings case-insensitively", () => {
    expect(names("mail eq 'alice@contoso.COM'")).toEqual(["a1"]);
    expect(names("displayName ge 'b'")).toEqual(["b2"]);
  });

  it("unescapes doubled quotes in literals", () => {
    expect(names("displayName eq 'Bob O''Brien'")).toEqual(["b2"]);
  });

  it("treats eq null and ne null as absence and presence", () => {
    expect(names("mail eq null")).toEqual(["b2"]);
    expect(names("companyName ne null")).toEqual(["b2"]);
  });

  it("treats ne against a null value as true", () => {
    expect(names("mail ne 'x@y.z'")).toEqual(["a1", "b2"]);
  });

  it("compares booleans, numbers and date-times by value", () => {
    expect(names("accountEnabled eq false")).toEqual(["b2"]);
    expect(names("score gt 7")).toEqual(["b2"]);
    expect(names("score le 7")).toEqual(["a1"]);
    expect(names("createdDateTime lt 2024-01-01T00:00:00Z")).toEqual(["b2"]);
    expect(names("createdDateTime ge 2024-03-01T11:00:00+01:00")).toEqual(["a1"]);
  });

  it("applies string functions case-insensitively, with any spelling of their names", () => {
    expect(names("startsWith(displayName,'al')")).toEqual(["a1"]);
    expect(names("startswith(displayName, 'BO')")).toEqual(["b2"]);
    expect(names("endsWith(userPrincipalName,'ONMICROSOFT.COM')")).toEqual(["a1", "b2"]);
    expect(names("contains(displayName,'brien')")).toEqual(["b2"]);
  });

  it("matches in-lists", () => {
    expect(names("userType in ('guest','Partner')")).toEqual(["b2"]);
  });

  it("negates with and without parentheses", () => {
    expect(names("not(accountEnabled eq true)")).toEqual(["b2"]);
    expect(names("not accountEnabled eq true")).toEqual(["b2"]);
    expect(names("NOT startsWith(displayName,'a')")).toEqual(["b2"]);
  });

  it("evaluates any and all lambdas over strings and complex values", () => {
    expect(names("groupTypes/any(c:c eq 'unified')")).toEqual(["a1"]);
    expect(names("not groupTypes/any(c:c eq 'Unified')")).toEqual(["b2"]);
    expect(names(`assignedLicenses/any(x:x/skuId eq ${SKU_E3})`)).toEqual(["a1"]);
    expect(names(`assignedLicenses/any(x:x/skuId eq ${SKU_E5})`)).toEqual([]);
    expect(names("businessPhones/any()")).toEqual(["a1"]);
    expect(names("groupTypes/all(c:c eq 'Unified')")).toEqual(["a1", "b2"]);
  });

  it("counts collections with /$count", () => {
    expect(names("assignedLicenses/$count eq 0")).toEqual(["b2"]);
    expect(names("assignedLicenses/$count ne 0")).toEqual(["a1"]);
  });

  it("follows paths into complex properties", () => {
    expect(names("customer/tenantId eq 'T-2'")).toEqual(["b2"]);
  });

  it("combines and/or with parentheses", () => {
    expect(names("(userType eq 'Guest' or accountEnabled eq true) and startsWith(displayName,'A')")).toEqual(["a1"]);
  });

  it("is false for a missing property", () => {
    expect(names("nothing eq 'x'")).toEqual([]);
  });
});

describe("usedOperators", () => {
  const pairs = (filter: string) => usedOperators(parseFilter(filter)).map((u) => `${u.property}:${u.op}${u.viaLambda ? "@" : ""}`);

  it("lists comparison and function operators per property, and or for every property under an or", () => {
    expect(pairs("displayName eq 'a' and startsWith(mail,'b') or endsWith(userPrincipalName,'c')")).toEqual([
      "displayName:eq",
      "mail:startsWith",
      "userPrincipalName:endsWith",
      "displayName:or",
      "mail:or",
      "userPrincipalName:or",
    ]);
  });

  it("reports eq null as eqNull and ne null as ne plus eqNull", () => {
    expect(pairs("mail eq null and companyName ne null")).toEqual(["mail:eqNull", "companyName:ne", "companyName:eqNull"]);
  });

  it("reports not for every property under a negation", () => {
    expect(pairs("not(companyName eq 'x' or city eq 'y')")).toEqual(["companyName:eq", "companyName:not", "city:eq", "city:not", "companyName:or", "city:or"]);
  });

  it("reports a lambda as any on its collection, with inner operators on the same collection", () => {
    expect(pairs("not groupTypes/any(c:c eq 'Unified')")).toEqual(["groupTypes:any", "groupTypes:not", "groupTypes:eq@", "groupTypes:not@"]);
  });

  it("reports /$count as count and in-lists as in", () => {
    expect(pairs("assignedLicenses/$count eq 0 and id in ('1','2')")).toEqual(["assignedLicenses:count", "id:in", "id:in"]);
  });
});

describe("renameProperties", () => {
  it("rewrites first path segments to canonical names and reports the first unknown one", () => {
    const ast = parseFilter("displayname eq 'x' and groupTypes/any(c:c eq 'y') and bogus eq 1");
    const unknown = renameProperties(ast, (n) => ({ displayname: "displayName", grouptypes: "groupTypes" })[n.toLowerCase()] ?? null);
    expect(unknown).toBe("bogus");
    expect(usedOperators(ast).map((u) => u.property)).toEqual(["displayName", "groupTypes", "groupTypes", "bogus"]);
  });
});
