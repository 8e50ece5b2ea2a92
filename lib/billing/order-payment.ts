/** Moving an order from awaiting payment to paid, shared by card and wallet payments. */
import "server-only";
import type { Prisma } from "../db/client";
import { OrderStatus, type Order, type PaymentMethod } from "../generated/prisma/client";
import { log } from "../log";
import { enqueue } from "../jobs";
import { applyTransition, canPay } from "../orders/lifecycle";
import { BillingError } from "./errors";

type Tx = Prisma.TransactionClient;

/** Locks the order for the rest of the transaction; taken before any wallet lock, always, so the two never deadlock. */
export async function lockOrder(tx: Tx, otherOrderId: string): Promise<Order | null> {
  const rows = await tx.$queryRaw<{ otherOrderId: string }[]>`
    SELECT "otherOrderId" FROM "Order" WHERE "otherOrderId" = ${otherOrderId} FOR UPDATE`;
  return rows.length === 0 ? null : tx.order.findUnique({ where: { otherOrderId } });
}

/** Refuses an order that can no longer be paid, saying why in the customer's words. */
export function assertPayable(order: Pick<Order, "status">): void {
  if (canPay(order)) return;
  if (order.status === OrderStatus.EXPIRED) {
    throw new BillingError(
      "order_expired",
      "This order expired before it was paid. Plans and prices may have changed: please start a new order.",
    );
  }
  throw new BillingError("order_not_payable", "This order is not awaiting payment.");
}

/** True when this call moved the order to PAID; false when it was no longer awaiting payment. */
export function markOrderPaid(tx: Tx, order: Order, method: PaymentMethod): Promise<boolean> {
  return applyTransition(
    order.otherOrderId,
    "paid",
    {
      actorId: order.userId,
      data: { paymentMethod: method, paidAt: new Date() },
      details: { method, amountMinor: order.amountMinor, currency: order.currency },
    },
    tx,
  );
}

/**
 * Hands a paid order to fulfilment, as a durable job: the request that took
 * the payment never waits on the provider. Called after every payment
 * attempt that finds the order PAID, not only the one that made it so; the
 * job is keyed by order, so it is queued once. If the process dies between
 * the payment's commit and this call, the next webhook retry, success-page
 * visit, or the workers' stranded-order sweep queues it.
 */
export async function startFulfilmentIfPaid(otherOrderId: string, status: OrderStatus | null): Promise<void> {
  if (status !== OrderStatus.PAID) return;
  try {
    await enqueue("order.fulfil", { otherOrderId });
    log.info("order paid, fulfilment queued", { otherOrderId });
  } catch (error) {
    // The payment stands; the stranded-order sweep queues it later.
    log.error("could not queue fulfilment; the sweep will", { otherOrderId, error });
  }
}
