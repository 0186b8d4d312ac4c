import { createPrivateKey, createPublicKey, sign, verify, X509Certificate, createHash } from "node:crypto";
import { Roles, type CustomerTenant, type Dataset, type PartnerTenant, type TenantDirectory } from "../../emulator/data/model";
import { DEMO_PASSWORD, generateDataset, generateDirectory, newCustomerTenant } from "../../emulator/data/seed";
import { World } from "../../emulator/world";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const ZERO_GUID = "00000000-0000-0000-0000-000000000000";

/** The dataset with the per-process certificate material blanked out. */
function withoutKeys(ds: Dataset): unknown {
  return {
    ...ds,
    partners: ds.partners.map((p) => ({
      ...p,
      app: {
        ...p.app,
        certificatePublicKeyPem: "",
        certificatePrivateKeyPem: "",
        certificatePem: "",
        certificateThumbprintSha256: "",
        certificateThumbprintSha1: "",
      },
    })),
  };
}

function b64url(buf: Buffer): string {
  return buf.toString("base64url");
}

let demo: Dataset;
let directories: Map<string, TenantDirectory>;

beforeAll(async () => {
  demo = await generateDataset();
  directories = new Map(demo.customers.map((c) => [c.id, generateDirectory(c)]));
});

describe("generateDataset", () => {
  it("is deterministic apart from certificate keys, and the seed changes every id", async () => {
    const again = await generateDataset();
    expect(withoutKeys(again)).toEqual(withoutKeys(demo));
    const c = demo.customers[5]!;
    expect(generateDirectory(again.customers[5]!)).toEqual(generateDirectory(c));

    const other = await generateDataset({ seed: "another" });
    const ids = new Set([...demo.partners.map((p) => p.id), ...demo.customers.map((x) => x.id)]);
    for (const t of [...other.partners, ...other.customers]) expect(ids.has(t.id)).toBe(false);
  });

  it("builds four regional partner tenants with an app and five agents each", () => {
    expect(demo.partners.map((p) => [p.region, p.displayName, p.defaultDomain])).toEqual([
      ["NA", "Fabrikam Partners NA", "fabrikampartnersna.onmicrosoft.com"],
      ["EU", "Fabrikam Partners EU", "fabrikampartnerseu.onmicrosoft.com"],
      ["AS", "Fabrikam Partners AS", "fabrikampartnersas.onmicrosoft.com"],
      ["OC", "Fabrikam Partners OC", "fabrikampartnersoc.onmicrosoft.com"],
    ]);
    for (const p of demo.partners) {
      expect(p.id).toMatch(GUID);
      expect(p.appInAdminAgents).toBe(true);
      expect(p.app.clientId).toMatch(GUID);
      expect(p.app.servicePrincipalId).toMatch(GUID);
      expect(p.app.clientSecret).toMatch(/^.{3}8Q~.{34}$/);
      expect(p.app.applicationPermissions).toEqual(
        expect.arrayContaining(["Directory.Read.All", "DeviceManagementManagedDevices.Read.All", "DelegatedAdminRelationship.Read.All"]),
      );
      expect(p.app.delegatedPermissions).toContain("User.Read.All");
      const upns = p.agents.map((a) => a.userPrincipalName.split("@")[0]);
      expect(upns).toEqual(["admin", "helpdesk", "intune", "reader", "mfa"]);
      for (const a of p.agents) {
        expect(a.partnerTenantId).toBe(p.id);
        expect(a.password).toBe(DEMO_PASSWORD);
        expect(a.userPrincipalName.endsWith(`@${p.defaultDomain}`)).toBe(true);
      }
      expect(p.agents.filter((a) => a.adminAgent).map((a) => a.userPrincipalName)).toEqual([`admin@${p.defaultDomain}`]);
      expect(p.agents.filter((a) => a.mfaRequired).map((a) => a.userPrincipalName)).toEqual([`mfa@${p.defaultDomain}`]);
    }
    const apps = demo.partners.map((p) => p.app.clientId);
    expect(new Set(apps).size).toBe(4);
  });

  it("gives each app a real self-signed certificate whose thumbprints and keys match", () => {
    for (const { app } of demo.partners) {
      const cert = new X509Certificate(app.certificatePem!);
      expect(cert.subject).toContain(app.displayName);
      expect(b64url(createHash("sha256").update(cert.raw).digest())).toBe(app.certificateThumbprintSha256);
      expect(b64url(createHash("sha1").update(cert.raw).digest())).toBe(app.certificateThumbprintSha1);
      const pub = createPublicKey(app.certificatePublicKeyPem);
      expect(pub.asymmetricKeyDetails?.modulusLength).toBe(2048);
      expect(cert.publicKey.export({ type: "spki", format: "pem" })).toBe(pub.export({ type: "spki", format: "pem" }));
      expect(cert.checkPrivateKey(createPrivateKey(app.certificatePrivateKeyPem))).toBe(true);
      const sig = sign("sha256", Buffer.from("assertion"), app.certificatePrivateKeyPem);
      expect(verify("sha256", Buffer.from("assertion"), app.certificatePublicKeyPem, sig)).toBe(true);
    }
  });

  it("seeds eight customers per region with a mix of partner relationships", () => {
    expect(demo.customers).toHaveLength(32);
    for (const p of demo.partners) {
      const mine = demo.customers.filter((c) => c.partnerTenantId === p.id);
      expect(mine).toHaveLength(8);
      for (const [i, c] of mine.entries()) {
        const label = `${p.region}-${String(i + 1).padStart(3, "0")}`;
        expect(c.region).toBe(p.region);
        expect(c.displayName.endsWith(`(${label})`)).toBe(true);
        expect(c.domains[0]).toMatch(new RegExp(`^[a-z]+${p.region.toLowerCase()}${label.slice(3)}\\.onmicrosoft\\.com$`));
        expect(c.domains).toContain(c.defaultDomain);
        expect(c.propagatedAt).toBe(0);
        expect(c.createdDateTime).toMatch(ISO);
        expect(c.sizes.users).toBeGreaterThanOrEqual(10);
        expect(c.sizes.users).toBeLessThanOrEqual(200);
      }
      const statuses = mine.flatMap((c) => c.gdapRelationships.map((r) => r.status));
      expect(statuses.filter((s) => s === "active").length).toBeGreaterThanOrEqual(5);
      expect(statuses).toEqual(expect.arrayContaining(["active", "expiring", "approvalPending", "terminated"]));
      expect(mine.flatMap((c) => c.gdapRelationships).filter((r) => r.autoExtendDuration === "P180D")).toHaveLength(1);
      expect(mine.filter((c) => c.dap && c.gdapRelationships.length === 0)).toHaveLength(1);
      expect(mine.filter((c) => c.dap && c.gdapRelationships.length > 0).length).toBeGreaterThanOrEqual(1);
      expect(mine.filter((c) => !c.intuneLicensed)).toHaveLength(1);
      expect(mine.some((c) => c.domains.length === 2 && c.domains[1]!.endsWith(".example"))).toBe(true);
      for (const c of mine.filter((x) => x.dap)) {
        expect(c.contract?.defaultDomainName).toBe(c.domains[0]);
      }
      const names = mine.flatMap((c) => c.gdapRelationships.map((r) => r.displayName));
      expect(new Set(names).size).toBe(names.length);
      const countries = new Set(mine.map((c) => c.countryLetterCode));
      const expected = { NA: ["US", "CA"], EU: ["GB", "DE", "FR", "NL", "SE", "IE"], AS: ["JP", "SG", "IN", "KR"], OC: ["AU", "NZ"] }[p.region];
      for (const code of countries) expect(expected).toContain(code);
    }
  });

  it("grants agents GDAP roles exactly in customers with an active or expiring relationship", () => {
    for (const p of demo.partners) {
      const byAlias = Object.fromEntries(p.agents.map((a) => [a.userPrincipalName.split("@")[0]!, a]));
      for (const c of demo.customers.filter((x) => x.partnerTenantId === p.id)) {
        const effective = c.gdapRelationships.some((r) => r.status === "active" || r.status === "expiring");
        if (!effective) {
          for (const a of p.agents) expect(a.gdapRoles[c.id]).toBeUndefined();
          continue;
        }
        expect(byAlias.admin!.gdapRoles[c.id]).toEqual([Roles.GlobalAdministrator]);
        expect(byAlias.helpdesk!.gdapRoles[c.id]).toEqual([Roles.HelpdeskAdministrator, Roles.DirectoryReaders]);
        expect(byAlias.intune!.gdapRoles[c.id]).toEqual([Roles.IntuneAdministrator, Roles.DirectoryReaders]);
        expect(byAlias.reader!.gdapRoles[c.id]).toEqual([Roles.GlobalReader]);
        expect(byAlias.mfa!.gdapRoles[c.id]).toEqual([Roles.GlobalReader]);
        for (const r of c.gdapRelationships) {
          expect(r.id).toMatch(new RegExp(`^${GUID.source.slice(1, -1)}-${GUID.source.slice(1, -1)}$`));
          expect(r.customer).toEqual({ tenantId: c.id, displayName: c.displayName });
          if (r.status === "approvalPending") expect([r.activatedDateTime, r.endDateTime]).toEqual([null, null]);
        }
      }
    }
  });

  it("has the preset sizes", async () => {
    const started = Date.now();
    const scale = await generateDataset({ preset: "scale-customers" });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(scale.customers).toHaveLength(1000);
    expect(new Set(scale.customers.map((c) => c.id)).size).toBe(1000);
    expect(new Set(scale.customers.flatMap((c) => c.domains)).size).toBe(scale.customers.reduce((n, c) => n + c.domains.length, 0));
    for (const c of scale.customers) expect(c.sizes.users).toBeLessThanOrEqual(14);
    const naAdmin = scale.partners[0]!.agents[0]!;
    expect(Object.keys(naAdmin.gdapRoles).length).toBeGreaterThan(150);

    const users = await generateDataset({ preset: "scale-users" });
    expect(users.customers).toHaveLength(33);
    const huge = users.customers.filter((c) => c.sizes.users === 100_000);
    expect(huge).toHaveLength(1);
    expect(huge[0]!.region).toBe("NA");
    expect(huge[0]!.gdapRelationships[0]!.status).toBe("active");

    const few = await generateDataset({ customersPerRegion: 2 });
    expect(few.customers).toHaveLength(8);
  });
});

describe("generateDirectory", () => {
  /** Every broken invariant of a directory, as text (one expect per object would take seconds). */
  function problems(c: CustomerTenant, dir: TenantDirectory): string[] {
    const out: string[] = [];
    const check = (ok: boolean, what: string): void => {
      if (!ok && out.length < 20) out.push(`${c.displayName}: ${what}`);
    };
    const domains = new Set(c.domains);
    check(dir.tenantId === c.id, "tenantId");
    check(dir.users.length === c.sizes.users, "user count");
    check(dir.groups.length === c.sizes.groups, "group count");
    check(dir.devices.length === c.sizes.devices, "device count");
    check(dir.managedDevices.length === c.sizes.managedDevices, "managed device count");
    check(dir.byId.size === c.sizes.users + c.sizes.groups + c.sizes.devices, "byId size");

    const org = dir.organization;
    check(org.id === c.id && org.displayName === c.displayName && org.countryLetterCode === c.countryLetterCode, "organization");
    const verified = org.verifiedDomains as { name: string; isDefault: boolean; isInitial: boolean }[];
    check(verified.map((v) => v.name).join() === c.domains.join(), "verifiedDomains");
    check(
      verified
        .filter((v) => v.isDefault)
        .map((v) => v.name)
        .join() === c.defaultDomain,
      "default domain",
    );
    check(
      verified
        .filter((v) => v.isInitial)
        .map((v) => v.name)
        .join() === c.domains[0],
      "initial domain",
    );

    const userKeys = Object.keys(dir.users[0]!).join();
    for (const u of dir.users) {
      check(u["@odata.type"] === "#microsoft.graph.user", `user type ${u.id}`);
      check(Object.keys(u).join() === userKeys, `user keys ${u.id}`);
      check(GUID.test(u.id), `user id ${u.id}`);
      const upn = u.userPrincipalName as string;
      check(domains.has(upn.slice(upn.lastIndexOf("@") + 1)), `UPN domain ${upn}`);
      check(dir.usersByUpn.get(upn.toLowerCase()) === u, `usersByUpn ${upn}`);
      check(ISO.test(u.createdDateTime as string), `createdDateTime ${u.id}`);
      if (u.userType === "Guest") check(upn.includes("#EXT#@"), `guest UPN ${upn}`);
      const mgr = dir.manager.get(u.id);
      if (mgr) check(dir.byId.get(mgr)?.["@odata.type"] === "#microsoft.graph.user" && mgr !== u.id, `manager of ${upn}`);
      const owned = dir.ownedDevices.get(u.id);
      check(owned !== undefined && dir.registeredDevices.get(u.id)?.join() === owned.join(), `owned/registered devices of ${upn}`);
      for (const d of owned ?? []) check(dir.registeredOwners.get(d)?.join() === u.id, `owner of ${d}`);
    }
    check(new Set(dir.users.map((u) => (u.userPrincipalName as string).toLowerCase())).size === dir.users.length, "UPNs unique");
    check(dir.usersByUpn.size === dir.users.length, "usersByUpn size");

    for (const g of dir.groups) {
      check(g["@odata.type"] === "#microsoft.graph.group", `group type ${g.id}`);
      const members = dir.members.get(g.id);
      check(members !== undefined && dir.owners.has(g.id), `group maps ${g.id}`);
      for (const m of members ?? []) {
        check(dir.byId.has(m), `member ${m} of ${g.displayName} exists`);
        check(dir.memberOf.get(m)?.includes(g.id) === true, `memberOf ${m} has ${g.displayName}`);
      }
      for (const o of dir.owners.get(g.id) ?? []) check(dir.byId.get(o)?.["@odata.type"] === "#microsoft.graph.user", `owner ${o}`);
      if (g.mail) check(domains.has((g.mail as string).split("@")[1]!), `group mail ${g.mail as string}`);
    }
    check(dir.memberOf.size === dir.byId.size, "memberOf covers every object");
    for (const [id, groups] of dir.memberOf) {
      check(dir.byId.has(id), `memberOf key ${id}`);
      for (const g of groups) check(dir.members.get(g)?.includes(id) === true, `members of ${g} has ${id}`);
    }

    for (const d of dir.devices) {
      check(d["@odata.type"] === "#microsoft.graph.device", `device type ${d.id}`);
      check(GUID.test(d.deviceId as string) && d.deviceId !== d.id, `deviceId of ${d.id}`);
      const owners = dir.registeredOwners.get(d.id);
      check(owners !== undefined && owners.length <= 1 && dir.registeredUsers.has(d.id), `owners of ${d.id}`);
      for (const o of owners ?? []) check(dir.ownedDevices.get(o)?.includes(d.id) === true, `ownedDevices of ${o}`);
    }
    const byDeviceId = new Map(dir.devices.map((d) => [d.deviceId as string, d]));
    for (const md of dir.managedDevices) {
      check(md["@odata.type"] === "#microsoft.graph.managedDevice" && !dir.byId.has(md.id), `managed device ${md.id}`);
      const user = dir.byId.get(md.userId as string);
      check(user?.["@odata.type"] === "#microsoft.graph.user" && md.userPrincipalName === user.userPrincipalName, `user of ${md.id}`);
      if (md.azureADRegistered) {
        const device = byDeviceId.get(md.azureADDeviceId as string);
        check(device !== undefined, `Entra device of ${md.id}`);
        check(device?.isManaged === true && device.operatingSystem === md.operatingSystem, `Entra device state of ${md.id}`);
        check(device !== undefined && dir.registeredOwners.get(device.id)?.join() === md.userId, `Entra owner of ${md.id}`);
      } else {
        check(md.azureADDeviceId === ZERO_GUID, `unregistered ${md.id}`);
      }
    }
    return out;
  }

  it("builds referentially intact directories, and no object id appears in two tenants", () => {
    const seen = new Map<string, string>();
    for (const t of [...demo.partners, ...demo.customers]) seen.set(t.id, t.id);
    for (const c of demo.customers) {
      const dir = directories.get(c.id)!;
      expect(problems(c, dir)).toEqual([]);
      for (const id of [...dir.byId.keys(), ...dir.managedDevices.map((m) => m.id), ...dir.devices.map((d) => d.deviceId as string)]) {
        expect(seen.get(id) ?? c.id).toBe(c.id);
        seen.set(id, c.id);
      }
    }
    // The checker itself notices a dangling member and a managed device pointing nowhere.
    const c = demo.customers[1]!;
    const broken = generateDirectory(c);
    broken.members.get(broken.groups[0]!.id)!.push("00000000-0000-0000-0000-00000000dead");
    broken.managedDevices[0]!.azureADDeviceId = "00000000-0000-0000-0000-00000000beef";
    expect(problems(c, broken).length).toBeGreaterThanOrEqual(2);
  });

  it("has the variety partner screens show", () => {
    const all = [...directories.values()];
    const users = all.flatMap((d) => d.users);
    const groups = all.flatMap((d) => d.groups);
    const devices = all.flatMap((d) => d.devices);
    const managed = all.flatMap((d) => d.managedDevices);
    expect(users.some((u) => u.accountEnabled === false)).toBe(true);
    expect(users.some((u) => u.userType === "Guest" && u.externalUserState === "PendingAcceptance")).toBe(true);
    expect(users.some((u) => u.onPremisesSyncEnabled === true)).toBe(true);
    expect(new Set(users.map((u) => u.department)).size).toBeGreaterThanOrEqual(8);
    expect(groups.some((g) => (g.groupTypes as string[]).includes("Unified"))).toBe(true);
    expect(groups.some((g) => (g.groupTypes as string[]).includes("DynamicMembership") && g.membershipRule)).toBe(true);
    expect(groups.some((g) => g.securityEnabled === true && (g.groupTypes as string[]).length === 0)).toBe(true);
    const nested = all.some((d) => d.groups.some((g) => d.members.get(g.id)!.some((m) => d.byId.get(m)?.["@odata.type"] === "#microsoft.graph.group")));
    expect(nested).toBe(true);
    expect(new Set(devices.map((d) => d.operatingSystem))).toEqual(new Set(["Windows", "iOS", "Android", "macOS"]));
    expect(new Set(devices.map((d) => d.trustType))).toEqual(new Set(["AzureAd", "Workplace", "ServerAd"]));
    const states = new Set(managed.map((m) => m.complianceState));
    for (const s of ["compliant", "noncompliant", "inGracePeriod", "unknown"]) expect(states.has(s)).toBe(true);
    expect(managed.some((m) => m.azureADRegistered === false)).toBe(true);
    expect(new Set(managed.map((m) => m.managedDeviceOwnerType))).toEqual(new Set(["company", "personal"]));
    const unlicensed = demo.customers.filter((c) => !c.intuneLicensed);
    for (const c of unlicensed) expect(directories.get(c.id)!.managedDevices).toHaveLength(0);
    const lastSync = managed.map((m) => Date.parse(m.lastSyncDateTime as string));
    expect(Math.min(...lastSync)).toBeGreaterThanOrEqual(Date.UTC(2026, 10, 1) - 60 * 86_400_000);
    expect(Math.max(...lastSync)).toBeLessThanOrEqual(Date.UTC(2026, 10, 1));
  });

  it("generates a 100,000-user tenant", async () => {
    const ds = await generateDataset({ preset: "scale-users" });
    const huge = ds.customers.find((c) => c.sizes.users === 100_000)!;
    const dir = generateDirectory(huge);
    expect(dir.users).toHaveLength(100_000);
    expect(dir.usersByUpn.size).toBe(100_000);
    expect(dir.devices).toHaveLength(huge.sizes.devices);
    expect(dir.managedDevices).toHaveLength(huge.sizes.managedDevices);
    expect(dir.groups).toHaveLength(huge.sizes.groups);
  });
});

describe("newCustomerTenant", () => {
  it("creates a fresh GDAP customer the partner's agents can reach once propagated", async () => {
    const ds = await generateDataset();
    const partner: PartnerTenant = ds.partners.find((p) => p.region === "EU")!;
    const createdAt = new Date(Date.UTC(2026, 11, 3, 9, 30));
    const c = newCustomerTenant(partner, ds.customers.length, undefined, createdAt);
    expect(c.region).toBe("EU");
    expect(c.partnerTenantId).toBe(partner.id);
    expect(c.createdDateTime).toBe("2026-12-03T09:30:00Z");
    expect(c.dap).toBe(false);
    expect(c.gdapRelationships).toHaveLength(1);
    expect(c.gdapRelationships[0]).toMatchObject({ status: "active", activatedDateTime: "2026-12-03T09:30:00Z", createdDateTime: "2026-12-03T09:30:00Z" });
    expect(ds.customers.some((x) => x.id === c.id || x.domains.some((d) => c.domains.includes(d)))).toBe(false);
    expect(partner.agents[0]!.gdapRoles[c.id]).toEqual([Roles.GlobalAdministrator]);
    expect(partner.agents[1]!.gdapRoles[c.id]).toEqual([Roles.HelpdeskAdministrator, Roles.DirectoryReaders]);

    const named = newCustomerTenant(partner, ds.customers.length + 1, "Acme Widgets", createdAt);
    expect(named.displayName).toBe("Acme Widgets");
    expect(named.defaultDomain).toBe("acmewidgetsneweu034.onmicrosoft.com");

    const dir = generateDirectory(c);
    expect(dir.users.length).toBeGreaterThanOrEqual(10);
    expect(dir.users.length).toBeLessThanOrEqual(25);
    for (const u of dir.users) expect(Date.parse(u.createdDateTime as string)).toBeGreaterThanOrEqual(createdAt.getTime());
    for (const m of dir.managedDevices) expect(Date.parse(m.enrolledDateTime as string)).toBeGreaterThanOrEqual(createdAt.getTime());
  });

  it("works through World.createCustomer", async () => {
    const world = new World(await generateDataset());
    expect(world.agent("ADMIN@fabrikampartnersna.onmicrosoft.com")?.agent.adminAgent).toBe(true);
    const first = world.dataset.customers[0]!;
    expect(world.tenant(first.defaultDomain)?.tenant.id).toBe(first.id);
    const now = Date.UTC(2026, 10, 27);
    const c = world.createCustomer({ region: "OC", propagationMs: 180_000, now });
    expect(c.propagatedAt).toBe(now + 180_000);
    expect(world.customer(c.id)).toBe(c);
    expect(world.directory(c.id).organization.id).toBe(c.id);
  });
});
