import { RegionalApps } from "./auth/regionalApps";
import { CallerAuthenticator } from "./auth/callerAuth";
import { RegionResolver } from "./auth/regions";
import { MemoryTokenCache, RedisTokenCache } from "./auth/tokenCache";
import { createHttpsAgent } from "./auth/trust";
import type { Config } from "./config";
import { createLogger, type Logger } from "./log";
import { guardProcess } from "./processGuard";
import { buildPartnerGraphSchema } from "./schema";
import { createPartnerGraphServer, type PartnerGraphServer } from "./server";

export interface PartnerGraphApp extends PartnerGraphServer {
  close(): Promise<void>;
}

/** Wires config → trust → auth → server. Used by the entry point and by tests; does not listen. */
export async function createApp(config: Config, log: Logger = createLogger(config.logLevel)): Promise<PartnerGraphApp> {
  // Wherever the app is embedded (entry point, tests, another host), an unhandled rejection is logged, not fatal.
  const unguard = guardProcess(log);
  const dispatcher = createHttpsAgent(config.extraCaPem, config.maxInFlight);
  const tokens = config.redisUrl ? await RedisTokenCache.connect(config.redisUrl, config.redisKeyPrefix) : new MemoryTokenCache();
  const server = await createPartnerGraphServer({
    config,
    log,
    dispatcher,
    schema: await buildPartnerGraphSchema(),
    apps: new RegionalApps(config, dispatcher, tokens),
    regions: new RegionResolver(config.authorityHost, dispatcher, config.regionCacheTtlMs),
    authenticator: new CallerAuthenticator(config, dispatcher),
  });
  return {
    ...server,
    async close() {
      await server.apollo.stop();
      await new Promise<void>((resolve) => (server.http.listening ? server.http.close(() => resolve()) : resolve()));
      await dispatcher.close();
      await tokens.close();
      unguard();
    },
  };
}
