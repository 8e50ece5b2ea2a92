/**
 * The catalog sync as a job: the admin's button queues one catalog.sync per
 * provider (never two at once), the run records its phase and counts as it
 * goes for the admin page, failures are retried and then recorded, and each
 * provider's sync is scheduled daily.
 */
import { describe, expect, it } from "vitest";
import { latestCatalogSyncRuns, requestCatalogSync, scheduleCatalogSync } from "@/lib/catalog/sync";
import { db } from "@/lib/db/client";
import { CatalogSyncStatus, Role, type CatalogSyncRun } from "@/lib/generated/prisma/client";
import { registerHandlers, schedule, startWorker, stopJobs } from "@/lib/jobs";
import { handlers } from "@/lib/jobs/handlers";
import { BUNDLES } from "@/simulators/meisim/catalog";
import { CATALOG } from "@/simulators/mioesim";
import { createCustomer, providersPerFile } from "../support/providers";

const world = providersPerFile();

const LISTED = {
  mioesim: CATALOG.filter((sku) => !sku.physical).reduce((n, sku) => n + sku.packages.length, 0),
  meisim: BUNDLES.length,
};
const syncJob = (attempt: number, retryLimit = 2) => ({
  id: "job-test",
  name: "catalog.sync" as const,
  attempt,
  retryLimit,
  signal: new AbortController().signal,
});
const syncJobs = () => db().$queryRaw<{ key: string; state: string }[]>`
  SELECT singleton_key AS key, state::text AS state FROM pgboss.job WHERE name = 'catalog.sync' ORDER BY singleton_key, created_on`;
const run = (id: string) => db().catalogSyncRun.findUniqueOrThrow({ where: { id } });

describe("the catalog sync job", () => {
  it("is queued once per provider by the admin's button, with a run the page shows as waiting", async () => {
    const admin = await createCustomer("catalog-admin", Role.ADMIN);

    const first = await requestCatalogSync(admin.id);
    const again = await requestCatalogSync(admin.id);

    expect(first.map((r) => [r.provider, r.queued])).toEqual([
      ["mioesim", true],
      ["meisim", true],
    ]);
    expect(again.every((r) => !r.queued)).toBe(true);
    expect(await syncJobs()).toEqual([
      { key: "meisim", state: "created" },
      { key: "mioesim", state: "created" },
    ]);
    const runs = await latestCatalogSyncRuns();
    expect(runs.map((r) => [r.provider, r.status, r.trigger, r.requestedById, r.active])).toEqual([
      ["mioesim", CatalogSyncStatus.QUEUED, "admin", admin.id, true],
      ["meisim", CatalogSyncStatus.QUEUED, "admin", admin.id, true],
    ]);
    expect(await db().catalogSyncRun.count({ where: { requestedById: admin.id } })).toBe(2);
  });

  it("runs in the queue's worker, recording its phase and counts as it goes, then the result", async () => {
    const [queued] = await latestCatalogSyncRuns();
    expect(queued).toMatchObject({ provider: "mioesim", status: CatalogSyncStatus.QUEUED });
    // Slow enough that the page can see it move.
    world.mioesim.sim.faults.latencyMs = 100;
    const seen: Pick<CatalogSyncRun, "status" | "phase" | "done" | "total">[] = [];
    registerHandlers({ "catalog.sync": handlers["catalog.sync"] });
    await startWorker({ instanceName: "catalog-test" });
    try {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const runs = await latestCatalogSyncRuns();
        const { status, phase, done, total } = runs.find((r) => r.provider === "mioesim")!;
        seen.push({ status, phase, done, total });
        if (runs.every((r) => r.status === CatalogSyncStatus.SUCCEEDED) || Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await stopJobs({ timeoutMs: 5_000 });
    }

    const skus = CATALOG.filter((sku) => !sku.physical).length;
    expect(seen).toContainEqual({ status: CatalogSyncStatus.RUNNING, phase: "fetch", done: expect.any(Number), total: skus });
    const reading = seen.filter((s) => s.status === CatalogSyncStatus.RUNNING && s.phase === "fetch").map((s) => s.done);
    expect(reading.some((done) => done > 0 && done < skus)).toBe(true);
    expect(reading).toEqual([...reading].sort((a, b) => a - b));

    const runs = await latestCatalogSyncRuns();
    for (const result of runs) {
      expect(result).toMatchObject({
        status: CatalogSyncStatus.SUCCEEDED,
        plans: LISTED[result.provider as keyof typeof LISTED],
        active: false,
        error: null,
      });
      expect(result.created! + result.updated!).toBeLessThanOrEqual(result.plans!);
      expect(result.finishedAt!.getTime()).toBeGreaterThanOrEqual(result.startedAt!.getTime());
    }
    expect((await syncJobs()).map((j) => j.state)).toEqual(["completed", "completed"]);
  });

  it("records a failure: queued again for the job's retry, failed after its last attempt", async () => {
    const admin = await createCustomer("catalog-admin-failing", Role.ADMIN);
    const runId = (await db().catalogSyncRun.create({ data: { provider: "meisim", trigger: "admin", requestedById: admin.id } })).id;
    world.meisim.sim.faults.http500 = 1_000;

    await expect(handlers["catalog.sync"]({ provider: "meisim", runId }, syncJob(1))).rejects.toThrow();
    expect(await run(runId)).toMatchObject({ status: CatalogSyncStatus.QUEUED, error: expect.stringMatching(/trying again/) });
    await expect(handlers["catalog.sync"]({ provider: "meisim", runId }, syncJob(3))).rejects.toThrow();
    world.meisim.sim.resetFaults();

    const failed = await run(runId);
    expect(failed).toMatchObject({ status: CatalogSyncStatus.FAILED, error: expect.any(String) });
    expect(failed.error).not.toMatch(/trying again/);
    expect(failed.finishedAt).not.toBeNull();
    expect((await latestCatalogSyncRuns()).find((r) => r.provider === "meisim")).toMatchObject({ id: runId, active: false });
  });

  it("records a run of its own when the schedule starts it", async () => {
    const before = await db().catalogSyncRun.count({ where: { provider: "meisim", trigger: "schedule" } });

    await handlers["catalog.sync"]({ provider: "meisim" }, syncJob(1));

    expect(await db().catalogSyncRun.count({ where: { provider: "meisim", trigger: "schedule" } })).toBe(before + 1);
    expect((await latestCatalogSyncRuns()).find((r) => r.provider === "meisim")).toMatchObject({
      trigger: "schedule",
      status: CatalogSyncStatus.SUCCEEDED,
      plans: LISTED.meisim,
      created: 0,
    });
  });

  it("is scheduled daily for each provider, one schedule per provider, replaced rather than added on every start", async () => {
    const schedules = () =>
      db().$queryRaw<
        { key: string; cron: string; data: unknown }[]
      >`SELECT key, cron, data FROM pgboss.schedule WHERE name = 'catalog.sync' ORDER BY key`;

    await scheduleCatalogSync();
    await scheduleCatalogSync();

    expect(await schedules()).toEqual([
      { key: "meisim", cron: "0 3 * * *", data: { provider: "meisim" } },
      { key: "mioesim", cron: "0 3 * * *", data: { provider: "mioesim" } },
    ]);
    await schedule("catalog.sync", null, { provider: "meisim" }, "meisim");
    expect((await schedules()).map((s) => s.key)).toEqual(["mioesim"]);
  });
});
