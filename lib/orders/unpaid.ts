/**
 * Orders that were never paid: they expire after the payment window, the
 * customer may call them off, and a card payment that arrives afterwards is
 * judged again (price and stock) before it is accepted.
 */
import "server-only";
import type { RequestOrigin } from "../audit";
import { stripe } from "../billing/stripe";
import { env } from "../config/env";
import { db } from "../db/client";
import { CheckoutStatus, OrderStatus, type Order } from "../generated/prisma/client";
import { log } from "../log";
import { applyTransition, canCancelUnpaid } from "./lifecycle";
import { whyOrderCannotBeFilled } from "./orders";

/**
 * Moves orders left unpaid past the window to EXPIRED and closes their open
 * Checkout Sessions on Stripe, so the customer cannot pay a stale price by
 * accident. Returns how many expired.
 */
export async function expireUnpaidOrders(now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - env().ORDER_PAYMENT_WINDOW_MINUTES * 60_000);
  const stale = await db().order.findMany({
    where: { status: OrderStatus.PENDING_PAYMENT, createdAt: { lt: cutoff } },
    select: { otherOrderId: true },
    orderBy: { createdAt: "asc" },
    take: 500,
  });
  let expired = 0;
  for (const { otherOrderId } of stale) {
    if (!(await applyTransition(otherOrderId, "expired", { details: { windowMinutes: env().ORDER_PAYMENT_WINDOW_MINUTES } }))) continue;
    expired++;
    await closeOpenCheckouts(otherOrderId);
  }
  if (expired > 0) log.info("unpaid orders expired", { expired });
  return expired;
}

/** The customer (or an admin) calls off an order awaiting payment. False when it was no longer awaiting payment. */
export async function cancelUnpaidOrder(
  otherOrderId: string,
  actor: { userId: string; isAdmin?: boolean },
  origin: RequestOrigin | null,
): Promise<boolean> {
  const order = await db().order.findUnique({ where: { otherOrderId }, select: { userId: true, status: true } });
  if (!order || (order.userId !== actor.userId && !actor.isAdmin) || !canCancelUnpaid(order)) return false;
  if (!(await applyTransition(otherOrderId, "cancelled", { actorId: actor.userId, origin }))) return false;
  await closeOpenCheckouts(otherOrderId);
  return true;
}

/**
 * Best effort: a session that cannot be closed now stays payable, and a
 * payment through it is handled as a late payment.
 */
async function closeOpenCheckouts(otherOrderId: string): Promise<void> {
  const open = await db().checkoutSession.findMany({ where: { orderId: otherOrderId, status: CheckoutStatus.OPEN }, select: { id: true } });
  for (const { id } of open) {
    try {
      await stripe().checkout.sessions.expire(id);
      await db().checkoutSession.updateMany({
        where: { id, status: CheckoutStatus.OPEN, fulfilledAt: null },
        data: { status: CheckoutStatus.EXPIRED },
      });
    } catch (error) {
      // Paid or completing at this very moment, or Stripe unreachable: the late-payment rules apply.
      log.warn("could not close the checkout of an unpaid order", { otherOrderId, sessionId: id, error });
    }
  }
}

/**
 * Whether a card payment that arrived after the order expired may stand:
 * the plan is still on sale at the same total and the provider can still
 * fill it. Null when it may; otherwise why not (for the refund's reason).
 * Asked before the payment's transaction, as it may call the provider.
 */
export async function whyLatePaymentIsRefused(order: Order): Promise<string | null> {
  const plan = await db().plan.findUnique({ where: { id: order.planId } });
  if (!plan?.active) return "Paid after the order expired, and the plan is no longer on sale";
  if (plan.priceMinor * order.quantity !== order.amountMinor || plan.currency !== order.currency) {
    return "Paid after the order expired, and the plan's price has changed since";
  }
  const unavailable = await whyOrderCannotBeFilled(order);
  return unavailable ? `Paid after the order expired, and the plan cannot be supplied now: ${unavailable}` : null;
}
