/**
 * Finds orders that a crash left behind and hands them back to the job
 * queue: an order paid but never handed to fulfilment (the process died
 * between the payment's commit and the enqueue), and an order whose
 * fulfilment run died mid-placement (its lease ran out). The order.fulfil
 * job is keyed by order, so a sweep never queues an order twice, and
 * fulfilment itself looks an order up before placing it again.
 */
import { db } from "../db/client";
import { OrderStatus } from "../generated/prisma/client";
import { enqueue } from "../jobs";
import { log } from "../log";

export async function sweepStrandedOrders(now = new Date()): Promise<number> {
  const stranded = await db().order.findMany({
    where: {
      OR: [
        { status: OrderStatus.PAID },
        { status: OrderStatus.FULFILLING, OR: [{ leaseExpiresAt: null }, { leaseExpiresAt: { lt: now } }] },
      ],
    },
    select: { otherOrderId: true, status: true },
    orderBy: { paidAt: "asc" },
    take: 500,
  });
  let queued = 0;
  for (const order of stranded) if (await enqueue("order.fulfil", { otherOrderId: order.otherOrderId })) queued++;
  if (stranded.length > 0) log.info("stranded orders handed back to fulfilment", { found: stranded.length, queued });
  return queued;
}
