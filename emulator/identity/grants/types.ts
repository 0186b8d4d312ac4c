import type { EmulatorContext } from "../../context";
import type { PartnerApp, PartnerTenant } from "../../data/model";
import type { EmuRequest } from "../../http";
import type { TenantSegment } from "../tenants";

/** What every grant handler receives from the token endpoint. */
export interface GrantContext {
  ctx: EmulatorContext;
  req: EmuRequest;
  form: URLSearchParams;
  /** The `{tenant}` path segment as sent, and what it resolved to. */
  segmentName: string;
  tenant: TenantSegment;
  clientId: string;
  /** The app named by client_id (a partner-managed app of some region). */
  client: { partner: PartnerTenant; app: PartnerApp };
}

/** A successful token response body. */
export type TokenResponseBody = Record<string, unknown> & { access_token: string; expires_in: number };
