/**
 * Refunds go back where the money came from: wallet payments as wallet
 * credit, card payments as a Stripe refund. Each order is refunded at most
 * once: the Refund row (unique per order) is claimed first, and the Stripe
 * refund is requested with an idempotency key per order, so a retry after a
 * crash or a double click reaches the same refund.
 */
import type Stripe from "stripe";
import { recordAudit, type RequestOrigin } from "../audit";
import { db, type Prisma } from "../db/client";
import {
  CheckoutPurpose,
  CheckoutStatus,
  PaymentMethod,
  RefundMethod,
  RefundStatus,
  WalletEntryKind,
  type Refund,
} from "../generated/prisma/client";
import { log } from "../log";
import { enqueue } from "../jobs";
import { applyTransition, canRefund, statusLabel } from "../orders/lifecycle";
import { LEDGER_TRANSACTION, postWalletEntry } from "../wallet/ledger";
import { BillingError } from "./errors";
import { lockOrder } from "./order-payment";
import { stripe } from "./stripe";

type Tx = Prisma.TransactionClient;

export interface RefundRequest {
  /** The admin, or null when the system refunds on its own (e.g. after an upstream failure). */
  actorId: string | null;
  reason: string;
  origin?: RequestOrigin | null;
}

/**
 * Refunds the whole order. The refund is recorded (REQUESTED) and the order
 * moves to REFUND_PENDING in one transaction; a wallet refund completes in
 * that same transaction. A card refund is sent to Stripe at once; if Stripe
 * fails, the refund stays pending and an `order.refund` job retries it with
 * backoff. Calling it again returns the refund already made, or sends a
 * failed one again.
 */
export async function refundOrder(otherOrderId: string, request: RefundRequest): Promise<Refund> {
  const reason = request.reason.trim();
  if (!reason) throw new RangeError("A refund needs a reason.");
  const refund = await db().$transaction(async (tx) => {
    const order = await lockOrder(tx, otherOrderId);
    if (!order) throw new BillingError("order_not_found", `There is no order ${otherOrderId}.`);
    const existing = await tx.refund.findUnique({ where: { orderId: otherOrderId } });
    if (existing) return existing;
    if (!canRefund(order)) {
      throw new BillingError("order_not_refundable", `Order ${otherOrderId} is ${statusLabel(order.status).toLowerCase()}; only paid orders can be refunded.`);
    }
    const method = order.paymentMethod === PaymentMethod.WALLET ? RefundMethod.WALLET : RefundMethod.CARD;
    const claim = await tx.refund.create({
      data: { orderId: otherOrderId, method, amountMinor: order.amountMinor, currency: order.currency, reason },
    });
    await applyTransition(
      otherOrderId,
      "refund_requested",
      { actorId: request.actorId, origin: request.origin, details: { method, amountMinor: claim.amountMinor, currency: claim.currency, reason } },
      tx,
    );
    if (method === RefundMethod.WALLET) {
      await postWalletEntry(tx, {
        userId: order.userId,
        kind: WalletEntryKind.REFUND_CREDIT,
        amountMinor: order.amountMinor,
        currency: order.currency,
        description: `Refund for order ${otherOrderId}`,
        reason,
        authorId: request.actorId,
        orderId: otherOrderId,
      });
      return completeRefund(tx, claim, null, request);
    }
    return claim;
  }, LEDGER_TRANSACTION);
  if (refund.status === RefundStatus.SUCCEEDED) return refund;
  try {
    return await sendCardRefund(refund.id, request);
  } catch (err) {
    // Recorded and pending: the job retries it; the caller is told it is on its way, not that it failed.
    log.warn("card refund not sent yet; queued for retry", { otherOrderId, error: err });
    await enqueue("order.refund", { refundId: refund.id });
    return db().refund.findUniqueOrThrow({ where: { id: refund.id } });
  }
}

/**
 * Sends a recorded card refund to Stripe (one idempotency key per order, so
 * a retry reaches the same Stripe refund) and completes it. Throws when
 * Stripe fails, after counting the attempt; the `order.refund` job retries.
 */
export async function sendCardRefund(refundId: string, request: Pick<RefundRequest, "actorId" | "origin"> = { actorId: null }): Promise<Refund> {
  const claim = await db().refund.findUniqueOrThrow({ where: { id: refundId } });
  if (claim.status === RefundStatus.SUCCEEDED) return claim;
  const payment = await cardPaymentOf(claim.orderId);
  if (!payment?.paymentIntentId) throw new Error(`Order ${claim.orderId} was paid by card but no paid Checkout Session records the payment`);
  let stripeRefund: Stripe.Refund;
  try {
    stripeRefund = await stripe().refunds.create(
      { payment_intent: payment.paymentIntentId, reason: "requested_by_customer", metadata: { orderId: claim.orderId, refundId: claim.id } },
      { idempotencyKey: `refund:order:${claim.orderId}` },
    );
  } catch (err) {
    await db().refund.update({
      where: { id: claim.id },
      data: { attempts: { increment: 1 }, lastError: failureText(err).slice(0, 500) },
    });
    throw err;
  }
  return db().$transaction(async (tx) => {
    await lockOrder(tx, claim.orderId);
    const current = await tx.refund.findUniqueOrThrow({ where: { id: claim.id } });
    // charge.refunded may have confirmed it first; it only lacked the Stripe refund's id.
    if (current.status === RefundStatus.SUCCEEDED) {
      return current.stripeRefundId ? current : tx.refund.update({ where: { id: current.id }, data: { stripeRefundId: stripeRefund.id } });
    }
    return completeRefund(tx, current, stripeRefund.id, request);
  });
}

/** What an admin reads about a failed Stripe call: the HTTP status when there is one, and the message (Stripe's can be empty on a 5xx). */
function failureText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const status = (err as { statusCode?: number }).statusCode;
  return [status && `HTTP ${status}`, err.message || err.name].filter(Boolean).join(": ");
}

/** A card refund whose every retry failed: kept visible for an admin, with an alert in the audit log. */
export async function markRefundFailed(refundId: string): Promise<void> {
  await db().refund.updateMany({ where: { id: refundId, status: { not: RefundStatus.SUCCEEDED } }, data: { status: RefundStatus.FAILED } });
  const refund = await db().refund.findUniqueOrThrow({ where: { id: refundId } });
  await recordAudit({
    actorId: null,
    action: "refund.failed",
    entityType: "Order",
    entityId: refund.orderId,
    details: { refundId, attempts: refund.attempts, lastError: refund.lastError, alert: "Every retry failed: refund it by hand in Stripe, or retry it from the order desk." },
  });
  log.error("card refund failed after every retry; admin alerted", { refundId, orderId: refund.orderId, attempts: refund.attempts });
}

/** The session that paid the order: the first fulfilled one (any later one was credited to the wallet). */
function cardPaymentOf(otherOrderId: string) {
  return db().checkoutSession.findFirst({
    where: { orderId: otherOrderId, purpose: CheckoutPurpose.ORDER, status: CheckoutStatus.PAID, fulfilledAt: { not: null } },
    orderBy: { fulfilledAt: "asc" },
  });
}

/** The money went back: the refund succeeds and the order moves to REFUNDED, in the caller's transaction. */
async function completeRefund(tx: Tx, refund: Refund, stripeRefundId: string | null, request: Pick<RefundRequest, "actorId" | "origin">): Promise<Refund> {
  const done = await tx.refund.update({
    where: { id: refund.id },
    data: { status: RefundStatus.SUCCEEDED, ...(stripeRefundId && { stripeRefundId }) },
  });
  await applyTransition(
    refund.orderId,
    "refunded",
    {
      actorId: request.actorId,
      origin: request.origin,
      data: { refundedAt: new Date() },
      details: { method: done.method, amountMinor: done.amountMinor, currency: done.currency, reason: done.reason, stripeRefundId: done.stripeRefundId },
    },
    tx,
  );
  return done;
}

/**
 * `charge.refunded`: confirms a refund this app asked for, or records one
 * made in the Stripe Dashboard. Never asks Stripe to refund anything, so a
 * replayed event cannot refund twice.
 */
export async function reconcileChargeRefund(charge: Stripe.Charge): Promise<void> {
  const paymentIntentId = typeof charge.payment_intent === "string" ? charge.payment_intent : charge.payment_intent?.id;
  const session = paymentIntentId
    ? await db().checkoutSession.findFirst({ where: { paymentIntentId, status: CheckoutStatus.PAID } })
    : null;
  const context = { chargeId: charge.id, paymentIntentId, sessionId: session?.id };
  if (!session) {
    log.info("refund of a payment not taken by this app, ignored", context);
    return;
  }
  if (session.purpose === CheckoutPurpose.WALLET_TOPUP || !session.orderId) {
    // The credit may be spent already; taking it back is a support decision, not an automatic one.
    log.warn("a wallet top-up was refunded in Stripe; the wallet balance is unchanged", context);
    return;
  }
  if (!charge.refunded) {
    log.warn("partial refund made in Stripe; the order is left as it is", { ...context, amountRefunded: charge.amount_refunded });
    return;
  }
  if ((await cardPaymentOf(session.orderId))?.id !== session.id) {
    log.warn("refund of a card payment that was credited to the wallet; the wallet balance is unchanged", context);
    return;
  }
  const orderId = session.orderId;
  await db().$transaction(async (tx) => {
    const order = await lockOrder(tx, orderId);
    if (!order) return;
    const existing = await tx.refund.findUnique({ where: { orderId } });
    if (existing) {
      if (existing.status !== RefundStatus.SUCCEEDED) await completeRefund(tx, existing, null, { actorId: null });
      return;
    }
    if (!canRefund(order)) return;
    const refund = await tx.refund.create({
      data: { orderId, method: RefundMethod.CARD, amountMinor: charge.amount_refunded, currency: order.currency, reason: "Refunded in the Stripe Dashboard" },
    });
    await applyTransition(orderId, "refund_requested", { actorId: null, details: { source: "stripe_dashboard", chargeId: charge.id } }, tx);
    await completeRefund(tx, refund, null, { actorId: null });
    log.info("refund made in Stripe recorded", { ...context, orderId });
  });
}
