/**
 * The storefront's jobs. Payloads name records; a handler loads what it needs.
 * Each name here becomes a pg-boss queue when the queue starts.
 */
import "server-only";
import { z } from "zod";
import { env, type Env } from "../config/env";
import { job, type EnqueueOptions } from "./registry";

const otherOrderId = z.string().min(1).max(64);

export const JOBS = {
  /**
   * Place a paid order with its provider. One per order queued or running.
   * Enqueued after payment, and again by the recovery sweep for an order
   * left paid (a crash after the payment's commit) or whose run's lease ran out.
   */
  "order.fulfil": job({
    payload: z.object({ otherOrderId }),
    key: (p) => p.otherOrderId,
    retryLimit: 5,
    retryDelaySeconds: 10,
    retryDelayMaxSeconds: 600,
  }),
  /**
   * Send a recorded card refund to Stripe again. Retried with backoff; when
   * the last attempt fails, the refund is marked FAILED and admins alerted.
   */
  "order.refund": job({
    payload: z.object({ refundId: z.string().min(1).max(64) }),
    key: (p) => p.refundId,
    retryLimit: 6,
    retryDelaySeconds: 30,
    retryDelayMaxSeconds: 3600,
  }),
  /**
   * Look up an order the provider still reports in process (placed, no
   * eSIM yet), which a fulfilment run handed over instead of waiting. Each
   * attempt that finds it still pending ends in RetryLater; the retry
   * settings come from the environment at enqueue (providerPollRetries), and
   * past PROVIDER_POLL_TIMEOUT_SECONDS the order goes to review.
   */
  "order.poll": job({ payload: z.object({ otherOrderId }), key: (p) => p.otherOrderId }),
  /**
   * Carry out a cancellation the customer or an admin asked for
   * (lib/orders/after-sale.ts runCancellation): the usage check, the
   * provider's cancel (sent at most once), and the refund once confirmed.
   * One per order queued or running; the recovery sweep queues it again for
   * a request whose job was lost.
   */
  "order.cancel": job({
    payload: z.object({ otherOrderId }),
    key: (p) => p.otherOrderId,
    retryLimit: 5,
    retryDelaySeconds: 10,
    retryDelayMaxSeconds: 600,
  }),
  /** Follow a cancellation the provider is still processing (CANCEL_PENDING) until it confirms, then refund. Same retry settings as order.poll. */
  "order.cancel-poll": job({ payload: z.object({ otherOrderId }), key: (p) => p.otherOrderId }),
  /**
   * Recharge a paid mobile top-up (lib/topup/recharge.ts). One per top-up
   * queued or running; a run that finds the recharge may have been sent
   * inspects MeiSIM's history instead of sending it again.
   */
  "topup.recharge": job({
    payload: z.object({ topupId: z.string().min(1).max(64) }),
    key: (p) => p.topupId,
    retryLimit: 5,
    retryDelaySeconds: 10,
    retryDelayMaxSeconds: 600,
  }),
  /** Send a mobile top-up's card refund to Stripe again, or look at one Stripe is still processing; FAILED with an alert after the last attempt. */
  "topup.refund": job({
    payload: z.object({ topupId: z.string().min(1).max(64) }),
    key: (p) => p.topupId,
    retryLimit: 6,
    retryDelaySeconds: 30,
    retryDelayMaxSeconds: 3600,
  }),
  /** Send one recorded EmailMessage; a retry finds it marked sent and sends nothing. */
  "email.send": job({
    payload: z.object({ emailId: z.string().min(1).max(64) }),
    key: (p) => p.emailId,
    retryLimit: 8,
    retryDelaySeconds: 30,
    retryDelayMaxSeconds: 3600,
  }),
  /**
   * Pull one provider's catalog into ours, recording progress on a
   * CatalogSyncRun (runId when an admin asked; a scheduled run makes its
   * own). One per provider queued or running.
   */
  "catalog.sync": job({
    payload: z.object({ provider: z.string().min(1).max(32), runId: z.string().min(1).max(64).optional() }),
    key: (p) => p.provider,
    retryLimit: 2,
    retryDelaySeconds: 60,
    expireInSeconds: 1800,
    concurrency: 1,
  }),
  /**
   * Compare our orders with each provider's records (lib/orders/reconciliation):
   * the run an admin asked for (runId), or a scheduled one that records its
   * own run. Not retried: the next occurrence, or the admin's next click, runs again.
   */
  "orders.reconcile": job({
    payload: z.object({ runId: z.string().min(1).max(64).optional() }),
    key: (p) => p.runId ?? "scheduled",
    retryLimit: 0,
    concurrency: 1,
  }),
  /**
   * Read one provider's live eSIMs' usage in batches and email the 80% data
   * and 3-days-left reminders (lib/esims/reminders.ts), on
   * USAGE_REMINDER_SCHEDULE. One per provider queued or running; each
   * reminder is claimed once, so an overlap sends nothing twice. Not
   * retried: the next occurrence reads again.
   */
  "esims.remind": job({
    payload: z.object({ provider: z.string().min(1).max(32) }),
    key: (p) => p.provider,
    retryLimit: 0,
    expireInSeconds: 3600,
    concurrency: 1,
  }),
  /**
   * Delete expired rate-limit windows, sign-in back-offs, email tokens and
   * sessions (lib/auth/expired-records.ts), on PRUNE_SCHEDULE. Not retried:
   * the next occurrence deletes what this one left.
   */
  "records.prune": job({
    payload: z.object({}),
    key: () => "scheduled",
    retryLimit: 0,
    concurrency: 1,
  }),
  /**
   * Read the status of an admin's list of MIOeSIM cards, 100 per call
   * (lib/admin/mioesim-tools.ts), recording progress on its IccidQueryRun.
   * A retry resumes after the ICCIDs already answered.
   */
  "mioesim.iccid-query": job({
    payload: z.object({ runId: z.string().min(1).max(64) }),
    key: (p) => p.runId,
    retryLimit: 2,
    retryDelaySeconds: 10,
    concurrency: 2,
  }),
};

/** The longest wait between two look-ups of a polling job. */
export const POLL_MAX_DELAY_SECONDS = 600;

/**
 * Retry settings of order.poll and order.cancel-poll: the first look-up
 * after PROVIDER_POLL_BACKOFF_SECONDS, each wait after it doubling (pg-boss
 * picks between 1x and 2x of it, at most POLL_MAX_DELAY_SECONDS), and enough
 * retries to reach PROVIDER_POLL_TIMEOUT_SECONDS even if every wait is the
 * shortest. The handlers give up at the timeout themselves; the retry limit
 * is the backstop.
 */
export function providerPollRetries(
  e: Pick<Env, "PROVIDER_POLL_BACKOFF_SECONDS" | "PROVIDER_POLL_TIMEOUT_SECONDS"> = env(),
): EnqueueOptions {
  const first = e.PROVIDER_POLL_BACKOFF_SECONDS;
  let retries = 0;
  for (let waited = first, wait = first; waited < e.PROVIDER_POLL_TIMEOUT_SECONDS; retries++, wait *= 2)
    waited += Math.min(wait, POLL_MAX_DELAY_SECONDS);
  return {
    startAfter: first,
    retryLimit: retries + 1,
    retryBackoff: true,
    retryDelaySeconds: first,
    retryDelayMaxSeconds: POLL_MAX_DELAY_SECONDS,
  };
}

export type StoreJobs = typeof JOBS;
