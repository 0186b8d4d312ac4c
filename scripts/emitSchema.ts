import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { buildPartnerGraphSchema, printSdl } from "../src/schema";
import { REFERENCE_FILE, schemaReference } from "./schemaReference";

/**
 * Writes the subgraph SDL to schema/subgraph.graphql and its reference to docs/schema.md, or with
 * --check fails when a committed file differs from what the code builds (the schema is an artefact
 * the router and codegen consume; the reference is what frontend developers read).
 */
async function main(): Promise<void> {
  const sdl = `${printSdl(await buildPartnerGraphSchema()).trim()}\n`;
  const outputs: [string, string][] = [
    ["schema/subgraph.graphql", sdl],
    [REFERENCE_FILE, schemaReference(sdl)],
  ];
  for (const [name, text] of outputs) {
    const file = resolve(__dirname, "../..", name);
    if (process.argv.includes("--check")) {
      let current = "";
      try {
        current = readFileSync(file, "utf8");
      } catch {
        // A missing file is out of date too.
      }
      if (current !== text) {
        process.stderr.write(`${name} is out of date: run \`npm run schema:emit\` and commit it.\n`);
        process.exit(1);
      }
      process.stdout.write(`${name} matches the code.\n`);
      continue;
    }
    writeFileSync(file, text);
    process.stdout.write(`wrote ${file}\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
