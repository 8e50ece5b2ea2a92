/**
 * The typed vocabulary of durable jobs: a job is a name, a zod schema for its
 * payload and the retry policy pg-boss applies to it. Handlers are plain async
 * functions keyed by job name.
 *
 * Server-only: nothing in lib/jobs may be imported from a client component.
 */
import "server-only";
import type { z } from "zod";

/**
 * How a singleton key dedupes, mapped onto pg-boss queue policies:
 * - "exclusive": at most one job per key that is queued, waiting to retry or
 *   running; a second enqueue with that key returns null.
 * - "stately": at most one queued and one running job per key, and never two
 *   running at once; an enqueue while one runs is kept and runs after it.
 * Jobs enqueued without a key never collide (each gets a key of its own).
 */
export type DedupePolicy = "exclusive" | "stately";

export interface JobDefinition<S extends z.ZodType = z.ZodType> {
  /** Validates a payload on enqueue and again before the handler runs. */
  payload: S;
  /** Default singleton key derived from the payload, e.g. the order id. `enqueue`'s `singletonKey` overrides it. */
  key?: (payload: z.output<S>) => string;
  policy?: DedupePolicy;
  /** Retries after the first attempt. Default 5. */
  retryLimit?: number;
  /** Base delay between attempts, in whole seconds (pg-boss stores an integer). Default 5. */
  retryDelaySeconds?: number;
  /** Exponential backoff: attempt n waits between delay·2^(n-1) and delay·2^n seconds. Default true. */
  retryBackoff?: boolean;
  /** Ceiling for one backoff delay, in seconds. Default 900. */
  retryDelayMaxSeconds?: number;
  /** A running attempt older than this is counted as failed and retried. Default 900. */
  expireInSeconds?: number;
  /** Jobs of this name one worker process runs at once (also its fetch batch). Default 5. */
  concurrency?: number;
}

/** Declares one job; keeps the payload type for `key` and the handler. */
export function job<S extends z.ZodType>(definition: JobDefinition<S>): JobDefinition<S> {
  return definition;
}

export type JobDefinitions = Record<string, JobDefinition<z.ZodType>>;
export type JobName<D extends JobDefinitions> = keyof D & string;
/** What `enqueue` accepts (before zod defaults and transforms). */
export type PayloadInput<D extends JobDefinitions, N extends JobName<D>> = z.input<D[N]["payload"]>;
/** What a handler receives (after validation). */
export type Payload<D extends JobDefinitions, N extends JobName<D>> = z.output<D[N]["payload"]>;

export interface JobContext<N extends string = string> {
  id: string;
  name: N;
  /** 1 for the first run, 2 for the first retry, … */
  attempt: number;
  /** Retries allowed after the first attempt. */
  retryLimit: number;
  /** Aborted when the attempt expires or the worker stops without waiting. */
  signal: AbortSignal;
}

/**
 * Thrown by a handler whose work is not done yet and should run again after
 * the job's backoff (a provider still processing): a planned retry, logged
 * as such rather than as a failure.
 */
export class RetryLater extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RetryLater";
  }
}

export type JobHandler<D extends JobDefinitions, N extends JobName<D>> = (payload: Payload<D, N>, job: JobContext<N>) => Promise<void>;
export type JobHandlers<D extends JobDefinitions> = { [N in JobName<D>]: JobHandler<D, N> };

export interface EnqueueOptions {
  /** Dedupe key (see DedupePolicy); overrides the definition's `key`. */
  singletonKey?: string;
  /** Run no earlier than this: a Date, an ISO string, or seconds from now. */
  startAfter?: Date | string | number;
  retryLimit?: number;
  retryBackoff?: boolean;
  retryDelaySeconds?: number;
  retryDelayMaxSeconds?: number;
}

/**
 * Payloads should name records (order ids), not carry documents. The cap also
 * keeps each INSERT well under 64 KB: on the embedded database a statement
 * that arrives in several socket reads can be interleaved with another
 * connection's (see the report on PGlite's socket server in lib/jobs/queue.ts).
 */
export const MAX_PAYLOAD_BYTES = 32 * 1024;

export const DEFAULTS = {
  retryLimit: 5,
  retryDelaySeconds: 5,
  retryBackoff: true,
  retryDelayMaxSeconds: 900,
  expireInSeconds: 900,
  concurrency: 5,
  policy: "exclusive" as DedupePolicy,
} as const;
