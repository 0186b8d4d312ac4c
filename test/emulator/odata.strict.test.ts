import type { GraphObject } from "../../emulator/data/model";
import { queryCollection } from "../../emulator/odata/query";
import { deviceSpec, managedDeviceSpec, userSpec } from "../../emulator/odata/resourceSpecs";
import type { CollectionQueryResult, FilterSupport, ResourceSpec } from "../../emulator/odata/types";

/**
 * The emulator as strict as Microsoft's strictest documented reading (issue 9 items 3, 4, 7): a
 * $skiptoken is valid only with the exact options that produced it; only documented $filter
 * operator/property pairs are served; Intune has no $count segment.
 */
const BASE = "https://graph.test:8443/v1.0";

function list(
  spec: ResourceSpec,
  items: readonly GraphObject[],
  path: string,
  query: string,
  opts: { eventual?: boolean; support?: FilterSupport; countSegment?: boolean } = {},
): CollectionQueryResult {
  return queryCollection({
    spec,
    items,
    requestUrl: new URL(`${BASE}${path}${query}`),
    consistencyLevel: opts.eventual ? "eventual" : undefined,
    contextUrl: `${BASE}/$metadata#x`,
    skiptokenSecret: "strict-secret",
    countSegment: opts.countSegment,
    filterSupport: opts.support,
  });
}

const body = (r: CollectionQueryResult): Record<string, any> => {
  if (!r.ok || r.contentType !== "application/json") throw new Error(`expected a JSON page, got ${JSON.stringify(r)}`);
  return r.body;
};

const users: GraphObject[] = Array.from({ length: 9 }, (_, i) => ({
  id: `u${i}`,
  displayName: `User ${i}`,
  accountEnabled: i % 2 === 0,
  userPrincipalName: `u${i}@contoso.com`,
}));

describe("$skiptoken bound to every query option", () => {
  const first = "?$select=id,displayName&$filter=accountEnabled eq true&$top=2&$count=true";
  const tokenOf = (q: string, eventual = true) =>
    new URL(String(body(list(userSpec, users, "/users", q, { eventual }))["@odata.nextLink"])).searchParams.get("$skiptoken")!;

  it("serves the next page with exactly the options of the page that produced the token", () => {
    const token = tokenOf(first);
    const next = body(list(userSpec, users, "/users", `${first}&$skiptoken=${token}`, { eventual: true }));
    expect(next.value.map((u: any) => u.id)).toEqual(["u4", "u6"]);
  });

  it.each([
    ["$top", first.replace("$top=2", "$top=3")],
    ["$select", first.replace("$select=id,displayName", "$select=id")],
    ["$count", first.replace("&$count=true", "")],
    ["$filter", first.replace("accountEnabled eq true", "accountEnabled eq false")],
    ["$orderby", `${first}&$orderby=userPrincipalName`],
  ])("rejects the token when %s changes, with Graph's 400 error", (_option, changed) => {
    const token = tokenOf(first);
    const r = list(userSpec, users, "/users", `${changed}&$skiptoken=${token}`, { eventual: true });
    expect(r).toMatchObject({ ok: false, status: 400, code: "Request_BadRequest" });
  });

  it("rejects the token when $search changes", () => {
    const q = '?$search="displayName:User"&$top=2';
    const token = tokenOf(q);
    expect(list(userSpec, users, "/users", `?$search="displayName:Use"&$top=2&$skiptoken=${token}`, { eventual: true })).toMatchObject({ status: 400 });
  });

  it("compares options decoded and in any order, as the same request", () => {
    const token = tokenOf("?$top=2&$select=id");
    expect(list(userSpec, users, "/users", `?$select=id&$top=2&$skiptoken=${token}`)).toMatchObject({ ok: true });
  });
});

const managed: GraphObject[] = [
  { id: "m1", deviceName: "DESKTOP-Alpha", complianceState: "compliant", azureADDeviceId: "a1", lastSyncDateTime: "2024-01-01T00:00:00Z" },
  { id: "m2", deviceName: "iPhone Beta", complianceState: "noncompliant", azureADDeviceId: "a2", lastSyncDateTime: "2024-02-01T00:00:00Z" },
  { id: "m3", deviceName: "Pixel Gamma", complianceState: "inGracePeriod", azureADDeviceId: "a3", lastSyncDateTime: "2024-03-01T00:00:00Z" },
];
const MD = "/deviceManagement/managedDevices";
const ids = (r: CollectionQueryResult) => body(r).value.map((v: any) => v.id);
const intuneRejection = (property: string) => ({
  ok: false,
  status: 400,
  code: "BadRequest",
  message: `Unsupported or invalid query filter clause specified for property '${property}' of resource 'ManagedDevice'.`,
});

describe("Intune managedDevices: only the documented filters (eq; or between enum clauses)", () => {
  it("serves eq, or between enum clauses, and deviceName contains", () => {
    expect(ids(list(managedDeviceSpec, managed, MD, "?$filter=azureADDeviceId eq 'a2'"))).toEqual(["m2"]);
    expect(ids(list(managedDeviceSpec, managed, MD, "?$filter=complianceState eq 'noncompliant' or complianceState eq 'inGracePeriod'"))).toEqual(["m2", "m3"]);
    expect(
      ids(
        list(managedDeviceSpec, managed, MD, "?$filter=(complianceState eq 'compliant' or complianceState eq 'noncompliant') and deviceName eq 'iPhone Beta'"),
      ),
    ).toEqual(["m2"]);
    expect(ids(list(managedDeviceSpec, managed, MD, "?$filter=contains(deviceName,'alpha')"))).toEqual(["m1"]);
  });

  it.each([
    ["complianceState in ('noncompliant','inGracePeriod')", "complianceState"],
    ["azureADDeviceId in ('a1','a2')", "azureADDeviceId"],
    ["azureADDeviceId eq 'a1' or azureADDeviceId eq 'a2'", "azureADDeviceId"],
    ["complianceState ne 'compliant'", "complianceState"],
    ["lastSyncDateTime le 2024-02-15T00:00:00Z", "lastSyncDateTime"],
    ["startsWith(operatingSystem,'Win')", "operatingSystem"],
  ])("rejects %s with Intune's 400 BadRequest", (filter, property) => {
    expect(list(managedDeviceSpec, managed, MD, `?$filter=${filter}`)).toEqual(intuneRejection(property));
  });

  it("serves the observed, undocumented operators only with filter support lenient", () => {
    const lenient = { support: "lenient" as const };
    expect(ids(list(managedDeviceSpec, managed, MD, "?$filter=complianceState in ('noncompliant','inGracePeriod')", lenient))).toEqual(["m2", "m3"]);
    expect(ids(list(managedDeviceSpec, managed, MD, "?$filter=azureADDeviceId eq 'a1' or azureADDeviceId eq 'a3'", lenient))).toEqual(["m1", "m3"]);
    expect(ids(list(managedDeviceSpec, managed, MD, "?$filter=lastSyncDateTime le 2024-02-15T00:00:00Z", lenient))).toEqual(["m1", "m2"]);
  });

  it("has no $count segment (404, like Graph), but counts on the list with $count=true", () => {
    expect(list(managedDeviceSpec, managed, `${MD}/$count`, "", { countSegment: true })).toMatchObject({ ok: false, status: 404 });
    expect(body(list(managedDeviceSpec, managed, MD, "?$count=true&$top=1"))["@odata.count"]).toBe(3);
  });
});

describe("Entra devices: deviceId supports eq, ne, not, startsWith (no `in`)", () => {
  const devices: GraphObject[] = [
    { id: "d1", deviceId: "x1" },
    { id: "d2", deviceId: "x2" },
  ];
  it("serves deviceId eq and rejects deviceId in with Request_UnsupportedQuery unless lenient", () => {
    expect(ids(list(deviceSpec, devices, "/devices", "?$filter=deviceId eq 'x2'"))).toEqual(["d2"]);
    expect(list(deviceSpec, devices, "/devices", "?$filter=deviceId in ('x1','x2')")).toMatchObject({ status: 400, code: "Request_UnsupportedQuery" });
    expect(ids(list(deviceSpec, devices, "/devices", "?$filter=deviceId in ('x1','x2')", { support: "lenient" }))).toEqual(["d1", "d2"]);
    // The device page documents no `in` on operatingSystem or isCompliant either.
    expect(list(deviceSpec, devices, "/devices", "?$filter=operatingSystem in ('Windows','iOS')")).toMatchObject({
      status: 400,
      code: "Request_UnsupportedQuery",
    });
    expect(list(deviceSpec, devices, "/devices", "?$filter=isCompliant in (true)")).toMatchObject({ status: 400, code: "Request_UnsupportedQuery" });
    // `or` is free on directory resources.
    expect(ids(list(deviceSpec, devices, "/devices", "?$filter=deviceId eq 'x1' or deviceId eq 'x2'"))).toEqual(["d1", "d2"]);
  });
});
