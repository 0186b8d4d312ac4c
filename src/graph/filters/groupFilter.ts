import { directoryQuery, FilterBuilder, orderClause, searchClause, type CompiledQuery, type SortOrder } from "./odataFilter";

/** The typed conditions on groups a client may send (the schema's GroupFilter). */
export interface GroupConditions {
  kind?: "MICROSOFT_365" | "SECURITY" | "MAIL_ENABLED_SECURITY" | "DISTRIBUTION" | null;
  dynamic?: boolean | null;
  displayNameStartsWith?: string | null;
  mailStartsWith?: string | null;
  mailEnabled?: boolean | null;
  securityEnabled?: boolean | null;
  isAssignableToRole?: boolean | null;
  onPremisesSynced?: boolean | null;
  createdAfter?: Date | null;
  createdBefore?: Date | null;
}

export interface GroupQuery {
  filter?: GroupConditions | null;
  search?: string | null;
  orderBy?: SortOrder<string> | null;
}

/** Compiles the typed arguments into OData; only displayName sorts without advanced queries. */
export function compileGroupQuery(args: GroupQuery): CompiledQuery {
  const f = new FilterBuilder();
  const g = args.filter ?? {};
  switch (g.kind ?? undefined) {
    case "MICROSOFT_365":
      f.any("groupTypes", "Unified");
      break;
    case "SECURITY":
      f.eq("securityEnabled", true).eq("mailEnabled", false);
      break;
    case "MAIL_ENABLED_SECURITY":
      f.eq("securityEnabled", true).eq("mailEnabled", true);
      break;
    case "DISTRIBUTION":
      // Microsoft 365 groups are mail-enabled and not security-enabled too: exclude them explicitly.
      f.eq("mailEnabled", true).eq("securityEnabled", false).any("groupTypes", "Unified", true);
      break;
  }
  if (g.dynamic === true) f.any("groupTypes", "DynamicMembership");
  if (g.dynamic === false) f.any("groupTypes", "DynamicMembership", true);
  f.startsWith("displayName", g.displayNameStartsWith, "filter.displayNameStartsWith");
  f.startsWith("mail", g.mailStartsWith, "filter.mailStartsWith");
  if (g.mailEnabled !== undefined && g.mailEnabled !== null) f.eq("mailEnabled", g.mailEnabled);
  if (g.securityEnabled !== undefined && g.securityEnabled !== null) f.eq("securityEnabled", g.securityEnabled);
  if (g.isAssignableToRole !== undefined && g.isAssignableToRole !== null) f.eq("isAssignableToRole", g.isAssignableToRole);
  // Cloud-only groups have onPremisesSyncEnabled null, not false: "not synced" is `ne true`.
  if (g.onPremisesSynced === true) f.eq("onPremisesSyncEnabled", true);
  if (g.onPremisesSynced === false) f.ne("onPremisesSyncEnabled", true);
  f.range("createdDateTime", g.createdAfter, g.createdBefore);
  const order = args.orderBy
    ? { clause: orderClause(args.orderBy.field, args.orderBy.direction === "DESC"), advanced: args.orderBy.field !== "displayName" }
    : undefined;
  return directoryQuery({ filter: f, search: searchClause(args.search, ["displayName", "description", "mail"]), orderBy: order });
}
