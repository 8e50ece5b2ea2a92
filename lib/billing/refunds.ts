/**
 * Refunds go back where the money came from: wallet payments as wallet
 * credit, card payments as a Stripe refund. A refund is a record with its
 * own states (REQUESTED → SENT → SUCCEEDED, or FAILED after every retry);
 * the order shows "refund pending" until the ledger or Stripe confirms it.
 * A refund covers the whole order (or what is left of it), or one card of a
 * multi-card order. Each is made at most once: the record is claimed under
 * the order's lock (one per card, one for the rest), and Stripe is asked
 * with an idempotency key per record, so a retry after a crash or a double
 * click reaches the same Stripe refund.
 */
import "server-only";
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
  type CheckoutSession,
  type Order,
  type Refund,
} from "../generated/prisma/client";
import { log } from "../log";
import { enqueue } from "../jobs";
import { applyTransition, canRefund, canRefundCard, statusLabel, type OrderEvent } from "../orders/lifecycle";
import { emailRefundReceipt } from "../orders/notifications";
import { LEDGER_TRANSACTION, postWalletEntry } from "../wallet/ledger";
import { clawBackTopUpRefund } from "./clawback";
import { BillingError } from "./errors";
import { lockOrder } from "./order-payment";
import { stripe } from "./stripe";

type Tx = Prisma.TransactionClient;

export interface RefundRequest {
  /** The admin, or null when the system refunds on its own (e.g. after an upstream failure). */
  actorId: string | null;
  reason: string;
  origin?: RequestOrigin | null;
  /** One card of a multi-card order; without it, the whole order (or what earlier card refunds left). */
  iccid?: string;
  /**
   * Only the cards the provider never placed (a multi-card order it refused
   * partway, e.g. our account there ran short): their unit prices, in the
   * order's one refund for "the rest". The delivered cards stay paid.
   */
  onlyUnplaced?: boolean;
}

/**
 * Refunds the order, or one of its cards. The refund is recorded (REQUESTED)
 * and the order moves to REFUND_PENDING in one transaction; a wallet refund
 * completes in that same transaction. A card refund is sent to Stripe at
 * once; if Stripe fails, the refund stays pending and an `order.refund` job
 * retries it with backoff. Calling it again returns the refund already
 * made, or sends a failed one again.
 */
export async function refundOrder(otherOrderId: string, request: RefundRequest): Promise<Refund> {
  const reason = request.reason.trim();
  if (!reason) throw new RangeError("A refund needs a reason.");
  const refund = await db().$transaction(async (tx) => {
    const order = await lockOrder(tx, otherOrderId);
    if (!order) throw new BillingError("order_not_found", `There is no order ${otherOrderId}.`);
    const existing = await tx.refund.findFirst({ where: { orderId: otherOrderId, esimIccid: request.iccid ?? null } });
    if (existing) return existing;
    if (!canRefund(order)) {
      throw new BillingError(
        "order_not_refundable",
        `Order ${otherOrderId} is ${statusLabel(order.status).toLowerCase()}; only paid orders can be refunded.`,
      );
    }
    if (order.paymentMethod === PaymentMethod.PARTNER_INVOICE) {
      // No card or wallet took the money: the partner's invoice is corrected outside the store.
      throw new BillingError(
        "order_not_refundable",
        `Order ${otherOrderId} is billed to the distribution partner; correct the invoice instead.`,
      );
    }
    const earlier = await tx.refund.findMany({ where: { orderId: otherOrderId } });
    const amountMinor = request.iccid
      ? await cardAmount(tx, order, request.iccid)
      : request.onlyUnplaced
        ? await unplacedAmount(tx, order)
        : order.amountMinor - sumOf(earlier);
    if (amountMinor <= 0) throw new BillingError("order_not_refundable", `Order ${otherOrderId} has nothing left to refund.`);
    const method = order.paymentMethod === PaymentMethod.WALLET ? RefundMethod.WALLET : RefundMethod.CARD;
    return recordRefund(tx, order, { method, amountMinor, reason, iccid: request.iccid }, "refund_requested", request);
  }, LEDGER_TRANSACTION);
  return dispatchRefund(refund, request);
}

/** What one card of the order cost; refuses a card that is not this order's, not delivered, or refunded already. */
async function cardAmount(tx: Tx, order: Order, iccid: string): Promise<number> {
  const card = await tx.esim.findFirst({ where: { iccid, orderId: order.otherOrderId } });
  if (!card || !canRefundCard(order, { delivered: card.cancelledAt === null, refunded: false })) {
    throw new BillingError(
      "card_not_refundable",
      `Card ${iccid} is not a delivered card of a multi-card order ${order.otherOrderId} that can be refunded.`,
    );
  }
  // The total is the unit price times the quantity (createOrder), so this is exact.
  return Math.floor(order.amountMinor / order.quantity);
}

/** What the cards never placed cost: the unit price times the line items no delivered eSIM fills. */
async function unplacedAmount(tx: Tx, order: Order): Promise<number> {
  const delivered = await tx.esim.count({ where: { orderId: order.otherOrderId } });
  return Math.floor(order.amountMinor / order.quantity) * Math.max(0, order.quantity - delivered);
}

function sumOf(refunds: readonly Pick<Refund, "amountMinor">[]): number {
  return refunds.reduce((sum, r) => sum + r.amountMinor, 0);
}

interface RefundClaim {
  method: RefundMethod;
  amountMinor: number;
  reason: string;
  iccid?: string;
}

/**
 * Records a refund and moves the order by `event` (refund_requested, or
 * late_payment_refunded), in the caller's transaction, which holds the
 * order's lock. A wallet refund is credited and completed right here; a card
 * refund is left REQUESTED for `dispatchRefund` after the commit.
 */
export async function recordRefund(
  tx: Tx,
  order: Order,
  claim: RefundClaim,
  event: Extract<OrderEvent, "refund_requested" | "late_payment_refunded">,
  request: Pick<RefundRequest, "actorId" | "origin">,
): Promise<Refund> {
  const refund = await tx.refund.create({
    data: {
      orderId: order.otherOrderId,
      esimIccid: claim.iccid ?? null,
      method: claim.method,
      amountMinor: claim.amountMinor,
      currency: order.currency,
      reason: claim.reason,
    },
  });
  const moved = await applyTransition(
    order.otherOrderId,
    event,
    {
      actorId: request.actorId,
      origin: request.origin,
      details: {
        refundId: refund.id,
        method: claim.method,
        amountMinor: claim.amountMinor,
        currency: order.currency,
        reason: claim.reason,
        ...(claim.iccid && { iccid: claim.iccid }),
      },
    },
    tx,
  );
  if (!moved)
    throw new BillingError(
      "order_not_refundable",
      `Order ${order.otherOrderId} is ${statusLabel(order.status).toLowerCase()}; it cannot be refunded now.`,
    );
  if (claim.method !== RefundMethod.WALLET) return refund;
  await postWalletEntry(tx, {
    userId: order.userId,
    kind: WalletEntryKind.REFUND_CREDIT,
    amountMinor: claim.amountMinor,
    currency: order.currency,
    description: claim.iccid ? `Refund for card ${claim.iccid} of order ${order.otherOrderId}` : `Refund for order ${order.otherOrderId}`,
    reason: claim.reason,
    authorId: request.actorId,
    orderId: order.otherOrderId,
  });
  return completeRefund(tx, refund, null, request);
}

/**
 * After the commit: sends a recorded card refund to Stripe. A failure is not
 * the caller's failure: the refund is recorded and pending, and the
 * `order.refund` job retries it with backoff.
 */
export async function dispatchRefund(
  refund: Refund,
  request: Pick<RefundRequest, "actorId" | "origin"> = { actorId: null },
): Promise<Refund> {
  if (refund.status === RefundStatus.SUCCEEDED) {
    // A wallet refund completes as it is recorded; card refunds are receipted when Stripe confirms them (settleStripeRefund).
    await emailRefundReceipt(refund.id);
    return refund;
  }
  try {
    const sent = await sendCardRefund(refund.id, request);
    // Stripe is still processing it: its webhook confirms it, and the job looks again in case the webhook is lost.
    if (sent.status === RefundStatus.SENT) await enqueue("order.refund", { refundId: refund.id }, { startAfter: 60 });
    return sent;
  } catch (err) {
    log.warn("card refund not sent yet; queued for retry", { orderId: refund.orderId, refundId: refund.id, error: err });
    await enqueue("order.refund", { refundId: refund.id });
    return db().refund.findUniqueOrThrow({ where: { id: refund.id } });
  }
}

/** Stripe has accepted the refund but not finished it; the job keeps looking (with backoff) until it has. */
export class RefundStillProcessingError extends Error {
  constructor(readonly refundId: string) {
    super(`Refund ${refundId} is still being processed by Stripe`);
    this.name = "RefundStillProcessingError";
  }
}

/**
 * Sends a recorded card refund to Stripe (one idempotency key per refund, so
 * a retry reaches the same Stripe refund), or, once Stripe has it, asks for
 * its state, and settles our record by Stripe's answer. Throws when Stripe
 * cannot be reached, after counting the attempt; the `order.refund` job retries.
 */
export async function sendCardRefund(
  refundId: string,
  request: Pick<RefundRequest, "actorId" | "origin"> = { actorId: null },
): Promise<Refund> {
  const claim = await db().refund.findUniqueOrThrow({ where: { id: refundId } });
  if (claim.status === RefundStatus.SUCCEEDED) return claim;
  let stripeRefund: Stripe.Refund;
  try {
    stripeRefund = claim.stripeRefundId
      ? await stripe().refunds.retrieve(claim.stripeRefundId)
      : await stripe().refunds.create(
          {
            payment_intent: await paymentIntentOf(claim.orderId),
            amount: claim.amountMinor,
            reason: "requested_by_customer",
            metadata: { orderId: claim.orderId, refundId: claim.id, ...(claim.esimIccid && { iccid: claim.esimIccid }) },
          },
          { idempotencyKey: `refund:${claim.id}` },
        );
  } catch (err) {
    await db().refund.update({
      where: { id: claim.id },
      data: { attempts: { increment: 1 }, lastError: failureText(err).slice(0, 500) },
    });
    throw err;
  }
  return settleStripeRefund(claim.id, stripeRefund, request);
}

async function paymentIntentOf(otherOrderId: string): Promise<string> {
  const payment = await cardPaymentOf(otherOrderId);
  if (!payment?.paymentIntentId) throw new Error(`Order ${otherOrderId} was paid by card but no paid Checkout Session records the payment`);
  return payment.paymentIntentId;
}

/**
 * Applies what Stripe says of one of our refunds: succeeded completes it,
 * pending marks it SENT, failed or canceled marks it FAILED with an alert.
 * Used with Stripe's answer to our request, and with Stripe's copy of a refund
 * a `refund.updated` webhook names.
 */
async function settleStripeRefund(
  refundId: string,
  stripeRefund: Stripe.Refund,
  request: Pick<RefundRequest, "actorId" | "origin">,
): Promise<Refund> {
  const { refund, failedNow } = await db().$transaction(async (tx) => {
    const claim = await tx.refund.findUniqueOrThrow({ where: { id: refundId } });
    await lockOrder(tx, claim.orderId);
    const current = await tx.refund.findUniqueOrThrow({ where: { id: refundId } });
    const stays = { refund: current, failedNow: false };
    if (current.status === RefundStatus.SUCCEEDED) {
      // charge.refunded may have confirmed it first; it only lacked the Stripe refund's id.
      return current.stripeRefundId
        ? stays
        : { refund: await tx.refund.update({ where: { id: current.id }, data: { stripeRefundId: stripeRefund.id } }), failedNow: false };
    }
    if (stripeRefund.status === "succeeded")
      return { refund: await completeRefund(tx, current, stripeRefund.id, request), failedNow: false };
    if (stripeRefund.status === "failed" || stripeRefund.status === "canceled") {
      // Told again (two event types, a retried job): already known, already alerted.
      if (current.status === RefundStatus.FAILED && current.stripeRefundId === stripeRefund.id) return stays;
      const failed = await tx.refund.update({
        where: { id: current.id },
        data: {
          status: RefundStatus.FAILED,
          stripeRefundId: stripeRefund.id,
          lastError: `Stripe ${stripeRefund.status} the refund${stripeRefund.failure_reason ? `: ${stripeRefund.failure_reason}` : ""}`,
        },
      });
      return { refund: failed, failedNow: true };
    }
    if (current.status === RefundStatus.SENT) return stays;
    return {
      refund: await tx.refund.update({ where: { id: current.id }, data: { status: RefundStatus.SENT, stripeRefundId: stripeRefund.id } }),
      failedNow: false,
    };
  }, LEDGER_TRANSACTION);
  if (failedNow) await alertRefundFailed(refund);
  if (refund.status === RefundStatus.SUCCEEDED) await emailRefundReceipt(refund.id);
  return refund;
}

/**
 * `refund.updated`: settles our order refund that Stripe's copy of the
 * refund (read back from Stripe by the caller, never the event's body)
 * belongs to. False when it is none of our order refunds.
 */
export async function settleRefundFromStripe(stripeRefund: Stripe.Refund): Promise<boolean> {
  const ours = await db().refund.findFirst({
    where: {
      OR: [{ stripeRefundId: stripeRefund.id }, ...(stripeRefund.metadata?.refundId ? [{ id: stripeRefund.metadata.refundId }] : [])],
    },
  });
  if (!ours) return false;
  await settleStripeRefund(ours.id, stripeRefund, { actorId: null });
  return true;
}

/**
 * Card refunds recorded but never handed to the job (the process died
 * between the commit and the enqueue): queued again. The job is keyed by
 * refund, so one already queued is not queued twice.
 */
export async function sweepUnsentRefunds(now = new Date()): Promise<number> {
  const unsent = await db().refund.findMany({
    where: { method: RefundMethod.CARD, status: RefundStatus.REQUESTED, updatedAt: { lt: new Date(now.getTime() - 60_000) } },
    select: { id: true },
    take: 500,
  });
  let queued = 0;
  for (const { id } of unsent) if (await enqueue("order.refund", { refundId: id })) queued++;
  if (queued > 0) log.info("unsent refunds handed back to the refund job", { found: unsent.length, queued });
  return queued;
}

/** What an admin reads about a failed Stripe call: the HTTP status when there is one, and the message (Stripe's can be empty on a 5xx). */
function failureText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const status = (err as { statusCode?: number }).statusCode;
  return [status && `HTTP ${status}`, err.message || err.name].filter(Boolean).join(": ");
}

/** A card refund whose every retry failed: kept visible for an admin, with an alert in the audit log. */
export async function markRefundFailed(refundId: string): Promise<void> {
  const { count } = await db().refund.updateMany({
    where: { id: refundId, status: { in: [RefundStatus.REQUESTED, RefundStatus.FAILED] } },
    data: { status: RefundStatus.FAILED },
  });
  if (count === 1) await alertRefundFailed(await db().refund.findUniqueOrThrow({ where: { id: refundId } }));
}

async function alertRefundFailed(refund: Refund): Promise<void> {
  await recordAudit({
    actorId: null,
    action: "refund.failed",
    entityType: "Order",
    entityId: refund.orderId,
    details: {
      refundId: refund.id,
      attempts: refund.attempts,
      lastError: refund.lastError,
      alert: "The refund did not go through: refund it by hand in Stripe, or retry it from the order desk.",
    },
  });
  log.error("card refund failed; admin alerted", {
    refundId: refund.id,
    orderId: refund.orderId,
    attempts: refund.attempts,
    lastError: refund.lastError,
  });
}

/** The session that paid the order: the first fulfilled one (any later one was credited to the wallet). */
function cardPaymentOf(otherOrderId: string) {
  return db().checkoutSession.findFirst({
    where: { orderId: otherOrderId, purpose: CheckoutPurpose.ORDER, status: CheckoutStatus.PAID, fulfilledAt: { not: null } },
    orderBy: { fulfilledAt: "asc" },
  });
}

/**
 * The money went back: the refund succeeds, and the order moves to REFUNDED
 * once its refunds cover what was paid, or to PARTIALLY_REFUNDED when cards
 * remain live; in the caller's transaction.
 */
async function completeRefund(
  tx: Tx,
  refund: Refund,
  stripeRefundId: string | null,
  request: Pick<RefundRequest, "actorId" | "origin">,
): Promise<Refund> {
  const done = await tx.refund.update({
    where: { id: refund.id },
    data: { status: RefundStatus.SUCCEEDED, ...(stripeRefundId && { stripeRefundId }) },
  });
  const order = await tx.order.findUniqueOrThrow({
    where: { otherOrderId: refund.orderId },
    include: { refunds: { where: { status: RefundStatus.SUCCEEDED } } },
  });
  const whole = sumOf(order.refunds) >= order.amountMinor;
  await applyTransition(
    refund.orderId,
    whole ? "refunded" : "partially_refunded",
    {
      actorId: request.actorId,
      origin: request.origin,
      data: whole ? { refundedAt: new Date() } : {},
      details: {
        refundId: done.id,
        method: done.method,
        amountMinor: done.amountMinor,
        currency: done.currency,
        reason: done.reason,
        stripeRefundId: done.stripeRefundId,
        ...(done.esimIccid && { iccid: done.esimIccid }),
      },
    },
    tx,
  );
  return done;
}

/**
 * `charge.refunded` on a Checkout Session of ours, with the charge as Stripe
 * reports it now (read back by the caller, never the event's body): confirms
 * the refunds this app asked for (by asking Stripe for each one still
 * pending), and records a full refund made in the Stripe Dashboard. Never
 * creates a new Stripe refund, so a replayed event cannot refund twice.
 */
export async function reconcileChargeRefund(session: CheckoutSession, charge: Stripe.Charge): Promise<void> {
  const context = { chargeId: charge.id, paymentIntentId: session.paymentIntentId, sessionId: session.id };
  if (session.purpose === CheckoutPurpose.WALLET_TOPUP || !session.orderId) {
    await clawBackTopUpRefund(session, charge);
    return;
  }
  if ((await cardPaymentOf(session.orderId))?.id !== session.id) {
    // A second payment for an order already paid, kept as wallet credit: the credit goes, like a top-up's.
    await clawBackTopUpRefund(session, charge);
    return;
  }
  const orderId = session.orderId;
  const ours = await db().refund.findMany({ where: { orderId, method: RefundMethod.CARD } });
  for (const refund of ours.filter((r) => r.status === RefundStatus.REQUESTED || r.status === RefundStatus.SENT)) {
    // Sent again with the same idempotency key, or looked up: Stripe answers with the refund it already has.
    await sendCardRefund(refund.id).catch((error: unknown) =>
      log.warn("could not confirm a refund yet; its job will", { ...context, refundId: refund.id, error }),
    );
  }
  if (!charge.refunded) {
    if (charge.amount_refunded > sumOf(ours))
      log.warn("partial refund made in Stripe; the order is left as it is", { ...context, amountRefunded: charge.amount_refunded });
    return;
  }
  const recorded = await db().$transaction(async (tx) => {
    const order = await lockOrder(tx, orderId);
    if (!order || !canRefund(order)) return null;
    // Fully refunded in Stripe, and nothing of ours is pending: the rest was refunded in the Dashboard.
    const recorded = await tx.refund.findMany({ where: { orderId } });
    const amountMinor = order.amountMinor - sumOf(recorded);
    if (amountMinor <= 0) return null;
    const refund = await recordRefund(
      tx,
      order,
      { method: RefundMethod.CARD, amountMinor, reason: "Refunded in the Stripe Dashboard" },
      "refund_requested",
      { actorId: null },
    );
    await completeRefund(tx, refund, null, { actorId: null });
    log.info("refund made in Stripe recorded", { ...context, orderId });
    return refund;
  }, LEDGER_TRANSACTION);
  if (recorded) await emailRefundReceipt(recorded.id);
}
