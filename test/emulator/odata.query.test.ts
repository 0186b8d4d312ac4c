import type { GraphObject } from "../../emulator/data/model";
import { queryCollection, queryEntity } from "../../emulator/odata/query";
import { delegatedAdminRelationshipSpec, directoryObjectsMixedSpec, groupSpec, managedDeviceSpec, userSpec } from "../../emulator/odata/resourceSpecs";
import { searchTokens } from "../../emulator/odata/search";
import type { CollectionQueryResult, MixedResourceSpec, ResourceSpec } from "../../emulator/odata/types";

const BASE = "https://graph.test:8443/v1.0";
const SECRET = "test-secret";
const E3 = "05e9a617-0261-4cee-bb44-138d3ef5d965";

function user(n: number, extra: Partial<GraphObject> = {}): GraphObject {
  return {
    id: `00000000-0000-0000-0000-00000000000${n}`,
    accountEnabled: true,
    businessPhones: [],
    displayName: `User ${n}`,
    givenName: `Given${n}`,
    surname: `Sur${n}`,
    jobTitle: null,
    mail: `user${n}@contoso.com`,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: "en-US",
    userPrincipalName: `user${n}@contoso.onmicrosoft.com`,
    companyName: null,
    userType: "Member",
    createdDateTime: `2024-01-0${n}T00:00:00Z`,
    assignedLicenses: [],
    ...extra,
  };
}

const users: GraphObject[] = [
  user(1, { displayName: "Adele Vance", assignedLicenses: [{ skuId: E3, disabledPlans: [] }], createdDateTime: "2024-01-05T00:00:00Z" }),
  user(2, { displayName: "Alex Wilber", accountEnabled: false, mail: "alex@fabrikam.com" }),
  user(3, { displayName: "ContosoHR Team", userType: "Guest", companyName: "Contoso" }),
  user(4, { displayName: "Megan Bowen", mail: null }),
  user(5, { displayName: "adam-smith2024" }),
];

interface Call {
  path?: string;
  eventual?: boolean;
  countSegment?: boolean;
  context?: string;
}

function list(spec: ResourceSpec | MixedResourceSpec, items: readonly GraphObject[], query: string, call: Call = {}): CollectionQueryResult {
  const path = call.path ?? "/users";
  return queryCollection({
    spec,
    items,
    requestUrl: new URL(`${BASE}${path}${query}`),
    consistencyLevel: call.eventual ? "eventual" : undefined,
    contextUrl: call.context ?? `${BASE}/$metadata#users`,
    skiptokenSecret: SECRET,
    countSegment: call.countSegment,
  });
}

/** The JSON body of a successful list answer (fails the test otherwise). */
function body(r: CollectionQueryResult): Record<string, unknown> & { value: Record<string, unknown>[] } {
  if (!r.ok || r.contentType !== "application/json") throw new Error(`expected JSON success, got ${JSON.stringify(r)}`);
  return r.body as Record<string, unknown> & { value: Record<string, unknown>[] };
}
const ids = (r: CollectionQueryResult): string[] => body(r).value.map((v) => String(v.displayName));

/** Follows a nextLink as a client would: the whole URL, headers sent again. */
function follow(spec: ResourceSpec, items: readonly GraphObject[], nextLink: string, eventual = false): CollectionQueryResult {
  return queryCollection({
    spec,
    items,
    requestUrl: new URL(nextLink),
    consistencyLevel: eventual ? "eventual" : undefined,
    contextUrl: `${BASE}/$metadata#users`,
    skiptokenSecret: SECRET,
  });
}

const ADVANCED_MSG = (op: string) =>
  `Operator '${op}' is not supported because the required parameters might be missing. Try adding $count=true query parameter and ConsistencyLevel:eventual header. Refer to https://aka.ms/graph-docs/advanced-queries for more information`;

describe("queryCollection response shape", () => {
  it("returns the users default property set without $select", () => {
    const b = body(list(userSpec, users, ""));
    expect(Object.keys(b.value[0]).sort()).toEqual([
      "businessPhones",
      "displayName",
      "givenName",
      "id",
      "jobTitle",
      "mail",
      "mobilePhone",
      "officeLocation",
      "preferredLanguage",
      "surname",
      "userPrincipalName",
    ]);
    expect(b["@odata.context"]).toBe(`${BASE}/$metadata#users`);
  });

  it("orders keys as context, count, nextLink, value", () => {
    const spec = { ...userSpec, defaultPageSize: 2 };
    const b = body(list(spec, users, "?$count=true", { eventual: true }));
    expect(Object.keys(b)).toEqual(["@odata.context", "@odata.count", "@odata.nextLink", "value"]);
  });

  it("fills unset properties with null and unset collections with []", () => {
    const b = body(list(userSpec, [{ id: "x" }], "?$select=id,mail,otherMails"));
    expect(b.value[0]).toEqual({ id: "x", mail: null, otherMails: [] });
  });
});

describe("queryCollection paging", () => {
  const small = { ...userSpec, defaultPageSize: 2 };

  it("pages with an absolute nextLink that keeps every query option and ends without one", () => {
    const first = body(list(small, users, "?$select=displayName&$filter=accountEnabled eq true"));
    expect(ids(list(small, users, "?$select=displayName&$filter=accountEnabled eq true"))).toEqual(["Adele Vance", "ContosoHR Team"]);
    const next = String(first["@odata.nextLink"]);
    expect(next.startsWith(`${BASE}/users?$select=displayName&$filter=accountEnabled%20eq%20true&$skiptoken=`)).toBe(true);
    const second = follow(small, users, next);
    expect(ids(second)).toEqual(["Megan Bowen", "adam-smith2024"]);
    expect(body(second)["@odata.nextLink"]).toBeUndefined();
  });

  it("uses $top as the page size and replaces the $skiptoken on later pages", () => {
    const p1 = body(list(userSpec, users, "?$top=2"));
    const p2 = body(follow(userSpec, users, String(p1["@odata.nextLink"])));
    const p3 = body(follow(userSpec, users, String(p2["@odata.nextLink"])));
    expect([p1, p2, p3].map((p) => p.value.length)).toEqual([2, 2, 1]);
    expect(String(p2["@odata.nextLink"]).match(/\$skiptoken=/g)).toHaveLength(1);
    expect(p3.value[0].displayName).toBe("adam-smith2024");
    expect(p3["@odata.nextLink"]).toBeUndefined();
  });

  it("rejects a tampered $skiptoken", () => {
    const next = new URL(String(body(list(userSpec, users, "?$top=2"))["@odata.nextLink"]));
    const token = next.searchParams.get("$skiptoken") ?? "";
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(token, "base64url").toString()), o: 4 })).toString("base64url");
    const r = list(userSpec, users, `?$top=2&$skiptoken=${forged}`);
    expect(r).toMatchObject({ ok: false, status: 400, code: "Request_BadRequest" });
  });

  it("rejects a $skiptoken with another page size or selection: Graph binds it to every option", () => {
    const next = new URL(String(body(list(userSpec, users, "?$top=2"))["@odata.nextLink"]));
    const token = next.searchParams.get("$skiptoken");
    expect(list(userSpec, users, `?$top=3&$skiptoken=${token}`)).toMatchObject({ status: 400, code: "Request_BadRequest" });
    expect(list(userSpec, users, `?$top=2&$select=id&$skiptoken=${token}`)).toMatchObject({ status: 400, code: "Request_BadRequest" });
    expect(list(userSpec, users, `?$top=2&$skiptoken=${token}`)).toMatchObject({ ok: true, status: 200 });
  });

  it("rejects a $skiptoken reused with a different query or on another collection", () => {
    const next = new URL(String(body(list(userSpec, users, "?$top=2"))["@odata.nextLink"]));
    const token = next.searchParams.get("$skiptoken");
    expect(list(userSpec, users, `?$top=2&$filter=accountEnabled eq true&$skiptoken=${token}`)).toMatchObject({ status: 400, code: "Request_BadRequest" });
    expect(list(userSpec, users, `?$top=2&$skiptoken=${token}`, { path: "/groups" })).toMatchObject({ status: 400 });
    expect(list(userSpec, users, "?$skiptoken=garbage")).toMatchObject({ status: 400, code: "Request_BadRequest" });
  });

  it.each([
    ["1000", "Invalid page size specified: '1000'. Must be between 1 and 999 inclusive."],
    ["0", "Invalid page size specified: '0'. Must be between 1 and 999 inclusive."],
    ["ten", "Invalid page size specified: 'ten'. Must be between 1 and 999 inclusive."],
  ])("rejects $top=%s", (top, message) => {
    expect(list(userSpec, users, `?$top=${top}`)).toEqual({ ok: false, status: 400, code: "Request_BadRequest", message });
  });

  it("uses the spec's maximum in the $top message (GDAP: 300)", () => {
    expect(list(delegatedAdminRelationshipSpec, [], "?$top=301")).toMatchObject({
      status: 400,
      message: "Invalid page size specified: '301'. Must be between 1 and 300 inclusive.",
    });
    expect(body(list(delegatedAdminRelationshipSpec, [], "?$top=300")).value).toEqual([]);
  });

  it("rejects $skip on directory collections", () => {
    expect(list(userSpec, users, "?$skip=2")).toEqual({
      ok: false,
      status: 400,
      code: "Request_BadRequest",
      message: "'$skip' is not supported by the service.",
    });
  });

  it("rejects $expand and repeated options", () => {
    expect(list(userSpec, users, "?$expand=memberOf")).toMatchObject({ status: 400, code: "Request_BadRequest" });
    expect(list(userSpec, users, "?$top=1&$top=2")).toMatchObject({ status: 400, code: "Request_BadRequest" });
  });
});

describe("queryCollection $count", () => {
  it("silently ignores $count=true without ConsistencyLevel", () => {
    const b = body(list(userSpec, users, "?$count=true"));
    expect(b["@odata.count"]).toBeUndefined();
    expect(b.value).toHaveLength(5);
  });

  it("gives @odata.count of the filtered set on the first page only", () => {
    const spec = { ...userSpec, defaultPageSize: 1 };
    const first = body(list(spec, users, "?$count=true&$filter=accountEnabled eq true", { eventual: true }));
    expect(first["@odata.count"]).toBe(4);
    const second = body(follow(spec, users, String(first["@odata.nextLink"]), true));
    expect(second["@odata.count"]).toBeUndefined();
    expect(second.value[0].displayName).toBe("ContosoHR Team");
  });

  it("rejects the /$count segment without ConsistencyLevel", () => {
    expect(list(userSpec, users, "", { countSegment: true, path: "/users/$count" })).toEqual({
      ok: false,
      status: 400,
      code: "Request_BadRequest",
      message: "$count is not currently supported.",
    });
  });

  it("answers the /$count segment as text/plain with ConsistencyLevel", () => {
    const r = list(userSpec, users, "?$filter=userType eq 'Guest'", { countSegment: true, eventual: true, path: "/users/$count" });
    expect(r).toEqual({ ok: true, status: 200, body: "1", contentType: "text/plain" });
  });

  it("counts without the header on services outside the directory", () => {
    expect(body(list(managedDeviceSpec, [{ id: "m1" }], "?$count=true"))["@odata.count"]).toBe(1);
  });
});

describe("queryCollection $filter", () => {
  it("filters with default operators without advanced parameters", () => {
    expect(ids(list(userSpec, users, "?$filter=startsWith(displayName,'a') and accountEnabled eq true"))).toEqual(["Adele Vance", "adam-smith2024"]);
    expect(ids(list(userSpec, users, `?$filter=assignedLicenses/any(x:x/skuId eq ${E3})`))).toEqual(["Adele Vance"]);
    expect(ids(list(userSpec, users, "?$filter=userType in ('Guest')"))).toEqual(["ContosoHR Team"]);
  });

  it("matches property names case-insensitively", () => {
    expect(ids(list(userSpec, users, "?$filter=DISPLAYNAME eq 'megan bowen'"))).toEqual(["Megan Bowen"]);
  });

  it.each([
    ["endsWith(mail,'@fabrikam.com')", "endsWith"],
    ["accountEnabled ne true", "ne"],
    ["not(accountEnabled eq true)", "not"],
    ["assignedLicenses/$count eq 0", "$count"],
    ["mail eq null", "eq"],
    ["companyName eq 'Contoso'", "eq"],
  ])("requires advanced parameters for %s", (filter, op) => {
    const expected = { ok: false, status: 400, code: "Request_UnsupportedQuery", message: ADVANCED_MSG(op) };
    expect(list(userSpec, users, `?$filter=${filter}`)).toEqual(expected);
    expect(list(userSpec, users, `?$filter=${filter}`, { eventual: true })).toEqual(expected);
    expect(list(userSpec, users, `?$filter=${filter}&$count=true`)).toEqual(expected);
  });

  it("answers advanced filters with ConsistencyLevel and $count=true", () => {
    const adv = (f: string) => ids(list(userSpec, users, `?$filter=${f}&$count=true`, { eventual: true }));
    expect(adv("endsWith(mail,'@FABRIKAM.com')")).toEqual(["Alex Wilber"]);
    expect(adv("accountEnabled ne true")).toEqual(["Alex Wilber"]);
    expect(adv("NOT startsWith(displayName,'a')")).toEqual(["ContosoHR Team", "Megan Bowen"]);
    expect(adv("assignedLicenses/$count eq 0 and mail eq null")).toEqual(["Megan Bowen"]);
    expect(adv("companyName eq 'contoso'")).toEqual(["ContosoHR Team"]);
  });

  it("rejects an operator the property does not support", () => {
    expect(list(userSpec, users, "?$filter=contains(displayName,'a')")).toEqual({
      ok: false,
      status: 400,
      code: "Request_UnsupportedQuery",
      message: "Unsupported or invalid query filter clause specified for property 'displayName' of resource 'User'.",
    });
    expect(list(groupSpec, [], "?$filter=startsWith(groupTypes,'U')")).toMatchObject({
      code: "Request_UnsupportedQuery",
      message: "Unsupported or invalid query filter clause specified for property 'groupTypes' of resource 'Group'.",
    });
    expect(list(userSpec, users, "?$filter=jobTitle/any(c:c eq 'x')")).toMatchObject({ code: "Request_UnsupportedQuery" });
  });

  it("rejects unknown properties, type mismatches and syntax errors", () => {
    expect(list(userSpec, users, "?$filter=shoeSize eq 1")).toEqual({
      ok: false,
      status: 400,
      code: "Request_BadRequest",
      message: "Could not find a property named 'shoeSize' on type 'microsoft.graph.user'.",
    });
    expect(list(userSpec, users, "?$filter=accountEnabled eq 'true'")).toEqual({
      ok: false,
      status: 400,
      code: "BadRequest",
      message: "A binary operator with incompatible types was detected. Found operand types 'Edm.Boolean' and 'Edm.String' for operator kind 'Equal'.",
    });
    expect(list(userSpec, users, "?$filter=displayName eq")).toEqual({
      ok: false,
      status: 400,
      code: "BadRequest",
      message: "Invalid filter clause: Syntax error at position 14 in 'displayName eq'.",
    });
  });

  it("filters groups through groupTypes/any and its negation", () => {
    const groups: GraphObject[] = [
      { id: "g1", displayName: "Sales", groupTypes: ["Unified"], securityEnabled: false },
      { id: "g2", displayName: "Admins", groupTypes: [], securityEnabled: true },
    ];
    expect(ids(list(groupSpec, groups, "?$filter=groupTypes/any(c:c eq 'Unified')"))).toEqual(["Sales"]);
    expect(list(groupSpec, groups, "?$filter=not groupTypes/any(c:c eq 'Unified')")).toMatchObject({ message: ADVANCED_MSG("not") });
    expect(ids(list(groupSpec, groups, "?$filter=not groupTypes/any(c:c eq 'Unified')&$count=true", { eventual: true }))).toEqual(["Admins"]);
  });

  it("applies Intune filters without directory rules", () => {
    const devices: GraphObject[] = [
      { id: "m1", deviceName: "DESKTOP-Alpha", complianceState: "compliant" },
      { id: "m2", deviceName: "iPhone Beta", complianceState: "noncompliant" },
    ];
    const q = (f: string) => body(list(managedDeviceSpec, devices, `?$filter=${f}`)).value.map((v) => v.id);
    expect(q("contains(deviceName,'alpha')")).toEqual(["m1"]);
    expect(q("complianceState eq 'noncompliant' or complianceState eq 'error'")).toEqual(["m2"]);
    expect(list(managedDeviceSpec, devices, "?$filter=endsWith(deviceName,'a')")).toMatchObject({
      code: "BadRequest",
      message: "Unsupported or invalid query filter clause specified for property 'deviceName' of resource 'ManagedDevice'.",
    });
  });

  it("pages Intune collections by 1000 and accepts $skip there", () => {
    const many = Array.from({ length: 1500 }, (_, i) => ({ id: `m${i}` }));
    const first = body(list(managedDeviceSpec, many, "", { path: "/deviceManagement/managedDevices" }));
    expect(first.value).toHaveLength(1000);
    expect(first["@odata.nextLink"]).toBeDefined();
    expect(body(list(managedDeviceSpec, many, "?$skip=1490")).value.map((v) => v.id)[0]).toBe("m1490");
    expect(body(list(managedDeviceSpec, many, "?$top=1000")).value).toHaveLength(1000);
  });

  it("filters GDAP relationships by a complex property path", () => {
    const rels: GraphObject[] = [
      { id: "r1", displayName: "One", status: "active", customer: { tenantId: "t1", displayName: "A" } },
      { id: "r2", displayName: "Two", status: "expired", customer: { tenantId: "t2", displayName: "B" } },
    ];
    const r = list(delegatedAdminRelationshipSpec, rels, "?$filter=customer/tenantId eq 't2' and status in ('expired','terminated')");
    expect(body(r).value.map((v) => v.id)).toEqual(["r2"]);
  });
});

describe("queryCollection $search", () => {
  it("needs ConsistencyLevel but not $count=true", () => {
    expect(list(userSpec, users, '?$search="displayName:adele"')).toEqual({
      ok: false,
      status: 400,
      code: "Request_UnsupportedQuery",
      message: "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
    });
    expect(ids(list(userSpec, users, '?$search="displayName:adele"', { eventual: true }))).toEqual(["Adele Vance"]);
  });

  it("matches displayName by token prefixes, splitting case changes, symbols and digits", () => {
    const s = (q: string) => ids(list(userSpec, users, `?$search=${encodeURIComponent(q)}`, { eventual: true }));
    expect(s('"displayName:van"')).toEqual(["Adele Vance"]);
    expect(s('"displayName:hr"')).toEqual(["ContosoHR Team"]);
    expect(s('"displayName:smith 2024"')).toEqual(["adam-smith2024"]);
    expect(s('"displayName:ance"')).toEqual([]);
    expect(searchTokens("ContosoHR-Team2024")).toEqual(["contoso", "hr", "team", "2024"]);
  });

  it("matches other properties by prefix and combines clauses with AND, OR and parentheses", () => {
    const s = (q: string) => ids(list(userSpec, users, `?$search=${encodeURIComponent(q)}`, { eventual: true }));
    expect(s('"mail:alex@"')).toEqual(["Alex Wilber"]);
    expect(s('"mail:fabrikam"')).toEqual([]);
    expect(s('"displayName:a" AND "mail:user"')).toEqual(["Adele Vance", "adam-smith2024"]);
    expect(s('("displayName:megan" OR "displayName:alex") AND "mail:alex"')).toEqual(["Alex Wilber"]);
  });

  it("rejects unsupported properties and malformed values", () => {
    const s = (q: string) => list(userSpec, users, `?$search=${encodeURIComponent(q)}`, { eventual: true });
    expect(s('"jobTitle:dev"')).toEqual({
      ok: false,
      status: 400,
      code: "Request_UnsupportedQuery",
      message: "Unsupported or invalid query search clause specified for property 'jobTitle' of resource 'User'.",
    });
    expect(s("displayName:adele")).toMatchObject({ status: 400, code: "Request_BadRequest" });
    expect(s('"displayName:a" "mail:b"')).toMatchObject({ status: 400, code: "Request_BadRequest" });
    expect(s('"adele"')).toMatchObject({ status: 400, code: "Request_BadRequest" });
  });
});

describe("queryCollection $orderby", () => {
  it("sorts by basic properties without advanced parameters and leaves the input untouched", () => {
    const before = users.map((u) => u.id);
    expect(ids(list(userSpec, users, "?$orderby=displayName desc"))).toEqual(["Megan Bowen", "ContosoHR Team", "Alex Wilber", "Adele Vance", "adam-smith2024"]);
    expect(users.map((u) => u.id)).toEqual(before);
  });

  it("sorts by several keys", () => {
    const r = list(userSpec, users, "?$orderby=createdDateTime desc,displayName&$count=true", { eventual: true });
    expect(ids(r)).toEqual(["adam-smith2024", "Adele Vance", "Megan Bowen", "ContosoHR Team", "Alex Wilber"]);
  });

  it("needs advanced parameters for advanced properties and together with $filter", () => {
    const sorting = { ok: false, status: 400, code: "Request_UnsupportedQuery", message: "Sorting not supported for current query." };
    expect(list(userSpec, users, "?$orderby=createdDateTime")).toEqual(sorting);
    expect(list(userSpec, users, "?$orderby=displayName&$filter=accountEnabled eq true")).toEqual(sorting);
    const ok = list(userSpec, users, "?$orderby=displayName&$filter=accountEnabled eq true&$count=true", { eventual: true });
    expect(ids(ok)).toEqual(["adam-smith2024", "Adele Vance", "ContosoHR Team", "Megan Bowen"]);
  });

  it("rejects properties that cannot be sorted and bad syntax", () => {
    expect(list(userSpec, users, "?$orderby=jobTitle")).toEqual({
      ok: false,
      status: 400,
      code: "Request_UnsupportedQuery",
      message: "Order by not supported for property 'jobTitle' of resource 'User'.",
    });
    expect(list(userSpec, users, "?$orderby=displayName sideways")).toMatchObject({ status: 400, code: "Request_BadRequest" });
  });
});

describe("queryCollection $select", () => {
  it("projects the selected properties, always keeps id and lists them in @odata.context", () => {
    const b = body(list(userSpec, users, "?$select=displayName,Mail&$top=1"));
    expect(b["@odata.context"]).toBe(`${BASE}/$metadata#users(displayName,mail)`);
    expect(b.value).toEqual([{ displayName: "Adele Vance", mail: "user1@contoso.com", id: users[0].id }]);
  });

  it("rejects unknown properties with 400 and single-entity-only properties with 501", () => {
    expect(list(userSpec, users, "?$select=id,foo")).toEqual({
      ok: false,
      status: 400,
      code: "Request_BadRequest",
      message: "Could not find a property named 'foo' on type 'microsoft.graph.user'.",
    });
    expect(list(userSpec, users, "?$select=aboutMe")).toMatchObject({ ok: false, status: 501, code: "NotImplemented" });
  });

  it("gives each item of a mixed collection its @odata.type and its type's properties", () => {
    const items: GraphObject[] = [
      { "@odata.type": "#microsoft.graph.group", id: "g1", displayName: "Sales", groupTypes: ["Unified"], mail: "sales@c.com" },
      { id: "u1", displayName: "Adele", userPrincipalName: "adele@c.com", mail: "adele@c.com" },
      { id: "d1", displayName: "PC-1", deviceId: "dev-1" },
    ];
    const b = body(list(directoryObjectsMixedSpec, items, "?$select=displayName,groupTypes", { context: `${BASE}/$metadata#directoryObjects` }));
    expect(b["@odata.context"]).toBe(`${BASE}/$metadata#directoryObjects(displayName,groupTypes)`);
    expect(b.value).toEqual([
      { "@odata.type": "#microsoft.graph.group", displayName: "Sales", groupTypes: ["Unified"], id: "g1" },
      { "@odata.type": "#microsoft.graph.user", displayName: "Adele", id: "u1" },
      { "@odata.type": "#microsoft.graph.device", displayName: "PC-1", id: "d1" },
    ]);
  });

  it("uses each member type's default set on a mixed collection without $select", () => {
    const b = body(list(directoryObjectsMixedSpec, [users[0]], ""));
    expect(Object.keys(b.value[0])).toEqual(["@odata.type", ...userSpec.defaultSelect!]);
  });

  it("filters mixed collections against directoryObject", () => {
    const items: GraphObject[] = [
      { id: "g1", displayName: "Sales", groupTypes: [] },
      { id: "u1", displayName: "Adele", userPrincipalName: "a@c.com" },
    ];
    expect(ids(list(directoryObjectsMixedSpec, items, "?$filter=startsWith(displayName,'sal')"))).toEqual(["Sales"]);
    expect(list(directoryObjectsMixedSpec, items, "?$filter=groupTypes/any(c:c eq 'Unified')")).toMatchObject({
      code: "Request_BadRequest",
      message: "Could not find a property named 'groupTypes' on type 'microsoft.graph.directoryObject'.",
    });
  });
});

describe("queryEntity", () => {
  const entity = (query: string, context = `${BASE}/$metadata#users/$entity`) =>
    queryEntity({ spec: userSpec, item: users[0], requestUrl: new URL(`${BASE}/users/x${query}`), contextUrl: context });

  it("returns the default set with the entity context", () => {
    const r = entity("");
    expect(r.ok && Object.keys(r.body)).toEqual(["@odata.context", ...userSpec.defaultSelect!]);
    expect(r.ok && r.body["@odata.context"]).toBe(`${BASE}/$metadata#users/$entity`);
  });

  it("selects properties, including single-entity-only ones, and names them in the context", () => {
    expect(entity("?$select=aboutMe,displayName")).toEqual({
      ok: true,
      status: 200,
      body: { "@odata.context": `${BASE}/$metadata#users(aboutMe,displayName)/$entity`, aboutMe: null, displayName: "Adele Vance", id: users[0].id },
    });
  });

  it("rejects unknown properties", () => {
    expect(entity("?$select=x")).toEqual({
      ok: false,
      status: 400,
      code: "Request_BadRequest",
      message: "Could not find a property named 'x' on type 'microsoft.graph.user'.",
    });
  });
});
