import { writeFileSync } from "node:fs";
import { CompositionFailed, committedSupergraph, composeSupergraph, SUPERGRAPH_FILE } from "./compose";
import { repoFile } from "./paths";

/**
 * `npm run supergraph:compose`: composes the committed subgraph SDLs into supergraph/supergraph.graphql.
 * With --check (`npm run supergraph:check`) it writes nothing and fails while the committed file differs
 * from the composition. A composition error fails both, with every error printed.
 */
function main(): number {
  const check = process.argv.includes("--check");
  let sdl: string;
  try {
    sdl = composeSupergraph();
  } catch (err) {
    if (!(err instanceof CompositionFailed)) throw err;
    process.stderr.write(`${err.message}\n`);
    return 1;
  }
  if (check) {
    if (committedSupergraph() !== sdl) {
      process.stderr.write(`${SUPERGRAPH_FILE} is out of date: run \`npm run supergraph:compose\` and commit it.\n`);
      return 1;
    }
    process.stdout.write(`${SUPERGRAPH_FILE} matches the subgraphs' SDLs.\n`);
    return 0;
  }
  writeFileSync(repoFile(SUPERGRAPH_FILE), sdl);
  process.stdout.write(`wrote ${SUPERGRAPH_FILE}\n`);
  return 0;
}

try {
  process.exitCode = main();
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
