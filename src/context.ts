import type { Caller } from "./auth/caller";
import type { RequestData } from "./loaders/requestData";
import type { CursorCodec } from "./resolvers/shared/cursor";

/** What every resolver gets: who is calling, and the per-request Graph data. No tokens, no HTTP. */
export interface RequestContext {
  caller: Caller;
  data: RequestData;
  cursors: CursorCodec;
}
