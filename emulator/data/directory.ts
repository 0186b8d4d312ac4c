import { seededRandom } from "../faults";
import { cloudSid, DAY_MS, Draw, EPOCH_MS, flat, floor, guid, hash32, iso, max, min, pad, round } from "./ids";
import type { CustomerTenant, GraphObject, TenantDirectory } from "./model";
import {
  ANDROID_PATCH,
  COUNTRIES,
  DEPARTMENTS,
  GIVEN_NAMES,
  GROUP_TOPICS,
  GUEST_DOMAINS,
  HARDWARE,
  INTUNE_MDM_APP_ID,
  OS_VERSIONS,
  PROJECT_WORDS,
  SKUS,
  SURNAMES,
  type Country,
  type DeviceOs,
  type Place,
  type Sku,
} from "./names";

/**
 * A customer tenant's directory, generated from nothing but the CustomerTenant record: the PRNG is
 * seeded from the tenant id and object ids are hashes of "{tenantId}/{kind}/{n}", so the world can
 * drop a directory and rebuild the identical one, and no id repeats across tenants.
 *
 * Memory matters (a scale case holds 100,000 users): objects are built as object literals with one
 * key order per kind so V8 shares their hidden class, and values that Graph returns identically for
 * many objects (empty collections, groupTypes, licence lists) are frozen and shared. They are frozen
 * so that a handler that tried to mutate one in place fails loudly instead of editing every object.
 */

const MINUTE_MS = 60_000;
// Module bindings for globals used in loops (see ids.ts: global lookups are slow under jest's vm).
const parseDate = Date.parse;
const ArrayOf = Array;
const SetOf = Set;

const EMPTY: readonly never[] = Object.freeze([]);
/** EMPTY where TenantDirectory's maps want string[]; frozen, so a caller that pushes into it throws. */
const NO_IDS = EMPTY as unknown as string[];
const UNIFIED = Object.freeze(["Unified"]);
const DYNAMIC = Object.freeze(["DynamicMembership"]);
const TEAM = Object.freeze(["Team"]);
const NEVER = "9999-12-31T23:59:59Z";
const ZERO_GUID = "00000000-0000-0000-0000-000000000000";
const EXTENSION_ATTRIBUTES = Object.freeze(Object.fromEntries(Array.from({ length: 15 }, (_, i) => [`extensionAttribute${i + 1}`, null])));

type Trust = "AzureAd" | "ServerAd" | "Workplace";
type Weights<T> = readonly (readonly [T, number])[];
const OS_MIX: Weights<DeviceOs> = [
  ["Windows", 55],
  ["iOS", 20],
  ["Android", 13],
  ["macOS", 12],
];
const ORPHAN_OS_MIX: Weights<DeviceOs> = [
  ["Android", 50],
  ["iOS", 30],
  ["Windows", 20],
];
const TRUST_HYBRID: Weights<Trust> = [
  ["AzureAd", 55],
  ["ServerAd", 35],
  ["Workplace", 10],
];
const TRUST_CLOUD: Weights<Trust> = [
  ["AzureAd", 85],
  ["Workplace", 15],
];
const COMPLIANCE: Weights<string> = [
  ["compliant", 79],
  ["noncompliant", 10],
  ["inGracePeriod", 5],
  ["unknown", 4],
  ["error", 1],
  ["conflict", 1],
];
/** Co-managed devices can hand compliance to Configuration Manager. */
const COMPLIANCE_COMANAGED: Weights<string> = [...COMPLIANCE.slice(1), ["compliant", 78], ["configManager", 1]];
const ORPHAN_COMPLIANCE: Weights<string> = [
  ["noncompliant", 50],
  ["unknown", 30],
  ["compliant", 20],
];
const GROUP_KIND_MIX: Weights<GroupSpec["kind"]> = [
  ["m365", 50],
  ["security", 40],
  ["distribution", 10],
];

type LicenceSet = { assignedLicenses: readonly unknown[]; assignedPlans: readonly unknown[] };

function aliasOf(name: string): string {
  return name
    .normalize("NFD")
    .replace(/[^A-Za-z0-9]/g, "")
    .toLowerCase();
}

export function generateDirectory(customer: CustomerTenant): TenantDirectory {
  return new DirectoryBuilder(customer).build();
}

class DirectoryBuilder {
  private readonly tid: string;
  private readonly d: Draw;
  private readonly initialDomain: string;
  private readonly defaultDomain: string;
  private readonly country: Country;
  private readonly hq: Place;
  private readonly hqOffice: string;
  private readonly hybrid: boolean;
  private readonly adDomain: string;
  private readonly adDomainSid: string;
  private readonly deviceCode: string;
  private readonly start: number;
  private readonly asOf: number;
  private readonly primarySku: Sku;
  private readonly secondarySku: Sku;
  private readonly licences: { primary: LicenceSet; secondary: LicenceSet; none: LicenceSet };

  private readonly dir: TenantDirectory;
  /** Members of the org chart (index = position in the chart); guests and service accounts are not in it. */
  private readonly staff: GraphObject[] = [];
  private readonly staffDept: Int8Array;
  private readonly deptStaff: string[][] = DEPARTMENTS.map(() => []);
  private readonly guestIds: string[] = [];
  private readonly windowsDeviceIds: string[] = [];
  private readonly managedEntraDeviceIds: string[] = [];
  private ceoId: string | undefined;
  private itIds: string[] = [];

  constructor(private readonly customer: CustomerTenant) {
    this.tid = customer.id.toLowerCase();
    this.d = new Draw(seededRandom(hash32(`directory/${this.tid}`)));
    this.initialDomain = customer.domains[0] ?? customer.defaultDomain;
    this.defaultDomain = customer.defaultDomain;
    this.country = COUNTRIES[customer.countryLetterCode] ?? COUNTRIES.US!;
    this.hq = this.d.pick(this.country.places);
    this.hqOffice = `${this.hq.city} HQ`;
    this.hybrid = this.d.chance(0.3);
    const prefix = this.initialDomain.split(".")[0]!.replace(/[^a-z0-9]/gi, "");
    this.adDomain = `${prefix.slice(0, 15)}.local`;
    this.adDomainSid = `${this.d.int(1e9, 4e9)}-${this.d.int(1e9, 4e9)}-${this.d.int(1e9, 4e9)}`;
    // Windows device names are at most 15 characters: an 8-character tenant code, "-", a letter, 5 digits.
    this.deviceCode = (prefix.slice(0, 3) + prefix.slice(-5)).toUpperCase();
    this.start = parseDate(customer.createdDateTime);
    // Customers created through the control API are newer than the seeded epoch; their directory is
    // as of a few minutes after creation so no object predates the tenant.
    this.asOf = max(EPOCH_MS, this.start + 10 * MINUTE_MS);

    const large = customer.sizes.users > 300;
    this.primarySku = customer.intuneLicensed ? (large ? SKUS.m365E3 : SKUS.businessPremium) : large ? SKUS.o365E3 : SKUS.businessStandard;
    this.secondarySku = SKUS.businessBasic;
    const licensedAt = this.start + this.d.int(0, 30) * DAY_MS;
    this.licences = {
      primary: this.licenceSet([this.primarySku], licensedAt),
      secondary: this.licenceSet([this.secondarySku], licensedAt),
      none: { assignedLicenses: EMPTY, assignedPlans: EMPTY },
    };
    this.staffDept = new Int8Array(customer.sizes.users);

    this.dir = {
      tenantId: this.tid,
      organization: { id: this.tid },
      users: [],
      groups: [],
      devices: [],
      managedDevices: [],
      byId: new Map(),
      usersByUpn: new Map(),
      members: new Map(),
      owners: new Map(),
      memberOf: new Map(),
      manager: new Map(),
      registeredOwners: new Map(),
      registeredUsers: new Map(),
      ownedDevices: new Map(),
      registeredDevices: new Map(),
    };
  }

  build(): TenantDirectory {
    this.dir.organization = this.organization();
    this.users();
    this.devices();
    this.groups();
    this.memberships();
    return this.dir;
  }

  // ---------------------------------------------------------------------------------------------

  private licenceSet(skus: readonly Sku[], at: number): LicenceSet {
    const assignedDateTime = iso(at);
    return {
      assignedLicenses: Object.freeze(skus.map((s) => Object.freeze({ disabledPlans: EMPTY, skuId: s.skuId }))),
      assignedPlans: Object.freeze(
        skus.flatMap((s) =>
          s.plans.map((p) => Object.freeze({ assignedDateTime, capabilityStatus: "Enabled", service: p.service, servicePlanId: p.servicePlanId })),
        ),
      ),
    };
  }

  private between(from: number, to: number): number {
    return from + this.d.next() * max(0, to - from);
  }

  private phone(): string {
    const c = this.country;
    if (c.phonePrefix === "+1") return flat(`+1 ${this.d.int(201, 989)} 555 0${this.d.digits(3)}`);
    return flat(`${c.phonePrefix} ${this.d.int(1, 9)}${this.d.digits(1)} ${this.d.digits(4)} ${this.d.digits(4)}`);
  }

  private organization(): GraphObject {
    const c = this.customer;
    const plans = [this.primarySku, this.secondarySku].flatMap((s) => s.plans);
    const seen = new SetOf<string>();
    const assignedPlans: unknown[] = [];
    const provisionedPlans: unknown[] = [];
    const at = iso(this.start + DAY_MS);
    for (const p of plans) {
      if (seen.has(p.servicePlanId)) continue;
      seen.add(p.servicePlanId);
      assignedPlans.push({ assignedDateTime: at, capabilityStatus: "Enabled", service: p.service, servicePlanId: p.servicePlanId });
      if (!provisionedPlans.some((x) => (x as { service: string }).service === p.service)) {
        provisionedPlans.push({ capabilityStatus: "Enabled", provisioningStatus: "Success", service: p.service });
      }
    }
    return {
      "@odata.type": "#microsoft.graph.organization",
      id: this.tid,
      deletedDateTime: null,
      businessPhones: [this.phone()],
      city: this.hq.city,
      country: this.country.name,
      countryLetterCode: c.countryLetterCode,
      createdDateTime: c.createdDateTime,
      defaultUsageLocation: c.countryLetterCode,
      displayName: c.displayName,
      marketingNotificationEmails: [],
      onPremisesLastSyncDateTime: this.hybrid ? iso(this.asOf - this.d.int(1, 40) * MINUTE_MS) : null,
      onPremisesSyncEnabled: this.hybrid ? true : null,
      postalCode: this.hq.postalCode,
      preferredLanguage: this.country.language.slice(0, 2),
      securityComplianceNotificationMails: [],
      securityComplianceNotificationPhones: [],
      state: this.hq.state,
      street: this.hq.street,
      technicalNotificationMails: [`it@${this.defaultDomain}`],
      tenantType: "AAD",
      directorySizeQuota: { used: c.sizes.users + c.sizes.groups + c.sizes.devices, total: 300000 },
      assignedPlans,
      provisionedPlans,
      privacyProfile: null,
      verifiedDomains: c.domains.map((name, i) => ({
        capabilities: "Email, OfficeCommunicationsOnline",
        isDefault: name === c.defaultDomain,
        isInitial: i === 0,
        name,
        type: "Managed",
      })),
    };
  }

  // --- users -----------------------------------------------------------------------------------

  private users(): void {
    const n = this.customer.sizes.users;
    const guests = n >= 10 ? max(1, round(n * 0.03)) : 0;
    const breakGlass = n - guests >= 20 ? 1 : 0;
    const staff = n - guests - breakGlass;
    const region = this.customer.region;
    const givenNames = GIVEN_NAMES[region];
    const surnames = SURNAMES[region];
    const givenAlias = givenNames.map(aliasOf);
    const surnameAlias = surnames.map(aliasOf);
    const used = new Map<string, number>();
    const fan = DEPARTMENTS.length;
    const level = new Uint8Array(max(staff, 1));

    for (let k = 0; k < staff; k++) {
      const gi = floor(this.d.next() * givenNames.length);
      const si = floor(this.d.next() * surnames.length);
      let alias = `${givenAlias[gi]}.${surnameAlias[si]}`;
      const count = (used.get(alias) ?? 0) + 1;
      used.set(alias, count);
      if (count > 1) alias += count;
      alias = flat(alias);

      const mgr = k === 0 ? -1 : floor((k - 1) / fan);
      level[k] = mgr < 0 ? 0 : level[mgr]! + 1;
      const dept = k === 0 ? -1 : mgr === 0 ? (k - 1) % fan : this.staffDept[mgr]!;
      this.staffDept[k] = dept;
      const hasReports = k * fan + 1 < staff;
      const deptName = dept < 0 ? "Executive" : DEPARTMENTS[dept]!.name;
      let jobTitle: string;
      if (k === 0) jobTitle = "Chief Executive Officer";
      else if (level[k] === 1) jobTitle = staff >= 50 ? `Vice President, ${deptName}` : `${deptName} Lead`;
      else if (hasReports) jobTitle = `${deptName} Manager`;
      else jobTitle = this.d.pick(DEPARTMENTS[dept]!.titles);

      const user = this.member(k, alias, givenNames[gi]!, surnames[si]!, deptName, jobTitle);
      this.staff.push(user);
      if (dept >= 0) this.deptStaff[dept]!.push(user.id);
      if (mgr >= 0) this.dir.manager.set(user.id, this.staff[mgr]!.id);
      if (k === 0) this.ceoId = user.id;
      if (deptName === "IT" && this.itIds.length < 3) this.itIds.push(user.id);
    }
    if (breakGlass) this.addUser(this.breakGlassAccount(staff));
    for (let g = 0; g < guests; g++) {
      const gi = floor(this.d.next() * givenNames.length);
      const si = floor(this.d.next() * surnames.length);
      const guest = this.guest(staff + breakGlass + g, givenAlias[gi]!, surnameAlias[si]!, givenNames[gi]!, surnames[si]!);
      this.addUser(guest);
      this.guestIds.push(guest.id);
    }
  }

  private addUser(user: GraphObject): void {
    this.dir.users.push(user);
    this.dir.byId.set(user.id, user);
    this.dir.usersByUpn.set((user.userPrincipalName as string).toLowerCase(), user);
  }

  private member(k: number, alias: string, givenName: string, surname: string, department: string, jobTitle: string): GraphObject {
    const d = this.d;
    const id = guid(`${this.tid}/user/${k}`);
    const upn = flat(`${alias}@${this.defaultDomain}`);
    const displayName = flat(`${givenName} ${surname}`);
    const created = k === 0 ? this.start + d.int(0, 3) * DAY_MS : this.between(this.start, this.asOf - DAY_MS);
    const place = d.chance(0.8) ? this.hq : d.pick(this.country.places);
    const licence = d.chance(0.08) ? this.licences.none : d.chance(0.1) ? this.licences.secondary : this.licences.primary;
    const synced = this.hybrid;
    const proxyAddresses =
      this.defaultDomain === this.initialDomain ? [flat(`SMTP:${upn}`)] : [flat(`SMTP:${upn}`), flat(`smtp:${alias}@${this.initialDomain}`)];
    const user: GraphObject = {
      "@odata.type": "#microsoft.graph.user",
      id,
      accountEnabled: k === 0 || !d.chance(0.04),
      ageGroup: null,
      assignedLicenses: licence.assignedLicenses,
      assignedPlans: licence.assignedPlans,
      businessPhones: d.chance(0.8) ? [this.phone()] : EMPTY,
      city: place.city,
      companyName: this.customer.displayName,
      country: this.country.name,
      createdDateTime: iso(created),
      creationType: null,
      deletedDateTime: null,
      department,
      displayName,
      employeeHireDate: iso(floor((created - d.int(0, 60) * DAY_MS) / DAY_MS) * DAY_MS),
      employeeId: pad(100000 + k, 6),
      employeeType: d.chance(0.9) ? "Employee" : "Contractor",
      externalUserState: null,
      externalUserStateChangeDateTime: null,
      givenName,
      identities: [{ signInType: "userPrincipalName", issuer: this.initialDomain, issuerAssignedId: upn }],
      imAddresses: [upn],
      jobTitle,
      lastPasswordChangeDateTime: iso(this.between(created, this.asOf)),
      mail: upn,
      mailNickname: alias,
      mobilePhone: d.chance(0.6) ? this.phone() : null,
      officeLocation: d.chance(0.1) ? "Remote" : place === this.hq ? this.hqOffice : flat(`${place.city} Office`),
      onPremisesDistinguishedName: synced ? flat(`CN=${displayName},OU=${department},OU=Staff,DC=${this.adDomain.replace(".", ",DC=")}`) : null,
      onPremisesDomainName: synced ? this.adDomain : null,
      onPremisesImmutableId: synced ? Buffer.from(id.replace(/-/g, ""), "hex").toString("base64") : null,
      onPremisesLastSyncDateTime: synced ? iso(this.asOf - d.int(1, 40) * MINUTE_MS) : null,
      onPremisesSamAccountName: synced ? alias.slice(0, 20) : null,
      onPremisesSecurityIdentifier: synced ? flat(`S-1-5-21-${this.adDomainSid}-${1100 + k}`) : null,
      onPremisesSyncEnabled: synced ? true : null,
      onPremisesUserPrincipalName: synced ? upn : null,
      otherMails: EMPTY,
      passwordPolicies: synced ? "DisablePasswordExpiration" : null,
      postalCode: place.postalCode,
      preferredDataLocation: null,
      preferredLanguage: d.chance(0.9) ? this.country.language : null,
      proxyAddresses,
      securityIdentifier: cloudSid(id),
      showInAddressList: null,
      signInSessionsValidFromDateTime: iso(created),
      state: place.state,
      streetAddress: place.street,
      surname,
      usageLocation: this.customer.countryLetterCode,
      userPrincipalName: upn,
      userType: "Member",
    };
    this.addUser(user);
    return user;
  }

  /** The cloud-only emergency-access account real tenants keep: initial domain, no licence, no manager. */
  private breakGlassAccount(k: number): GraphObject {
    const id = guid(`${this.tid}/user/${k}`);
    const upn = `breakglass@${this.initialDomain}`;
    const created = this.start + this.d.int(1, 5) * DAY_MS;
    return {
      "@odata.type": "#microsoft.graph.user",
      id,
      accountEnabled: true,
      ageGroup: null,
      assignedLicenses: EMPTY,
      assignedPlans: EMPTY,
      businessPhones: EMPTY,
      city: null,
      companyName: null,
      country: null,
      createdDateTime: iso(created),
      creationType: null,
      deletedDateTime: null,
      department: null,
      displayName: "Emergency Access Admin",
      employeeHireDate: null,
      employeeId: null,
      employeeType: null,
      externalUserState: null,
      externalUserStateChangeDateTime: null,
      givenName: null,
      identities: [{ signInType: "userPrincipalName", issuer: this.initialDomain, issuerAssignedId: upn }],
      imAddresses: EMPTY,
      jobTitle: null,
      lastPasswordChangeDateTime: iso(created),
      mail: null,
      mailNickname: "breakglass",
      mobilePhone: null,
      officeLocation: null,
      onPremisesDistinguishedName: null,
      onPremisesDomainName: null,
      onPremisesImmutableId: null,
      onPremisesLastSyncDateTime: null,
      onPremisesSamAccountName: null,
      onPremisesSecurityIdentifier: null,
      onPremisesSyncEnabled: null,
      onPremisesUserPrincipalName: null,
      otherMails: EMPTY,
      passwordPolicies: "DisablePasswordExpiration",
      postalCode: null,
      preferredDataLocation: null,
      preferredLanguage: null,
      proxyAddresses: EMPTY,
      securityIdentifier: cloudSid(id),
      showInAddressList: null,
      signInSessionsValidFromDateTime: iso(created),
      state: null,
      streetAddress: null,
      surname: null,
      usageLocation: this.customer.countryLetterCode,
      userPrincipalName: upn,
      userType: "Member",
    };
  }

  private guest(k: number, givenAlias: string, surnameAlias: string, givenName: string, surname: string): GraphObject {
    const d = this.d;
    const id = guid(`${this.tid}/user/${k}`);
    const domain = d.pick(GUEST_DOMAINS);
    const external = flat(`${givenAlias}.${surnameAlias}${k}@${domain}`);
    const mangled = flat(external.replace("@", "_"));
    const upn = flat(`${mangled}#EXT#@${this.initialDomain}`);
    const created = this.between(this.start, this.asOf - DAY_MS);
    const accepted = d.chance(0.8);
    const msa = domain === "outlook.example" || domain === "gmail.example";
    return {
      "@odata.type": "#microsoft.graph.user",
      id,
      accountEnabled: true,
      ageGroup: null,
      assignedLicenses: EMPTY,
      assignedPlans: EMPTY,
      businessPhones: EMPTY,
      city: null,
      companyName: null,
      country: null,
      createdDateTime: iso(created),
      creationType: "Invitation",
      deletedDateTime: null,
      department: null,
      displayName: flat(`${givenName} ${surname}`),
      employeeHireDate: null,
      employeeId: null,
      employeeType: null,
      externalUserState: accepted ? "Accepted" : "PendingAcceptance",
      externalUserStateChangeDateTime: iso(accepted ? created + d.int(1, 72) * 3_600_000 : created),
      givenName,
      identities: [{ signInType: "federated", issuer: msa ? "MicrosoftAccount" : "ExternalAzureAD", issuerAssignedId: null }],
      imAddresses: EMPTY,
      jobTitle: null,
      lastPasswordChangeDateTime: null,
      mail: external,
      mailNickname: flat(`${mangled}#EXT#`),
      mobilePhone: null,
      officeLocation: null,
      onPremisesDistinguishedName: null,
      onPremisesDomainName: null,
      onPremisesImmutableId: null,
      onPremisesLastSyncDateTime: null,
      onPremisesSamAccountName: null,
      onPremisesSecurityIdentifier: null,
      onPremisesSyncEnabled: null,
      onPremisesUserPrincipalName: null,
      otherMails: [external],
      passwordPolicies: null,
      postalCode: null,
      preferredDataLocation: null,
      preferredLanguage: null,
      proxyAddresses: [flat(`SMTP:${external}`)],
      securityIdentifier: cloudSid(id),
      showInAddressList: false,
      signInSessionsValidFromDateTime: iso(created),
      state: null,
      streetAddress: null,
      surname,
      usageLocation: null,
      userPrincipalName: upn,
      userType: "Guest",
    };
  }

  // --- devices ---------------------------------------------------------------------------------

  private devices(): void {
    const d = this.d;
    const n = this.customer.sizes.devices;
    const wanted = this.customer.sizes.managedDevices;
    const staff = this.staff.length;

    // Pass 1: owner and platform of each device, so the managed ones can be chosen among owned devices.
    const owner = new Int32Array(n);
    const os: DeviceOs[] = new ArrayOf(n);
    for (let i = 0; i < n; i++) {
      owner[i] = staff > 0 && d.chance(0.95) ? floor(d.next() * staff) : -1;
      os[i] = d.weighted(OS_MIX);
    }
    const eligible: number[] = [];
    for (let i = 0; i < n; i++) if (owner[i]! >= 0) eligible.push(i);
    for (let i = eligible.length - 1; i > 0; i--) {
      const j = floor(d.next() * (i + 1));
      const t = eligible[i]!;
      eligible[i] = eligible[j]!;
      eligible[j] = t;
    }
    // A few Intune devices have no Entra device (never registered, or their Entra object was deleted).
    const orphansWanted = wanted >= 10 ? max(1, round(wanted * 0.03)) : 0;
    const linked = min(wanted - orphansWanted, eligible.length);
    const managed = new Uint8Array(n);
    for (let i = 0; i < linked; i++) managed[eligible[i]!] = 1;

    for (let i = 0; i < n; i++) {
      const user = owner[i]! >= 0 ? this.staff[owner[i]!]! : undefined;
      this.device(i, os[i]!, user, managed[i] === 1);
    }
    for (let i = 0; i < wanted - linked; i++) this.orphanManagedDevice(i);

    // Exact-size lists: an array grown by push from empty reserves 17 slots, which at 100,000 users
    // is most of the memory these maps take.
    const counts = new Int32Array(staff);
    for (let i = 0; i < n; i++) if (owner[i]! >= 0) counts[owner[i]!]!++;
    const owned: string[][] = new ArrayOf(staff);
    for (let k = 0; k < staff; k++) owned[k] = counts[k]! > 0 ? new ArrayOf<string>(counts[k]!) : NO_IDS;
    const fill = new Int32Array(staff);
    for (let i = 0; i < n; i++) {
      const k = owner[i]!;
      if (k >= 0) owned[k]![fill[k]!++] = this.dir.devices[i]!.id;
    }
    for (const user of this.dir.users) {
      this.dir.ownedDevices.set(user.id, NO_IDS);
      this.dir.registeredDevices.set(user.id, NO_IDS);
    }
    for (let k = 0; k < staff; k++) {
      if (owned[k] === NO_IDS) continue;
      const id = this.staff[k]!.id;
      this.dir.ownedDevices.set(id, owned[k]!);
      this.dir.registeredDevices.set(id, owned[k]!.slice());
    }
  }

  private device(i: number, os: DeviceOs, user: GraphObject | undefined, managed: boolean): void {
    const d = this.d;
    const id = guid(`${this.tid}/device/${i}`);
    const deviceId = guid(`${this.tid}/device/${i}/deviceId`);
    const hw = d.pick(HARDWARE[os]);
    const osVersion = d.pick(OS_VERSIONS[os]);
    let trustType: Trust;
    let company: boolean;
    if (os === "Windows") {
      trustType = d.weighted(this.hybrid ? TRUST_HYBRID : TRUST_CLOUD);
      company = trustType !== "Workplace";
    } else {
      trustType = "Workplace";
      company = d.chance(os === "iOS" ? 0.6 : os === "Android" ? 0.4 : 0.8);
    }
    if (!user) company = true;
    const given = (user?.givenName as string | undefined) ?? "Shared";
    const num = pad(i + 1, 5);
    let displayName: string;
    if (os === "Windows") {
      displayName = company
        ? `${this.deviceCode}-${hw.model.includes("OptiPlex") ? "D" : "L"}${num}`
        : `DESKTOP-${d.chars(7, "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789")}`;
    } else if (company) {
      displayName = `${this.deviceCode}-${os === "iOS" ? "I" : os === "Android" ? "A" : "M"}${num}`;
    } else {
      const kind =
        os === "iOS" ? (hw.model.startsWith("iPad") ? "iPad" : "iPhone") : os === "Android" ? (hw.manufacturer === "Google" ? "Pixel" : "Galaxy") : "MacBook";
      displayName = `${given}'s ${kind}`;
    }

    const userCreated = user ? parseDate(user.createdDateTime as string) : this.start;
    const registered = this.between(userCreated, this.asOf - 2 * DAY_MS);
    const stale = d.chance(0.05);
    const lastSignIn = stale ? max(registered, this.asOf - d.int(91, 400) * DAY_MS) : max(registered, this.asOf - d.next() * d.next() * 30 * DAY_MS);

    let compliance: string | null = null;
    if (managed) {
      compliance = d.weighted(trustType === "ServerAd" ? COMPLIANCE_COMANAGED : COMPLIANCE);
    }
    const enrollmentType = !managed
      ? null
      : os === "Windows"
        ? trustType === "ServerAd"
          ? "windowsCoManagement"
          : trustType === "AzureAd"
            ? "windowsAzureADJoin"
            : "windowsAutoEnrollment"
        : company && os !== "Android"
          ? "appleBulkWithUser"
          : "userEnrollment";

    const device: GraphObject = {
      "@odata.type": "#microsoft.graph.device",
      id,
      deletedDateTime: null,
      accountEnabled: !d.chance(0.02),
      alternativeSecurityIds: EMPTY,
      approximateLastSignInDateTime: iso(lastSignIn),
      complianceExpirationDateTime: null,
      deviceCategory: null,
      deviceId,
      deviceMetadata: null,
      deviceOwnership: company ? "Company" : "Personal",
      deviceVersion: 2,
      displayName: flat(displayName),
      enrollmentProfileName: null,
      enrollmentType,
      extensionAttributes: EXTENSION_ATTRIBUTES,
      isCompliant: managed ? compliance === "compliant" : null,
      isManaged: managed,
      isRooted: os === "Android" ? false : null,
      managementType: managed ? "MDM" : null,
      manufacturer: hw.manufacturer,
      mdmAppId: managed ? INTUNE_MDM_APP_ID : null,
      model: hw.model,
      onPremisesLastSyncDateTime: trustType === "ServerAd" ? iso(this.asOf - d.int(1, 40) * MINUTE_MS) : null,
      onPremisesSecurityIdentifier: trustType === "ServerAd" ? `S-1-5-21-${this.adDomainSid}-${20000 + i}` : null,
      onPremisesSyncEnabled: trustType === "ServerAd" ? true : null,
      operatingSystem: os,
      operatingSystemVersion: osVersion,
      physicalIds: EMPTY,
      profileType: "RegisteredDevice",
      registrationDateTime: iso(registered),
      systemLabels: EMPTY,
      trustType,
    };
    this.dir.devices.push(device);
    this.dir.byId.set(id, device);
    this.dir.registeredOwners.set(id, user ? [user.id] : NO_IDS);
    this.dir.registeredUsers.set(id, user ? [user.id] : NO_IDS);
    if (os === "Windows") this.windowsDeviceIds.push(id);
    if (managed && user) {
      this.managedEntraDeviceIds.push(id);
      this.managedDevice(this.dir.managedDevices.length, {
        os,
        osVersion,
        hw,
        company,
        user,
        deviceName: displayName,
        azureADDeviceId: deviceId,
        trustType,
        compliance: compliance!,
        enrolledFrom: registered,
        enrollmentType: enrollmentType!,
      });
    }
  }

  private orphanManagedDevice(i: number): void {
    const d = this.d;
    const os = d.weighted(ORPHAN_OS_MIX);
    const hw = d.pick(HARDWARE[os]);
    const user = this.staff.length > 0 ? this.staff[floor(d.next() * this.staff.length)] : undefined;
    if (!user) return;
    this.managedDevice(this.dir.managedDevices.length, {
      os,
      osVersion: d.pick(OS_VERSIONS[os]),
      hw,
      company: false,
      user,
      deviceName: os === "Windows" ? `DESKTOP-${d.chars(7, "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789")}` : `${user.givenName as string}'s ${hw.model}`,
      azureADDeviceId: ZERO_GUID,
      trustType: null,
      compliance: d.weighted(ORPHAN_COMPLIANCE),
      enrolledFrom: parseDate(user.createdDateTime as string),
      enrollmentType: "userEnrollment",
      orphanIndex: i,
    });
  }

  private managedDevice(
    n: number,
    p: {
      os: DeviceOs;
      osVersion: string;
      hw: { manufacturer: string; model: string; storageGb: number };
      company: boolean;
      user: GraphObject;
      deviceName: string;
      azureADDeviceId: string;
      trustType: string | null;
      compliance: string;
      enrolledFrom: number;
      enrollmentType: string;
      orphanIndex?: number;
    },
  ): void {
    const d = this.d;
    const id = guid(`${this.tid}/managedDevice/${n}`);
    const enrolled = this.between(p.enrolledFrom, this.asOf - DAY_MS);
    // Skewed towards recent syncs, as healthy fleets are, with a tail to 60 days.
    const lastSync = max(enrolled, this.asOf - d.next() * d.next() * 60 * DAY_MS);
    const upn = p.user.userPrincipalName as string;
    const alias = upn.slice(0, upn.indexOf("@"));
    const phone = p.os === "iOS" || p.os === "Android";
    const total = p.hw.storageGb * 1_000_000_000 - d.int(0, 20) * 1_000_000_000;
    const platformLabel = p.os === "Windows" ? "Windows" : p.os === "iOS" ? "iPhone" : p.os === "Android" ? "AndroidForWork" : "MacOS";
    const e = new Date(enrolled);
    const hour = e.getUTCHours();
    const stamp = `${e.getUTCMonth() + 1}/${e.getUTCDate()}/${e.getUTCFullYear()}_${hour % 12 || 12}:${pad(e.getUTCMinutes(), 2)} ${hour < 12 ? "AM" : "PM"}`;
    const serial =
      p.hw.manufacturer === "Apple"
        ? d.chars(10, "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789")
        : p.hw.manufacturer === "Dell Inc."
          ? d.chars(7, "BCDFGHJKLMNPQRSTVWXYZ0123456789")
          : `PF${d.chars(6, "0123456789ABCDEF")}`;
    const registeredInEntra = p.azureADDeviceId !== ZERO_GUID;

    const md: GraphObject = {
      "@odata.type": "#microsoft.graph.managedDevice",
      id,
      userId: p.user.id,
      deviceName: p.deviceName,
      managedDeviceOwnerType: p.company ? "company" : "personal",
      enrolledDateTime: iso(enrolled),
      lastSyncDateTime: iso(lastSync),
      operatingSystem: p.os,
      complianceState: p.compliance,
      jailBroken: phone ? (d.chance(0.005) ? "True" : "False") : "Unknown",
      managementAgent: p.trustType === "ServerAd" ? "configurationManagerClientMdm" : "mdm",
      osVersion: p.osVersion,
      easActivated: false,
      easDeviceId: "",
      easActivationDateTime: "0001-01-01T00:00:00Z",
      azureADRegistered: registeredInEntra,
      deviceEnrollmentType: p.enrollmentType,
      activationLockBypassCode: null,
      emailAddress: (p.user.mail as string | null) ?? "",
      azureADDeviceId: p.azureADDeviceId,
      deviceRegistrationState: registeredInEntra ? "registered" : "notRegistered",
      deviceCategoryDisplayName: "Unknown",
      isSupervised: p.os === "iOS" && p.company,
      exchangeLastSuccessfulSyncDateTime: "0001-01-01T00:00:00Z",
      exchangeAccessState: "none",
      exchangeAccessStateReason: "none",
      remoteAssistanceSessionUrl: null,
      remoteAssistanceSessionErrorDetails: null,
      isEncrypted: p.os === "iOS" || d.chance(0.9),
      userPrincipalName: upn,
      model: p.hw.model,
      manufacturer: p.hw.manufacturer,
      imei: phone && !p.hw.model.startsWith("iPad") ? flat(`35${d.digits(13)}`) : "",
      complianceGracePeriodExpirationDateTime: p.compliance === "inGracePeriod" ? iso(this.asOf + d.int(1, 3) * DAY_MS) : NEVER,
      serialNumber: serial,
      phoneNumber: "",
      androidSecurityPatchLevel: p.os === "Android" ? (ANDROID_PATCH[p.osVersion] ?? "") : "",
      userDisplayName: p.user.displayName as string,
      configurationManagerClientEnabledFeatures: null,
      wiFiMacAddress: d.chars(12, "0123456789abcdef"),
      deviceHealthAttestationState: null,
      subscriberCarrier: "",
      meid: "",
      totalStorageSpaceInBytes: total,
      freeStorageSpaceInBytes: floor(total * (0.1 + 0.7 * d.next())),
      managedDeviceName: flat(`${alias}_${platformLabel}_${stamp}`),
      partnerReportedThreatState: "unknown",
      deviceActionResults: EMPTY,
    };
    this.dir.managedDevices.push(md);
  }

  // --- groups ----------------------------------------------------------------------------------

  private groups(): void {
    const total = this.customer.sizes.groups;
    const add = (spec: GroupSpec): string | undefined => (this.dir.groups.length < total ? this.group(spec) : undefined);
    const ceo = this.ceoId ? [this.ceoId] : [];
    const staffIds = this.staff.map((u) => u.id);

    add({
      name: "All Company",
      description: "Everyone at the company",
      kind: "m365",
      visibility: "Public",
      nick: "allcompany",
      members: staffIds,
      owners: ceo,
    });
    add({
      name: "Sales (dynamic)",
      description: "Users whose department is Sales",
      kind: "dynamic",
      nick: "sales-dynamic",
      rule: 'user.department -eq "Sales"',
      members: this.staff.filter((u) => u.department === "Sales").map((u) => u.id),
      owners: [],
    });
    add({
      name: "All Windows Devices",
      description: "Windows devices, for Intune policy targeting",
      kind: "dynamic",
      nick: "windows-devices",
      rule: '(device.deviceOSType -eq "Windows")',
      members: this.windowsDeviceIds,
      owners: [],
    });
    const allStaff = add({
      name: "SG-All Staff",
      description: "All department security groups",
      kind: "security",
      nick: "sg-allstaff",
      members: [],
      owners: this.itIds.slice(0, 1),
    });
    DEPARTMENTS.forEach((dept, i) => {
      const id = add({
        name: `SG-${dept.name}`,
        description: `${dept.name} department`,
        kind: "security",
        nick: `sg-${aliasOf(dept.name)}`,
        members: this.deptStaff[i]!,
        owners: [],
      });
      if (id && allStaff) this.addMember(allStaff, id);
    });
    add({
      name: "Privileged Admins",
      description: "Eligible for Entra admin roles through PIM",
      kind: "roleAssignable",
      nick: "privileged-admins",
      members: [...ceo, ...this.itIds.slice(0, 2)],
      owners: ceo,
    });
    add({
      name: "External Collaborators",
      description: "Guests working with us",
      kind: "security",
      nick: "external-collaborators",
      members: this.guestIds,
      owners: this.itIds.slice(0, 1),
    });
    add({
      name: "Intune Pilot Devices",
      description: "Devices that get Intune policy changes first",
      kind: "security",
      nick: "intune-pilot",
      members: this.managedEntraDeviceIds.slice(0, 10),
      owners: this.itIds.slice(0, 1),
    });
    DEPARTMENTS.forEach((dept, i) => {
      const members = this.deptStaff[i]!;
      add({
        name: `${dept.name} Team`,
        description: `Collaboration space for ${dept.name}`,
        kind: "m365",
        visibility: "Private",
        team: true,
        nick: `${aliasOf(dept.name)}team`,
        members,
        owners: members.slice(0, 1),
      });
    });
    add({
      name: "Company Announcements",
      description: "Distribution list for company news",
      kind: "distribution",
      nick: "announcements",
      members: staffIds.slice(0, min(staffIds.length, 50)),
      owners: ceo,
    });
    add({
      name: "IT Alerts",
      description: "Mail-enabled security group for monitoring alerts",
      kind: "mailSecurity",
      nick: "it-alerts",
      members: this.itIds,
      owners: this.itIds.slice(0, 1),
    });

    const firstProject = this.dir.groups.length;
    const d = this.d;
    const staff = this.staff.length;
    while (this.dir.groups.length < total) {
      const j = this.dir.groups.length - firstProject;
      const word = PROJECT_WORDS[j % PROJECT_WORDS.length]!;
      const topic = GROUP_TOPICS[floor(j / PROJECT_WORDS.length) % GROUP_TOPICS.length]!;
      const round = floor(j / (PROJECT_WORDS.length * GROUP_TOPICS.length));
      const name = `${word} ${topic}${round > 0 ? ` ${round + 1}` : ""}`;
      const kind = d.weighted(GROUP_KIND_MIX);
      const size = staff === 0 ? 0 : d.int(min(3, staff), min(25, staff));
      const members = new SetOf<string>();
      for (let m = 0; m < size; m++) members.add(this.staff[floor(d.next() * staff)]!.id);
      if (kind === "security" && d.chance(0.1)) {
        for (let m = 0; m < 3 && this.dir.devices.length > 0; m++) members.add(this.dir.devices[floor(d.next() * this.dir.devices.length)]!.id);
      }
      // Nest an earlier project group: earlier-only keeps the membership graph acyclic.
      if (j > 0 && d.chance(0.15)) members.add(this.dir.groups[firstProject + floor(d.next() * j)]!.id);
      const owners = staff === 0 ? [] : kind === "m365" || d.chance(0.5) ? [this.staff[floor(d.next() * staff)]!.id] : [];
      this.group({
        name,
        description: kind === "distribution" ? `${name} mailing list` : `${name} members`,
        kind,
        visibility: kind === "m365" ? (d.chance(0.6) ? "Private" : "Public") : undefined,
        team: kind === "m365" && d.chance(0.5),
        nick: `${aliasOf(name)}${j}`,
        members: [...members],
        owners,
      });
    }
  }

  private addMember(groupId: string, memberId: string): void {
    this.dir.members.get(groupId)!.push(memberId);
  }

  /** memberOf is the inverse of members, built once all groups exist, in exact-size arrays. */
  private memberships(): void {
    const index = new Map<string, number>();
    const ids: string[] = [];
    for (const id of this.dir.byId.keys()) {
      index.set(id, ids.length);
      ids.push(id);
    }
    const counts = new Int32Array(ids.length);
    const groups = this.dir.groups;
    const memberIndexes: Int32Array[] = new ArrayOf(groups.length);
    for (let g = 0; g < groups.length; g++) {
      const members = this.dir.members.get(groups[g]!.id)!;
      const idx = new Int32Array(members.length);
      for (let i = 0; i < members.length; i++) counts[(idx[i] = index.get(members[i]!)!)]!++;
      memberIndexes[g] = idx;
    }
    const lists: string[][] = new ArrayOf(ids.length);
    for (let i = 0; i < ids.length; i++) lists[i] = counts[i]! > 0 ? new ArrayOf<string>(counts[i]!) : NO_IDS;
    // Filled from the last slot and the last group, so each list ends up in group order.
    for (let g = groups.length - 1; g >= 0; g--) {
      const gid = groups[g]!.id;
      for (const m of memberIndexes[g]!) lists[m]![--counts[m]!] = gid;
    }
    for (let i = 0; i < ids.length; i++) this.dir.memberOf.set(ids[i]!, lists[i]!);
  }

  private group(spec: GroupSpec): string {
    const d = this.d;
    const n = this.dir.groups.length;
    const id = guid(`${this.tid}/group/${n}`);
    const created = this.between(this.start, this.asOf - DAY_MS);
    const unified = spec.kind === "m365";
    const mailEnabled = unified || spec.kind === "distribution" || spec.kind === "mailSecurity";
    const securityEnabled = spec.kind !== "m365" && spec.kind !== "distribution";
    const mail = mailEnabled ? flat(`${spec.nick}@${this.defaultDomain}`) : null;
    const synced = this.hybrid && spec.kind === "security" && spec.nick.startsWith("sg-");
    const group: GraphObject = {
      "@odata.type": "#microsoft.graph.group",
      id,
      deletedDateTime: null,
      classification: null,
      createdDateTime: iso(created),
      creationOptions: EMPTY,
      description: spec.description,
      displayName: spec.name,
      expirationDateTime: null,
      groupTypes: unified ? UNIFIED : spec.kind === "dynamic" ? DYNAMIC : EMPTY,
      isAssignableToRole: spec.kind === "roleAssignable" ? true : null,
      mail,
      mailEnabled,
      mailNickname: spec.nick,
      membershipRule: spec.rule ?? null,
      membershipRuleProcessingState: spec.kind === "dynamic" ? "On" : null,
      onPremisesDomainName: synced ? this.adDomain : null,
      onPremisesLastSyncDateTime: synced ? iso(this.asOf - d.int(1, 40) * MINUTE_MS) : null,
      onPremisesNetBiosName: synced ? this.adDomain.split(".")[0]!.toUpperCase().slice(0, 15) : null,
      onPremisesSamAccountName: synced ? spec.nick : null,
      onPremisesSecurityIdentifier: synced ? `S-1-5-21-${this.adDomainSid}-${5000 + n}` : null,
      onPremisesSyncEnabled: synced ? true : null,
      preferredDataLocation: null,
      preferredLanguage: null,
      proxyAddresses: mail ? [flat(`SMTP:${mail}`)] : EMPTY,
      renewedDateTime: iso(created),
      resourceBehaviorOptions: EMPTY,
      resourceProvisioningOptions: unified && spec.team ? TEAM : EMPTY,
      securityEnabled,
      securityIdentifier: cloudSid(id),
      theme: null,
      visibility: unified ? (spec.visibility ?? "Private") : null,
    };
    this.dir.groups.push(group);
    this.dir.byId.set(id, group);
    this.dir.members.set(id, spec.members.slice());
    this.dir.owners.set(id, spec.owners.length > 0 ? spec.owners.slice() : NO_IDS);
    return id;
  }
}

interface GroupSpec {
  name: string;
  description: string;
  kind: "m365" | "security" | "dynamic" | "distribution" | "mailSecurity" | "roleAssignable";
  nick: string;
  visibility?: "Public" | "Private";
  team?: boolean;
  rule?: string;
  members: readonly string[];
  owners: readonly string[];
}
