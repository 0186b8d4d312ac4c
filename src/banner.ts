import type { Config } from "./config";

const EXAMPLE = `{"query":"{ customers(first: 5) { nodes { displayName region users(first: 3) { nodes { displayName userPrincipalName } } } } }"}`;

/**
 * What both entries print once listening (src/serve.ts). Outside demo mode a request without a token is refused (401), so the
 * example call carries one and says where a caller gets it; only demo mode advertises a bare curl.
 */
export function startBanner(config: Pick<Config, "demoMode" | "port">): string {
  const base = `http://localhost:${config.port}`;
  const lines = ["", `Partner Graph is serving at ${base}/graphql  (Apollo Sandbox: open ${base}/ in a browser)`];
  if (config.demoMode) {
    lines.push(
      "Demo mode: built-in Microsoft cloud with demo data; requests without a token are served app-only.",
      `Try:  curl -s ${base}/graphql -H 'content-type: application/json' \\`,
      `        -d '${EXAMPLE}'`,
      "As an agent:  npm run token -- helpdesk   (then send it as 'Authorization: Bearer <token>'; see README)",
    );
  } else {
    lines.push(
      "Every request needs a bearer token for this API: an agent's (scope api://<clientId>/access_as_user) or a",
      "partner service's (client credentials, scope api://<clientId>/.default, app role PartnerGraph.Read.All); see README.",
      `Try:  curl -s ${base}/graphql -H 'content-type: application/json' -H "authorization: Bearer $TOKEN" \\`,
      `        -d '${EXAMPLE}'`,
    );
  }
  lines.push("");
  return lines.join("\n");
}
