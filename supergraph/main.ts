import { demoConfig } from "../demo/config";
import { startEmulator } from "../emulator";
import { writeEmulatorState } from "../emulator/state";
import { ConfigError, loadSettings } from "../src/config";
import { createLogger } from "../src/log";
import { guardProcess } from "../src/processGuard";
import { serve, startFailed } from "../src/serve";
import { startBillingSubgraph } from "./billing/server";
import { committedSupergraph, SUPERGRAPH_FILE } from "./compose";
import { startGateway } from "./gateway";
import { supergraphPorts } from "./settings";

/**
 * `npm run supergraph`: the demo (built-in cloud and Partner Graph on it, as `npm start`), the billing
 * subgraph beside it, and @apollo/gateway in front serving the committed supergraph SDL, all in this
 * one process, so that one signal stops everything (src/serve.ts: the API, then the gateway, billing
 * and the cloud). With `--no-gateway`, everything but the gateway, to put the Router in front instead
 * (supergraph/router.yaml).
 */
async function main(): Promise<void> {
  const settings = loadSettings();
  const { gatewayPort, billingPort } = supergraphPorts(process.env);
  // The gateway must know where the API listens before the API reports its port.
  if (settings.port === 0) throw new ConfigError("PORT must be a fixed port (1 to 65535) for `npm run supergraph`, got '0'");
  const withGateway = !process.argv.includes("--no-gateway");
  const log = createLogger(settings.logLevel);
  guardProcess(log);

  const emulator = await startEmulator({ port: settings.emulatorPort });
  // As `npm start`: `npm run token` finds this cloud.
  writeEmulatorState(emulator.url, emulator.caCert);
  const alsoStop: Array<() => Promise<void>> = [];
  await serve(demoConfig(settings, emulator), log, async () => {
    for (const stop of alsoStop.reverse()) await stop();
    await emulator.close();
  });

  const apiUrl = `http://127.0.0.1:${settings.port}/graphql`;
  const billing = await startBillingSubgraph(billingPort);
  alsoStop.push(billing.stop);
  const lines = ["", `Supergraph (demo): subgraph partner-graph at ${apiUrl}, subgraph billing at ${billing.url}`];
  if (withGateway) {
    const gateway = await startGateway({
      supergraphSdl: committedSupergraph(),
      subgraphUrls: { "partner-graph": apiUrl, billing: billing.url },
      port: gatewayPort,
    });
    alsoStop.push(gateway.stop);
    lines.push(
      `@apollo/gateway serves ${SUPERGRAPH_FILE} at ${gateway.url}  (Apollo Sandbox: open it in a browser)`,
      `Try:  curl -s ${gateway.url} -H 'content-type: application/json' \\`,
      `        -d '{"query":"{ customers(first: 5) { nodes { displayName region billing { currency monthlySpend openInvoices } } } }"}'`,
      "It forwards Authorization, traceparent, tracestate and x-request-id to both subgraphs (an agent: npm run token -- helpdesk).",
    );
  } else {
    lines.push(`No gateway (--no-gateway): run the Router with supergraph/router.yaml and ${SUPERGRAPH_FILE} in front (README "Running in a supergraph").`);
  }
  process.stdout.write(`${lines.join("\n")}\n\n`);
}

main().catch(startFailed);
