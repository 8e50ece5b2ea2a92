/**
 * Money back for a mobile top-up that was not recharged, where it came
 * from: wallet payments as a REFUND_CREDIT on the wallet ledger, in the same
 * transaction as the move to REFUNDED; card payments as one Stripe refund
 * (idempotency key per top-up, so a retry after a crash reaches the same
 * refund), sent after the commit and retried by the `topup.refund` job. The
 * refund's state lives on the top-up (refundStatus), as it does on an
 * order's Refund record (lib/billing/refunds.ts), whose rows belong to
 * orders; the states and their meaning are the same.
 */
import "server-only";
import type Stripe from "stripe";
import { recordAudit } from "../audit";
import { stripe } from "../billing/stripe";
import { db, type Prisma } from "../db/client";
import { PaymentMethod, RefundMethod, RefundStatus, WalletEntryKind, type MobileTopup } from "../generated/prisma/client";
import { enqueue } from "../jobs";
import { log } from "../log";
import { applyTopupTransition, lockTopup, type TopupEvent } from "../orders/mobile-topup-lifecycle";
import { LEDGER_TRANSACTION, postWalletEntry } from "../wallet/ledger";

type Tx = Prisma.TransactionClient;

/** Stripe has accepted the refund but not finished it; the job looks again after backoff. */
export class TopupRefundStillProcessingError extends Error {
  constructor(readonly topupId: string) {
    super(`The refund of mobile top-up ${topupId} is still being processed by Stripe`);
    this.name = "TopupRefundStillProcessingError";
  }
}

/** The recharge run found the recharge was not made: refund, while the run still holds the lease. */
export async function refundFailedRecharge(id: string, reason: string, leaseToken: string): Promise<void> {
  await startRefund(id, "recharge_refused", reason, { actorId: null, leaseToken });
}

/**
 * An admin gives the money back for a paid top-up: one not recharged (still
 * PAID, or found not recharged in review), or, as a goodwill refund with its
 * reason, one recharged. False, changing nothing, when its state allows no
 * refund (awaiting payment, recharging right now, refunded already).
 */
export async function refundTopup(id: string, reason: string, actorId: string): Promise<boolean> {
  if (!reason.trim()) throw new RangeError("A refund needs a reason.");
  return startRefund(id, "refund_requested", reason.trim(), { actorId });
}

async function startRefund(
  id: string,
  event: Extract<TopupEvent, "recharge_refused" | "refund_requested">,
  reason: string,
  who: { actorId: string | null; leaseToken?: string },
): Promise<boolean> {
  const started = await db().$transaction(async (tx): Promise<"card" | "wallet" | null> => {
    const topup = await lockTopup(tx, id);
    if (!topup) return null;
    const method = topup.paymentMethod === PaymentMethod.WALLET ? RefundMethod.WALLET : RefundMethod.CARD;
    const moved = await applyTopupTransition(
      id,
      event,
      {
        actorId: who.actorId,
        leaseToken: who.leaseToken,
        data: {
          refundMethod: method,
          refundStatus: RefundStatus.REQUESTED,
          failureReason: reason.slice(0, 1000),
          leaseToken: null,
          leaseExpiresAt: null,
        },
        details: { method, amountMinor: topup.amountMinor, currency: topup.currency, reason },
      },
      tx,
    );
    if (!moved) return null;
    if (method === RefundMethod.CARD) return "card";
    await creditWallet(tx, topup, reason, who.actorId);
    return "wallet";
  }, LEDGER_TRANSACTION);
  if (started === "card") await dispatchTopupRefund(id);
  return started !== null;
}

async function creditWallet(tx: Tx, topup: MobileTopup, reason: string, actorId: string | null): Promise<void> {
  const entry = await postWalletEntry(tx, {
    userId: topup.userId!,
    kind: WalletEntryKind.REFUND_CREDIT,
    amountMinor: topup.amountMinor,
    currency: topup.currency,
    description: `Refund for mobile top-up on ${topup.networkName}`,
    reason,
    authorId: actorId,
  });
  await complete(tx, topup.id, { refundWalletEntryId: entry.id }, actorId);
}

/** Where the money went back: the wallet entry, or the Stripe refund. */
type RefundProof = { refundWalletEntryId: string } | { stripeRefundId: string };

async function complete(tx: Tx, id: string, proof: RefundProof, actorId: string | null): Promise<void> {
  await applyTopupTransition(
    id,
    "refunded",
    { actorId, data: { ...proof, refundStatus: RefundStatus.SUCCEEDED, refundedAt: new Date() }, details: proof },
    tx,
  );
}

/** After the commit: sends the card refund; a failure or a refund still processing is left to the `topup.refund` job. */
async function dispatchTopupRefund(id: string): Promise<void> {
  try {
    const status = await sendTopupCardRefund(id);
    if (status === RefundStatus.SENT) await enqueue("topup.refund", { topupId: id }, { startAfter: 60 });
  } catch (error) {
    log.warn("mobile top-up card refund not sent yet; queued for retry", { topupId: id, error });
    await enqueue("topup.refund", { topupId: id });
  }
}

/**
 * Sends the top-up's card refund to Stripe (or, once Stripe has it, asks for
 * its state) and settles the top-up by Stripe's answer. Throws when Stripe
 * cannot be reached, after counting the attempt. Returns the refund status.
 */
export async function sendTopupCardRefund(id: string): Promise<RefundStatus | null> {
  const topup = await db().mobileTopup.findUniqueOrThrow({ where: { id } });
  if (topup.refundMethod !== RefundMethod.CARD || topup.refundStatus === RefundStatus.SUCCEEDED) return topup.refundStatus;
  let refund: Stripe.Refund;
  try {
    if (!topup.paymentIntentId) throw new Error(`Mobile top-up ${id} was paid by card but records no payment`);
    refund = topup.stripeRefundId
      ? await stripe().refunds.retrieve(topup.stripeRefundId)
      : await stripe().refunds.create(
          { payment_intent: topup.paymentIntentId, amount: topup.amountMinor, reason: "requested_by_customer", metadata: { topupId: id } },
          { idempotencyKey: `refund:mobile-topup:${id}` },
        );
  } catch (err) {
    await db().mobileTopup.update({
      where: { id },
      data: { refundAttempts: { increment: 1 }, refundError: (err instanceof Error ? err.message : String(err)).slice(0, 500) },
    });
    throw err;
  }
  if (refund.status === "succeeded") {
    await db().$transaction((tx) => complete(tx, id, { stripeRefundId: refund.id }, null));
    return RefundStatus.SUCCEEDED;
  }
  if (refund.status === "failed" || refund.status === "canceled") {
    await db().mobileTopup.update({
      where: { id },
      data: { refundStatus: RefundStatus.FAILED, stripeRefundId: refund.id, refundError: `Stripe ${refund.status} the refund` },
    });
    await alertRefundFailed(id);
    return RefundStatus.FAILED;
  }
  await db().mobileTopup.update({ where: { id }, data: { refundStatus: RefundStatus.SENT, stripeRefundId: refund.id } });
  return RefundStatus.SENT;
}

/** Every retry of the card refund failed: kept visible for an admin, with an alert in the audit log. */
export async function markTopupRefundFailed(id: string): Promise<void> {
  const { count } = await db().mobileTopup.updateMany({
    where: { id, refundStatus: { in: [RefundStatus.REQUESTED, RefundStatus.SENT] } },
    data: { refundStatus: RefundStatus.FAILED },
  });
  if (count === 1) await alertRefundFailed(id);
}

async function alertRefundFailed(id: string): Promise<void> {
  const topup = await db().mobileTopup.findUniqueOrThrow({ where: { id } });
  await recordAudit({
    actorId: null,
    action: "mobile_topup.refund_failed",
    entityType: "MobileTopup",
    entityId: id,
    details: {
      attempts: topup.refundAttempts,
      lastError: topup.refundError,
      alert: "The refund did not go through: refund the card payment by hand in Stripe.",
    },
  });
  log.error("mobile top-up card refund failed; admin alerted", { topupId: id, lastError: topup.refundError });
}
