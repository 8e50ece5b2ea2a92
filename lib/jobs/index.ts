/**
 * The storefront's job queue, on the app's own database (DATABASE_URL).
 *
 *   registerHandlers({ "order.fulfil": async ({ otherOrderId }) => … });
 *   await startWorker();                       // instrumentation.ts, or scripts/worker.ts
 *   await enqueue("order.fulfil", { otherOrderId });
 *   await stopJobs();                          // on shutdown
 *
 * One queue per process, kept on globalThis so dev-mode reloads reuse it.
 * Server-only (see registry.ts).
 */
import "server-only";
import { env } from "../config/env";
import { JOBS, type StoreJobs } from "./definitions";
import { createJobQueue, type Engine, type JobQueue, type StartOptions, type StopOptions } from "./queue";
import type { EnqueueOptions, JobHandlers, JobName, PayloadInput } from "./registry";

export { JOBS, POLL_MAX_DELAY_SECONDS, providerPollRetries } from "./definitions";
export type { StoreJobs } from "./definitions";
export { RetryLater } from "./registry";
export type { EnqueueOptions, JobContext, JobHandler, JobHandlers, Payload, PayloadInput } from "./registry";
export type { Engine, StartOptions, StopOptions } from "./queue";

export type StoreJobName = JobName<StoreJobs>;
export type StoreJobHandlers = JobHandlers<StoreJobs>;

const globalForJobs = globalThis as unknown as { __jobs?: JobQueue<StoreJobs> };

function jobs(): JobQueue<StoreJobs> {
  if (!globalForJobs.__jobs) {
    const { DATABASE_URL } = env();
    if (!DATABASE_URL) {
      throw new Error(
        "DATABASE_URL is not set, so there is no database for the job queue. Start the storefront with `npm start` (it runs the embedded database) or set DATABASE_URL to a PostgreSQL server.",
      );
    }
    globalForJobs.__jobs = createJobQueue(JOBS, { connectionString: DATABASE_URL });
  }
  return globalForJobs.__jobs;
}

/** Validates the payload and stores the job; null when a job with the same singleton key is pending. */
export function enqueue<N extends StoreJobName>(
  name: N,
  payload: PayloadInput<StoreJobs, N>,
  options?: EnqueueOptions,
): Promise<string | null> {
  return jobs().enqueue(name, payload, options);
}

/**
 * Sends `payload` to `name` on a cron schedule (UTC) kept in the database; a
 * null cron removes the schedule. `key` tells apart several schedules of one job.
 */
export function schedule<N extends StoreJobName>(
  name: N,
  cron: string | null,
  payload: PayloadInput<StoreJobs, N>,
  key?: string,
): Promise<void> {
  return jobs().schedule(name, cron, payload, key);
}

/** Adds or replaces handlers (plain async functions, one per job name). */
export function registerHandlers(handlers: Partial<StoreJobHandlers>): void {
  jobs().registerHandlers(handlers);
}

/**
 * Starts the queue (its schema is created or migrated on the way) and works
 * every job name with a registered handler, in this process, until stopJobs().
 */
export async function startWorker(options?: StartOptions): Promise<void> {
  await jobs().startWorker(options);
}

/** Starts the queue without working jobs, for a process that only enqueues. enqueue() also starts it on first use. */
export async function startQueue(options?: StartOptions): Promise<void> {
  await jobs().start(options);
}

/** Stops working, lets running handlers finish (up to timeoutMs), and closes the queue's connections. */
export async function stopJobs(options?: StopOptions): Promise<void> {
  await globalForJobs.__jobs?.stop(options);
}

/** The engine the queue found on start ("pglite" or "postgres"), or null before start. */
export function jobsEngine(): Engine | null {
  return globalForJobs.__jobs?.engine() ?? null;
}
