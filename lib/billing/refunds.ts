/**
 * Refunds go back where the money came from: wallet payments as wallet
 * credit, card payments as a Stripe refund. Each order is refunded at most
 * once: the Refund row (unique per order) is claimed first, and the Stripe
 * refund is requested with an idempotency key per order, so a retry after a
 * crash or a double click reaches the same refund.
 */
import type Stripe from "stripe";
import type { RequestOrigin } from "../audit";
import { db, type Prisma } from "../db/client";
import {
  CheckoutPurpose,
  CheckoutStatus,
  OrderStatus,
  PaymentMethod,
  RefundMethod,
  WalletEntryKind,
  type Order,
  type Refund,
} from "../generated/prisma/client";
import { log } from "../log";
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

/** Refunds the whole order. Calling it again returns the refund already made. */
export async function refundOrder(otherOrderId: string, request: RefundRequest): Promise<Refund> {
  const reason = request.reason.trim();
  if (!reason) throw new RangeError("A refund needs a reason.");
  const { refund, orderStatus } = await db().$transaction(async (tx) => {
    const order = await lockOrder(tx, otherOrderId);
    if (!order) throw new BillingError("order_not_found", `There is no order ${otherOrderId}.`);
    const existing = await tx.refund.findUnique({ where: { orderId: otherOrderId } });
    if (existing) return { refund: existing, orderStatus: order.status };
    if (!canRefund(order)) {
      throw new BillingError("order_not_refundable", `Order ${otherOrderId} is ${statusLabel(order.status).toLowerCase()}; only paid orders can be refunded.`);
    }
    const method = order.paymentMethod === PaymentMethod.WALLET ? RefundMethod.WALLET : RefundMethod.CARD;
    const claim = await tx.refund.create({
      data: { orderId: otherOrderId, method, amountMinor: order.amountMinor, currency: order.currency, reason },
    });
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
      await completeRefund(tx, order, claim, request);
    }
    return { refund: claim, orderStatus: order.status };
  }, LEDGER_TRANSACTION);
  // A REFUNDED order with a card claim but no Stripe id was confirmed by charge.refunded: Stripe has already paid it back.
  const awaitingStripe = refund.method === RefundMethod.CARD && !refund.stripeRefundId && orderStatus !== OrderStatus.REFUNDED;
  return awaitingStripe ? refundCard(refund, request) : refund;
}

async function refundCard(claim: Refund, request: RefundRequest): Promise<Refund> {
  const payment = await cardPaymentOf(claim.orderId);
  if (!payment?.paymentIntentId) throw new Error(`Order ${claim.orderId} was paid by card but no paid Checkout Session records the payment`);
  const stripeRefund = await stripe().refunds.create(
    { payment_intent: payment.paymentIntentId, reason: "requested_by_customer", metadata: { orderId: claim.orderId, refundId: claim.id } },
    { idempotencyKey: `refund:order:${claim.orderId}` },
  );
  return db().$transaction(async (tx) => {
    const order = (await lockOrder(tx, claim.orderId))!;
    const { count } = await tx.refund.updateMany({ where: { id: claim.id, stripeRefundId: null }, data: { stripeRefundId: stripeRefund.id } });
    const refund = await tx.refund.findUniqueOrThrow({ where: { id: claim.id } });
    if (count === 1) await completeRefund(tx, order, refund, request);
    return refund;
  });
}

/** The session that paid the order: the first fulfilled one (any later one was credited to the wallet). */
function cardPaymentOf(otherOrderId: string) {
  return db().checkoutSession.findFirst({
    where: { orderId: otherOrderId, purpose: CheckoutPurpose.ORDER, status: CheckoutStatus.PAID, fulfilledAt: { not: null } },
    orderBy: { fulfilledAt: "asc" },
  });
}

async function completeRefund(tx: Tx, order: Order, refund: Refund, request: Pick<RefundRequest, "actorId" | "origin">): Promise<void> {
  await applyTransition(
    order.otherOrderId,
    "refunded",
    {
      actorId: request.actorId,
      origin: request.origin,
      data: { refundedAt: new Date() },
      details: { method: refund.method, amountMinor: refund.amountMinor, currency: refund.currency, reason: refund.reason, stripeRefundId: refund.stripeRefundId },
    },
    tx,
  );
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
      await completeRefund(tx, order, existing, { actorId: null });
      return;
    }
    if (!canRefund(order)) return;
    const refund = await tx.refund.create({
      data: { orderId, method: RefundMethod.CARD, amountMinor: charge.amount_refunded, currency: order.currency, reason: "Refunded in the Stripe Dashboard" },
    });
    await completeRefund(tx, order, refund, { actorId: null });
    log.info("refund made in Stripe recorded", { ...context, orderId });
  });
}
