import type { AddressInfo } from "node:net";
import type { EmulatorContext, EmulatorSettings } from "./context";
import { Counters } from "./counters";
import { generateDataset, type SeedOptions } from "./data/seed";
import { FaultInjector } from "./faults";
import { SigningKeys } from "./identity/keys";
import { partnerConfig } from "./control/routes";
import { createEmulatorServer } from "./server";
import { createTlsMaterial } from "./tls";
import { World } from "./world";

export type { EmulatorContext, EmulatorSettings } from "./context";

export interface EmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  seed?: SeedOptions;
  settings?: Partial<EmulatorSettings>;
}

export interface RunningEmulator {
  /** https://127.0.0.1:PORT — the login authority host and the Graph endpoint alike. */
  url: string;
  port: number;
  /** PEM of the CA clients must trust. */
  caCert: string;
  ctx: EmulatorContext;
  /** The PARTNER_CONFIG of this cloud (regional partner tenants and their apps' credentials). */
  partnerConfig(): ReturnType<typeof partnerConfig>;
  close(): Promise<void>;
}

export function defaultSettings(): EmulatorSettings {
  return {
    propagationSeconds: 180,
    throttling: true,
    throttleScale: 1,
    batchLimit: "enforce",
    tokenLifetimeSeconds: 3599,
    apiTokenVersion: 1,
    filterSupport: "documented",
  };
}

/** Starts the built-in Microsoft cloud on 127.0.0.1 (in-process; `npm run emulator` wraps it). */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const [tls, keys, dataset] = await Promise.all([createTlsMaterial(), SigningKeys.generate(), generateDataset(options.seed)]);
  // Assigned once the server listens (the context needs its URL); the handler reads it only later.
  // eslint-disable-next-line prefer-const
  let ctx!: EmulatorContext;
  const server = createEmulatorServer(tls, () => ctx);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `https://127.0.0.1:${port}`;
  ctx = {
    world: new World(dataset),
    keys,
    counters: new Counters(),
    faults: new FaultInjector(),
    settings: { ...defaultSettings(), ...options.settings },
    baseUrl: url,
    now: () => Date.now(),
  };
  return {
    url,
    port,
    caCert: tls.caCert,
    ctx,
    partnerConfig: () => partnerConfig(ctx),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
