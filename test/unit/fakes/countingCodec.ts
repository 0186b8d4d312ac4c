import { CursorCodec } from "../../../src/loaders/cursor";

/** The real codec, counting the cursors it signs. */
export class CountingCodec extends CursorCodec {
  signed = 0;

  override encode(...args: Parameters<CursorCodec["encode"]>): string {
    this.signed += 1;
    return super.encode(...args);
  }
}
