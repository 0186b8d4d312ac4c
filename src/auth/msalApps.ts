import { ConfidentialClientApplication, LogLevel, type Configuration } from "@azure/msal-node";
import type { Agent } from "undici";
import type { PartnerTenantConfig } from "../config";
import { createMsalNetworkClient } from "./msalNetworkClient";

/** Hosts MSAL knows itself; any other authority host must be declared in knownAuthorities. */
const MICROSOFT_LOGIN_HOSTS = new Set(["login.microsoftonline.com", "login.microsoftonline.us", "login.partner.microsoftonline.cn", "login.chinacloudapi.cn"]);

/**
 * One MSAL ConfidentialClientApplication per regional partner-managed app. MSAL's cache keys
 * client-credential tokens by (host, clientId, tenant, scopes), so one application object serves
 * every customer tenant of its region without one tenant's token ever answering for another.
 */
export function createConfidentialClient(partner: PartnerTenantConfig, authorityHost: string, dispatcher: Agent): ConfidentialClientApplication {
  const host = new URL(authorityHost).host;
  const { clientId, clientSecret, certificate } = partner.app;
  const config: Configuration = {
    auth: {
      clientId,
      authority: `${authorityHost}/${partner.tenantId}`,
      ...(certificate ? { clientCertificate: { thumbprintSha256: certificate.thumbprintSha256, privateKey: certificate.privateKeyPem } } : { clientSecret }),
      // Without this MSAL asks login.microsoftonline.com for instance discovery, even for a national or local cloud.
      knownAuthorities: MICROSOFT_LOGIN_HOSTS.has(new URL(authorityHost).hostname) ? [] : [host],
    },
    system: {
      networkClient: createMsalNetworkClient(dispatcher),
      // MSAL logs nothing of ours by default; errors only, and never personal data.
      loggerOptions: { logLevel: LogLevel.Error, piiLoggingEnabled: false, loggerCallback: () => undefined },
    },
  };
  return new ConfidentialClientApplication(config);
}
