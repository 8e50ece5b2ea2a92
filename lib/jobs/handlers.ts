/**
 * Where job names meet the functions that do the work, and how a process
 * becomes a worker. The Next.js server (instrumentation.ts) and
 * `npm run worker` (scripts/worker.ts) both start the same worker, so either
 * can run any job. Handlers must be safe to run again for the same payload:
 * an attempt whose worker died mid-way is retried.
 */
import { markRefundFailed, sendCardRefund } from "../billing/refunds";
import { log } from "../log";
import { fulfilPaidOrder, requeueAfterTransientFailure } from "../orders/fulfilment";
import { sweepStrandedOrders } from "../orders/recovery";
import { registerHandlers, startWorker, type StoreJobHandlers } from "./index";

export const handlers: StoreJobHandlers = {
  "order.fulfil": async ({ otherOrderId }, job) => {
    const { transient } = await fulfilPaidOrder(otherOrderId);
    // A failure that may pass is tried again by this job, after pg-boss's backoff; the last attempt's outcome stands.
    if (transient && job.attempt <= job.retryLimit && (await requeueAfterTransientFailure(otherOrderId, job.attempt))) {
      throw new Error(`Order ${otherOrderId}: transient provider failure; trying again after backoff`);
    }
  },
  "order.refund": async ({ refundId }, job) => {
    try {
      await sendCardRefund(refundId);
    } catch (err) {
      if (job.attempt > job.retryLimit) await markRefundFailed(refundId);
      throw err;
    }
  },
};

/** How often a worker looks for orders a crash left behind. */
const SWEEP_EVERY_MS = 60_000;

/**
 * Registers the handlers, starts working jobs, and sweeps for stranded
 * orders now (recovery after a restart) and every minute after.
 */
export async function startStoreWorker(instanceName: string, startAttempts = 1): Promise<void> {
  registerHandlers(handlers);
  await startWorker({ instanceName, startAttempts });
  const sweep = () => sweepStrandedOrders().catch((error: unknown) => log.error("stranded-order sweep failed", { error }));
  await sweep();
  setInterval(() => void sweep(), SWEEP_EVERY_MS).unref();
}
