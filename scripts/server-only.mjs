/**
 * Preloaded by every script that runs the app's server code outside Next.js
 * (`tsx --import ./scripts/server-only.mjs …`: the launcher, the worker, the
 * benchmarks). lib/ marks its modules with `import "server-only"`, which
 * throws unless resolved for the server; this resolves it to its empty
 * module, as Next.js's server and vitest do. The alternative,
 * `--conditions=react-server`, would also swap React for its server
 * component build, under which react-dom/server (React Email) cannot load.
 */
import { register } from "node:module";

register(
  `data:text/javascript,${encodeURIComponent(`
    const empty = ${JSON.stringify(new URL("../node_modules/server-only/empty.js", import.meta.url).href)};
    export async function resolve(specifier, context, nextResolve) {
      return specifier === "server-only" ? { url: empty, shortCircuit: true } : nextResolve(specifier, context);
    }
  `)}`,
);
