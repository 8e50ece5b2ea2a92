/**
 * Finds orders that a crash left behind and hands them back to the job
 * queue: an order paid but never handed to fulfilment (the process died
 * between the payment's commit and the enqueue), an order whose fulfilment
 * run died mid-placement (its lease ran out), and orders waiting on the
 * provider (a placement still in process upstream, a cancellation still
 * being processed) whose polling job was never queued or was lost. Each job
 * is keyed by order, so a sweep never queues an order twice; fulfilment
 * looks an order up before placing it again, and an order awaiting the
 * provider is only ever looked up by its polling job, never taken over for
 * a placement while the job's lease on it lasts.
 */
import "server-only";
import { db } from "../db/client";
import { OrderStatus } from "../generated/prisma/client";
import { env } from "../config/env";
import { enqueue, providerPollRetries } from "../jobs";
import { log } from "../log";
import { AWAITING_PROVIDER } from "./fulfilment";
import { ORDER_TRANSITIONS } from "./lifecycle";

export async function sweepStrandedOrders(now = new Date()): Promise<number> {
  const stranded = await db().order.findMany({
    where: {
      OR: [
        { status: OrderStatus.PAID },
        {
          status: OrderStatus.FULFILLING,
          // (NOT on its own would also drop rows whose token is null.)
          AND: [
            { OR: [{ leaseToken: null }, { leaseToken: { not: AWAITING_PROVIDER } }] },
            { OR: [{ leaseExpiresAt: null }, { leaseExpiresAt: { lt: now } }] },
          ],
        },
      ],
    },
    select: { otherOrderId: true },
    orderBy: { paidAt: "asc" },
    take: 500,
  });
  let queued = 0;
  for (const order of stranded) if (await enqueue("order.fulfil", { otherOrderId: order.otherOrderId })) queued++;
  if (stranded.length > 0) log.info("stranded orders handed back to fulfilment", { found: stranded.length, queued });
  return queued + (await sweepAwaitingProvider(now));
}

/**
 * Orders waiting on the provider get their job back: cancellations asked
 * for and not yet carried out (order.cancel), placements handed to
 * order.poll, and cancellations accepted within the polling timeout (one
 * older than that was given up on, and left to an admin).
 */
async function sweepAwaitingProvider(now: Date): Promise<number> {
  const pollSince = new Date(now.getTime() - env().PROVIDER_POLL_TIMEOUT_SECONDS * 1000);
  const [requested, placing, cancelling] = await Promise.all([
    db().order.findMany({
      where: { cancelRequestedAt: { not: null }, status: { in: [...ORDER_TRANSITIONS.cancel_pending.from] } },
      select: { otherOrderId: true },
      take: 500,
    }),
    db().order.findMany({
      where: { status: OrderStatus.FULFILLING, leaseToken: AWAITING_PROVIDER },
      select: { otherOrderId: true },
      take: 500,
    }),
    db().order.findMany({
      where: { status: OrderStatus.CANCEL_PENDING, events: { some: { event: "cancel_pending", createdAt: { gte: pollSince } } } },
      select: { otherOrderId: true },
      take: 500,
    }),
  ]);
  let queued = 0;
  for (const { otherOrderId } of requested) if (await enqueue("order.cancel", { otherOrderId })) queued++;
  for (const { otherOrderId } of placing) if (await enqueue("order.poll", { otherOrderId }, providerPollRetries())) queued++;
  for (const { otherOrderId } of cancelling) if (await enqueue("order.cancel-poll", { otherOrderId }, providerPollRetries())) queued++;
  if (queued > 0)
    log.info("orders awaiting the provider handed back to their polling jobs", {
      cancelRequested: requested.length,
      placing: placing.length,
      cancelling: cancelling.length,
      queued,
    });
  return queued;
}
