/**
 * The list arguments the loaders' verbs take: plain typed conditions, compiled into Graph's query
 * language below the loaders (src/graph/filters), never above them.
 */
export type { UserConditions, UserQuery } from "../graph/filters/userFilter";
export type { GroupConditions, GroupQuery } from "../graph/filters/groupFilter";
export type { DeviceConditions, DeviceQuery } from "../graph/filters/deviceFilter";
export type { ManagedDeviceConditions, ManagedDeviceQuery } from "../graph/filters/managedDeviceFilter";
export { NO_RANGE_FILTER } from "../graph/filters/managedDeviceFilter";
export type { GraphObject } from "../graph/tenantGraph";
