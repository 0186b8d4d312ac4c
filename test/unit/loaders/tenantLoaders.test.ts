import { PartnerGraphError } from "../../../src/errors";
import { CursorCodec } from "../../../src/loaders/cursor";
import { TenantLoaders } from "../../../src/loaders/tenantLoaders";
import { objects, RecordingTenantGraph, type FakeTenantData } from "../fakes/recordingTenantGraph";

const codec = new CursorCodec(Buffer.from("a-secret-of-at-least-thirty-two-bytes!!"));
const GUIDS = Array.from({ length: 45 }, (_, i) => `00000000-0000-0000-0000-${String(i).padStart(12, "0")}`);

function loadersOver(data: FakeTenantData) {
  const graph = new RecordingTenantGraph("t1", data);
  return { graph, loaders: new TenantLoaders("t1", async () => graph, codec) };
}

describe("TenantLoaders: objects by id", () => {
  it("looks up n users of one tick as a set with one getByIds call when the selection is within Graph's defaults", async () => {
    const { graph, loaders } = loadersOver({ lists: { users: GUIDS.map((id) => ({ id, displayName: id })) } });
    const found = await Promise.all(GUIDS.map((id) => loaders.users.byIdInSet(id.toUpperCase(), ["displayName", "id"])));
    expect(found.map((o) => o?.id)).toEqual(GUIDS);
    expect(graph.calls).toEqual([{ op: "getByIds", ids: GUIDS, type: "user" }]);
  });

  it("reads a set per id when the selection needs more than Graph's defaults, or when one id alone is asked for", async () => {
    const { graph, loaders } = loadersOver({ lists: { users: GUIDS.slice(0, 3).map((id) => ({ id })) } });
    await Promise.all(GUIDS.slice(0, 2).map((id) => loaders.users.byIdInSet(id, ["department", "id"])));
    await loaders.users.byIdInSet(GUIDS[2]!, ["id"]);
    expect(graph.calls.map((c) => c.op)).toEqual(["get", "get", "get"]);
  });

  it("merges the selections of one id asked for twice in a tick into one read, and answers an absent object null", async () => {
    const { graph, loaders } = loadersOver({ lists: { devices: [{ id: "d1" }] } });
    const [a, b, none] = await Promise.all([
      loaders.devices.byId("d1", ["displayName"]),
      loaders.devices.byId("d1", ["deviceId"]),
      loaders.devices.byId("d2", ["id"]),
    ]);
    expect([a?.id, b?.id, none]).toEqual(["d1", "d1", null]);
    expect(graph.calls).toEqual([
      { op: "get", ref: { kind: "devices", id: "d1" }, select: ["deviceId", "displayName", "id"] },
      { op: "get", ref: { kind: "devices", id: "d2" }, select: ["id"] },
    ]);
    // Cached for the operation: asking again reads nothing.
    await loaders.devices.byId("D1", ["displayName"]);
    expect(graph.calls).toHaveLength(2);
  });

  it("fails the keys of a failed read, not the others", async () => {
    const denied = new PartnerGraphError("FORBIDDEN", "no");
    const { loaders } = loadersOver({
      lists: { groups: [{ id: "g1" }] },
      fail: (c) => (c.op === "get" && c.ref.kind === "groups" && c.ref.id === "g2" ? denied : undefined),
    });
    const [ok, bad] = await Promise.allSettled([loaders.groups.byId("g1", ["id"]), loaders.groups.byId("g2", ["id"])]);
    expect(ok).toMatchObject({ status: "fulfilled", value: { id: "g1" } });
    expect(bad).toMatchObject({ status: "rejected", reason: denied });
  });
});

describe("TenantLoaders: the Entra ↔ Intune join", () => {
  it("looks each value up once per tick with `equals`, at most two items, selecting the union and the key", async () => {
    const { graph, loaders } = loadersOver({
      lists: {
        managedDevices: [
          { id: "m1", azureADDeviceId: "AAA" },
          { id: "m2", azureADDeviceId: "bbb" },
        ],
      },
    });
    const [a, a2, b, none] = await Promise.all([
      loaders.managedDevices.byAzureADDeviceId("aaa", ["deviceName"]),
      loaders.managedDevices.byAzureADDeviceId("AAA", ["complianceState"]),
      loaders.managedDevices.byAzureADDeviceId("bbb", ["id"]),
      loaders.managedDevices.byAzureADDeviceId("ccc", ["id"]),
    ]);
    expect([a?.id, a2?.id, b?.id, none]).toEqual(["m1", "m1", "m2", null]);
    const select = ["azureADDeviceId", "complianceState", "deviceName", "id"];
    expect(graph.calls).toEqual(
      ["aaa", "bbb", "ccc"].map((value) => ({
        op: "list",
        source: { kind: "managedDevices" },
        query: { select, equals: { property: "azureADDeviceId", value } },
        position: { top: 2 },
      })),
    );
  });

  it("joins a device by its deviceId the same way", async () => {
    const { graph, loaders } = loadersOver({ lists: { devices: [{ id: "d1", deviceId: "x1" }] } });
    expect((await loaders.devices.byDeviceId("X1", ["displayName"]))?.id).toBe("d1");
    expect(graph.callsOf("list")[0]).toMatchObject({ source: { kind: "devices" }, query: { equals: { property: "deviceId", value: "x1" } } });
  });
});

describe("TenantLoaders: lists and links", () => {
  it("compiles a list's typed conditions before reading, and pages it", async () => {
    const { graph, loaders } = loadersOver({ lists: { users: objects(5) } });
    const page = await loaders.users.list(
      { filter: { accountEnabled: true }, orderBy: { field: "createdDateTime", direction: "DESC" }, select: ["id"], count: true },
      { first: 2 },
    );
    expect(page.edges.map((e) => e.node.id)).toEqual(["o0", "o1"]);
    expect(page).toMatchObject({ hasNextPage: true, totalCount: 5 });
    expect(graph.calls).toEqual([
      {
        op: "list",
        source: { kind: "users" },
        query: { filter: "accountEnabled eq true", orderBy: "createdDateTime desc", advanced: true, search: undefined, select: ["id"] },
        position: { top: 2, count: true },
      },
    ]);
    await expect(loaders.users.list({ filter: { departmentIn: [] }, select: ["id"], count: false }, { first: 2 })).rejects.toMatchObject({
      extensions: { code: "BAD_USER_INPUT" },
    });
    expect(graph.calls).toHaveLength(1);
  });

  it("pages a user's links from their own lists", async () => {
    const { graph, loaders } = loadersOver({ lists: { "userLinks:u1:memberOf": objects(3), "groupLinks:g1:owners": objects(1) } });
    const first = await loaders.links.memberOf("u1", { select: ["id"], count: false }, { first: 2 });
    const rest = await loaders.links.memberOf("u1", { select: ["id"], count: false }, { first: 2, after: first.edges[1]!.cursor });
    expect([...first.edges, ...rest.edges].map((e) => e.node.id)).toEqual(["o0", "o1", "o2"]);
    expect(rest.hasNextPage).toBe(false);
    expect((await loaders.links.owners("g1", { select: ["id"], count: false }, { first: 5 })).edges).toHaveLength(1);
    expect(graph.callsOf("list").map((c) => c.source)).toEqual([
      { kind: "userLinks", userId: "u1", link: "memberOf" },
      { kind: "userLinks", userId: "u1", link: "memberOf" },
      { kind: "groupLinks", groupId: "g1", link: "owners" },
    ]);
  });

  it("answers a user without manager null (the graph's 404), and one with a manager with it", async () => {
    const { graph, loaders } = loadersOver({ managers: { u1: { id: "boss" } } });
    expect(await loaders.links.manager("u1", ["displayName", "id"])).toEqual({ id: "boss" });
    expect(await loaders.links.manager("u2", ["id"])).toBeNull();
    expect(graph.callsOf("get").map((c) => c.ref)).toEqual([
      { kind: "manager", userId: "u1" },
      { kind: "manager", userId: "u2" },
    ]);
  });

  it("reads the organization as the one item of its list", async () => {
    const { graph, loaders } = loadersOver({ lists: { organization: [{ id: "t1", displayName: "Contoso" }] } });
    expect(await loaders.organization.get(["displayName"])).toEqual({ id: "t1", displayName: "Contoso" });
    expect(graph.calls).toEqual([{ op: "list", source: { kind: "organization" }, query: { select: ["displayName"] }, position: {} }]);
  });
});

describe("TenantLoaders: readiness", () => {
  it("probes each workload with one cheap read and types each answer", async () => {
    const notReady = new PartnerGraphError("CUSTOMER_NOT_READY", "wait", { retryAfter: 120 });
    const roles = new PartnerGraphError("ROLE_MISSING", "roles", { requiredRoles: ["Intune Administrator"] });
    const { graph, loaders } = loadersOver({
      fail: (c) => (c.op === "list" && c.source.kind === "users" ? notReady : c.op === "list" && c.source.kind === "managedDevices" ? roles : undefined),
    });
    expect(await loaders.readiness()).toEqual([
      { workload: "organization", state: "ready" },
      { workload: "users", state: "propagating", code: "CUSTOMER_NOT_READY", retryAfter: 120, requiredPermissions: undefined, requiredRoles: undefined },
      { workload: "groups", state: "ready" },
      { workload: "devices", state: "ready" },
      {
        workload: "managedDevices",
        state: "denied",
        code: "ROLE_MISSING",
        retryAfter: undefined,
        requiredPermissions: undefined,
        requiredRoles: ["Intune Administrator"],
      },
    ]);
    expect(graph.callsOf("list").map((c) => [c.source.kind, c.position])).toEqual([
      ["organization", {}],
      ["users", { top: 1 }],
      ["groups", { top: 1 }],
      ["devices", { top: 1 }],
      ["managedDevices", { top: 1 }],
    ]);
  });

  it("fails on a defect rather than calling it a denial", async () => {
    const { loaders } = loadersOver({ fail: (c) => (c.op === "list" && c.source.kind === "groups" ? new TypeError("bug") : undefined) });
    await expect(loaders.readiness()).rejects.toThrow("bug");
  });
});
