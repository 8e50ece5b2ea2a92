/**
 * Runs the job handlers in a process of their own, against the same database
 * as the storefront, until SIGTERM or SIGINT:
 *
 *   npm run worker
 *
 * Uses DATABASE_URL. When it is unset, it joins the embedded database that
 * `npm start` serves on EMBEDDED_DB_PORT, with the same demo defaults the
 * launcher applies (the AUTH_SECRET it keeps in DATA_DIR, the fake Stripe).
 */
import fs from "node:fs";
import path from "node:path";
import { ConfigError, DEMO, parseEnv } from "../lib/config/env";
import { createLogger } from "../lib/log";

const log = createLogger({ component: "jobs", process: "worker" });

function prepareEnv(): void {
  // As scripts/start.ts does before it parses the configuration.
  if (!process.env.STRIPE_SECRET_KEY) process.env.STRIPE_API_BASE ??= DEMO.stripe.apiBase;
  const secretFile = path.join(process.env.DATA_DIR || ".data", "auth-secret");
  if (!process.env.AUTH_SECRET && fs.existsSync(secretFile)) process.env.AUTH_SECRET = fs.readFileSync(secretFile, "utf8").trim();
  if (!process.env.DATABASE_URL) {
    const port = process.env.EMBEDDED_DB_PORT || "54329";
    // The URL lib/db/embedded.ts serves; one connection per process, as the launcher sets for it.
    process.env.DATABASE_URL = `postgresql://postgres:postgres@127.0.0.1:${port}/postgres?sslmode=disable`;
    process.env.DATABASE_POOL_SIZE = "1";
    log.info("DATABASE_URL not set; joining the embedded database of `npm start`", { port: Number(port) });
  }
  try {
    parseEnv();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}

async function main(): Promise<void> {
  prepareEnv();
  // Imported after the environment is settled: env() reads it once.
  const { stopJobs } = await import("../lib/jobs");
  const { startStoreWorker } = await import("../lib/jobs/handlers");

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn("second signal; exiting without waiting for running jobs", { signal });
      process.exit(1);
    }
    stopping = true;
    log.info("stopping worker; running jobs may finish", { signal });
    stopJobs({ timeoutMs: 30_000 }).then(
      () => process.exit(0),
      (error: Error) => {
        log.error("worker did not stop cleanly", { error });
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);

  await startStoreWorker("worker", 5);
}

main().catch((error: Error) => {
  log.error("worker failed to start", { error });
  process.exit(1);
});
