/**
 * The fault benchmark at CI size: 2 orders per fault through the real
 * payment paths, each provider simulator answering in one fault at a time
 * (its variant dialects and the injected faults), on this project's engine.
 * It runs as its own process (`npm run bench:faults`), with its own
 * database, simulators, fake Stripe and job worker, and must end with no
 * reference holding two upstream orders, no customer refunded while an
 * upstream order stands, and no paid order without a visible next step.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, inject, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");

describe("the fault benchmark", () => {
  it("settles 2 orders per fault with 0 double orders, 0 refunds beside a standing order and 0 paid orders without a next step", () => {
    const engine = inject("engine");
    const run = spawnSync(
      path.join(ROOT, "node_modules/.bin/tsx"),
      ["--import=./scripts/server-only.mjs", "scripts/bench-faults.ts", "--per-fault", "2", "--engine", engine, "--timeout-ms", "120000"],
      {
        cwd: ROOT,
        encoding: "utf8",
        env: { ...process.env, LOG_LEVEL: "error" },
        timeout: 400_000,
        maxBuffer: 256 * 1024 * 1024,
      },
    );
    const line = run.stdout.split("\n").find((l) => l.startsWith('{"benchFaults"'));
    expect(line, `no summary line; exit ${run.status}; stderr: ${run.stderr.slice(-2000)}`).toBeDefined();
    const { benchFaults } = JSON.parse(line!) as {
      benchFaults: {
        faults: number;
        orders: number;
        duplicates: number;
        refundedWhileStanding: number;
        noNextStep: number;
        unsettledFaults: string[];
      };
    };
    console.log(`bench:faults (${engine}): ${JSON.stringify(benchFaults)}`);
    expect(benchFaults).toMatchObject({ duplicates: 0, refundedWhileStanding: 0, noNextStep: 0, unsettledFaults: [] });
    expect(benchFaults.orders).toBe(benchFaults.faults * 2);
  }, 420_000);
});
