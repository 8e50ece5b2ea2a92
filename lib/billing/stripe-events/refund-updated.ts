/**
 * `refund.updated` / `charge.refund.updated`: Stripe finished (or gave up on)
 * a refund. The refund is read back from Stripe, so its status and amount
 * are Stripe's, not the event body's; our own refunds (an order's, a mobile
 * top-up's) are settled by that answer, any other is ignored.
 */
import "server-only";
import { db } from "../../db/client";
import { RefundMethod, RefundStatus } from "../../generated/prisma/client";
import { log } from "../../log";
import { sendTopupCardRefund } from "../../topup/refund";
import { settleRefundFromStripe } from "../refunds";
import { stripe } from "../stripe";

export async function onRefundUpdated(refundId: string): Promise<void> {
  const stripeRefund = await stripe().refunds.retrieve(refundId);
  if (await settleRefundFromStripe(stripeRefund)) return;
  const topupId = stripeRefund.metadata?.topupId;
  const topup = await db().mobileTopup.findFirst({
    where: {
      refundMethod: RefundMethod.CARD,
      OR: [
        { stripeRefundId: stripeRefund.id },
        // Sent, but the process died before it noted the refund's id.
        ...(topupId ? [{ id: topupId, stripeRefundId: null, refundStatus: { in: [RefundStatus.REQUESTED, RefundStatus.SENT] } }] : []),
      ],
    },
  });
  if (!topup) {
    log.info("update of a refund not made by this app, ignored", { stripeRefundId: stripeRefund.id });
    return;
  }
  // Asks Stripe again under the top-up's idempotency key and settles the top-up by the answer.
  await sendTopupCardRefund(topup.id);
}
