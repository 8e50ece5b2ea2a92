/**
 * Where job names meet the functions that do the work, and how a process
 * becomes a worker. The Next.js server (instrumentation.ts) and
 * `npm run worker` (scripts/worker.ts) both start the same worker, so either
 * can run any job. Handlers must be safe to run again for the same payload:
 * an attempt whose worker died mid-way is retried.
 */
import "server-only";
import { runIccidQuery } from "../admin/mioesim-tools";
import { pruneExpiredRecords, schedulePruning } from "../auth/expired-records";
import { markRefundFailed, RefundStillProcessingError, sendCardRefund, sweepUnsentRefunds } from "../billing/refunds";
import { RefundStatus } from "../generated/prisma/client";
import { log } from "../log";
import { runCatalogSync, scheduleCatalogSync, type SyncTrigger } from "../catalog/sync";
import { sendRecordedEmail, sweepUnsentEmails } from "../email/outgoing";
import { scheduleUsageReminders, sendUsageReminders } from "../esims/reminders";
import { followCancellation, runCancellation } from "../orders/after-sale";
import { fulfilPaidOrder, pollPendingOrder, requeueAfterTransientFailure } from "../orders/fulfilment";
import { reconcileJob } from "../orders/reconciliation";
import { sweepStrandedOrders } from "../orders/recovery";
import { rechargeTopup, sweepStrandedTopups } from "../topup/recharge";
import { markTopupRefundFailed, sendTopupCardRefund, TopupRefundStillProcessingError } from "../topup/refund";
import { expireUnpaidOrders } from "../orders/unpaid";
import { env } from "../config/env";
import { registerHandlers, RetryLater, schedule, startWorker, type StoreJobHandlers } from "./index";

export const handlers: StoreJobHandlers = {
  "order.fulfil": async ({ otherOrderId }, job) => {
    const { transient } = await fulfilPaidOrder(otherOrderId);
    // A failure that may pass is tried again by this job, after pg-boss's backoff; the last attempt's outcome stands.
    if (transient && job.attempt <= job.retryLimit && (await requeueAfterTransientFailure(otherOrderId, job.attempt))) {
      throw new Error(`Order ${otherOrderId}: transient provider failure; trying again after backoff`);
    }
  },
  "order.refund": async ({ refundId }, job) => {
    let refund;
    try {
      refund = await sendCardRefund(refundId);
    } catch (err) {
      if (job.attempt > job.retryLimit) await markRefundFailed(refundId);
      throw err;
    }
    // Accepted but still processing at Stripe: look again after backoff. After the last look it stays SENT, and Stripe's webhook settles it.
    if (refund.status === RefundStatus.SENT) throw new RefundStillProcessingError(refundId);
  },
  "orders.reconcile": async ({ runId }) => {
    await reconcileJob(runId);
  },
  "esims.remind": async ({ provider }) => {
    await sendUsageReminders(provider);
  },
  "order.poll": async ({ otherOrderId }, job) => {
    const { awaitingProvider } = await pollPendingOrder(otherOrderId, job.attempt > job.retryLimit);
    if (awaitingProvider) throw new RetryLater(`Order ${otherOrderId}: the provider is still processing it`);
  },
  "order.cancel": async ({ otherOrderId }, job) => {
    const outcome = await runCancellation(otherOrderId, job.attempt > job.retryLimit);
    if (outcome === "retry")
      throw new RetryLater(`Order ${otherOrderId}: the usage check or the provider could not be reached; trying again`);
  },
  "order.cancel-poll": async ({ otherOrderId }, job) => {
    const outcome = await followCancellation(otherOrderId, job.attempt > job.retryLimit);
    if (outcome === "pending") throw new RetryLater(`Order ${otherOrderId}: the provider is still processing the cancellation`);
  },
  "topup.recharge": async ({ topupId }, job) => {
    const { transient } = await rechargeTopup(topupId, job.attempt > job.retryLimit);
    if (transient) throw new RetryLater(`Mobile top-up ${topupId}: MeiSIM could not be reached; trying again after backoff`);
  },
  "topup.refund": async ({ topupId }, job) => {
    let status;
    try {
      status = await sendTopupCardRefund(topupId);
    } catch (err) {
      if (job.attempt > job.retryLimit) await markTopupRefundFailed(topupId);
      throw err;
    }
    if (status === RefundStatus.SENT) {
      if (job.attempt > job.retryLimit) await markTopupRefundFailed(topupId);
      throw new TopupRefundStillProcessingError(topupId);
    }
  },
  "email.send": async ({ emailId }, job) => {
    await sendRecordedEmail(emailId, job.attempt > job.retryLimit);
  },
  "catalog.sync": async ({ provider, runId }, job) => {
    const trigger: SyncTrigger = runId ? "admin" : "schedule";
    await runCatalogSync(provider, { runId, trigger }, job.attempt > job.retryLimit);
  },
  "records.prune": async () => {
    await pruneExpiredRecords();
  },
  "mioesim.iccid-query": async ({ runId }, job) => {
    await runIccidQuery(runId, job.attempt > job.retryLimit);
  },
};

/** How often a worker looks for orders, refunds and emails a crash left behind, and for unpaid orders past their window. */
const SWEEP_EVERY_MS = 60_000;

/**
 * Registers the handlers, starts working jobs, and sweeps for stranded
 * orders and refunds, and expires unpaid orders, now (recovery after a
 * restart) and every minute after.
 */
export async function startStoreWorker(instanceName: string, startAttempts = 1): Promise<void> {
  registerHandlers(handlers);
  await startWorker({ instanceName, startAttempts });
  const { RECONCILE_SCHEDULE } = env();
  await schedule("orders.reconcile", RECONCILE_SCHEDULE === "off" ? null : RECONCILE_SCHEDULE, {}).catch((error: unknown) =>
    log.error("could not schedule reconciliation; check RECONCILE_SCHEDULE", { schedule: RECONCILE_SCHEDULE, error }),
  );
  await scheduleUsageReminders().catch((error: unknown) =>
    log.error("could not schedule usage reminders; check USAGE_REMINDER_SCHEDULE", { schedule: env().USAGE_REMINDER_SCHEDULE, error }),
  );
  await schedulePruning().catch((error: unknown) =>
    log.error("could not schedule pruning; check PRUNE_SCHEDULE", { schedule: env().PRUNE_SCHEDULE, error }),
  );
  await scheduleCatalogSync().catch((error: unknown) =>
    log.error("could not schedule the catalog sync; check CATALOG_SYNC_SCHEDULE", { schedule: env().CATALOG_SYNC_SCHEDULE, error }),
  );
  const sweep = () =>
    Promise.all(
      [sweepStrandedOrders, sweepUnsentRefunds, expireUnpaidOrders, sweepUnsentEmails, sweepStrandedTopups].map((task) =>
        task().catch((error: unknown) => log.error("sweep failed", { task: task.name, error })),
      ),
    );
  await sweep();
  setInterval(() => void sweep(), SWEEP_EVERY_MS).unref();
}
