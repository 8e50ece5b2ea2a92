import "server-only";
import Stripe from "stripe";
import { log } from "../log";

/** A payment request refused for a reason the customer or admin can act on; the message is safe to show them. */
export class BillingError extends Error {
  constructor(
    readonly code:
      | "order_not_found"
      | "order_not_payable"
      | "order_expired"
      | "order_not_refundable"
      | "card_not_refundable"
      | "payment_in_progress"
      | "insufficient_funds"
      | "card_only"
      | "guest_checkout_refused"
      | "wallet_held"
      | "invalid_amount"
      | "plan_unavailable",
    message: string,
  ) {
    super(message);
    this.name = "BillingError";
  }
}

/**
 * What to tell a customer when a payment step fails: our own refusals as
 * they are, Stripe being unreachable or refusing as a plain retry message
 * (logged in full). Anything else is a bug and is rethrown.
 */
export function paymentFailureMessage(err: unknown): string {
  if (err instanceof BillingError) return err.message;
  if (err instanceof Stripe.errors.StripeError) {
    log.error("stripe request failed", { type: err.type, code: err.code, message: err.message, requestId: err.requestId });
    return "We couldn’t reach our payment provider, and nothing was charged. Please try again in a minute.";
  }
  throw err;
}
