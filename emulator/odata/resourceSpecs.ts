/**
 * What each emulated Graph resource supports in queries: its properties (docs/graph-facts.md §5 names, the
 * same the dataset generator writes), the $filter operators per property (docs/graph-facts.md §4 and the
 * docs' directory-objects filter table), $orderby and $search support, default property sets and
 * page sizes (docs/graph-facts.md §3). The query engine rejects anything not listed here, as Graph does.
 *
 * `gt`/`lt` are listed wherever `ge`/`le` are: Graph documents ge/le but accepts both.
 */
import type { FilterOp, MixedResourceSpec, PropertySpec, PropertyType, ResourceSpec } from "./types";

// Operator sets ------------------------------------------------------------------------------
const EQ: FilterOp[] = ["eq", "ne", "not", "in"];
const EQ_NULL: FilterOp[] = [...EQ, "eqNull"];
const RANGE: FilterOp[] = ["ge", "le", "gt", "lt"];
/** The usual directory string property: eq/ne/not/in, ranges, startsWith, eq null. */
const STR: FilterOp[] = [...EQ_NULL, ...RANGE, "startsWith"];
const DATE: FilterOp[] = [...EQ, ...RANGE];
/** Collections are filtered through lambdas: `x/any(c:c eq 'v')`, `not x/any(...)`, `x/$count eq 0`. */
const COLL: FilterOp[] = ["any", "eq", "not", "count"];

type Opts = Omit<PropertySpec, "type" | "filter">;
const prop = (type: PropertyType, filter?: FilterOp[], opts: Opts = {}): PropertySpec => (filter ? { type, filter, ...opts } : { type, ...opts });
const str = (filter?: FilterOp[], opts?: Opts) => prop("string", filter, opts);
const bool = (filter?: FilterOp[], opts?: Opts) => prop("boolean", filter, opts);
const date = (filter?: FilterOp[], opts?: Opts) => prop("dateTime", filter, opts);
const strs = (filter?: FilterOp[], opts?: Opts) => prop("stringCollection", filter, opts);
const objs = (filter?: FilterOp[], opts?: Opts) => prop("complexCollection", filter, opts);
/** A string property whose every operator needs advanced queries (docs filter table). */
const advStr = (opts?: Opts) => str(STR, { advancedFilter: STR, ...opts });

// user ---------------------------------------------------------------------------------------
/** Single-entity-only user properties (SharePoint/Exchange-backed); on a list they are a 501. */
const userSingleOnly: Record<string, PropertyType> = {
  aboutMe: "string",
  birthday: "dateTime",
  hireDate: "dateTime",
  interests: "stringCollection",
  mySite: "string",
  pastProjects: "stringCollection",
  preferredName: "string",
  responsibilities: "stringCollection",
  schools: "stringCollection",
  skills: "stringCollection",
  mailboxSettings: "complex",
};

export const userSpec: ResourceSpec = {
  entityType: "user",
  resourceName: "User",
  directory: true,
  defaultPageSize: 100,
  maxPageSize: 999,
  defaultSelect: [
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
  ],
  properties: {
    id: str(EQ),
    accountEnabled: bool(EQ),
    displayName: str(STR, { orderBy: "basic", search: "tokenized" }),
    givenName: str(STR, { search: "prefix" }),
    surname: str(STR, { search: "prefix" }),
    userPrincipalName: str([...EQ, ...RANGE, "startsWith", "endsWith"], { orderBy: "basic", search: "prefix" }),
    mail: str([...STR, "endsWith"], { search: "prefix" }),
    mailNickname: str(STR, { search: "prefix" }),
    otherMails: strs([...COLL, "ne", ...RANGE, "startsWith", "endsWith"], { search: "prefix" }),
    proxyAddresses: strs([...COLL, "ne", ...RANGE, "startsWith", "endsWith"], { search: "prefix" }),
    businessPhones: strs(COLL),
    mobilePhone: advStr(),
    officeLocation: advStr(),
    jobTitle: str(STR),
    department: str(STR),
    companyName: advStr(),
    city: str(STR),
    state: str(STR),
    country: str(STR),
    postalCode: advStr(),
    streetAddress: advStr(),
    preferredLanguage: advStr(),
    usageLocation: str(STR),
    userType: str(EQ_NULL),
    createdDateTime: date(DATE, { orderBy: "advanced", advancedFilter: ["in"] }),
    deletedDateTime: date(DATE, { orderBy: "advanced", advancedFilter: ["in"] }),
    creationType: str(EQ_NULL),
    externalUserState: str(EQ_NULL),
    assignedLicenses: objs(COLL),
    assignedPlans: objs(COLL),
    onPremisesSyncEnabled: bool(EQ_NULL),
    onPremisesImmutableId: advStr(),
    employeeId: str(STR),
    employeeType: advStr(),
    identities: objs(["any", "eq"]),
    ...Object.fromEntries(Object.entries(userSingleOnly).map(([p, t]) => [p, prop(t, undefined, { singleOnly: true })])),
  },
};

// group --------------------------------------------------------------------------------------
/** Returned only on $select; the first six work only on GET /groups/{id} (Exchange-backed). */
const groupSelectOnly = ["assignedLicenses", "assignedLabels", "licenseProcessingState"];
const groupSingleOnly = [
  "allowExternalSenders",
  "autoSubscribeNewMembers",
  "hideFromAddressLists",
  "hideFromOutlookClients",
  "isSubscribedByMail",
  "unseenCount",
];

const groupProperties: Record<string, PropertySpec> = {
  id: str(EQ),
  displayName: str(EQ.concat(RANGE, "startsWith", "eqNull"), { orderBy: "basic", search: "tokenized" }),
  description: str(STR, { search: "tokenized" }),
  groupTypes: strs(COLL),
  // The group page lists eq, ne, NOT for mailEnabled (and `in` for securityEnabled); `in` is the general rule.
  mailEnabled: bool(["eq", "ne", "not"], { lenientFilter: ["in"] }),
  securityEnabled: bool(EQ),
  mail: str(STR, { search: "prefix" }),
  mailNickname: str(STR, { search: "prefix" }),
  membershipRule: str(),
  membershipRuleProcessingState: str(),
  visibility: str(),
  isAssignableToRole: bool(EQ),
  createdDateTime: date(DATE, { orderBy: "advanced" }),
  renewedDateTime: date(DATE),
  expirationDateTime: date(DATE),
  deletedDateTime: date(DATE, { orderBy: "advanced" }),
  onPremisesSyncEnabled: bool(EQ_NULL),
  proxyAddresses: strs([...COLL, "startsWith", "endsWith"], { search: "prefix" }),
  securityIdentifier: str(EQ),
  classification: str(EQ),
  theme: str(),
  preferredLanguage: str(),
  resourceProvisioningOptions: strs(COLL),
  assignedLicenses: objs(),
  assignedLabels: objs(),
  licenseProcessingState: prop("complex"),
  ...Object.fromEntries(groupSingleOnly.map((p) => [p, prop(p === "unseenCount" ? "int" : "boolean", undefined, { singleOnly: true })])),
};

export const groupSpec: ResourceSpec = {
  entityType: "group",
  resourceName: "Group",
  directory: true,
  defaultPageSize: 100,
  maxPageSize: 999,
  defaultSelect: Object.keys(groupProperties).filter((p) => !groupSelectOnly.includes(p) && !groupSingleOnly.includes(p)),
  properties: groupProperties,
};

// device -------------------------------------------------------------------------------------
export const deviceSpec: ResourceSpec = {
  entityType: "device",
  resourceName: "Device",
  directory: true,
  defaultPageSize: 100,
  maxPageSize: 999,
  properties: {
    id: str(EQ),
    // The device page lists eq, ne, not, startsWith for deviceId, not `in` (docs/graph-facts.md §4); `in` is the
    // general directory rule, so a lenient reading accepts it.
    deviceId: str(["eq", "ne", "not", "startsWith"], { lenientFilter: ["in"] }),
    accountEnabled: bool(EQ),
    displayName: str(STR, { orderBy: "advanced", search: "tokenized" }),
    // The device page's lists (docs/graph-facts.md §4); `in` only by the general directory rule, so lenient.
    operatingSystem: str(["eq", "ne", "not", ...RANGE, "startsWith", "eqNull"], { lenientFilter: ["in"] }),
    operatingSystemVersion: str(["eq", "ne", "not", ...RANGE, "startsWith", "eqNull"], { lenientFilter: ["in"] }),
    trustType: str(EQ_NULL),
    isCompliant: bool(["eq", "ne", "not"], { lenientFilter: ["in", "eqNull"] }),
    isManaged: bool(["eq", "ne", "not"], { lenientFilter: ["in", "eqNull"] }),
    approximateLastSignInDateTime: date(["eq", "ne", "not", ...RANGE, "eqNull"], { orderBy: "advanced", lenientFilter: ["in"] }),
    complianceExpirationDateTime: date(),
    onPremisesLastSyncDateTime: date(DATE),
    manufacturer: str(STR),
    model: str(STR),
    mdmAppId: str(EQ_NULL),
    profileType: str(EQ),
    physicalIds: strs(COLL),
    systemLabels: strs(COLL),
    alternativeSecurityIds: objs(["any", "eq"]),
    extensionAttributes: prop("complex", EQ_NULL),
    onPremisesSyncEnabled: bool(EQ_NULL),
    deviceOwnership: str(EQ_NULL),
    enrollmentType: str(EQ_NULL),
    managementType: str(EQ_NULL),
    registrationDateTime: date(DATE),
    isRooted: bool(EQ_NULL),
    deviceCategory: str(EQ_NULL),
    createdDateTime: date(undefined, { orderBy: "advanced" }),
    deletedDateTime: date(undefined, { orderBy: "advanced" }),
  },
};

// managedDevice (Intune, not the directory) ---------------------------------------------------
/**
 * Intune documents few filters: v1.0 lists none per property; the beta page allows `deviceName` with
 * eq and contains, and enums with eq and `or` (docs/graph-facts.md §4). The strictest reading: `eq` on scalar
 * properties, `or` only between enum clauses, `contains` only on deviceName, and an undocumented pair
 * is a 400 `BadRequest`. What Intune is observed to accept beyond that (in, ne, ranges, startsWith,
 * `or` anywhere) is served only with filter support "lenient".
 */
const LENIENT_EQ: FilterOp[] = ["ne", "in"];
const LENIENT_STR: FilterOp[] = [...LENIENT_EQ, "contains", "startsWith"];
const LENIENT_DATE: FilterOp[] = [...RANGE];
const intuneStr = (lenient: FilterOp[] = LENIENT_STR, opts: Opts = {}) => str(["eq"], { lenientFilter: lenient, ...opts });
const enumProp = () => prop("enum", ["eq", "or"], { orderBy: "basic", lenientFilter: LENIENT_EQ });

export const managedDeviceSpec: ResourceSpec = {
  entityType: "managedDevice",
  resourceName: "ManagedDevice",
  directory: false,
  defaultPageSize: 1000,
  maxPageSize: 1000,
  supportsSkip: true,
  orPerProperty: true,
  unsupportedFilterCode: "BadRequest",
  noCountSegment: true,
  properties: {
    id: intuneStr(LENIENT_EQ),
    userId: intuneStr(LENIENT_EQ),
    deviceName: str(["eq", "contains"], { orderBy: "basic", lenientFilter: [...LENIENT_EQ, "startsWith"] }),
    managedDeviceName: intuneStr(["contains"]),
    managedDeviceOwnerType: enumProp(),
    enrolledDateTime: date(["eq"], { orderBy: "basic", lenientFilter: LENIENT_DATE }),
    lastSyncDateTime: date(["eq"], { orderBy: "basic", lenientFilter: LENIENT_DATE }),
    operatingSystem: intuneStr(LENIENT_STR, { orderBy: "basic" }),
    osVersion: intuneStr(["startsWith", ...RANGE]),
    complianceState: enumProp(),
    jailBroken: intuneStr([]),
    managementAgent: enumProp(),
    azureADRegistered: bool(["eq"]),
    azureADDeviceId: intuneStr(LENIENT_EQ),
    deviceEnrollmentType: enumProp(),
    deviceRegistrationState: enumProp(),
    emailAddress: intuneStr(["contains", "startsWith"]),
    userPrincipalName: intuneStr(["contains", "startsWith"], { orderBy: "basic" }),
    userDisplayName: intuneStr(["contains", "startsWith"], { orderBy: "basic" }),
    model: intuneStr(["contains", "startsWith"]),
    manufacturer: intuneStr(["contains", "startsWith"]),
    serialNumber: intuneStr(["contains", "startsWith"]),
    imei: intuneStr([]),
    meid: intuneStr([]),
    phoneNumber: intuneStr([]),
    wiFiMacAddress: intuneStr([]),
    subscriberCarrier: intuneStr([]),
    isEncrypted: bool(["eq"]),
    isSupervised: bool(["eq"]),
    totalStorageSpaceInBytes: prop("int"),
    freeStorageSpaceInBytes: prop("int"),
    exchangeAccessState: enumProp(),
    deviceActionResults: objs(),
  },
};

// organization -------------------------------------------------------------------------------
export const organizationSpec: ResourceSpec = {
  entityType: "organization",
  resourceName: "Organization",
  directory: true,
  defaultPageSize: 100,
  maxPageSize: 999,
  properties: {
    id: str(["eq", "in"]),
    displayName: str(),
    verifiedDomains: objs(),
    assignedPlans: objs(),
    provisionedPlans: objs(),
    businessPhones: strs(),
    city: str(),
    state: str(),
    street: str(),
    postalCode: str(),
    country: str(),
    countryLetterCode: str(),
    preferredLanguage: str(),
    technicalNotificationMails: strs(),
    createdDateTime: date(),
    onPremisesSyncEnabled: bool(),
  },
};

// contract (DAP customers, in partner tenants) -----------------------------------------------
export const contractSpec: ResourceSpec = {
  entityType: "contract",
  resourceName: "Contract",
  directory: true,
  defaultPageSize: 100,
  maxPageSize: 999,
  properties: {
    id: str(["eq", "in"]),
    contractType: str(),
    customerId: prop("guid", ["eq", "in"]),
    defaultDomainName: str(["eq", "in"]),
    displayName: str(["eq", "in"]),
  },
};

// GDAP (tenantRelationships): not the directory; $top at most 300 --------------------------
const IN_EQ: FilterOp[] = ["eq", "ne", "in"];
export const delegatedAdminCustomerSpec: ResourceSpec = {
  entityType: "delegatedAdminCustomer",
  annotatesItemType: true,
  resourceName: "DelegatedAdminCustomer",
  directory: false,
  defaultPageSize: 300,
  maxPageSize: 300,
  properties: {
    id: str(IN_EQ, { orderBy: "basic" }),
    tenantId: str(IN_EQ),
    displayName: str([...IN_EQ, "startsWith"], { orderBy: "basic" }),
  },
};

export const delegatedAdminRelationshipSpec: ResourceSpec = {
  entityType: "delegatedAdminRelationship",
  annotatesItemType: true,
  resourceName: "DelegatedAdminRelationship",
  directory: false,
  defaultPageSize: 300,
  maxPageSize: 300,
  properties: {
    id: str(IN_EQ, { orderBy: "basic" }),
    displayName: str([...IN_EQ, "startsWith"], { orderBy: "basic" }),
    duration: str(["eq"]),
    // `customer/tenantId eq '…'` is the usual way to find a customer's relationships.
    customer: prop("complex", IN_EQ),
    accessDetails: prop("complex"),
    status: prop("enum", IN_EQ, { orderBy: "basic" }),
    autoExtendDuration: str(["eq"]),
    createdDateTime: date(["eq", ...RANGE], { orderBy: "basic" }),
    lastModifiedDateTime: date(["eq", ...RANGE], { orderBy: "basic" }),
    activatedDateTime: date(["eq", "eqNull", ...RANGE], { orderBy: "basic" }),
    endDateTime: date(["eq", "eqNull", ...RANGE], { orderBy: "basic" }),
  },
};

// directoryObject and mixed navigation collections ------------------------------------------
export const directoryObjectSpec: ResourceSpec = {
  entityType: "directoryObject",
  resourceName: "DirectoryObject",
  directory: true,
  defaultPageSize: 100,
  maxPageSize: 999,
  properties: {
    id: str(EQ),
    displayName: str(STR, { orderBy: "advanced", search: "tokenized" }),
    deletedDateTime: date(),
  },
};

/**
 * memberOf, transitiveMemberOf, members, transitiveMembers, owners, registeredOwners,
 * registeredUsers: filters validate against directoryObject; $select may name any property of a
 * member type (Graph accepts `memberOf?$select=displayName,groupTypes`).
 */
export const directoryObjectsMixedSpec: MixedResourceSpec = {
  kind: "mixed",
  base: directoryObjectSpec,
  byType: {
    "#microsoft.graph.user": userSpec,
    "#microsoft.graph.group": groupSpec,
    "#microsoft.graph.device": deviceSpec,
  },
};
export const memberOfSpec = directoryObjectsMixedSpec;
export const membersSpec = directoryObjectsMixedSpec;
export const ownersSpec = directoryObjectsMixedSpec;
export const registeredOwnersSpec = directoryObjectsMixedSpec;

/** All single-type specs by entity type name. */
export const resourceSpecs: Readonly<Record<string, ResourceSpec>> = {
  user: userSpec,
  group: groupSpec,
  device: deviceSpec,
  managedDevice: managedDeviceSpec,
  organization: organizationSpec,
  contract: contractSpec,
  delegatedAdminCustomer: delegatedAdminCustomerSpec,
  delegatedAdminRelationship: delegatedAdminRelationshipSpec,
  directoryObject: directoryObjectSpec,
};
