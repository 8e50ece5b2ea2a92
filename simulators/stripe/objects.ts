/**
 * The Stripe objects the fake serves. Each is a subset of the real object,
 * picked from stripe-node's own typings so that a field name or value type
 * that drifts from the SDK fails to compile here rather than in the app.
 */
import { randomBytes } from "node:crypto";
import type Stripe from "stripe";

export type FakePrice = Pick<
  Stripe.Price,
  "id" | "object" | "active" | "created" | "currency" | "livemode" | "product" | "type" | "unit_amount"
>;

export type FakeLineItem = Omit<
  Pick<
    Stripe.LineItem,
    "id" | "object" | "amount_discount" | "amount_subtotal" | "amount_tax" | "amount_total" | "currency" | "description" | "quantity"
  >,
  "price"
> & { price: FakePrice };

export type FakeSession = Pick<
  Stripe.Checkout.Session,
  | "id"
  | "object"
  | "amount_subtotal"
  | "amount_total"
  | "automatic_tax"
  | "cancel_url"
  | "client_reference_id"
  | "created"
  | "currency"
  | "customer"
  | "customer_details"
  | "customer_email"
  | "expires_at"
  | "livemode"
  | "metadata"
  | "mode"
  | "payment_intent"
  | "payment_method_types"
  | "payment_status"
  | "status"
  | "success_url"
  | "total_details"
  | "ui_mode"
  | "url"
>;

export type FakePaymentIntent = Pick<
  Stripe.PaymentIntent,
  | "id"
  | "object"
  | "amount"
  | "amount_capturable"
  | "amount_received"
  | "canceled_at"
  | "cancellation_reason"
  | "capture_method"
  | "client_secret"
  | "confirmation_method"
  | "created"
  | "currency"
  | "customer"
  | "description"
  | "last_payment_error"
  | "latest_charge"
  | "livemode"
  | "metadata"
  | "next_action"
  | "payment_method"
  | "payment_method_types"
  | "receipt_email"
  | "status"
>;

export type FakeCharge = Pick<
  Stripe.Charge,
  | "id"
  | "object"
  | "amount"
  | "amount_captured"
  | "amount_refunded"
  | "balance_transaction"
  | "captured"
  | "created"
  | "currency"
  | "customer"
  | "description"
  | "disputed"
  | "failure_code"
  | "failure_message"
  | "livemode"
  | "metadata"
  | "paid"
  | "payment_intent"
  | "payment_method"
  | "receipt_email"
  | "refunded"
  | "status"
>;

export type FakeRefund = Pick<
  Stripe.Refund,
  | "id"
  | "object"
  | "amount"
  | "balance_transaction"
  | "charge"
  | "created"
  | "currency"
  | "metadata"
  | "payment_intent"
  | "reason"
  | "receipt_number"
  | "status"
>;

export type FakeDispute = Pick<
  Stripe.Dispute,
  "id" | "object" | "amount" | "charge" | "created" | "currency" | "livemode" | "metadata" | "payment_intent" | "reason" | "status"
>;

export type FakeEventType = Extract<
  Stripe.Event.Type,
  | "checkout.session.completed"
  | "checkout.session.expired"
  | "checkout.session.async_payment_succeeded"
  | "checkout.session.async_payment_failed"
  | "charge.refunded"
  | "refund.updated"
  | "charge.refund.updated"
  | "charge.dispute.created"
  | "charge.dispute.funds_withdrawn"
  | "charge.dispute.closed"
  | "charge.dispute.funds_reinstated"
>;

export type FakeObject = FakeSession | FakePaymentIntent | FakeCharge | FakeRefund | FakeDispute;

export type FakeEvent = Pick<
  Stripe.EventBase,
  "id" | "object" | "api_version" | "created" | "livemode" | "pending_webhooks" | "request"
> & {
  type: FakeEventType;
  /** A snapshot of the object when the event happened, as Stripe sends it. */
  data: { object: FakeObject; previous_attributes?: Record<string, unknown> };
};

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** An id in Stripe's `prefix_randomBase62` form; the prefix tells the object type. */
export function newId(prefix: string, length = 24): string {
  const bytes = randomBytes(length);
  let suffix = "";
  for (const byte of bytes) suffix += BASE62[byte % BASE62.length];
  return `${prefix}_${suffix}`;
}

export function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}
