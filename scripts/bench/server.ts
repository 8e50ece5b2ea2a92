/**
 * The production storefront as `npm start` runs it (scripts/start.ts: the
 * embedded database or DATABASE_URL, the simulators, the fake Stripe, the
 * demo catalog), on free ports and a throw-away data folder, for the HTTP
 * benchmarks.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { findFreePort } from "../../lib/db/embedded";

export interface BenchServer {
  url: string;
  authSecret: string;
  /** Where the app's database is reachable from this process. */
  databaseUrl: string;
  stop(): Promise<void>;
}

async function waitForHealth(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the storefront exited with code ${child.exitCode} while starting`);
    const ok = await fetch(`${url}/api/health`).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`the storefront did not answer /api/health within ${timeoutMs} ms`);
}

/** Builds when there is no production build yet. */
export function ensureProductionBuild(): void {
  if (fs.existsSync(".next/BUILD_ID")) return;
  console.log("No production build yet: running `npm run build` (a few minutes)…");
  const build = spawnSync("npm", ["run", "build"], { stdio: "inherit" });
  if (build.status !== 0) throw new Error("npm run build failed");
}

/** Starts the storefront; `databaseUrl` null means the embedded PGlite. */
export async function startBenchServer(options: { databaseUrl: string | null }): Promise<BenchServer> {
  const [port, dbPort, mio, mei, stripe] = await Promise.all(Array.from({ length: 5 }, () => findFreePort()));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-http-"));
  const url = `http://127.0.0.1:${port}`;
  const authSecret = "bench-http-secret-bench-http-secret-0001";
  const child = spawn(path.resolve("node_modules/.bin/tsx"), ["--import=./scripts/server-only.mjs", "scripts/start.ts"], {
    // Its own process group, so stopping it stops the simulators and Next.js too.
    detached: true,
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      APP_URL: url,
      DATA_DIR: dataDir,
      EMBEDDED_DB_PORT: String(dbPort),
      AUTH_SECRET: authSecret,
      MIOESIM_BASE_URL: `http://127.0.0.1:${mio}`,
      MEISIM_BASE_URL: `http://127.0.0.1:${mei}`,
      STRIPE_API_BASE: `http://127.0.0.1:${stripe}`,
      ADMIN_EMAIL: "admin@bench.test",
      ADMIN_PASSWORD: "bench-admin-password",
      LOG_LEVEL: "error",
      ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
    },
  });
  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      process.kill(-child.pid, "SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitForHealth(url, child, 240_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, authSecret, databaseUrl: options.databaseUrl ?? `postgresql://postgres:postgres@127.0.0.1:${dbPort}/postgres`, stop };
}
