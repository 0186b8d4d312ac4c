import type { GraphTransport } from "../../../src/graph/graphTransport";
import type { GraphRequest, GraphResponse } from "../../../src/graph/types";

/**
 * The bottom of the Graph adapter in unit tests: records each tick's requests as one batch (what the
 * SDK transport would send as one call or `$batch`es) and answers each from `answer`.
 */
export class FakeTransport implements GraphTransport {
  readonly batches: GraphRequest[][] = [];

  constructor(private readonly answer: (req: GraphRequest) => Partial<GraphResponse> = () => ({ body: { value: [] } })) {}

  /** Every request sent, in order. */
  get requests(): GraphRequest[] {
    return this.batches.flat();
  }

  async execute(requests: readonly GraphRequest[]): Promise<GraphResponse[]> {
    this.batches.push([...requests]);
    return requests.map((req) => ({ status: 200, headers: {}, body: undefined, ...this.answer(req) }));
  }
}

export const ok = (body: unknown): Partial<GraphResponse> => ({ status: 200, body });
export const failed = (status: number, code = "", headers: Record<string, string> = {}, message?: string): Partial<GraphResponse> => ({
  status,
  headers: { "request-id": "r-1", ...headers },
  body: { error: { code, message } },
});
