import path from "node:path";
import { defineConfig } from "vitest/config";

const alias = { "@": path.resolve(import.meta.dirname) };

/**
 * Three projects: plain node tests (units, provider contracts against the
 * simulators), and the database-backed tests run twice, once on embedded
 * PGlite and once on a PostgreSQL server.
 */
export default defineConfig({
  resolve: { alias },
  test: {
    testTimeout: 30_000,
    hookTimeout: 120_000,
    projects: [
      {
        resolve: { alias },
        test: {
          name: "node",
          include: ["tests/**/*.test.ts"],
          exclude: ["tests/db/**"],
          environment: "node",
        },
      },
      ...(["pglite", "postgres"] as const).map((engine) => ({
        resolve: { alias },
        test: {
          name: `db-${engine}`,
          include: ["tests/db/**/*.test.ts"],
          environment: "node",
          globalSetup: ["tests/support/db-global-setup.ts"],
          setupFiles: ["tests/support/db-setup.ts"],
          provide: { engine },
          env: { TEST_DB_ENGINE: engine },
          // One database per project; files share it, so run them one at a time.
          fileParallelism: false,
        },
      })),
    ],
  },
});
