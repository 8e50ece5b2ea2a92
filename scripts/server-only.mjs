/**
 * Preloaded by every script that runs the app's server code outside Next.js
 * (`tsx --import=./scripts/server-only.mjs …`: the launcher, the worker, the
 * benchmarks). lib/ marks its modules with `import "server-only"`, which
 * throws unless resolved for the server; this resolves it to its empty
 * module, as Next.js's server and vitest do, for ES modules (a resolve hook)
 * and for CommonJS (tsx runs `-e` code as CommonJS). The alternative,
 * `--conditions=react-server`, would also swap React for its server
 * component build, under which react-dom/server (React Email) cannot load.
 */
import Module, { register } from "node:module";
import { fileURLToPath } from "node:url";

const empty = new URL("../node_modules/server-only/empty.js", import.meta.url);

register(
  `data:text/javascript,${encodeURIComponent(`
    export async function resolve(specifier, context, nextResolve) {
      return specifier === "server-only" ? { url: ${JSON.stringify(empty.href)}, shortCircuit: true } : nextResolve(specifier, context);
    }
  `)}`,
);

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === "server-only" ? fileURLToPath(empty) : resolveFilename.call(this, request, ...rest);
};
