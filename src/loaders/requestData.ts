/*
 * TRANSITIONAL — delete at integration. Keeps today's server.ts (`new RequestData(caller, access, graph,
 * pinnedTenantId?)`, `new CursorCodec(secret)` from resolvers/shared/cursor) compiling until context.ts
 * calls `createRequestLoaders(caller, access, settings, cursors, pinnedTenantId?)` of src/requestScope.ts.
 * The codec reaches the loaders through `serverCursors` only because server.ts cannot be edited here.
 */
import type { Caller } from "../auth/caller";
import type { TenantAccess } from "../auth/tokenSource";
import { loaderOptions, requestGraphs, type RequestSettings } from "../requestScope";
import type { CursorCodec } from "./cursor";
import { RequestLoaders } from "./requestLoaders";

export type GraphSettings = RequestSettings;

let serverCursors: CursorCodec | undefined;

/** Called by the transitional CursorCodec of resolvers/shared/cursor.ts, which server.ts constructs. */
export function useCursors(codec: CursorCodec): void {
  serverCursors = codec;
}

export class RequestData extends RequestLoaders {
  constructor(caller: Caller, access: TenantAccess, settings: RequestSettings, pinnedTenantId?: string) {
    if (!serverCursors) throw new Error("No CursorCodec was constructed before the request's loaders.");
    super(requestGraphs(caller, access, settings), serverCursors, loaderOptions(caller, settings, pinnedTenantId));
  }
}
