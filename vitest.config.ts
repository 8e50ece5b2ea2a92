import path from "node:path";
import { defineConfig } from "vitest/config";

const alias = {
  "@": path.resolve(import.meta.dirname),
  // Tests run lib/ on the server, as Next does: its `import "server-only"` marker resolves to the empty module.
  "server-only": path.resolve(import.meta.dirname, "node_modules/server-only/empty.js"),
};

/**
 * Three projects: plain node tests (units, provider contracts against the
 * simulators), and the database-backed tests run twice, once on embedded
 * PGlite and once on a PostgreSQL server.
 */
/** Inline projects do not inherit the root's test options, so each spreads these. */
const timeouts = { testTimeout: 30_000, hookTimeout: 120_000 };

export default defineConfig({
  resolve: { alias },
  test: {
    ...timeouts,
    projects: [
      {
        resolve: { alias },
        test: {
          name: "node",
          ...timeouts,
          include: ["tests/**/*.test.ts"],
          exclude: ["tests/db/**"],
          environment: "node",
        },
      },
      ...(["pglite", "postgres"] as const).map((engine) => ({
        resolve: { alias },
        test: {
          name: `db-${engine}`,
          ...timeouts,
          include: ["tests/db/**/*.test.ts"],
          environment: "node",
          globalSetup: ["tests/support/db-global-setup.ts"],
          setupFiles: ["tests/support/db-setup.ts"],
          provide: { engine },
          env: { TEST_DB_ENGINE: engine },
          // One database per project; files share it, so run them one at a time.
          fileParallelism: false,
          // next-auth imports "next/server" without the extension Node's ESM loader needs; Vite resolves it.
          server: { deps: { inline: ["next-auth"] } },
        },
      })),
    ],
  },
});
