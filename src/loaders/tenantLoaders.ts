import { answerCodeOf } from "../errors";
import { compileDeviceQuery, type DeviceQuery } from "../graph/filters/deviceFilter";
import { compileGroupQuery, type GroupQuery } from "../graph/filters/groupFilter";
import { compileManagedDeviceQuery, type ManagedDeviceQuery } from "../graph/filters/managedDeviceFilter";
import type { CompiledQuery } from "../graph/filters/odataFilter";
import { compileUserQuery, type UserQuery } from "../graph/filters/userFilter";
import type { Collection, GraphObject, ListSource, TenantGraph } from "../graph/tenantGraph";
import type { CursorCodec } from "./cursor";
import { byIdsLoader, perIdLoader, valueLoader, type ObjectLoader } from "./objectLoaders";
import { graphPage, type Page, type PageRequest, type Wanted } from "./paging";

/** The kinds of customer data, each with its own Graph permission and GDAP roles. */
export type WorkloadName = "organization" | "users" | "groups" | "devices" | "managedDevices";

/** Whether the caller can read one kind of the tenant's data now, from the cheapest read of it. */
export type WorkloadProbe =
  | { workload: WorkloadName; state: "ready" }
  | { workload: WorkloadName; state: "propagating" | "denied"; code: string; retryAfter?: number; requiredPermissions?: string[]; requiredRoles?: string[] };

/** A collection's verbs: one object by id (null when there is none), and Relay pages of its list. */
export class CollectionLoaders<Q> {
  private idsLoader?: ObjectLoader;

  constructor(
    private readonly tenant: TenantLoaders,
    private readonly kind: Collection,
    private readonly compile: (query: Q) => CompiledQuery,
    private readonly makeIds: () => ObjectLoader,
  ) {}

  /** The by-id loader, made on first use. */
  protected get ids(): ObjectLoader {
    return (this.idsLoader ??= this.makeIds());
  }

  /** One `GET {collection}/{id}` per id (those of one tick go 20 to a `$batch`). */
  byId(id: string, select: readonly string[]): Promise<GraphObject | null> {
    return this.ids.load({ id, select });
  }

  /** Compiled first: bad arguments fail (a rejection) before any Graph call. */
  list(query: Q & Wanted, page: PageRequest): Promise<Page<GraphObject>> {
    return compiledThen(
      () => this.compile(query),
      (where) => this.tenant.page({ kind: this.kind }, where, query, page),
    );
  }
}

/**
 * Users and groups are also looked up as a set (federation references, a page of devices' primary
 * users): the ids of one tick cost one `directoryObjects/getByIds` call when the selection allows.
 */
export class DirectoryObjectLoaders<Q> extends CollectionLoaders<Q> {
  private setLoader?: ObjectLoader;
  private readonly type: "user" | "group";

  constructor(
    tenant: TenantLoaders,
    kind: "users" | "groups",
    compile: (query: Q) => CompiledQuery,
    private readonly graph: () => Promise<TenantGraph>,
  ) {
    super(tenant, kind, compile, () => perIdLoader(graph, kind));
    this.type = kind === "users" ? "user" : "group";
  }

  /** By id, among the other ids asked for in this tick: getByIds when more than one and the selection allows, else `byId`. */
  byIdInSet(id: string, select: readonly string[]): Promise<GraphObject | null> {
    return (this.setLoader ??= byIdsLoader(this.graph, this.type, this.ids)).load({ id, select });
  }
}

/** Entra devices, also found by their deviceId (the join from an Intune record). */
export class DeviceLoaders extends CollectionLoaders<DeviceQuery> {
  private byDeviceIdLoader?: ObjectLoader;

  constructor(
    tenant: TenantLoaders,
    private readonly graph: () => Promise<TenantGraph>,
  ) {
    super(tenant, "devices", compileDeviceQuery, () => perIdLoader(graph, "devices"));
  }

  byDeviceId(deviceId: string, select: readonly string[]): Promise<GraphObject | null> {
    return (this.byDeviceIdLoader ??= valueLoader(this.graph, "devices", "deviceId")).load({ id: deviceId, select });
  }
}

/** Intune managed devices, also found by their azureADDeviceId (the join from an Entra device). */
export class ManagedDeviceLoaders extends CollectionLoaders<ManagedDeviceQuery> {
  private byAzureADDeviceIdLoader?: ObjectLoader;

  constructor(
    tenant: TenantLoaders,
    private readonly graph: () => Promise<TenantGraph>,
  ) {
    super(tenant, "managedDevices", compileManagedDeviceQuery, () => perIdLoader(graph, "managedDevices"));
  }

  byAzureADDeviceId(deviceId: string, select: readonly string[]): Promise<GraphObject | null> {
    return (this.byAzureADDeviceIdLoader ??= valueLoader(this.graph, "managedDevices", "azureADDeviceId")).load({ id: deviceId, select });
  }
}

/**
 * The loaders of one tenant for one operation: its directory and Intune data by domain verb. Built on
 * the tenant's TenantGraph (obtained on first use, after the customer directory has admitted the
 * tenant), whose request loader turns what these issue in one tick into one `$batch` wave.
 */
export class TenantLoaders {
  /** Each kind's loaders, made on first use: an operation over 1,000 customers reads one or two kinds of each. */
  private made: {
    users?: DirectoryObjectLoaders<UserQuery>;
    groups?: DirectoryObjectLoaders<GroupQuery>;
    devices?: DeviceLoaders;
    managedDevices?: ManagedDeviceLoaders;
    links?: UserGroupDeviceLinks;
  } = {};

  readonly organization: { get(select: readonly string[]): Promise<GraphObject | null> } = {
    get: async (select) => organizationOf(await this.graph(), select),
  };

  constructor(
    readonly tenantId: string,
    private readonly graph: () => Promise<TenantGraph>,
    private readonly cursors: CursorCodec,
  ) {}

  get users(): DirectoryObjectLoaders<UserQuery> {
    return (this.made.users ??= new DirectoryObjectLoaders(this, "users", compileUserQuery, this.graph));
  }

  get groups(): DirectoryObjectLoaders<GroupQuery> {
    return (this.made.groups ??= new DirectoryObjectLoaders(this, "groups", compileGroupQuery, this.graph));
  }

  get devices(): DeviceLoaders {
    return (this.made.devices ??= new DeviceLoaders(this, this.graph));
  }

  get managedDevices(): ManagedDeviceLoaders {
    return (this.made.managedDevices ??= new ManagedDeviceLoaders(this, this.graph));
  }

  get links(): UserGroupDeviceLinks {
    return (this.made.links ??= new UserGroupDeviceLinks(this, this.graph));
  }

  /** Resolves when the caller can reach this tenant (a customer the directory lists); FORBIDDEN otherwise. */
  async reachable(): Promise<void> {
    await this.graph();
  }

  /** A Relay page of a list of this tenant; the page request is checked before anything is read. */
  async page(source: ListSource, where: Partial<CompiledQuery>, wanted: Wanted, request: PageRequest): Promise<Page<GraphObject>> {
    const read = graphPage(this.tenantId, source, where, wanted, request, this.cursors);
    return read(await this.graph());
  }

  /** The cheapest read of each workload (one object's id), asked together: one `$batch`. */
  async readiness(): Promise<WorkloadProbe[]> {
    const graph = await this.graph();
    const one = (kind: Collection) => graph.list({ kind }, { select: ["id"] }, { top: 1 });
    const probes: Array<[WorkloadName, Promise<unknown>]> = [
      ["organization", organizationOf(graph, ["id"])],
      ["users", one("users")],
      ["groups", one("groups")],
      ["devices", one("devices")],
      ["managedDevices", one("managedDevices")],
    ];
    return Promise.all(
      probes.map(([workload, probe]) =>
        probe.then(
          (): WorkloadProbe => ({ workload, state: "ready" }),
          (err: unknown) => denied(workload, err),
        ),
      ),
    );
  }
}

/**
 * `read` of the compiled conditions, a compile error becoming the rejection it was when these verbs
 * were async functions; without one more async frame per list (a 1,000-customer operation holds
 * thousands of pending lists at once).
 */
function compiledThen<T>(compile: () => CompiledQuery, read: (where: CompiledQuery) => Promise<T>): Promise<T> {
  let where: CompiledQuery;
  try {
    where = compile();
  } catch (err) {
    return Promise.reject(err);
  }
  return read(where);
}

/** GET /organization is a collection of exactly one item. */
async function organizationOf(graph: TenantGraph, select: readonly string[]): Promise<GraphObject | null> {
  return (await graph.list({ kind: "organization" }, { select: [...select] }, {})).items[0] ?? null;
}

/** A typed failure is this workload's state; anything else is a defect and fails the caller. */
function denied(workload: WorkloadName, err: unknown): WorkloadProbe {
  const code = answerCodeOf(err);
  if (code === undefined) throw err;
  const ext = (err as { extensions: { retryAfter?: unknown; requiredPermissions?: string[]; requiredRoles?: string[] } }).extensions;
  return {
    workload,
    state: code === "CUSTOMER_NOT_READY" ? "propagating" : "denied",
    code,
    retryAfter: typeof ext.retryAfter === "number" ? ext.retryAfter : undefined,
    requiredPermissions: ext.requiredPermissions,
    requiredRoles: ext.requiredRoles,
  };
}

/**
 * The navigations of users, groups and devices. Each is one Graph list per parent; the tenant's
 * request loader puts the calls of all parents on a page into the same `$batch` wave (20 to a batch).
 * Device navigations are directory-object collections holding devices: no OData cast (on the directory
 * a cast is an advanced query, and these lists hold nothing but devices anyway).
 */
export class UserGroupDeviceLinks {
  constructor(
    private readonly tenant: TenantLoaders,
    private readonly graph: () => Promise<TenantGraph>,
  ) {}

  memberOf(userId: string, wanted: Wanted, page: PageRequest) {
    return this.tenant.page({ kind: "userLinks", userId, link: "memberOf" }, {}, wanted, page);
  }

  transitiveMemberOf(userId: string, wanted: Wanted, page: PageRequest) {
    return this.tenant.page({ kind: "userLinks", userId, link: "transitiveMemberOf" }, {}, wanted, page);
  }

  registeredDevices(userId: string, wanted: Wanted, page: PageRequest) {
    return this.tenant.page({ kind: "userLinks", userId, link: "registeredDevices" }, {}, wanted, page);
  }

  ownedDevices(userId: string, wanted: Wanted, page: PageRequest) {
    return this.tenant.page({ kind: "userLinks", userId, link: "ownedDevices" }, {}, wanted, page);
  }

  /** Intune devices whose primary user this is. */
  managedDevices(userId: string, query: ManagedDeviceQuery & Wanted, page: PageRequest) {
    return compiledThen(
      () => compileManagedDeviceQuery(query),
      (where) => this.tenant.page({ kind: "userLinks", userId, link: "managedDevices" }, where, query, page),
    );
  }

  /** The user's manager; null when none is set (Graph: 404). */
  async manager(userId: string, select: readonly string[]): Promise<GraphObject | null> {
    const found = await (await this.graph()).get({ kind: "manager", userId }, select);
    return found && typeof found.id === "string" ? found : null;
  }

  members(groupId: string, wanted: Wanted, page: PageRequest) {
    return this.tenant.page({ kind: "groupLinks", groupId, link: "members" }, {}, wanted, page);
  }

  owners(groupId: string, wanted: Wanted, page: PageRequest) {
    return this.tenant.page({ kind: "groupLinks", groupId, link: "owners" }, {}, wanted, page);
  }

  registeredOwners(deviceId: string, wanted: Wanted, page: PageRequest) {
    return this.tenant.page({ kind: "deviceLinks", deviceId, link: "registeredOwners" }, {}, wanted, page);
  }
}
