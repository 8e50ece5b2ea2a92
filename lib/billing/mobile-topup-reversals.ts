/**
 * A mobile top-up's card payment refunded or disputed in Stripe, as orders'
 * are (./refunds.ts, ./clawback.ts): the charge or dispute comes as Stripe
 * reports it now (read back by ./stripe-events), never from an event's body.
 *
 * - A refund this app asked for (an admin's, or after a refused recharge) is
 *   settled by lib/topup's own refund path, which asks Stripe under the
 *   top-up's idempotency key.
 * - The whole payment refunded outside this app (the Stripe Dashboard) is
 *   recorded through the top-up's lifecycle (refunded_in_stripe), with an
 *   admin alert when MeiSIM had already been paid for the recharge.
 * - A partial refund in Stripe is left for a person: the top-up is one
 *   recharge and has no partial state.
 * - A dispute is flagged on the top-up for admins (the recharge is spent,
 *   so nothing is undone), once per dispute status.
 */
import "server-only";
import type Stripe from "stripe";
import { recordAudit } from "../audit";
import { db } from "../db/client";
import { MobileTopupStatus, RefundMethod, RefundStatus, type MobileTopup } from "../generated/prisma/client";
import { log } from "../log";
import { applyTopupTransition } from "../orders/mobile-topup-lifecycle";
import { sendTopupCardRefund } from "../topup/refund";

/** Thrown while a recharge run holds the top-up: the webhook answers 500 and Stripe delivers the event again later. */
export class TopupBusyError extends Error {
  constructor(readonly topupId: string) {
    super(`Mobile top-up ${topupId} is being recharged; its refund in Stripe is recorded once the run ends`);
    this.name = "TopupBusyError";
  }
}

export async function reconcileTopupChargeRefund(topup: MobileTopup, charge: Stripe.Charge): Promise<void> {
  const context = { topupId: topup.id, chargeId: charge.id, amountRefundedMinor: charge.amount_refunded };
  const ownRefundUnderWay =
    topup.refundMethod === RefundMethod.CARD && (topup.refundStatus === RefundStatus.REQUESTED || topup.refundStatus === RefundStatus.SENT);
  if (ownRefundUnderWay) {
    await sendTopupCardRefund(topup.id);
    return;
  }
  if (topup.status === MobileTopupStatus.REFUNDED) return;
  if (!charge.refunded) {
    log.warn("partial refund of a mobile top-up made in Stripe; the top-up is left as it is", context);
    return;
  }
  if (topup.status === MobileTopupStatus.RECHARGING) throw new TopupBusyError(topup.id);
  const afterRecharge = topup.status === MobileTopupStatus.RECHARGED;
  const moved = await applyTopupTransition(topup.id, "refunded_in_stripe", {
    data: { refundMethod: RefundMethod.CARD, refundStatus: RefundStatus.SUCCEEDED, refundedAt: new Date() },
    details: {
      chargeId: charge.id,
      amountRefundedMinor: charge.amount_refunded,
      currency: charge.currency.toUpperCase(),
      ...(afterRecharge && {
        alert: "The card payment was refunded in Stripe after MeiSIM made the recharge: the dealer wallet's charge is not recovered.",
      }),
    },
  });
  if (moved) log.info("refund of a mobile top-up made in Stripe recorded", { ...context, afterRecharge });
}

export async function flagTopupDispute(topup: MobileTopup, dispute: Stripe.Dispute): Promise<void> {
  const { count } = await db().mobileTopup.updateMany({
    where: { id: topup.id, OR: [{ disputeId: null }, { disputeId: dispute.id, disputeStatus: { not: dispute.status } }] },
    data: { disputeId: dispute.id, disputeStatus: dispute.status },
  });
  if (count === 0) return;
  await recordAudit({
    actorId: null,
    action: "mobile_topup.disputed",
    entityType: "MobileTopup",
    entityId: topup.id,
    details: {
      disputeId: dispute.id,
      status: dispute.status,
      amountMinor: dispute.amount,
      reason: dispute.reason,
      alert: "The cardholder disputed this mobile top-up's payment: answer it in the Stripe Dashboard.",
    },
  });
  log.warn("mobile top-up payment disputed", { topupId: topup.id, disputeId: dispute.id, status: dispute.status });
}
