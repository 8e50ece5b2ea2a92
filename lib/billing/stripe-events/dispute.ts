/**
 * Every `charge.dispute.*` event is a prompt to read the dispute again from
 * Stripe; the ledger, the order or the mobile top-up follows its current
 * state, whatever order the events came in and whatever their bodies say.
 */
import "server-only";
import { reconcileDispute } from "../clawback";
import { log } from "../../log";
import { flagTopupDispute } from "../mobile-topup-reversals";
import { stripe } from "../stripe";
import { paidBy, paymentIntentIdOf } from "./paid-by";

export async function onDisputeEvent(disputeId: string): Promise<void> {
  const dispute = await stripe().disputes.retrieve(disputeId);
  const paymentIntentId = paymentIntentIdOf(dispute);
  const paid = await paidBy(paymentIntentId);
  if (!paid) {
    log.info("dispute on a payment not taken by this app, ignored", { disputeId, status: dispute.status, paymentIntentId });
    return;
  }
  if (paid.kind === "mobile_topup") await flagTopupDispute(paid.topup, dispute);
  else await reconcileDispute(paid.session, dispute);
}
