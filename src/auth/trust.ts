import { rootCertificates } from "node:tls";
import { Agent } from "undici";

/**
 * One undici Agent for every outbound HTTPS call (MSAL and the Graph client alike). Its CA list is the
 * system roots plus any configured extra CA (the built-in cloud's), so TLS verification stays on and
 * the emulator is trusted explicitly, with no process-wide state. Note that an Agent's `ca` replaces
 * the default trust store, hence the roots are listed again.
 */
export function createHttpsAgent(extraCaPem?: string, connectionsPerOrigin = 256): Agent {
  const ca = extraCaPem ? [...rootCertificates, extraCaPem] : [...rootCertificates];
  // Every customer tenant is reached at the same Graph host: its connection pool must be as large as
  // the process-wide cap on requests in flight, or that pool becomes the real cap.
  return new Agent({ connect: { ca }, keepAliveTimeout: 30_000, connections: connectionsPerOrigin, pipelining: 1 });
}
