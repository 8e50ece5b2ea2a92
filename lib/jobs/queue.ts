/**
 * Durable jobs on pg-boss (PostgreSQL-backed queue): the queue's own schema is
 * created or migrated on start, jobs are rows, workers poll for them with
 * `FOR UPDATE SKIP LOCKED`, and retries with exponential backoff are pg-boss's.
 *
 * The same code runs on both engines. What differs is decided once, at start,
 * by asking the server what it is (`SELECT version()`):
 *
 * - PostgreSQL: a pool of `poolSize` (3) plus one LISTEN connection, so a new
 *   job wakes an idle worker at once; polling stays as the backstop.
 * - PGlite behind @electric-sql/pglite-socket: a pool of ONE and no
 *   LISTEN/NOTIFY, polling only. Every socket connection there is the same
 *   single backend session, so (1) NOTIFY is delivered to whichever connection
 *   runs the next statement, never to the listener, and (2) the server queues
 *   protocol messages one by one and keeps a connection's messages together
 *   only inside a transaction: a Parse…Sync batch that reaches it in more than
 *   one socket read can be split by another connection's Parse, which replaces
 *   the shared unnamed statement (errors, or rows of the other query). One
 *   connection per queue instance and small payloads (MAX_PAYLOAD_BYTES) keep
 *   pg-boss clear of both; the fix for the app as a whole belongs in the
 *   socket server (electric-sql/pglite#1046).
 */
import "server-only";
import { randomUUID } from "node:crypto";
import pg from "pg";
import { PgBoss, type JobResult, type JobWithMetadata, type SendOptions } from "pg-boss";
import { log as rootLog, type Logger } from "../log";
import {
  DEFAULTS,
  MAX_PAYLOAD_BYTES,
  RetryLater,
  type EnqueueOptions,
  type JobDefinition,
  type JobDefinitions,
  type JobHandlers,
  type JobName,
  type PayloadInput,
} from "./registry";

export type Engine = "pglite" | "postgres";

export interface QueueOptions {
  connectionString: string;
  /** Schema pg-boss installs itself in. Default "pgboss". */
  schema?: string;
  /** Connections on a PostgreSQL server (PGlite always gets 1). Default 3. */
  poolSize?: number;
  /** LISTEN/NOTIFY on a PostgreSQL server (never on PGlite). Default true. */
  listenNotify?: boolean;
  /** How often an idle worker looks for due jobs, in seconds (≥ 0.5). Default 2. */
  pollingIntervalSeconds?: number;
  logger?: Logger;
}

/** Per start, so the process that starts the queue decides (the queue object may exist earlier). */
export interface StartOptions {
  /** Shown in pg-boss's instance registry, e.g. "web" or "worker". */
  instanceName?: string;
  /** Tries to reach the database on start (1 s, doubling to 30 s between). Default 1. */
  startAttempts?: number;
}

export interface StopOptions {
  /** How long running handlers may take to finish before their jobs are failed (and retried). Default 30 s. */
  timeoutMs?: number;
}

export interface JobQueue<D extends JobDefinitions> {
  readonly definitions: D;
  /** Starts pg-boss (schema, migrations, one queue per definition). Safe to call repeatedly. */
  start(options?: StartOptions): Promise<void>;
  /** Validates and stores a job. Resolves to its id, or null when a job with the same singleton key is pending. */
  enqueue<N extends JobName<D>>(name: N, payload: PayloadInput<D, N>, options?: EnqueueOptions): Promise<string | null>;
  /**
   * Sends `payload` to `name` on a five-field cron expression (UTC), or stops
   * doing so when `cron` is null. The schedule lives in the database: every
   * process that calls this keeps the same one schedule, and pg-boss sends
   * each occurrence once. Its jobs carry the definition's key, so they dedupe
   * like any other. `key` tells apart several schedules of one job (one per
   * provider, say); each call replaces the schedule with its key.
   */
  schedule<N extends JobName<D>>(name: N, cron: string | null, payload: PayloadInput<D, N>, key?: string): Promise<void>;
  /** Adds or replaces handlers; names already being worked keep working with the new function. */
  registerHandlers(handlers: Partial<JobHandlers<D>>): void;
  /** Starts the queue if needed and works every job name that has a handler. */
  startWorker(options?: StartOptions): Promise<void>;
  /** Stops working, waits for running handlers (up to timeoutMs), closes the connections. */
  stop(options?: StopOptions): Promise<void>;
  /** The engine found on start, or null before. */
  engine(): Engine | null;
}

/** Asks the server what it is: PGlite reports itself in version(). */
export async function detectEngine(connectionString: string): Promise<Engine> {
  const client = new pg.Client({ connectionString, application_name: "esim-jobs-probe" });
  await client.connect();
  try {
    const { rows } = await client.query<{ version: string }>("SELECT version()");
    return /PGlite/i.test(rows[0]?.version ?? "") ? "pglite" : "postgres";
  } finally {
    await client.end();
  }
}

const errorFields = (err: unknown) => (err instanceof Error ? { name: err.name, message: err.message } : { message: String(err) });

export function createJobQueue<D extends JobDefinitions>(definitions: D, options: QueueOptions): JobQueue<D> {
  const schema = options.schema ?? "pgboss";
  const pollingIntervalSeconds = options.pollingIntervalSeconds ?? 2;
  const log = (options.logger ?? rootLog).child({ component: "jobs", schema });
  const handlers = new Map<string, (payload: unknown, job: Parameters<JobHandlers<D>[JobName<D>]>[1]) => Promise<void>>();
  /** Job names this process works, with pg-boss's worker id once it runs. */
  const working = new Map<string, string | null>();
  let starting: Promise<PgBoss> | null = null;
  let engine: Engine | null = null;
  let workerRunning = false;

  const definitionOf = (name: string): JobDefinition => {
    const definition = definitions[name];
    if (!definition) throw new Error(`Unknown job "${name}". Known jobs: ${Object.keys(definitions).join(", ")}`);
    return definition;
  };

  const queueSettings = (definition: JobDefinition, notify: boolean) => ({
    retryLimit: definition.retryLimit ?? DEFAULTS.retryLimit,
    retryDelay: definition.retryDelaySeconds ?? DEFAULTS.retryDelaySeconds,
    retryBackoff: definition.retryBackoff ?? DEFAULTS.retryBackoff,
    retryDelayMax: definition.retryDelayMaxSeconds ?? DEFAULTS.retryDelayMaxSeconds,
    expireInSeconds: definition.expireInSeconds ?? DEFAULTS.expireInSeconds,
    notify,
  });

  async function ensureQueue(boss: PgBoss, name: string, definition: JobDefinition, notify: boolean) {
    const policy = definition.policy ?? DEFAULTS.policy;
    const settings = queueSettings(definition, notify);
    const existing = await boss.getQueue(name);
    if (!existing) {
      // Idempotent in pg-boss (ON CONFLICT DO NOTHING under an advisory lock), so two processes may race here.
      await boss.createQueue(name, { ...settings, policy });
      return;
    }
    if (existing.policy !== policy) {
      log.warn("queue policy differs from its definition; pg-boss cannot change it in place", {
        job: name,
        stored: existing.policy,
        defined: policy,
      });
    }
    await boss.updateQueue(name, settings);
  }

  async function startBoss(startOptions: StartOptions): Promise<PgBoss> {
    engine = await detectEngine(options.connectionString);
    const embedded = engine === "pglite";
    const listenNotify = !embedded && (options.listenNotify ?? true);
    const poolSize = embedded ? 1 : (options.poolSize ?? 3);
    const boss = new PgBoss({
      connectionString: options.connectionString,
      schema,
      max: poolSize,
      application_name: "esim-jobs",
      useListenNotify: listenNotify,
      ...(startOptions.instanceName ? { instanceName: startOptions.instanceName } : {}),
    });
    boss.on("error", (error) => log.error("queue error", { error: errorFields(error) }));
    boss.on("warning", (warning) => log.warn("queue warning", { warning: warning.message, data: warning.data }));
    await boss.start({ attempts: startOptions.startAttempts ?? 1 });
    try {
      // NOTIFY on insert is a queue setting shared by every process; PGlite's socket server cannot deliver it.
      for (const [name, definition] of Object.entries(definitions)) await ensureQueue(boss, name, definition, !embedded);
    } catch (err) {
      await boss.stop({ graceful: false }).catch(() => {});
      throw err;
    }
    log.info("queue started", { engine, poolSize, listenNotify, pollingIntervalSeconds, jobs: Object.keys(definitions) });
    return boss;
  }

  function ensureStarted(startOptions: StartOptions = {}): Promise<PgBoss> {
    starting ??= startBoss(startOptions).catch((err) => {
      starting = null;
      throw err;
    });
    return starting;
  }

  async function runOne(name: string, job: JobWithMetadata<unknown>): Promise<JobResult> {
    const definition = definitionOf(name);
    const attempt = job.retryCount + 1;
    const fields = { job: name, id: job.id, attempt };
    const parsed = definition.payload.safeParse(job.data);
    if (!parsed.success) {
      // A payload that no longer validates will not validate on a retry either.
      log.error("job payload invalid; failed without retry", { ...fields, issues: parsed.error.issues });
      return { id: job.id, status: "deadletter", output: { error: "invalid payload", issues: parsed.error.issues } };
    }
    const handler = handlers.get(name);
    if (!handler) return { id: job.id, status: "failed", output: { error: `no handler for ${name}` } };
    const startedAt = Date.now();
    try {
      await handler(parsed.data, { id: job.id, name, attempt, retryLimit: job.retryLimit, signal: job.signal });
      log.debug("job completed", { ...fields, ms: Date.now() - startedAt });
      return { id: job.id, status: "completed" };
    } catch (err) {
      const willRetry = job.retryCount < job.retryLimit;
      if (err instanceof RetryLater && willRetry) {
        log.info("job to run again after backoff", { ...fields, retryLimit: job.retryLimit, reason: err.message });
        return { id: job.id, status: "failed", output: { retryLater: err.message } };
      }
      (willRetry ? log.warn : log.error)(willRetry ? "job failed; will retry" : "job failed; no retries left", {
        ...fields,
        retryLimit: job.retryLimit,
        ms: Date.now() - startedAt,
        error: errorFields(err),
      });
      return { id: job.id, status: "failed", output: { error: errorFields(err) } };
    }
  }

  async function workOn(boss: PgBoss, name: string) {
    if (working.has(name)) return;
    working.set(name, null);
    const concurrency = definitionOf(name).concurrency ?? DEFAULTS.concurrency;
    try {
      const workerId = await boss.work(
        name,
        {
          // One fetch claims up to `concurrency` jobs; they run side by side and settle one by one.
          batchSize: concurrency,
          perJobResults: true,
          includeMetadata: true,
          // While fetches come back full, fetch again at once instead of waiting for the next poll.
          burstWhenBatchFull: concurrency > 1,
          pollingIntervalSeconds,
          // Retries and startAfter jobs become due without a NOTIFY; keep polling at the same pace.
          notifyPollingIntervalSeconds: pollingIntervalSeconds,
        },
        (jobs) => Promise.all(jobs.map((job) => runOne(name, job))),
      );
      working.set(name, workerId);
    } catch (err) {
      working.delete(name);
      throw err;
    }
  }

  return {
    definitions,

    async start(startOptions) {
      await ensureStarted(startOptions);
    },

    async enqueue(name, payload, enqueueOptions = {}) {
      const definition = definitionOf(name);
      const data = definition.payload.parse(payload) as object;
      const bytes = Buffer.byteLength(JSON.stringify(data));
      if (bytes > MAX_PAYLOAD_BYTES) {
        throw new RangeError(
          `Job "${name}" payload is ${bytes} bytes; the limit is ${MAX_PAYLOAD_BYTES}. Pass ids and load the rest in the handler.`,
        );
      }
      const boss = await ensureStarted();
      const id = randomUUID();
      // Every job carries a key, so the queue policy can dedupe; a job without one gets its own id.
      const singletonKey = enqueueOptions.singletonKey ?? definition.key?.(data) ?? id;
      const sendOptions: SendOptions = { id, singletonKey };
      if (enqueueOptions.startAfter !== undefined) sendOptions.startAfter = enqueueOptions.startAfter;
      if (enqueueOptions.retryLimit !== undefined) sendOptions.retryLimit = enqueueOptions.retryLimit;
      if (enqueueOptions.retryBackoff !== undefined) sendOptions.retryBackoff = enqueueOptions.retryBackoff;
      if (enqueueOptions.retryDelaySeconds !== undefined) sendOptions.retryDelay = enqueueOptions.retryDelaySeconds;
      if (enqueueOptions.retryDelayMaxSeconds !== undefined) sendOptions.retryDelayMax = enqueueOptions.retryDelayMaxSeconds;
      const jobId = await boss.send(name, data, sendOptions);
      if (jobId === null) log.info("job not enqueued: one with the same key is pending", { job: name, singletonKey });
      else log.debug("job enqueued", { job: name, id: jobId, singletonKey: singletonKey === id ? undefined : singletonKey });
      // A worker of this process starts on it now instead of at its next poll: without LISTEN/NOTIFY (the
      // embedded database) a paid order would otherwise wait up to a polling interval before placement.
      const localWorker = working.get(name);
      if (jobId !== null && localWorker && enqueueOptions.startAfter === undefined) boss.notifyWorker(localWorker);
      return jobId;
    },

    async schedule(name, cron, payload, key = "") {
      const definition = definitionOf(name);
      const boss = await ensureStarted();
      if (cron === null) {
        await boss.unschedule(name, key);
        log.info("schedule removed", { job: name, key });
        return;
      }
      const data = definition.payload.parse(payload) as object;
      await boss.schedule(name, cron, data, { key, tz: "UTC", singletonKey: definition.key?.(data) ?? name });
      log.info("job scheduled", { job: name, key, cron });
    },

    registerHandlers(newHandlers) {
      for (const [name, handler] of Object.entries(newHandlers)) {
        if (!handler) continue;
        definitionOf(name);
        handlers.set(name, handler as (payload: unknown, job: Parameters<JobHandlers<D>[JobName<D>]>[1]) => Promise<void>);
        if (workerRunning && starting) {
          void starting
            .then((boss) => workOn(boss, name))
            .catch((error) => log.error("could not start working a job name", { job: name, error: errorFields(error) }));
        }
      }
    },

    async startWorker(startOptions) {
      const boss = await ensureStarted(startOptions);
      workerRunning = true;
      for (const name of handlers.keys()) await workOn(boss, name);
      const idle = Object.keys(definitions).filter((name) => !handlers.has(name));
      log.info("worker started", { working: [...handlers.keys()], withoutHandler: idle, pid: process.pid });
    },

    async stop({ timeoutMs = 30_000 } = {}) {
      const current = starting;
      starting = null;
      workerRunning = false;
      working.clear();
      if (!current) return;
      const boss = await current.catch(() => null);
      if (!boss) return;
      await boss.stop({ graceful: true, timeout: timeoutMs });
      log.info("queue stopped");
    },

    engine: () => engine,
  };
}
