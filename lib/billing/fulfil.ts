/**
 * Fulfilment of Checkout Sessions: an order paid by card, a wallet funded.
 * Webhooks and success pages both call in, any number of times and in any
 * order. Each call asks Stripe for the session's current state rather than
 * trusting whichever event arrived, and applies a payment's effect once: the
 * effect commits in the same transaction as the conditional update that sets
 * the session's `fulfilledAt`.
 */
import "server-only";
import type Stripe from "stripe";
import { recordAudit } from "../audit";
import { db, type Prisma } from "../db/client";
import {
  CheckoutPurpose,
  CheckoutStatus,
  OrderStatus,
  PaymentMethod,
  RefundMethod,
  WalletEntryKind,
  type CheckoutSession,
  type Refund,
} from "../generated/prisma/client";
import { log } from "../log";
import { formatMoney } from "../money";
import { applyTransition } from "../orders/lifecycle";
import { emailPaymentReceipt } from "../orders/notifications";
import { whyLatePaymentIsRefused } from "../orders/unpaid";
import { LEDGER_TRANSACTION, postWalletEntry } from "../wallet/ledger";
import { lockOrder, markOrderPaid, startFulfilmentIfPaid } from "./order-payment";
import { dispatchRefund, recordRefund } from "./refunds";
import { stripe } from "./stripe";
import { settleTopupCheckout } from "../topup/topups";

type Tx = Prisma.TransactionClient;

/** Where a session stands on Stripe, in the terms fulfilment acts on. */
type SessionState = "open" | "processing" | "paid" | "failed" | "expired";

export interface FulfilOptions {
  /** When given, a session belonging to anyone else is treated as unknown (success pages pass the signed-in user). */
  ownerId?: string;
}

/** The `session_id` Stripe appends to a success URL, when it looks like one; anything else is not worth a lookup. */
export function checkoutSessionIdFrom(value: unknown): string | null {
  return typeof value === "string" && /^cs_\w{1,250}$/.test(value) ? value : null;
}

/** For the order success page and the webhook. Returns the session as stored afterwards, or null when it is not ours. */
export function fulfilOrderCheckout(sessionId: string, options: FulfilOptions = {}): Promise<CheckoutSession | null> {
  return syncCheckoutSession(sessionId, CheckoutPurpose.ORDER, options);
}

/** For the top-up success page and the webhook. Returns the session as stored afterwards, or null when it is not ours. */
export function fulfilWalletTopUp(sessionId: string, options: FulfilOptions = {}): Promise<CheckoutSession | null> {
  return syncCheckoutSession(sessionId, CheckoutPurpose.WALLET_TOPUP, options);
}

/** For webhooks, which learn the session id but not which kind it is. */
export async function fulfilCheckoutSession(sessionId: string): Promise<CheckoutSession | null> {
  const row = await db().checkoutSession.findUnique({ where: { id: sessionId }, select: { purpose: true } });
  if (!row) {
    // A mobile top-up's session lives on the top-up itself (lib/topup), which may belong to a guest.
    if (await settleTopupCheckout(sessionId)) return null;
    // Another integration on the same Stripe account, or a session opened by a test: not ours to act on.
    log.info("checkout session not ours, ignored", { sessionId });
    return null;
  }
  return row.purpose === CheckoutPurpose.ORDER ? fulfilOrderCheckout(sessionId) : fulfilWalletTopUp(sessionId);
}

/**
 * For success pages, which must say something true even when Stripe cannot
 * be asked right now: the session after fulfilment, or as stored if
 * fulfilment failed (the webhook, retried by Stripe, finishes the job).
 */
export async function checkoutForSuccessPage(
  purpose: CheckoutPurpose,
  sessionId: string,
  ownerId: string,
): Promise<CheckoutSession | null> {
  try {
    return await syncCheckoutSession(sessionId, purpose, { ownerId });
  } catch (err) {
    log.error("fulfilment from the success page failed; showing the stored state", { sessionId, error: err });
    return db().checkoutSession.findFirst({ where: { id: sessionId, userId: ownerId, purpose } });
  }
}

async function syncCheckoutSession(
  sessionId: string,
  purpose: CheckoutPurpose,
  { ownerId }: FulfilOptions,
): Promise<CheckoutSession | null> {
  const row = await db().checkoutSession.findUnique({ where: { id: sessionId } });
  if (!row || row.purpose !== purpose || (ownerId !== undefined && row.userId !== ownerId)) return null;

  const session = await stripe().checkout.sessions.retrieve(sessionId, { expand: ["payment_intent"] });
  const state = sessionState(session);
  const paymentIntentId = idOf(session.payment_intent);
  if (state === "paid") {
    assertAmountMatches(row, session);
    const late = row.fulfilledAt === null ? await judgeLatePayment(row) : undefined;
    const { applied, orderStatus, refund } = await db().$transaction(async (tx) => {
      const { count } = await tx.checkoutSession.updateMany({
        where: { id: row.id, fulfilledAt: null },
        data: { fulfilledAt: new Date(), status: CheckoutStatus.PAID, paymentIntentId },
      });
      let refund: Refund | null = null;
      if (count === 1) {
        if (row.purpose === CheckoutPurpose.ORDER) refund = await applyOrderPayment(tx, row, late);
        else await applyTopUp(tx, row);
      }
      const order = row.orderId ? await tx.order.findUnique({ where: { otherOrderId: row.orderId }, select: { status: true } }) : null;
      return { applied: count === 1, orderStatus: order?.status ?? null, refund };
    }, LEDGER_TRANSACTION);
    if (applied) log.info("checkout session fulfilled", { sessionId, purpose: row.purpose, orderId: row.orderId });
    // Fulfilment first: the eSIM is what the customer waits for, the receipt can follow.
    if (row.orderId) await startFulfilmentIfPaid(row.orderId, orderStatus);
    if (refund) await dispatchRefund(refund);
    // Not only when applied here: a run that died after the commit left the receipt to the next one.
    if (row.orderId) await emailPaymentReceipt(row.orderId);
  } else if (state !== "open") {
    // Only a session not yet fulfilled can be marked failed or expired: a late or replayed event never undoes a payment.
    const status = { processing: CheckoutStatus.OPEN, failed: CheckoutStatus.FAILED, expired: CheckoutStatus.EXPIRED }[state];
    await db().checkoutSession.updateMany({
      where: { id: row.id, fulfilledAt: null, status: CheckoutStatus.OPEN },
      data: { status, paymentIntentId },
    });
  }
  return db().checkoutSession.findUnique({ where: { id: row.id } });
}

function sessionState(session: Stripe.Checkout.Session): SessionState {
  if (session.status === "expired") return "expired";
  if (session.payment_status === "paid") return "paid";
  if (session.status !== "complete") return "open";
  // Complete but unpaid: a delayed method (bank debit) still settling, or one that has failed.
  const intent = typeof session.payment_intent === "object" ? session.payment_intent : null;
  return intent?.status === "processing" ? "processing" : "failed";
}

function idOf(ref: string | { id: string } | null): string | null {
  return typeof ref === "string" ? ref : (ref?.id ?? null);
}

/** The amount was ours when the session was created; a difference means a bug or tampering, and is not credited. */
function assertAmountMatches(row: CheckoutSession, session: Stripe.Checkout.Session): void {
  if (session.amount_total === row.amountMinor && session.currency?.toUpperCase() === row.currency) return;
  throw new Error(
    `Checkout Session ${row.id} charged ${session.amount_total} ${session.currency}, but ${row.amountMinor} ${row.currency} was asked for`,
  );
}

async function applyTopUp(tx: Tx, row: CheckoutSession): Promise<void> {
  const creditMinor = row.creditMinor ?? row.amountMinor;
  const entry = await postWalletEntry(tx, {
    userId: row.userId,
    kind: WalletEntryKind.TOPUP,
    amountMinor: creditMinor,
    currency: row.currency,
    description: "Top-up by card",
    checkoutSessionId: row.id,
  });
  await recordAudit(
    {
      actorId: row.userId,
      action: "wallet.top_up",
      entityType: "Wallet",
      entityId: row.userId,
      details: { checkoutSessionId: row.id, creditMinor, chargedMinor: row.amountMinor, currency: row.currency, entryId: entry.id },
    },
    tx,
  );
}

/** For a payment on an order that expired: whether it may stand (null) or why not. Undefined when the order had not expired. */
type LatePaymentVerdict = { refusal: string | null } | undefined;

async function judgeLatePayment(row: CheckoutSession): Promise<LatePaymentVerdict> {
  const order =
    row.orderId && row.purpose === CheckoutPurpose.ORDER ? await db().order.findUnique({ where: { otherOrderId: row.orderId } }) : null;
  if (order?.status !== OrderStatus.EXPIRED) return undefined;
  return { refusal: await whyLatePaymentIsRefused(order) };
}

/**
 * Marks the order paid. A payment on an order that expired is accepted when
 * the price and stock still hold (judged before this transaction), and goes
 * back to the card otherwise, as does one on an order the customer cancelled;
 * the refund is returned for sending after the commit. A card payment for an
 * order paid from the wallet meanwhile is kept for the customer as wallet
 * credit instead of being lost.
 */
async function applyOrderPayment(tx: Tx, row: CheckoutSession, late: LatePaymentVerdict): Promise<Refund | null> {
  const order = row.orderId ? await lockOrder(tx, row.orderId) : null;
  if (!order) throw new Error(`Checkout Session ${row.id} names no order`);
  if (await markOrderPaid(tx, order, PaymentMethod.CARD)) return null;
  const paid = { paymentMethod: PaymentMethod.CARD, paidAt: new Date() };
  if (order.status === OrderStatus.EXPIRED && late?.refusal === null) {
    await applyTransition(
      order.otherOrderId,
      "late_payment_accepted",
      { actorId: order.userId, data: paid, details: { checkoutSessionId: row.id, amountMinor: row.amountMinor, currency: row.currency } },
      tx,
    );
    return null;
  }
  if (order.status === OrderStatus.EXPIRED || order.status === OrderStatus.CANCELLED) {
    // Expired since the verdict was taken counts as refused: the price and stock were not checked.
    const reason =
      order.status === OrderStatus.CANCELLED ? "Paid after the order was cancelled" : (late?.refusal ?? "Paid after the order expired");
    await tx.order.update({ where: { otherOrderId: order.otherOrderId }, data: paid });
    return recordRefund(tx, order, { method: RefundMethod.CARD, amountMinor: row.amountMinor, reason }, "late_payment_refunded", {
      actorId: null,
    });
  }
  log.warn("card payment for an order not awaiting payment, credited to the wallet", {
    sessionId: row.id,
    orderId: order.otherOrderId,
    orderStatus: order.status,
  });
  await postWalletEntry(tx, {
    userId: row.userId,
    kind: WalletEntryKind.TOPUP,
    amountMinor: row.amountMinor,
    currency: row.currency,
    description: `Card payment of ${formatMoney(row.amountMinor, row.currency)} for order ${order.otherOrderId}, which was already ${order.status.toLowerCase().replaceAll("_", " ")}`,
    checkoutSessionId: row.id,
  });
  await recordAudit(
    {
      actorId: row.userId,
      action: "order.payment_credited_to_wallet",
      entityType: "Order",
      entityId: order.otherOrderId,
      details: { checkoutSessionId: row.id, amountMinor: row.amountMinor, currency: row.currency, orderStatus: order.status },
    },
    tx,
  );
  return null;
}
