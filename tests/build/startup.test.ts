/**
 * The processes themselves, not just the parser: a bad setting stops the
 * launcher and the built Next.js server with one line and a non-zero exit.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const tsx = path.resolve("node_modules/.bin/tsx");
const next = path.resolve("node_modules/.bin/next");

function run(command: string, args: string[], env: Record<string, string>) {
  const result = spawnSync(command, args, { env: { ...process.env, ...env }, encoding: "utf8", timeout: 60_000 });
  return { status: result.status, stderr: result.stderr.trim(), stdout: result.stdout };
}

describe("start-up with a malformed setting", () => {
  it("the launcher exits 1 with a one-line explanation", () => {
    const { status, stderr } = run(tsx, ["--import=./scripts/server-only.mjs", "scripts/start.ts"], {
      DATABASE_URL: "nonsense",
      DATA_DIR: ".data/test-startup",
    });
    expect(status).toBe(1);
    expect(stderr.split("\n")).toHaveLength(1);
    expect(stderr).toMatch(/^Invalid configuration: DATABASE_URL must be a PostgreSQL connection URL/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it("the built server exits non-zero naming the setting", () => {
    expect(fs.existsSync(".next/BUILD_ID"), "run `npm run build` first (npm test does)").toBe(true);
    const { status, stderr } = run(next, ["start", "-p", "0"], { DATABASE_URL: "nonsense", AUTH_SECRET: "x".repeat(32) });
    expect(status).not.toBe(0);
    expect(stderr).toContain("Invalid configuration: DATABASE_URL must be a PostgreSQL connection URL");
  });

  it("the launcher refuses a live Stripe key on the demo webhook secret with one line naming the setting", () => {
    const { status, stderr } = run(tsx, ["--import=./scripts/server-only.mjs", "scripts/start.ts"], {
      NODE_ENV: "production",
      STRIPE_SECRET_KEY: "sk_live_51startuptest",
      SMTP_URL: "smtp://u:p@mail.example:587",
      DATA_DIR: ".data/test-startup",
    });
    expect(status).toBe(1);
    expect(stderr.split("\n")).toHaveLength(1);
    expect(stderr).toMatch(/^Invalid configuration: STRIPE_WEBHOOK_SECRET must be set/);
  });
});
