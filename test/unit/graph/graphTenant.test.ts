import { GraphRejectedOurRequest } from "../../../src/graph/graphFailures";
import { GraphTenant } from "../../../src/graph/graphTenant";
import type { GraphDenial } from "../../../src/graph/credentials";
import { FakeTransport, failed, ok } from "../fakes/fakeTransport";

const graphOf = (transport: FakeTransport, explainDenial?: (d: GraphDenial) => Error) => new GraphTenant("t1", transport, explainDenial);
const urls = (t: FakeTransport) => t.requests.map((r) => r.url);

describe("GraphTenant: URLs and OData", () => {
  it("gets an object by id with its $select, and answers a 404 or a dot segment with null", async () => {
    const t = new FakeTransport((req) => (req.url.startsWith("/users/u1") ? ok({ id: "u1" }) : failed(404, "Request_ResourceNotFound")));
    const g = graphOf(t);
    expect(await g.get({ kind: "users", id: "u1" }, ["displayName", "id"])).toEqual({ id: "u1" });
    expect(await g.get({ kind: "managedDevices", id: "m 1" }, ["id"])).toBeNull();
    expect(await g.get({ kind: "groups", id: ".." }, ["id"])).toBeNull();
    expect(await g.get({ kind: "manager", userId: "u2" }, ["id"])).toBeNull();
    expect(urls(t)).toEqual(["/users/u1?$select=displayName%2Cid", "/deviceManagement/managedDevices/m%201?$select=id", "/users/u2/manager?$select=id"]);
  });

  it("lists a page with $select, $filter, $orderby, $top and $skiptoken, and reads the next page's token and the count", async () => {
    const t = new FakeTransport(() =>
      ok({ value: [{ id: "a" }], "@odata.count": 7, "@odata.nextLink": "https://graph.microsoft.com/v1.0/users?$skiptoken=NEXT%3D" }),
    );
    const page = await graphOf(t).list(
      { kind: "users" },
      { select: ["id", "mail"], filter: "accountEnabled eq true", orderBy: "displayName asc" },
      { top: 5, skiptoken: "T1" },
    );
    expect(page).toEqual({ items: [{ id: "a" }], skiptoken: "NEXT=", count: 7 });
    expect(t.requests).toEqual([
      { method: "GET", url: "/users?$select=id%2Cmail&$filter=accountEnabled%20eq%20true&$orderby=displayName%20asc&$top=5&$skiptoken=T1", clientInput: false },
    ]);
  });

  it("asks for ConsistencyLevel and $count=true with a count, a search or an advanced query, and marks a search as the client's text", async () => {
    const t = new FakeTransport(() => ok({ value: [] }));
    const g = graphOf(t);
    await g.list({ kind: "users" }, { select: ["id"], search: '"displayName:ann"' }, { top: 1 });
    await g.list({ kind: "groups" }, { select: ["id"], filter: "x ne true", advanced: true }, {});
    await g.list({ kind: "devices" }, { select: ["id"] }, { count: true });
    expect(t.requests.map((r) => [r.url, r.headers?.ConsistencyLevel, r.clientInput])).toEqual([
      ["/users?$select=id&$search=%22displayName%3Aann%22&$top=1", "eventual", true],
      ["/groups?$select=id&$filter=x%20ne%20true&$count=true", "eventual", false],
      ["/devices?$select=id&$count=true", "eventual", false],
    ]);
  });

  it("builds navigation paths from typed sources, encoding ids", async () => {
    const t = new FakeTransport(() => ok({ value: [] }));
    const g = graphOf(t);
    await Promise.all([
      g.list({ kind: "userLinks", userId: "a@b.example", link: "transitiveMemberOf" }, { select: ["id"] }, {}),
      g.list({ kind: "groupLinks", groupId: "g1", link: "owners" }, { select: ["id"] }, {}),
      g.list({ kind: "deviceLinks", deviceId: "d1", link: "registeredOwners" }, { select: ["id"] }, {}),
      g.list({ kind: "delegatedAdminRelationships" }, { select: ["id"] }, { top: 300 }),
      g.list({ kind: "devices" }, { select: ["deviceId", "id"], equals: { property: "deviceId", value: "O'Neil" } }, { top: 2 }),
    ]);
    expect(urls(t)).toEqual([
      "/users/a%40b.example/transitiveMemberOf?$select=id",
      "/groups/g1/owners?$select=id",
      "/devices/d1/registeredOwners?$select=id",
      "/tenantRelationships/delegatedAdminRelationships?$select=id&$top=300",
      "/devices?$select=deviceId%2Cid&$filter=deviceId%20eq%20%27O%27%27Neil%27&$top=2",
    ]);
  });

  it("counts the directory with its $count segment, and Intune (which has none) with a one-item first page", async () => {
    const t = new FakeTransport((req) => (req.url.startsWith("/users/$count") ? ok("42") : ok({ value: [{ id: "m" }], "@odata.count": 9 })));
    const g = graphOf(t);
    expect(await g.count({ kind: "users" }, { filter: "a eq 1" })).toBe(42);
    expect(await g.count({ kind: "userLinks", userId: "u1", link: "managedDevices" }, {})).toBe(9);
    expect(t.requests.map((r) => [r.url, r.headers])).toEqual([
      ["/users/$count?$filter=a%20eq%201", { ConsistencyLevel: "eventual" }],
      ["/users/u1/managedDevices?$select=id&$count=true&$top=1", { ConsistencyLevel: "eventual" }],
    ]);
  });

  it("posts getByIds as a read-only POST (so it is retried), 1,000 ids to a call", async () => {
    const t = new FakeTransport((req) => ok({ value: (req.body as { ids: string[] }).ids.slice(0, 1).map((id) => ({ id })) }));
    const ids = Array.from({ length: 1500 }, (_, i) => `id${i}`);
    expect(await graphOf(t).getByIds(ids, "group")).toEqual([{ id: "id0" }, { id: "id1000" }]);
    expect(
      t.requests.map((r) => [r.method, r.url, r.idempotent, (r.body as { ids: string[]; types: string[] }).ids.length, (r.body as { types: string[] }).types]),
    ).toEqual([
      ["POST", "/directoryObjects/getByIds", true, 1000, ["group"]],
      ["POST", "/directoryObjects/getByIds", true, 500, ["group"]],
    ]);
  });
});

describe("GraphTenant: batching", () => {
  it("sends the requests of one tick together, each identical request once", async () => {
    const t = new FakeTransport((req) => ok({ id: req.url.split("?")[0]!.split("/")[2] }));
    const g = graphOf(t);
    await Promise.all([g.get({ kind: "users", id: "a" }, ["id"]), g.get({ kind: "users", id: "b" }, ["id"]), g.get({ kind: "users", id: "a" }, ["id"])]);
    await g.get({ kind: "users", id: "c" }, ["id"]);
    expect(t.batches.map((b) => b.map((r) => r.url))).toEqual([["/users/a?$select=id", "/users/b?$select=id"], ["/users/c?$select=id"]]);
  });

  it("cuts a tick's requests into batches of 20", async () => {
    const t = new FakeTransport((req) => ok({ id: req.url }));
    const g = graphOf(t);
    await Promise.all(Array.from({ length: 45 }, (_, i) => g.get({ kind: "devices", id: `d${i}` }, ["id"])));
    expect(t.batches.map((b) => b.length)).toEqual([20, 20, 5]);
  });
});

describe("GraphTenant: the one error translation", () => {
  const failing = (answer: ReturnType<typeof failed>, explainDenial?: (d: GraphDenial) => Error) => graphOf(new FakeTransport(() => answer), explainDenial);
  const codeOf = async (p: Promise<unknown>) =>
    p.then(
      () => "none",
      (e: any) => e.extensions?.code ?? e.name,
    );

  it("maps Graph's statuses to our codes, with Graph's request-id and code and nothing of its message", async () => {
    const err: any = await failing(failed(403, "Authorization_RequestDenied", {}, "Secret object name"))
      .list({ kind: "users" }, { select: ["id"] }, {})
      .catch((e) => e);
    expect(err.extensions).toEqual({ code: "FORBIDDEN", tenantId: "t1", requestId: "r-1", graphCode: "Authorization_RequestDenied" });
    expect(err.message).not.toContain("Secret");
    expect(await codeOf(failing(failed(401)).list({ kind: "users" }, { select: ["id"] }, {}))).toBe("CONSENT_MISSING");
    expect(await codeOf(failing(failed(404)).list({ kind: "users" }, { select: ["id"] }, {}))).toBe("NOT_FOUND");
    expect(await codeOf(failing(failed(503)).list({ kind: "users" }, { select: ["id"] }, {}))).toBe("UPSTREAM_UNAVAILABLE");
    const throttled: any = await failing(failed(429, "TooManyRequests", { "retry-after": "7" }))
      .list({ kind: "users" }, { select: ["id"] }, {})
      .catch((e) => e);
    expect(throttled.extensions).toMatchObject({ code: "THROTTLED", retryAfter: 7 });
  });

  it("blames a 400 on the client only for its own search text; otherwise it is our defect, masked", async () => {
    expect(await codeOf(failing(failed(400, "Request_BadRequest")).list({ kind: "users" }, { select: ["id"], search: '"displayName:x"' }, {}))).toBe(
      "BAD_USER_INPUT",
    );
    const ours = await failing(failed(400, "Request_BadRequest"))
      .list({ kind: "users" }, { select: ["id"], filter: "x eq 'secret'" }, {})
      .catch((e) => e);
    expect(ours).toBeInstanceOf(GraphRejectedOurRequest);
    expect(ours.message).toContain("GET /users in tenant t1");
    expect(ours.message).not.toContain("secret");
    const intune: any = await failing(failed(400, "BadRequest", {}, "Resource not applicable to target tenant."))
      .list({ kind: "managedDevices" }, { select: ["id"] }, {})
      .catch((e) => e);
    expect(intune.extensions).toMatchObject({ code: "FORBIDDEN", reason: "INTUNE_NOT_AVAILABLE" });
  });

  it("types a refused GDAP list as lasting, and leaves other lists to the generic mapping", async () => {
    const gdap: any = await failing(failed(403))
      .list({ kind: "delegatedAdminRelationships" }, { select: ["id"] }, { top: 300 })
      .catch((e) => e);
    expect(gdap.extensions).toMatchObject({
      code: "CONSENT_MISSING",
      reason: "GDAP_API_DENIED",
      tenantId: "t1",
      requiredPermissions: ["DelegatedAdminRelationship.Read.All"],
    });
    const notThere: any = await failing(failed(400, "BadRequest"))
      .list({ kind: "delegatedAdminCustomers" }, { select: ["id"] }, {})
      .catch((e) => e);
    expect(notThere.extensions).toMatchObject({ code: "NOT_FOUND", reason: "GDAP_API_NOT_AVAILABLE" });
    const contracts: any = await failing(failed(403))
      .list({ kind: "contracts" }, { select: ["id"] }, {})
      .catch((e) => e);
    expect(contracts.extensions.reason).toBeUndefined();
    expect(await codeOf(failing(failed(503)).list({ kind: "delegatedAdminCustomers" }, { select: ["id"] }, {}))).toBe("UPSTREAM_UNAVAILABLE");
  });

  it("hands a denial to the tenant's credentials to explain, with what was denied; other failures stay generic", async () => {
    const denials: GraphDenial[] = [];
    const explain = (d: GraphDenial) => (denials.push(d), new Error("explained"));
    await expect(
      failing(failed(403, "Authorization_RequestDenied"), explain).list({ kind: "userLinks", userId: "u1", link: "managedDevices" }, { select: ["id"] }, {}),
    ).rejects.toThrow("explained");
    await expect(failing(failed(401), explain).get({ kind: "groups", id: "g" }, ["id"])).rejects.toThrow("explained");
    expect(denials).toEqual([
      { tenantId: "t1", status: 403, workload: "intune", dataKind: "managedDevices", requestId: "r-1", graphCode: "Authorization_RequestDenied" },
      { tenantId: "t1", status: 401, workload: "directory", dataKind: "groups", requestId: "r-1", graphCode: undefined },
    ]);
    expect(await codeOf(failing(failed(404), explain).list({ kind: "users" }, { select: ["id"] }, {}))).toBe("NOT_FOUND");
  });
});
