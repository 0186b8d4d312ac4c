import { permissionsFor, rolesFor } from "../../../src/graph/permissions";
import { dataKindOf } from "../../../src/graph/resilience";

describe("which data a Graph URL reads, and the application permissions it needs", () => {
  it.each([
    ["/users?$top=1", "users", "User.Read.All"],
    ["/users/x/memberOf", "users", "User.Read.All"],
    ["/users/x/managedDevices", "managedDevices", "DeviceManagementManagedDevices.Read.All"],
    ["/deviceManagement/managedDevices?$select=id", "managedDevices", "DeviceManagementManagedDevices.Read.All"],
    ["/groups/g/members", "groups", "Group.Read.All"],
    ["/devices(deviceId='d')", "devices", "Device.Read.All"],
    ["/organization?$select=id", "organization", "Organization.Read.All"],
    ["/directoryObjects/getByIds", "directoryObjects", "Directory.Read.All"],
    ["/tenantRelationships/delegatedAdminCustomers", "delegatedAdmin", "DelegatedAdminRelationship.Read.All"],
  ])("%s reads %s, which %s allows", (url, kind, permission) => {
    expect(dataKindOf(url)).toBe(kind);
    expect(permissionsFor(dataKindOf(url))).toContain(permission);
  });

  it("never offers Directory.Read.All for Intune (it does not cover it)", () => {
    expect(permissionsFor("managedDevices")).toEqual(["DeviceManagementManagedDevices.Read.All"]);
  });

  it("names the Intune roles for Intune data, the directory roles otherwise", () => {
    expect(rolesFor("intune")).toEqual(["Intune Administrator", "Global Reader", "Global Administrator"]);
    expect(rolesFor("directory")[0]).toBe("Directory Readers");
  });
});
