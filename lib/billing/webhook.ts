/**
 * Stripe's webhook: verify the signature on the raw body, then hand the
 * event to the handler for its type. The route in app/api/webhooks/stripe
 * only passes the request through.
 */
import "server-only";
import type Stripe from "stripe";
import { env } from "../config/env";
import { log } from "../log";
import { reconcileDispute } from "./clawback";
import { fulfilCheckoutSession } from "./fulfil";
import { reconcileChargeRefund, settleRefundFromWebhook } from "./refunds";
import { stripe } from "./stripe";

export interface WebhookReply {
  status: number;
  body: Record<string, unknown>;
}

type HandledType =
  | "checkout.session.completed"
  | "checkout.session.async_payment_succeeded"
  | "checkout.session.async_payment_failed"
  | "checkout.session.expired"
  | "charge.refunded"
  | "refund.updated"
  | "charge.refund.updated"
  | "charge.dispute.created"
  | "charge.dispute.updated"
  | "charge.dispute.closed"
  | "charge.dispute.funds_withdrawn"
  | "charge.dispute.funds_reinstated";

type EventOf<T extends HandledType> = Extract<Stripe.Event, { type: T }>;

/**
 * Every Checkout event is a prompt to look at the session again: fulfilment
 * reads its current state from Stripe, so an event that arrives late, twice
 * or out of order (expired after completed) cannot undo or repeat a payment.
 */
const handlers: { [T in HandledType]: (event: EventOf<T>) => Promise<unknown> } = {
  "checkout.session.completed": (event) => fulfilCheckoutSession(event.data.object.id),
  "checkout.session.async_payment_succeeded": (event) => fulfilCheckoutSession(event.data.object.id),
  "checkout.session.async_payment_failed": (event) => fulfilCheckoutSession(event.data.object.id),
  "checkout.session.expired": (event) => fulfilCheckoutSession(event.data.object.id),
  "charge.refunded": (event) => reconcileChargeRefund(event.data.object),
  // A pending refund finished or failed. Newer accounts send the first, older ones the second; both are the same news.
  "refund.updated": (event) => settleRefundFromWebhook(event.data.object),
  "charge.refund.updated": (event) => settleRefundFromWebhook(event.data.object),
  // Every dispute event is a prompt to read the dispute again; the ledger follows its current state.
  "charge.dispute.created": (event) => reconcileDispute(event.data.object),
  "charge.dispute.updated": (event) => reconcileDispute(event.data.object),
  "charge.dispute.closed": (event) => reconcileDispute(event.data.object),
  "charge.dispute.funds_withdrawn": (event) => reconcileDispute(event.data.object),
  "charge.dispute.funds_reinstated": (event) => reconcileDispute(event.data.object),
};

function isHandled(type: string): type is HandledType {
  return Object.hasOwn(handlers, type);
}

/** 400 for a bad or stale signature (nothing is read from the body), 500 when handling fails so Stripe retries. */
export async function handleStripeWebhook(rawBody: string, signature: string | null): Promise<WebhookReply> {
  let event: Stripe.Event;
  try {
    if (!signature) throw new Error("no Stripe-Signature header");
    // Default tolerance: a signature older than 300 s is refused, so a captured request cannot be replayed later.
    event = stripe().webhooks.constructEvent(rawBody, signature, env().STRIPE_WEBHOOK_SECRET);
  } catch (err) {
    log.warn("stripe webhook rejected", { error: err instanceof Error ? err.message : String(err) });
    return { status: 400, body: { error: "Webhook signature verification failed." } };
  }
  const context = { eventId: event.id, type: event.type };
  if (!isHandled(event.type)) {
    log.debug("stripe webhook ignored", context);
    return { status: 200, body: { received: true, ignored: true } };
  }
  try {
    await (handlers[event.type] as (event: Stripe.Event) => Promise<unknown>)(event);
  } catch (err) {
    log.error("stripe webhook handling failed", { ...context, error: err });
    return { status: 500, body: { error: "The event could not be processed; Stripe will retry it." } };
  }
  log.info("stripe webhook handled", context);
  return { status: 200, body: { received: true } };
}
