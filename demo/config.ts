import type { RunningEmulator } from "../emulator";
import { parsePartnerConfig, type Config, type Settings } from "../src/config";

/**
 * The settings pointed at the built-in cloud, trusting its CA, with its partner tenants, in demo mode
 * (a request without a token is served app-only). Shared by the demo entry and `npm run supergraph`.
 */
export function demoConfig(settings: Settings, emulator: RunningEmulator): Config {
  const { url, caCert } = emulator;
  return Object.freeze({
    ...settings,
    demoMode: true,
    graphEndpoint: url,
    authorityHost: url,
    extraCaPem: caCert,
    partnerTenants: parsePartnerConfig(emulator.partnerConfig()),
    appCallers: [],
  });
}
