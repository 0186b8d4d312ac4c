import { Agent, fetch } from "undici";
import { startEmulator, type RunningEmulator } from "../../emulator";

describe("Graph $metadata of the built-in cloud", () => {
  let emulator: RunningEmulator;
  let agent: Agent;
  beforeAll(async () => {
    emulator = await startEmulator();
    agent = new Agent({ connect: { ca: emulator.caCert } });
  });
  afterAll(async () => {
    await agent?.close();
    await emulator?.close();
  });

  it("serves the CSDL without a token, as Graph does", async () => {
    const res = await fetch(`${emulator.url}/v1.0/$metadata`, { dispatcher: agent });
    expect(res.status).toBe(200);
    const xml = await res.text();
    expect(xml).toContain('Namespace="microsoft.graph"');
    for (const type of ["user", "group", "device", "managedDevice", "directoryObject"]) expect(xml).toContain(`<EntityType Name="${type}"`);
  });
});
