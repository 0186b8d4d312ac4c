import type { GraphQLResolveInfo } from "graphql";
import { createUnionType, Field, ID, ObjectType } from "type-graphql";
import type { GraphObject } from "../../loaders/queries";
import { Device, DEVICE_PROPERTIES, toDevice } from "../device/device.type";
import { Group, GROUP_PROPERTIES, toGroup } from "../group/group.type";
import { graphSelect, selectedFields } from "../shared/selection";
import { toUser, User, USER_PROPERTIES } from "../user/user.type";

/**
 * A member, owner or group membership of another kind than user, group or device (directory role,
 * service principal, organisational contact…). Kept in lists rather than dropped, so that a page
 * holds what Graph's page holds and counts agree.
 */
@ObjectType({ description: "A directory object of a kind this API does not model (directory role, service principal, contact…)." })
export class OtherDirectoryObject {
  @Field(() => ID, { description: "Customer tenant id." })
  tenantId!: string;

  @Field(() => ID, { description: "Object id in the customer tenant." })
  id!: string;

  @Field(() => String, { description: "Graph's @odata.type, e.g. #microsoft.graph.directoryRole." })
  odataType!: string;

  @Field(() => String, { nullable: true, description: "The object's displayName, when it has one." })
  displayName?: string | null;
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  "#microsoft.graph.user": "User",
  "#microsoft.graph.group": "Group",
  "#microsoft.graph.device": "Device",
};

/** The key under which a mapped object remembers Graph's @odata.type (its own fields never use it). */
const ODATA_TYPE = "@odata.type";

/**
 * Entries of Graph's mixed directory-object collections (memberOf, members, owners…). Every item
 * carries `@odata.type`, and resolveType reads it: the mapped objects are plain data, not known by class.
 */
export const DirectoryObject = createUnionType({
  name: "DirectoryObject",
  description: "A user, group or device (or another directory object) of a customer tenant.",
  types: () => [User, Group, Device, OtherDirectoryObject] as const,
  resolveType: (value) => TYPE_NAMES[String((value as unknown as Record<string, unknown>)[ODATA_TYPE])] ?? "OtherDirectoryObject",
});

export type DirectoryObjectValue = User | Group | Device | OtherDirectoryObject;

export function toDirectoryObject(tenantId: string, o: GraphObject): DirectoryObjectValue {
  const type = String(o[ODATA_TYPE] ?? "");
  switch (TYPE_NAMES[type]) {
    case "User":
      return toUser(tenantId, o);
    case "Group":
      return toGroup(tenantId, o);
    case "Device":
      return toDevice(tenantId, o);
    default:
      return Object.assign(new OtherDirectoryObject(), {
        [ODATA_TYPE]: type,
        tenantId,
        id: o.id,
        odataType: type || "#microsoft.graph.directoryObject",
        displayName: typeof o.displayName === "string" ? o.displayName : null,
      });
  }
}

/**
 * `$select` for a mixed collection: the union of what is selected on each member type, through
 * fragments on the union and on the types (Graph accepts any member type's property there).
 */
export function directoryObjectSelect(info: GraphQLResolveInfo, path: readonly string[][] = [["nodes"], ["edges", "node"]]): string[] {
  const props = new Set<string>();
  const add = (typeName: string, map: Readonly<Record<string, readonly string[]>>) =>
    graphSelect(selectedFields(info, typeName, path), map).forEach((p) => props.add(p));
  add("User", USER_PROPERTIES);
  add("Group", GROUP_PROPERTIES);
  add("Device", DEVICE_PROPERTIES);
  add("OtherDirectoryObject", { displayName: ["displayName"] });
  return [...props].sort();
}
