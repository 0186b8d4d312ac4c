import type { GraphQLError } from "graphql";
import type { Caller } from "./auth/caller";
import type { SignInRouter } from "./auth/signInRouting";
import type { RequestData } from "./loaders/requestData";
import type { CursorCodec } from "./resolvers/shared/cursor";

export interface PartnerTenantInfo {
  region: string;
  tenantId: string;
  displayName: string | null;
  appId: string;
}

/** What every resolver gets: who is calling, and the per-request Graph data. No tokens, no HTTP. */
export interface RequestContext {
  caller: Caller;
  data: RequestData;
  cursors: CursorCodec;
  /** The configured regional partner tenants (public facts: ids and app client ids, no secrets). */
  partners: PartnerTenantInfo[];
  signInRouting: SignInRouter;
  demo: boolean;
  /** Errors reported beside returned data (see partialErrorsPlugin). */
  partialErrors: GraphQLError[];
}
