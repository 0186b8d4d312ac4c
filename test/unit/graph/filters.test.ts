import "reflect-metadata";
import { FilterBuilder, MAX_IN_VALUES, searchClause } from "../../../src/graph/filters/odataFilter";
import { compileDeviceQuery } from "../../../src/graph/filters/deviceFilter";
import { compileGroupQuery } from "../../../src/graph/filters/groupFilter";
import { compileManagedDeviceQuery } from "../../../src/graph/filters/managedDeviceFilter";
import { compileUserQuery } from "../../../src/graph/filters/userFilter";
import { DeviceOrderField } from "../../../src/resolvers/device/device.filter";
import { TrustType } from "../../../src/resolvers/device/device.type";
import { GroupOrderField } from "../../../src/resolvers/group/group.filter";
import { GroupKind } from "../../../src/resolvers/group/group.type";
import { ManagedDeviceOrderField } from "../../../src/resolvers/managedDevice/managedDevice.filter";
import { ComplianceState, ManagedDeviceOwnerType } from "../../../src/resolvers/managedDevice/managedDevice.type";
import { SortDirection } from "../../../src/resolvers/shared/ordering";
import { UserKind, UserOrderField } from "../../../src/resolvers/user/user.filter";

const badInput = (fn: () => unknown, argument: string) => {
  try {
    fn();
  } catch (e: any) {
    expect(e.extensions).toEqual({ code: "BAD_USER_INPUT", argument });
    return;
  }
  throw new Error("expected BAD_USER_INPUT");
};

describe("FilterBuilder", () => {
  it("doubles single quotes in every kind of literal", () => {
    const f = new FilterBuilder()
      .eq("department", "R&D' or 1 eq 1 or '")
      .startsWith("displayName", "O'Brien", "a")
      .endsWith("mail", "@o'neil.example", "b")
      .contains("deviceName", "Kim's", "c")
      .in("city", ["Ta'if", "Köln"], "d")
      .any("groupTypes", "Un'ified");
    expect(f.build()).toBe(
      "department eq 'R&D'' or 1 eq 1 or ''' and startsWith(displayName,'O''Brien') and endsWith(mail,'@o''neil.example')" +
        " and contains(deviceName,'Kim''s') and city in ('Ta''if','Köln') and groupTypes/any(c:c eq 'Un''ified')",
    );
  });

  it("marks ne, not, endsWith and eq null as advanced, and nothing else", () => {
    expect(new FilterBuilder().eq("a", "x").startsWith("b", "y", "b").in("c", ["1", "2"], "c").range("d", new Date(0), null).advanced).toBe(false);
    expect(new FilterBuilder().ne("a", true).advanced).toBe(true);
    expect(new FilterBuilder().endsWith("a", "x", "a").advanced).toBe(true);
    expect(new FilterBuilder().any("a", "x", true).advanced).toBe(true);
    expect(new FilterBuilder().eq("a", null).advanced).toBe(true);
  });

  it("writes dates as bare ISO instants, ge for after and le for before", () => {
    const f = new FilterBuilder().range("lastSyncDateTime", new Date("2025-01-02T03:04:05Z"), new Date("2025-02-01T00:00:00Z"));
    expect(f.build()).toBe("lastSyncDateTime ge 2025-01-02T03:04:05.000Z and lastSyncDateTime le 2025-02-01T00:00:00.000Z");
  });

  it("caps `in` at Graph's 15 values and refuses empty lists and empty prefixes", () => {
    const values = Array.from({ length: MAX_IN_VALUES + 1 }, (_, i) => `v${i}`);
    badInput(() => new FilterBuilder().in("x", values, "filter.x"), "filter.x");
    badInput(() => new FilterBuilder().in("x", [], "filter.x"), "filter.x");
    badInput(() => new FilterBuilder().startsWith("x", "", "filter.p"), "filter.p");
    expect(new FilterBuilder().in("x", ["only"], "x").build()).toBe("x eq 'only'");
  });
});

describe("lone surrogates", () => {
  it("are refused as BAD_USER_INPUT in filter literals and search terms; paired surrogates are fine", () => {
    for (const bad of ["\ud800", "a\udc00", "\udbff\ud800"]) {
      expect(() => new FilterBuilder().eq("department", bad)).toThrow(
        expect.objectContaining({ extensions: expect.objectContaining({ code: "BAD_USER_INPUT" }) }),
      );
      badInput(() => searchClause(bad, ["displayName"]), "search");
    }
    expect(new FilterBuilder().eq("department", "R&D \ud83d\ude00").build()).toBe("department eq 'R&D \ud83d\ude00'");
  });
});

describe("searchClause", () => {
  it("builds one quoted clause per property", () => {
    expect(searchClause("  contoso ", ["displayName", "mail"])).toBe('"displayName:contoso" OR "mail:contoso"');
    expect(searchClause(undefined, ["displayName"])).toBeUndefined();
  });

  it("refuses text that could close a clause and start another", () => {
    badInput(() => searchClause('a" OR "mail:b', ["displayName"]), "search");
    badInput(() => searchClause("a\\", ["displayName"]), "search");
    badInput(() => searchClause("   ", ["displayName"]), "search");
  });
});

describe("compileUserQuery", () => {
  it("compiles account state, user type, department, UPN prefix as basic filters", () => {
    const q = compileUserQuery({
      filter: { accountEnabled: false, userType: UserKind.GUEST, department: "Sales", userPrincipalNameStartsWith: "adm" },
    });
    expect(q).toEqual({
      filter: "accountEnabled eq false and userType eq 'Guest' and department eq 'Sales' and startsWith(userPrincipalName,'adm')",
      search: undefined,
      orderBy: undefined,
      advanced: false,
    });
  });

  it("makes a domain an endsWith on the UPN, which is advanced", () => {
    const q = compileUserQuery({ filter: { domain: "@contoso.com" } });
    expect(q.filter).toBe("endsWith(userPrincipalName,'@contoso.com')");
    expect(q.advanced).toBe(true);
  });

  it("compiles on-premises and licence state with the advanced operators they need", () => {
    expect(compileUserQuery({ filter: { onPremisesSynced: false } })).toMatchObject({ filter: "onPremisesSyncEnabled ne true", advanced: true });
    expect(compileUserQuery({ filter: { onPremisesSynced: true } })).toMatchObject({ filter: "onPremisesSyncEnabled eq true", advanced: false });
    expect(compileUserQuery({ filter: { licensed: false } })).toMatchObject({ filter: "assignedLicenses/$count eq 0", advanced: true });
  });

  it("orders by displayName or UPN without advanced queries, by creation date with them, and any order with a filter with them", () => {
    expect(compileUserQuery({ orderBy: { field: UserOrderField.DISPLAY_NAME, direction: SortDirection.DESC } })).toEqual({
      filter: undefined,
      search: undefined,
      orderBy: "displayName desc",
      advanced: false,
    });
    expect(compileUserQuery({ orderBy: { field: UserOrderField.CREATED_DATE_TIME, direction: SortDirection.ASC } }).advanced).toBe(true);
    expect(
      compileUserQuery({ filter: { accountEnabled: true }, orderBy: { field: UserOrderField.USER_PRINCIPAL_NAME, direction: SortDirection.ASC } }),
    ).toMatchObject({
      filter: "accountEnabled eq true",
      orderBy: "userPrincipalName asc",
      advanced: true,
    });
  });

  it("names the offending argument of a list that is too long", () => {
    badInput(() => compileUserQuery({ filter: { departmentIn: Array.from({ length: 16 }, (_, i) => `d${i}`) } }), "filter.departmentIn");
  });
});

describe("compileGroupQuery", () => {
  it("compiles each kind of group", () => {
    expect(compileGroupQuery({ filter: { kind: GroupKind.MICROSOFT_365 } })).toMatchObject({ filter: "groupTypes/any(c:c eq 'Unified')", advanced: false });
    expect(compileGroupQuery({ filter: { kind: GroupKind.SECURITY } })).toMatchObject({
      filter: "securityEnabled eq true and mailEnabled eq false",
      advanced: false,
    });
    expect(compileGroupQuery({ filter: { kind: GroupKind.MAIL_ENABLED_SECURITY } }).filter).toBe("securityEnabled eq true and mailEnabled eq true");
    // Distribution lists must exclude Microsoft 365 groups, which are mail-enabled and not security-enabled too.
    expect(compileGroupQuery({ filter: { kind: GroupKind.DISTRIBUTION } })).toMatchObject({
      filter: "mailEnabled eq true and securityEnabled eq false and not groupTypes/any(c:c eq 'Unified')",
      advanced: true,
    });
  });

  it("searches display name, description and mail; orders by creation date only with advanced queries", () => {
    const q = compileGroupQuery({ search: "Finance", orderBy: { field: GroupOrderField.CREATED_DATE_TIME, direction: SortDirection.DESC } });
    expect(q).toEqual({
      filter: undefined,
      search: '"displayName:Finance" OR "description:Finance" OR "mail:Finance"',
      orderBy: "createdDateTime desc",
      advanced: true,
    });
    expect(compileGroupQuery({ orderBy: { field: GroupOrderField.DISPLAY_NAME, direction: SortDirection.ASC } }).advanced).toBe(false);
  });
});

describe("compileDeviceQuery", () => {
  it("compiles OS, compliance, trust type and last sign-in; every device order is advanced", () => {
    const q = compileDeviceQuery({
      filter: { operatingSystem: "Windows", isCompliant: false, trustType: TrustType.SERVER_AD, lastSignInBefore: new Date("2025-01-01T00:00:00Z") },
    });
    expect(q).toEqual({
      filter: "operatingSystem eq 'Windows' and trustType eq 'ServerAd' and isCompliant eq false and approximateLastSignInDateTime le 2025-01-01T00:00:00.000Z",
      search: undefined,
      orderBy: undefined,
      advanced: false,
    });
    expect(compileDeviceQuery({ orderBy: { field: DeviceOrderField.DISPLAY_NAME, direction: SortDirection.ASC } })).toMatchObject({
      orderBy: "displayName asc",
      advanced: true,
    });
  });
});

describe("compileManagedDeviceQuery", () => {
  it("compiles compliance states as eq … or eq … (Intune documents `or` on enums, not `in`), ownership and name, never as an advanced query", () => {
    const q = compileManagedDeviceQuery({
      filter: {
        complianceState: [ComplianceState.NONCOMPLIANT, ComplianceState.IN_GRACE_PERIOD],
        ownerType: ManagedDeviceOwnerType.COMPANY,
        deviceNameContains: "O'Hara",
      },
      orderBy: { field: ManagedDeviceOrderField.LAST_SYNC_DATE_TIME, direction: SortDirection.DESC },
    });
    expect(q).toEqual({
      filter:
        "(complianceState eq 'noncompliant' or complianceState eq 'inGracePeriod') and managedDeviceOwnerType eq 'company' and contains(deviceName,'O''Hara')",
      orderBy: "lastSyncDateTime desc",
      advanced: false,
    });
    expect(compileManagedDeviceQuery({ filter: { complianceState: [ComplianceState.NONCOMPLIANT, ComplianceState.ERROR] } }).filter).toBe(
      "complianceState eq 'noncompliant' or complianceState eq 'error'",
    );
  });

  it("refuses a lastSync range, which Intune does not document, before any Graph call", () => {
    badInput(() => compileManagedDeviceQuery({ filter: { lastSyncAfter: new Date("2025-03-01T00:00:00Z") } }), "filter.lastSyncAfter");
    badInput(() => compileManagedDeviceQuery({ filter: { lastSyncBefore: new Date("2025-03-01T00:00:00Z") } }), "filter.lastSyncBefore");
  });

  it("compiles nothing from nothing", () => {
    expect(compileManagedDeviceQuery({})).toEqual({ filter: undefined, orderBy: undefined, advanced: false });
  });
});
