/**
 * Stripe's webhook: cap the body, verify the signature on the raw bytes,
 * then hand the event to the one handler for its type
 * (checkout sessions: ./fulfil.ts; charges, refunds and
 * disputes: ./stripe-events/, one module per event). The route in
 * app/api/webhooks/stripe only passes the request through.
 *
 * An event is news that something changed, never the change itself: every
 * handler reads the object (session, charge, refund, dispute) back from
 * Stripe by its id and acts on Stripe's answer, so an amount or a status in
 * the body (a replayed, reordered or forged event) changes nothing.
 */
import "server-only";
import type Stripe from "stripe";
import { env } from "../config/env";
import { log } from "../log";
import { readTextUpTo } from "../security/request-body";
import { fulfilCheckoutSession } from "./fulfil";
import { onChargeRefunded } from "./stripe-events/charge-refunded";
import { onDisputeEvent } from "./stripe-events/dispute";
import { onRefundUpdated } from "./stripe-events/refund-updated";
import { stripe } from "./stripe";

export interface WebhookReply {
  status: number;
  body: Record<string, unknown>;
}

/** Stripe's events are a few kilobytes; its documented payload ceiling is well under this. */
export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;

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
 * Each handler is given only the id of the event's object: what it does rests
 * on Stripe's current copy. Checkout sessions are read back by fulfilment
 * itself, so an event that arrives late, twice or out of order (expired
 * after completed) cannot undo or repeat a payment.
 */
const handlers: { [T in HandledType]: (event: EventOf<T>) => Promise<unknown> } = {
  "checkout.session.completed": (event) => fulfilCheckoutSession(event.data.object.id),
  "checkout.session.async_payment_succeeded": (event) => fulfilCheckoutSession(event.data.object.id),
  "checkout.session.async_payment_failed": (event) => fulfilCheckoutSession(event.data.object.id),
  "checkout.session.expired": (event) => fulfilCheckoutSession(event.data.object.id),
  "charge.refunded": (event) => onChargeRefunded(event.data.object.id),
  // A pending refund finished or failed. Newer accounts send the first, older ones the second; both are the same news.
  "refund.updated": (event) => onRefundUpdated(event.data.object.id),
  "charge.refund.updated": (event) => onRefundUpdated(event.data.object.id),
  "charge.dispute.created": (event) => onDisputeEvent(event.data.object.id),
  "charge.dispute.updated": (event) => onDisputeEvent(event.data.object.id),
  "charge.dispute.closed": (event) => onDisputeEvent(event.data.object.id),
  "charge.dispute.funds_withdrawn": (event) => onDisputeEvent(event.data.object.id),
  "charge.dispute.funds_reinstated": (event) => onDisputeEvent(event.data.object.id),
};

function isHandled(type: string): type is HandledType {
  return Object.hasOwn(handlers, type);
}

/** 413 for a body over the cap (not read further), then as handleStripeWebhook. */
export async function receiveStripeWebhook(request: Request): Promise<WebhookReply> {
  const rawBody = await readTextUpTo(request, MAX_WEBHOOK_BODY_BYTES);
  if (rawBody === null) {
    log.warn("stripe webhook refused: body over the size limit", { limitBytes: MAX_WEBHOOK_BODY_BYTES });
    return { status: 413, body: { error: "The webhook body is too large." } };
  }
  return handleStripeWebhook(rawBody, request.headers.get("stripe-signature"));
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
