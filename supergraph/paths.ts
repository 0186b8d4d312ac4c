import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";

/**
 * The repository root, found from this module whether it runs compiled (dist/supergraph/) or as source
 * (supergraph/, under ts-jest): the committed SDL files are read from there, never from dist/.
 */
function repositoryRoot(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(resolve(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${__dirname}`);
  }
}

const ROOT = repositoryRoot();

/** A file of the repository, by its path from the root. */
export const repoFile = (path: string) => resolve(ROOT, path);
