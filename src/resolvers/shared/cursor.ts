/* TRANSITIONAL — delete at integration: server.ts and context.ts import CursorCodec from here; it is src/loaders/cursor.ts's. */
import { CursorCodec as LoaderCursorCodec } from "../../loaders/cursor";
import { useCursors } from "../../loaders/requestData";

export class CursorCodec extends LoaderCursorCodec {
  constructor(secret: Buffer) {
    super(secret);
    useCursors(this);
  }
}
