/**
 * The storefront's jobs. Payloads name records; a handler loads what it needs.
 * Each name here becomes a pg-boss queue when the queue starts.
 */
import { z } from "zod";
import { job } from "./registry";

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
};

export type StoreJobs = typeof JOBS;
