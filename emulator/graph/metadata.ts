import type { EmuResponse } from "../http";

/**
 * `GET /v1.0/$metadata`: an OData v4 CSDL document of the resources the emulator serves, in the
 * namespace `microsoft.graph` as Graph's own. It describes user, group, device, managedDevice and
 * directoryObject with their scalar properties (complex-typed properties are left out) and the
 * navigation properties the emulator answers. Generic OData clients (the Mesh OData handler of the
 * benchmarks) build their schema from it. Graph's document is far larger; this is the subset.
 */

type Prop = [name: string, type: string];
type Nav = [name: string, type: string];

const S = "Edm.String";
const B = "Edm.Boolean";
const D = "Edm.DateTimeOffset";
const I64 = "Edm.Int64";
const STRINGS = "Collection(Edm.String)";

const DIRECTORY_OBJECT: Prop[] = [["deletedDateTime", D]];

const USER: Prop[] = [
  ["accountEnabled", B],
  ["ageGroup", S],
  ["businessPhones", STRINGS],
  ["city", S],
  ["companyName", S],
  ["country", S],
  ["createdDateTime", D],
  ["creationType", S],
  ["department", S],
  ["displayName", S],
  ["employeeHireDate", D],
  ["employeeId", S],
  ["employeeType", S],
  ["externalUserState", S],
  ["externalUserStateChangeDateTime", D],
  ["givenName", S],
  ["imAddresses", STRINGS],
  ["jobTitle", S],
  ["lastPasswordChangeDateTime", D],
  ["mail", S],
  ["mailNickname", S],
  ["mobilePhone", S],
  ["officeLocation", S],
  ["onPremisesDistinguishedName", S],
  ["onPremisesDomainName", S],
  ["onPremisesImmutableId", S],
  ["onPremisesLastSyncDateTime", D],
  ["onPremisesSamAccountName", S],
  ["onPremisesSecurityIdentifier", S],
  ["onPremisesSyncEnabled", B],
  ["onPremisesUserPrincipalName", S],
  ["otherMails", STRINGS],
  ["passwordPolicies", S],
  ["postalCode", S],
  ["preferredDataLocation", S],
  ["preferredLanguage", S],
  ["proxyAddresses", STRINGS],
  ["securityIdentifier", S],
  ["showInAddressList", B],
  ["signInSessionsValidFromDateTime", D],
  ["state", S],
  ["streetAddress", S],
  ["surname", S],
  ["usageLocation", S],
  ["userPrincipalName", S],
  ["userType", S],
];
const USER_NAV: Nav[] = [
  ["memberOf", "Collection(microsoft.graph.directoryObject)"],
  ["transitiveMemberOf", "Collection(microsoft.graph.directoryObject)"],
  ["ownedDevices", "Collection(microsoft.graph.directoryObject)"],
  ["registeredDevices", "Collection(microsoft.graph.directoryObject)"],
  ["directReports", "Collection(microsoft.graph.directoryObject)"],
  ["manager", "microsoft.graph.directoryObject"],
  ["managedDevices", "Collection(microsoft.graph.managedDevice)"],
];

const GROUP: Prop[] = [
  ["classification", S],
  ["createdDateTime", D],
  ["creationOptions", STRINGS],
  ["description", S],
  ["displayName", S],
  ["expirationDateTime", D],
  ["groupTypes", STRINGS],
  ["isAssignableToRole", B],
  ["mail", S],
  ["mailEnabled", B],
  ["mailNickname", S],
  ["membershipRule", S],
  ["membershipRuleProcessingState", S],
  ["onPremisesDomainName", S],
  ["onPremisesLastSyncDateTime", D],
  ["onPremisesNetBiosName", S],
  ["onPremisesSamAccountName", S],
  ["onPremisesSecurityIdentifier", S],
  ["onPremisesSyncEnabled", B],
  ["preferredDataLocation", S],
  ["preferredLanguage", S],
  ["proxyAddresses", STRINGS],
  ["renewedDateTime", D],
  ["resourceBehaviorOptions", STRINGS],
  ["resourceProvisioningOptions", STRINGS],
  ["securityEnabled", B],
  ["securityIdentifier", S],
  ["theme", S],
  ["visibility", S],
];
const GROUP_NAV: Nav[] = [
  ["members", "Collection(microsoft.graph.directoryObject)"],
  ["transitiveMembers", "Collection(microsoft.graph.directoryObject)"],
  ["owners", "Collection(microsoft.graph.directoryObject)"],
  ["memberOf", "Collection(microsoft.graph.directoryObject)"],
  ["transitiveMemberOf", "Collection(microsoft.graph.directoryObject)"],
];

const DEVICE: Prop[] = [
  ["accountEnabled", B],
  ["approximateLastSignInDateTime", D],
  ["complianceExpirationDateTime", D],
  ["deviceCategory", S],
  ["deviceId", S],
  ["deviceMetadata", S],
  ["deviceOwnership", S],
  ["deviceVersion", "Edm.Int32"],
  ["displayName", S],
  ["enrollmentProfileName", S],
  ["enrollmentType", S],
  ["isCompliant", B],
  ["isManaged", B],
  ["isRooted", B],
  ["managementType", S],
  ["manufacturer", S],
  ["mdmAppId", S],
  ["model", S],
  ["onPremisesLastSyncDateTime", D],
  ["onPremisesSecurityIdentifier", S],
  ["onPremisesSyncEnabled", B],
  ["operatingSystem", S],
  ["operatingSystemVersion", S],
  ["physicalIds", STRINGS],
  ["profileType", S],
  ["registrationDateTime", D],
  ["systemLabels", STRINGS],
  ["trustType", S],
];
const DEVICE_NAV: Nav[] = [
  ["registeredOwners", "Collection(microsoft.graph.directoryObject)"],
  ["registeredUsers", "Collection(microsoft.graph.directoryObject)"],
  ["memberOf", "Collection(microsoft.graph.directoryObject)"],
  ["transitiveMemberOf", "Collection(microsoft.graph.directoryObject)"],
];

const MANAGED_DEVICE: Prop[] = [
  ["userId", S],
  ["deviceName", S],
  ["managedDeviceOwnerType", S],
  ["enrolledDateTime", D],
  ["lastSyncDateTime", D],
  ["operatingSystem", S],
  ["complianceState", S],
  ["jailBroken", S],
  ["managementAgent", S],
  ["osVersion", S],
  ["easActivated", B],
  ["easDeviceId", S],
  ["easActivationDateTime", D],
  ["azureADRegistered", B],
  ["deviceEnrollmentType", S],
  ["activationLockBypassCode", S],
  ["emailAddress", S],
  ["azureADDeviceId", S],
  ["deviceRegistrationState", S],
  ["deviceCategoryDisplayName", S],
  ["isSupervised", B],
  ["exchangeLastSuccessfulSyncDateTime", D],
  ["exchangeAccessState", S],
  ["exchangeAccessStateReason", S],
  ["remoteAssistanceSessionUrl", S],
  ["remoteAssistanceSessionErrorDetails", S],
  ["isEncrypted", B],
  ["userPrincipalName", S],
  ["model", S],
  ["manufacturer", S],
  ["imei", S],
  ["complianceGracePeriodExpirationDateTime", D],
  ["serialNumber", S],
  ["phoneNumber", S],
  ["androidSecurityPatchLevel", S],
  ["userDisplayName", S],
  ["wiFiMacAddress", S],
  ["subscriberCarrier", S],
  ["meid", S],
  ["totalStorageSpaceInBytes", I64],
  ["freeStorageSpaceInBytes", I64],
  ["managedDeviceName", S],
  ["partnerReportedThreatState", S],
];

function entityType(name: string, base: string | undefined, props: Prop[], navs: Nav[], extra = ""): string {
  const head = base ? `<EntityType Name="${name}" BaseType="${base}">` : `<EntityType Name="${name}">`;
  const lines = [
    head,
    extra,
    ...props.map(([n, t]) => `<Property Name="${n}" Type="${t}"${t === STRINGS ? ` Nullable="false"` : ""}/>`),
    ...navs.map(([n, t]) => `<NavigationProperty Name="${n}" Type="${t}"${n === "managedDevices" ? ` ContainsTarget="true"` : ""}/>`),
    "</EntityType>",
  ];
  return lines.filter(Boolean).join("\n");
}

function document(): string {
  return [
    `<?xml version="1.0" encoding="utf-8"?>`,
    `<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">`,
    `<edmx:DataServices>`,
    `<Schema Namespace="microsoft.graph" xmlns="http://docs.oasis-open.org/odata/ns/edm">`,
    `<EntityType Name="entity" Abstract="true">\n<Key><PropertyRef Name="id"/></Key>\n<Property Name="id" Type="Edm.String" Nullable="false"/>\n</EntityType>`,
    entityType("directoryObject", "microsoft.graph.entity", DIRECTORY_OBJECT, []),
    entityType("user", "microsoft.graph.directoryObject", USER, USER_NAV),
    entityType("group", "microsoft.graph.directoryObject", GROUP, GROUP_NAV),
    entityType("device", "microsoft.graph.directoryObject", DEVICE, DEVICE_NAV),
    entityType("managedDevice", "microsoft.graph.entity", MANAGED_DEVICE, []),
    entityType("deviceManagement", "microsoft.graph.entity", [], [["managedDevices", "Collection(microsoft.graph.managedDevice)"]]),
    `<EntityContainer Name="GraphService">`,
    `<EntitySet Name="directoryObjects" EntityType="microsoft.graph.directoryObject"/>`,
    `<EntitySet Name="users" EntityType="microsoft.graph.user"/>`,
    `<EntitySet Name="groups" EntityType="microsoft.graph.group"/>`,
    `<EntitySet Name="devices" EntityType="microsoft.graph.device"/>`,
    `<Singleton Name="deviceManagement" Type="microsoft.graph.deviceManagement"/>`,
    `</EntityContainer>`,
    `</Schema>`,
    `</edmx:DataServices>`,
    `</edmx:Edmx>`,
    "",
  ].join("\n");
}

let cached: string | undefined;

/** True for `$metadata` right after the version segment. */
export function isMetadata(segments: readonly string[]): boolean {
  return segments.length === 1 && segments[0] === "$metadata";
}

export function serveMetadata(method: string): EmuResponse {
  if (method.toUpperCase() !== "GET") {
    return {
      status: 405,
      headers: { "content-type": "application/json" },
      body: { error: { code: "Request_BadRequest", message: "The specified HTTP method is not allowed for the request target." } },
    };
  }
  cached ??= document();
  return { status: 200, headers: { "content-type": "application/xml", "odata-version": "4.0" }, body: cached };
}
