/**
 * `charge.refunded`: a charge was refunded, by this app or in the Stripe
 * Dashboard, wholly or in part. The charge is read back from Stripe: how much
 * was refunded, and whether all of it, come from Stripe's copy, never from
 * the event's body.
 */
import "server-only";
import { log } from "../../log";
import { reconcileTopupChargeRefund } from "../mobile-topup-reversals";
import { reconcileChargeRefund } from "../refunds";
import { stripe } from "../stripe";
import { paidBy, paymentIntentIdOf } from "./paid-by";

export async function onChargeRefunded(chargeId: string): Promise<void> {
  const charge = await stripe().charges.retrieve(chargeId);
  const paymentIntentId = paymentIntentIdOf(charge);
  const paid = await paidBy(paymentIntentId);
  if (!paid) {
    log.info("refund of a payment not taken by this app, ignored", { chargeId, paymentIntentId });
    return;
  }
  if (paid.kind === "mobile_topup") await reconcileTopupChargeRefund(paid.topup, charge);
  else await reconcileChargeRefund(paid.session, charge);
}
