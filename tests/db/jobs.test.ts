/**
 * Durable jobs (pg-boss) on each engine: the app's queue on DATABASE_URL, and
 * test queues in schemas of their own on the same database.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import readline from "node:readline";
import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { z } from "zod";
import { enqueue, JOBS, jobsEngine, registerHandlers, startWorker, stopJobs } from "@/lib/jobs";
import { createJobQueue, type JobQueue } from "@/lib/jobs/queue";
import { job, MAX_PAYLOAD_BYTES, RetryLater, type JobDefinitions } from "@/lib/jobs/registry";
import { createLogger } from "@/lib/log";

const engine = inject("engine");
const url = inject("databaseUrl");

const TEST_JOBS = {
  "test.echo": job({ payload: z.object({ n: z.number().int() }) }),
  "test.flaky": job({ payload: z.object({ failTimes: z.number().int().min(0) }), retryLimit: 3, retryDelaySeconds: 1, retryBackoff: true }),
  "test.keyed": job({ payload: z.object({ orderId: z.string() }), key: (p) => p.orderId }),
};

const quiet = createLogger({ test: "jobs" });
const queues: JobQueue<JobDefinitions>[] = [];
function testQueue(schema: string): JobQueue<typeof TEST_JOBS> {
  const queue = createJobQueue(TEST_JOBS, { connectionString: url, schema, pollingIntervalSeconds: 0.5, logger: quiet });
  queues.push(queue as unknown as JobQueue<JobDefinitions>);
  return queue;
}

async function sql<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
const settle = (ms = 1_500) => new Promise((r) => setTimeout(r, ms));

afterAll(async () => {
  await stopJobs({ timeoutMs: 2_000 });
  await Promise.all(queues.map((q) => q.stop({ timeoutMs: 2_000 })));
});

describe(`jobs (${engine})`, () => {
  it("starts the app's queue on DATABASE_URL with its own schema, works a sent job once, and stops cleanly", async () => {
    const seen: string[] = [];
    registerHandlers({ "order.fulfil": async ({ otherOrderId }) => void seen.push(otherOrderId) });
    await startWorker({ instanceName: "test" });
    expect(jobsEngine()).toBe(engine);
    const stored = await sql<{ name: string }>("SELECT name FROM pgboss.queue ORDER BY name");
    // pg-boss keeps internal queues of its own, named __pgboss__….
    expect(stored.map((q) => q.name).filter((name) => !name.startsWith("__pgboss__"))).toEqual(Object.keys(JOBS).sort());

    const sentAt = Date.now();
    const id = await enqueue("order.fulfil", { otherOrderId: "RS-JOB-TEST-1" });
    expect(id).toEqual(expect.any(String));
    // Other test files queue fulfilment jobs in this database too: watch for this one.
    await waitFor(() => seen.includes("RS-JOB-TEST-1"), 10_000, "the fulfilment job");
    const latencyMs = Date.now() - sentAt;
    await settle();
    expect(seen.filter((id) => id === "RS-JOB-TEST-1")).toEqual(["RS-JOB-TEST-1"]);
    const [row] = await sql<{ state: string }>("SELECT state FROM pgboss.job WHERE id = $1", [id]);
    expect(row?.state).toBe("completed");

    await expect(enqueue("order.fulfil", { otherOrderId: "" })).rejects.toThrow();

    await stopJobs();
    if (engine === "postgres") {
      const [open] = await sql<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'esim-jobs' AND datname = current_database()",
      );
      expect(open?.n).toBe(0);
    }
    console.info(JSON.stringify({ engine, check: "one job, default polling", latencyMs }));
  }, 30_000);

  it("refuses a payload over the size limit", async () => {
    const queue = testQueue("jobs_limits");
    await expect(queue.enqueue("test.keyed", { orderId: "x".repeat(MAX_PAYLOAD_BYTES) })).rejects.toThrow(RangeError);
  }, 30_000);

  it("retries a failing job with exponential backoff until it succeeds, and fails one that runs out of retries", async () => {
    const queue = testQueue("jobs_retry");
    const attempts = new Map<string, { attempt: number; at: number }[]>();
    queue.registerHandlers({
      "test.flaky": async ({ failTimes }, job) => {
        attempts.set(job.id, [...(attempts.get(job.id) ?? []), { attempt: job.attempt, at: Date.now() }]);
        if (job.attempt <= failTimes) throw new Error(`attempt ${job.attempt} fails on purpose`);
      },
    });
    await queue.startWorker();
    const recovers = (await queue.enqueue("test.flaky", { failTimes: 2 }))!;
    const givesUp = (await queue.enqueue("test.flaky", { failTimes: 99 }, { retryLimit: 1, retryBackoff: false, retryDelaySeconds: 1 }))!;

    await waitFor(
      () => attempts.get(recovers)?.length === 3 && attempts.get(givesUp)?.length === 2,
      25_000,
      "three attempts and two attempts",
    );
    await settle();

    const runs = attempts.get(recovers)!;
    expect(runs.map((r) => r.attempt)).toEqual([1, 2, 3]);
    const gaps = [runs[1]!.at - runs[0]!.at, runs[2]!.at - runs[1]!.at];
    // retryDelay 1 s with backoff: retry n waits between 2^(n-1) and 2^n seconds (plus up to one poll).
    expect(gaps[0]).toBeGreaterThanOrEqual(1_000);
    expect(gaps[1]).toBeGreaterThanOrEqual(2_000);
    expect(attempts.get(givesUp)!.map((r) => r.attempt)).toEqual([1, 2]);

    const rows = await sql<{ id: string; state: string; retry_count: number }>(
      "SELECT id, state, retry_count FROM jobs_retry.job WHERE id = ANY($1::uuid[])",
      [[recovers, givesUp]],
    );
    const byId = Object.fromEntries(rows.map((r) => [r.id, r]));
    expect(byId[recovers]).toMatchObject({ state: "completed", retry_count: 2 });
    expect(byId[givesUp]).toMatchObject({ state: "failed", retry_count: 1 });
    console.info(JSON.stringify({ engine, check: "retry backoff", gapsMs: gaps }));
    await queue.stop();
  }, 45_000);

  it("runs a job that asks to run again (RetryLater) once more, after its backoff", async () => {
    const queue = testQueue("jobs_retry_later");
    const attempts: { attempt: number; at: number }[] = [];
    queue.registerHandlers({
      "test.flaky": async (_payload, job) => {
        attempts.push({ attempt: job.attempt, at: Date.now() });
        if (job.attempt === 1) throw new RetryLater("the provider is still processing it");
      },
    });
    await queue.startWorker();
    const id = (await queue.enqueue("test.flaky", { failTimes: 0 }))!;

    await waitFor(() => attempts.length === 2, 15_000, "a second attempt");
    await settle();

    expect(attempts.map((a) => a.attempt)).toEqual([1, 2]);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(1_000);
    const [row] = await sql<{ state: string; retry_count: number }>("SELECT state, retry_count FROM jobs_retry_later.job WHERE id = $1", [
      id,
    ]);
    expect(row).toMatchObject({ state: "completed", retry_count: 1 });
    await queue.stop();
  }, 30_000);

  it("dedupes by singleton key while a job with that key is pending, and not after it ran", async () => {
    const queue = testQueue("jobs_dedupe");
    await queue.start();
    const first = await queue.enqueue("test.echo", { n: 1 }, { singletonKey: "order-1" });
    const again = await queue.enqueue("test.echo", { n: 2 }, { singletonKey: "order-1" });
    const otherKey = await queue.enqueue("test.echo", { n: 3 }, { singletonKey: "order-2" });
    const noKeyA = await queue.enqueue("test.echo", { n: 4 });
    const noKeyB = await queue.enqueue("test.echo", { n: 4 });
    expect(first).toEqual(expect.any(String));
    expect(again).toBeNull();
    expect(otherKey).toEqual(expect.any(String));
    expect(noKeyA).toEqual(expect.any(String));
    expect(noKeyB).toEqual(expect.any(String));
    // The definition's key (the order id) applies without the caller naming one.
    expect(await queue.enqueue("test.keyed", { orderId: "o-1" })).toEqual(expect.any(String));
    expect(await queue.enqueue("test.keyed", { orderId: "o-1" })).toBeNull();
    expect(await queue.enqueue("test.keyed", { orderId: "o-1" }, { singletonKey: "o-1-again" })).toEqual(expect.any(String));

    const worked: number[] = [];
    queue.registerHandlers({ "test.echo": async ({ n }) => void worked.push(n), "test.keyed": async () => {} });
    await queue.startWorker();
    await waitFor(() => worked.length === 4, 10_000, "four echo jobs");
    await settle();
    expect(worked.sort((a, b) => a - b)).toEqual([1, 3, 4, 4]);
    // Once the keyed job has run, the key is free again.
    expect(await queue.enqueue("test.echo", { n: 5 }, { singletonKey: "order-1" })).toEqual(expect.any(String));
    await queue.stop();
  }, 30_000);

  it("holds a job back until startAfter", async () => {
    const queue = testQueue("jobs_deferred");
    const ranAt: number[] = [];
    queue.registerHandlers({ "test.echo": async () => void ranAt.push(Date.now()) });
    await queue.startWorker();
    const sentAt = Date.now();
    await queue.enqueue("test.echo", { n: 1 }, { startAfter: 2 });
    await waitFor(() => ranAt.length === 1, 10_000, "the deferred job");
    expect(ranAt[0]! - sentAt).toBeGreaterThanOrEqual(2_000);
    await queue.stop();
  }, 30_000);

  it("works 200 sent jobs, each exactly once", async () => {
    const queue = testQueue("jobs_bulk");
    const counts = new Map<number, number>();
    queue.registerHandlers({ "test.echo": async ({ n }) => void counts.set(n, (counts.get(n) ?? 0) + 1) });
    await queue.startWorker();
    const total = 200;
    const t0 = Date.now();
    const ids = await Promise.all(Array.from({ length: total }, (_, n) => queue.enqueue("test.echo", { n })));
    const enqueueMs = Date.now() - t0;
    await waitFor(() => counts.size === total, 30_000, `${total} jobs`);
    const totalMs = Date.now() - t0;
    await settle();
    expect(ids.every((id) => typeof id === "string")).toBe(true);
    expect(counts.size).toBe(total);
    expect([...counts.values()].every((c) => c === 1)).toBe(true);
    const [row] = await sql<{ n: number }>("SELECT count(*)::int AS n FROM jobs_bulk.job WHERE name = 'test.echo' AND state = 'completed'");
    expect(row?.n).toBe(total);
    console.info(
      JSON.stringify({ engine, check: `${total} jobs`, enqueueMs, totalMs, jobsPerSecond: Math.round(total / (totalMs / 1000)) }),
    );
    await queue.stop();
  }, 60_000);

  it("shares 100 jobs between two worker processes without duplicates", async () => {
    const schema = "jobs_shared";
    const queue = testQueue(schema);
    await queue.start();
    const workers = [startWorkerProcess(schema), startWorkerProcess(schema)];
    try {
      await Promise.all(workers.map((w) => w.ready));
      const total = 100;
      const ids = await Promise.all(Array.from({ length: total }, (_, n) => queue.enqueue("test.echo", { n })));
      expect(ids.every((id) => typeof id === "string")).toBe(true);
      const handled = () => workers.flatMap((w) => w.handled);
      await waitFor(() => handled().length >= total, 30_000, `${total} jobs across two processes`);
      await settle();
      const ns = handled().map((h) => h.n);
      expect(ns.length).toBe(total);
      expect(new Set(ns).size).toBe(total);
      const perProcess = workers.map((w) => w.handled.length);
      expect(perProcess.every((count) => count > 0)).toBe(true);
      console.info(JSON.stringify({ engine, check: "two processes", perProcess }));
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
      await queue.stop();
    }
  }, 90_000);
});

/**
 * A second and third process, each with its own pg-boss instance working
 * test.echo from `schema`, reporting what it handled on stdout.
 */
function startWorkerProcess(schema: string) {
  const root = path.resolve(import.meta.dirname, "../..");
  const code = `
    import { z } from "zod";
    import { createJobQueue } from ${JSON.stringify(path.join(root, "lib/jobs/queue.ts"))};
    import { job } from ${JSON.stringify(path.join(root, "lib/jobs/registry.ts"))};
    const queue = createJobQueue(
      { "test.echo": job({ payload: z.object({ n: z.number().int() }) }) },
      { connectionString: process.env.JOBS_TEST_URL!, schema: process.env.JOBS_TEST_SCHEMA!, pollingIntervalSeconds: 0.5 },
    );
    queue.registerHandlers({
      "test.echo": async ({ n }, job) => {
        await new Promise((r) => setTimeout(r, 50));
        process.stdout.write(JSON.stringify({ jobsTest: "handled", n, id: job.id }) + "\\n");
      },
    });
    process.on("SIGTERM", () => queue.stop({ timeoutMs: 5000 }).then(() => process.exit(0)));
    // tsx evaluates -e code as CommonJS: no top-level await.
    queue.startWorker().then(
      () => process.stdout.write(JSON.stringify({ jobsTest: "ready" }) + "\\n"),
      (error) => { console.error(error); process.exit(1); },
    );
  `;
  const child: ChildProcess = spawn(path.join(root, "node_modules/.bin/tsx"), ["--import=./scripts/server-only.mjs", "-e", code], {
    cwd: root,
    env: { ...process.env, JOBS_TEST_URL: url, JOBS_TEST_SCHEMA: schema, LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const handled: { n: number; id: string }[] = [];
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    child.once("exit", (code) => reject(new Error(`worker process exited early with code ${code}`)));
  });
  readline.createInterface({ input: child.stdout! }).on("line", (line) => {
    let message: { jobsTest?: string; n?: number; id?: string };
    try {
      message = JSON.parse(line);
    } catch {
      return;
    }
    if (message.jobsTest === "ready") markReady();
    if (message.jobsTest === "handled") handled.push({ n: message.n!, id: message.id! });
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    ready,
    handled,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
