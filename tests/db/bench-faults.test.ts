/**
 * The fault benchmark at CI size: 60 orders through the real payment paths
 * with provider faults injected, on this project's engine. It runs as its
 * own process (`npm run bench:faults`), with its own database, simulators,
 * fake Stripe and job worker, and must end with no duplicate upstream order,
 * no payment left unmatched and no order left unsettled.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, inject, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");

describe("the fault benchmark", () => {
  it("settles 60 faulted orders with 0 duplicates, 0 unmatched payments and 0 unsettled orders", () => {
    const engine = inject("engine");
    const run = spawnSync(
      path.join(ROOT, "node_modules/.bin/tsx"),
      ["--import=./scripts/server-only.mjs", "scripts/bench-faults.ts", "--orders", "60", "--engine", engine, "--timeout-ms", "240000"],
      {
        cwd: ROOT,
        encoding: "utf8",
        env: { ...process.env, LOG_LEVEL: "error" },
        timeout: 400_000,
      },
    );
    const line = run.stdout.split("\n").find((l) => l.startsWith('{"benchFaults"'));
    expect(line, `no summary line; exit ${run.status}; stderr: ${run.stderr.slice(-2000)}`).toBeDefined();
    const { benchFaults } = JSON.parse(line!) as {
      benchFaults: { orders: number; duplicates: number; unmatchedPayments: number; nonFinal: number; runMs: number };
    };
    console.log(`bench:faults (${engine}): ${JSON.stringify(benchFaults)}`);
    expect(benchFaults).toMatchObject({ orders: 60, duplicates: 0, unmatchedPayments: 0, nonFinal: 0 });
  }, 420_000);
});
