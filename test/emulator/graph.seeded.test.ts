import type { Dataset } from "../../emulator/data/model";
import { handleGraph } from "../../emulator/graph";
import { World } from "../../emulator/world";
import { agentToken, appToken, body, graphFixture, request, type GraphFixture } from "./graphFixture";

/**
 * The Graph emulator over the seeded world (data/seed.ts + World): every customer of a region is
 * served from its own directory, and the agents' GDAP/DAP rights come out as the seed documents.
 */
let f: GraphFixture;
let dataset: Dataset;

beforeAll(async () => {
  const seed = await import("../../emulator/data/seed");
  dataset = await seed.generateDataset({ customersPerRegion: 8 });
  f = await graphFixture();
  f.ctx.world = new World(dataset);
  f.partner = dataset.partners.find((p) => p.region === "NA")!;
});

const run = async (path: string, token: string, method = "GET", reqBody?: unknown) =>
  handleGraph(request(method, path, token, reqBody === undefined ? {} : { body: reqBody }), f.ctx);

const naCustomers = () => dataset.customers.filter((c) => c.partnerTenantId === f.partner.id);
const agent = (alias: string) => f.partner.agents.find((a) => a.userPrincipalName.startsWith(`${alias}@`))!;
const live = (c: Dataset["customers"][number]) => c.gdapRelationships.some((r) => r.status === "active" || r.status === "expiring");

test("each customer's token reads that customer's directory", async () => {
  for (const c of naCustomers()) {
    const token = await appToken(f, c.id);
    const users = await run("/v1.0/users?$top=5", token);
    expect(users.status).toBe(200);
    for (const u of body(users).value) expect(c.domains.some((d) => u.userPrincipalName.toLowerCase().endsWith(`@${d}`))).toBe(true);
    expect(body(await run("/v1.0/organization", token)).value[0].id).toBe(c.id);
    const intune = await run("/v1.0/deviceManagement/managedDevices?$top=3", token);
    expect(intune.status).toBe(c.intuneLicensed ? 200 : 400);
  }
});

test("navigation answers agree with the directory", async () => {
  const c = naCustomers().find((x) => x.intuneLicensed)!;
  const dir = f.ctx.world.directory(c.id);
  const token = await appToken(f, c.id);
  const group = dir.groups.find((g) => (dir.members.get(g.id) ?? []).length > 0)!;
  const members = body(await run(`/v1.0/groups/${group.id}/members?$top=999`, token));
  expect(members.value.map((m: any) => m.id).sort()).toEqual([...dir.members.get(group.id)!].sort());
  const md = dir.managedDevices[0]!;
  const owned = body(await run(`/v1.0/users/${md.userId}/managedDevices`, token));
  expect(owned.value.map((m: any) => m.id)).toContain(md.id);
  const ids = [dir.users[0]!.id, dir.groups[0]!.id, dir.devices[0]!.id];
  const found = body(await run("/v1.0/directoryObjects/getByIds", token, "POST", { ids }));
  expect(found.value.map((o: any) => o.id)).toEqual(ids);
});

test("agents: GDAP roles in live relationships, DAP for the admin agent", async () => {
  for (const c of naCustomers()) {
    const reader = await run("/v1.0/users?$top=1", await agentToken(f, c.id, agent("reader")));
    expect(reader.status).toBe(live(c) ? 200 : 403);
    const admin = await run("/v1.0/users?$top=1", await agentToken(f, c.id, agent("admin")));
    expect(admin.status).toBe(live(c) || c.dap ? 200 : 403);
    if (c.intuneLicensed && live(c)) {
      expect((await run("/v1.0/deviceManagement/managedDevices?$top=1", await agentToken(f, c.id, agent("intune")))).status).toBe(200);
      expect((await run("/v1.0/deviceManagement/managedDevices?$top=1", await agentToken(f, c.id, agent("helpdesk")))).status).toBe(403);
    }
  }
});

test("partner tenant: contracts and GDAP lists", async () => {
  const token = await appToken(f, f.partner.id);
  const contracts = body(await run("/v1.0/contracts", token));
  expect(contracts.value).toHaveLength(naCustomers().filter((c) => c.contract).length);
  const gdap = body(await run("/v1.0/tenantRelationships/delegatedAdminCustomers", token));
  expect(gdap.value).toHaveLength(naCustomers().filter((c) => c.gdapRelationships.length > 0).length);
  const me = body(await run("/v1.0/users", token));
  expect(me.value).toHaveLength(f.partner.agents.length);
});
