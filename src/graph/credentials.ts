import type { TokenReporter } from "./observer";
import type { DataKind, Workload } from "./resilience";

/**
 * Where the Graph adapter gets a bearer token for one tenant. Implemented in src/auth; nothing else
 * holds a token.
 */
export interface TokenSource {
  readonly tenantId: string;
  /** `report`, when given, hears how this token was had (cache, token request) for the operation asking. */
  getToken(report?: TokenReporter): Promise<string>;
  /**
   * Forget any cached token of this tenant so the next getToken acquires a new one (Microsoft: a
   * token acquired before a new customer's relationship propagated never gains the permissions).
   * At most once per renewal interval (60 s) unless `force` (a customer still propagating).
   */
  renew(force?: boolean): void;
}

/** A 401/403 of a tenant, with what it was denied: the workload (for GDAP roles) and the kind of data (for app permissions). */
export interface GraphDenial {
  tenantId: string;
  status: 401 | 403;
  workload: Workload;
  dataKind: DataKind;
  requestId?: string;
  graphCode?: string;
}

/**
 * What the Graph layer needs from src/auth for one tenant: its tokens, and — for a customer tenant —
 * what a denial means for this caller (new customer, missing role, missing consent). Without
 * `explainDenial`, a denial gets the generic translation.
 */
export interface TenantCredentials {
  tokens(): Promise<TokenSource>;
  explainDenial?(denial: GraphDenial): Error;
}
