import { defineConfig } from "@playwright/test";

/**
 * Browser tests drive Debian's Chromium (Playwright cannot download its own
 * browsers here) against a production build started by the same launcher as
 * the demo, on its own ports and a throw-away data folder, with both
 * provider simulators in their strict (documents-only) dialect.
 */
const PORT = 3100;
export const E2E = {
  port: PORT,
  baseURL: `http://localhost:${PORT}`,
  dataDir: ".data/e2e",
  adminEmail: "admin@e2e.test",
  adminPassword: "e2e-admin-password",
  /** The embedded database's port; the fuzz test reads rows through it, and fixtures sign customers in through it. */
  databasePort: 54339,
  /** The server's AUTH_SECRET, so fixtures can write the session cookie a sign-in would set. */
  authSecret: "e2e-auth-secret-e2e-auth-secret-e2e-auth",
};
const baseURL = E2E.baseURL;

/**
 * Specs that change what every other spec sees: prices, markup, withdrawn
 * plans, catalog syncs, the simulators' stock and faults, or that need a
 * quiet database (the fuzzer counts every row a rejected request changes).
 * They run one at a time after the journeys, which run two at a time.
 */
const STORE_WIDE =
  /\/(admin|admin-business|admin-security-required|dealer-products|admin-meisim|admin-mioesim|admin-physical-sims|catalog-cache|reconciliation|qr-code-forms|unknown-outcomes|fuzz)\.spec\.ts$/;

export default defineConfig({
  testDir: "e2e",
  // Room for the longest journeys (a guest's purchase, then another customer's attempts) on a busy two-core machine.
  timeout: 120_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 2,
  retries: 0,
  projects: [
    { name: "journeys", testIgnore: STORE_WIDE },
    // After the journeys, on the same server. Playwright skips it when a journey failed; the test
    // command counts what did not run as failed. Run a store-wide spec alone with --no-deps.
    { name: "store-wide", testMatch: STORE_WIDE, workers: 1, dependencies: ["journeys"] },
  ],
  // Playwright empties its outputDir on start; the JSON report lives beside it, not in it.
  outputDir: "test-results/playwright",
  reporter: [["list"], ["json", { outputFile: "test-results/e2e.json" }]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer: {
    command: `rm -rf ${E2E.dataDir} && node_modules/.bin/tsx --import=./scripts/server-only.mjs scripts/start.ts`,
    url: `${baseURL}/api/health`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: "ignore",
    stderr: "pipe",
    env: {
      PORT: String(E2E.port),
      APP_URL: baseURL,
      DATA_DIR: E2E.dataDir,
      EMBEDDED_DB_PORT: String(E2E.databasePort),
      MIOESIM_BASE_URL: "http://127.0.0.1:4110",
      MEISIM_BASE_URL: "http://127.0.0.1:4120",
      STRIPE_API_BASE: "http://127.0.0.1:4130",
      AUTH_SECRET: E2E.authSecret,
      ADMIN_EMAIL: E2E.adminEmail,
      ADMIN_PASSWORD: E2E.adminPassword,
      LOG_LEVEL: "warn",
      // The journeys run against simulators that serve only what the provider documents.
      MIOESIM_SIM_DIALECT: "strict",
      MEISIM_SIM_DIALECT: "strict",
    },
  },
});
