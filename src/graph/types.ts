/** One Graph call, relative to the version root (`/users?$select=id`), with query values already encoded. */
export interface GraphRequest {
  method: "GET" | "POST";
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** A POST that only reads (getByIds) may be re-sent after a transient failure, like a GET. */
  idempotent?: boolean;
  /**
   * The request carries the client's own free text (a `$search` it typed), so a 400 from Graph is the
   * client's to fix: BAD_USER_INPUT. Without it, a 400 means our code built a request Graph rejects.
   */
  clientInput?: boolean;
}

export interface GraphResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** Graph's error object (`{ error: { code, message, innerError } }`) of a failed answer; empty when the body has none. */
export interface GraphErrorBody {
  code?: unknown;
  message?: unknown;
  innerError?: Record<string, unknown>;
}

export function graphErrorOf(res: GraphResponse): GraphErrorBody {
  const error = (res.body as { error?: unknown } | null | undefined)?.error;
  return typeof error === "object" && error !== null ? (error as GraphErrorBody) : {};
}

/** The Graph collection page shape. */
export interface GraphPage<T = Record<string, unknown>> {
  value: T[];
  "@odata.nextLink"?: string;
  "@odata.count"?: number;
}

/** Stable identity of a request, for DataLoader dedup within one tenant and one operation. */
export function requestKey(r: GraphRequest): string {
  const headers = r.headers
    ? Object.entries(r.headers)
        .sort()
        .map(([k, v]) => `${k.toLowerCase()}:${v}`)
        .join(";")
    : "";
  return `${r.method} ${r.url} ${headers} ${r.body === undefined ? "" : JSON.stringify(r.body)}`;
}
