import { z } from "zod";
import { ConfigError } from "../src/config";

/** A TCP port, 0 (any free port) to 65535, or the default when unset or empty (as src/config.ts reads PORT). */
const port = (fallback: number) =>
  z.preprocess(
    (v) => (v === "" ? undefined : v),
    z
      .string()
      .regex(/^\d{1,5}$/)
      .transform(Number)
      .refine((n) => n <= 65_535)
      .default(fallback),
  );

/** This tool's own settings; the API's (PORT, EMULATOR_PORT, LOG_LEVEL, …) are the demo entry's (src/config.ts). */
const SupergraphEnv = z.object({ GATEWAY_PORT: port(4100), BILLING_PORT: port(4101) });

export function supergraphPorts(env: NodeJS.ProcessEnv): { gatewayPort: number; billingPort: number } {
  const parsed = SupergraphEnv.safeParse(env);
  if (!parsed.success) {
    const name = String(parsed.error.issues[0]!.path[0]);
    throw new ConfigError(`${name} must be a TCP port (0 to 65535), got '${env[name]}'`);
  }
  return { gatewayPort: parsed.data.GATEWAY_PORT, billingPort: parsed.data.BILLING_PORT };
}
