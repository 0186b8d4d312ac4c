import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { buildPartnerGraphSchema, printSdl } from "../src/schema";

/**
 * Writes the subgraph SDL to schema/subgraph.graphql, or with --check fails when the committed file
 * differs from what the code builds (the schema is an artefact the router and codegen consume).
 */
async function main(): Promise<void> {
  const file = resolve(__dirname, "../../schema/subgraph.graphql");
  const sdl = `${printSdl(await buildPartnerGraphSchema()).trim()}\n`;
  if (process.argv.includes("--check")) {
    const current = readFileSync(file, "utf8");
    if (current !== sdl) {
      process.stderr.write("schema/subgraph.graphql is out of date: run `npm run schema:emit` and commit it.\n");
      process.exit(1);
    }
    process.stdout.write("schema/subgraph.graphql matches the code.\n");
    return;
  }
  writeFileSync(file, sdl);
  process.stdout.write(`wrote ${file}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
