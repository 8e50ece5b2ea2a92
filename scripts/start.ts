/**
 * Starts the storefront with everything it needs: the database (embedded
 * PGlite unless DATABASE_URL is set), migrations, the provider simulators and
 * fake Stripe when the configuration points at them, the first admin, the
 * catalog, and finally Next.js.
 *
 *   tsx scripts/start.ts           production server (run `next build` first)
 *   tsx scripts/start.ts --dev     next dev
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { ConfigError, DEMO, isLocalUrl, parseEnv, type Env } from "../lib/config/env";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "../lib/db/embedded";
import { migrateDatabase } from "../lib/db/migrate";
import { createLogger } from "../lib/log";

const log = createLogger({ component: "launcher" });
const children: ChildProcess[] = [];
let embedded: EmbeddedPostgres | null = null;

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

/** Demo mode generates AUTH_SECRET once and keeps it in the data folder. */
function ensureAuthSecret(dataDir: string): void {
  if (process.env.AUTH_SECRET) return;
  const file = path.join(dataDir, "auth-secret");
  fs.mkdirSync(dataDir, { recursive: true });
  if (!fs.existsSync(file)) fs.writeFileSync(file, randomBytes(32).toString("base64url"), { mode: 0o600 });
  process.env.AUTH_SECRET = fs.readFileSync(file, "utf8").trim();
}

function loadEnv(): Env {
  try {
    return parseEnv();
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }
}

function startChild(name: string, command: string, args: string[], extraEnv: Record<string, string> = {}): ChildProcess {
  // Same process group as the launcher, so a supervisor that kills the group
  // (Playwright's webServer, a terminal's Ctrl-C) stops everything at once.
  const child = spawn(command, args, { stdio: "inherit", env: { ...process.env, ...extraEnv } });
  children.push(child);
  child.on("exit", (code, signal) => {
    if (shuttingDown) return;
    log.error("child exited", { name, code, signal });
    void shutdown(code ?? 1);
  });
  return child;
}

async function waitForPort(url: string, timeoutMs = 30_000): Promise<void> {
  const { hostname, port } = new URL(url);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(Number(port), hostname, () => {
        socket.end();
        resolve(true);
      });
      socket.on("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`Nothing listening at ${url} after ${timeoutMs} ms`);
}

/** Simulators run for each upstream whose base URL points at this machine. */
async function startSimulators(e: Env): Promise<void> {
  const tsx = path.resolve("node_modules/.bin/tsx");
  const sims: { name: string; url: string | undefined; script: string; env?: Record<string, string> }[] = [
    { name: "mioesim", url: e.MIOESIM_BASE_URL, script: "simulators/mioesim/main.ts" },
    { name: "meisim", url: e.MEISIM_BASE_URL, script: "simulators/meisim/main.ts" },
    {
      name: "stripe",
      url: e.STRIPE_API_BASE,
      script: "simulators/stripe/main.ts",
      env: { STRIPE_WEBHOOK_URL: new URL("/api/webhooks/stripe", e.APP_URL).toString(), STRIPE_WEBHOOK_SECRET: e.STRIPE_WEBHOOK_SECRET },
    },
  ];
  for (const sim of sims) {
    if (!sim.url || !isLocalUrl(sim.url)) continue;
    startChild(`sim:${sim.name}`, tsx, [sim.script, "--port", new URL(sim.url).port], sim.env);
  }
  for (const sim of sims) if (sim.url && isLocalUrl(sim.url)) await waitForPort(sim.url);
}

let shuttingDown = false;
async function shutdown(code: number): Promise<never> {
  shuttingDown = true;
  for (const child of children) {
    if (!child.pid || child.exitCode !== null) continue;
    // `next start` forks its server; stop the grandchildren too when only the launcher was signalled.
    spawnSync("pkill", ["-TERM", "-P", String(child.pid)]);
    child.kill("SIGTERM");
  }
  await embedded?.stop().catch(() => {});
  process.exit(code);
}

async function start() {
  const dev = process.argv.includes("--dev");
  // Demo defaults: the fake Stripe is used when no real key is configured.
  if (!process.env.STRIPE_SECRET_KEY) process.env.STRIPE_API_BASE ??= DEMO.stripe.apiBase;
  const dataDir = process.env.DATA_DIR || ".data";
  ensureAuthSecret(dataDir);
  const e = loadEnv();

  let databaseUrl = e.DATABASE_URL;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres({ dataDir: path.join(e.DATA_DIR, "pglite"), port: e.EMBEDDED_DB_PORT }).catch((err) =>
      fail(`Could not start the embedded database on port ${e.EMBEDDED_DB_PORT}: ${err.message}. Set EMBEDDED_DB_PORT to a free port.`),
    );
    databaseUrl = embedded.url;
    process.env.DATABASE_URL = embedded.url;
    process.env.DATABASE_POOL_SIZE = "1";
    log.info("embedded database ready", { dataDir: path.join(e.DATA_DIR, "pglite"), url: embedded.url });
  }
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));

  await migrateDatabase(databaseUrl).catch((err: Error & { stderr?: string }) =>
    fail(
      `Database migration failed (${(err.stderr || err.message).trim().split("\n").pop()}). Check DATABASE_URL points at a reachable PostgreSQL server.`,
    ),
  );
  log.info("database migrated");
  await startSimulators(e);

  const { seed, seedCatalog } = await import("./seed");
  await seed(e);
  await seedCatalog(e, process.argv.includes("--sync-catalog"));

  // Next.js behind scripts/serve.ts, which records each request's peer address.
  const tsx = path.resolve("node_modules/.bin/tsx");
  startChild("next", tsx, ["scripts/serve.ts", ...(dev ? ["--dev"] : [])], { PORT: String(e.PORT) });
  await waitForPort(`http://127.0.0.1:${e.PORT}`, 120_000);
  log.info("storefront ready", { url: e.APP_URL });
}

start().catch((err) => {
  log.error("start failed", { error: err });
  void shutdown(1);
});
