/**
 * What happens in the fake Stripe account: sessions opened, paid, expired,
 * refunded, and the events each change produces. The HTTP API, the pay page
 * and the test controls all act through this one class, so a session paid
 * from a test behaves exactly like one paid in the browser.
 */
import { randomBytes } from "node:crypto";
import Stripe from "stripe";
import { StripeApiError } from "./errors";
import { formatAmount } from "./money";
import {
  newId,
  unixNow,
  type FakeCharge,
  type FakeDispute,
  type FakeEvent,
  type FakeEventType,
  type FakeLineItem,
  type FakeObject,
  type FakePaymentIntent,
  type FakeRefund,
  type FakeSession,
} from "./objects";
import type { FakeStripeState, SessionRecord } from "./state";
import type { WebhookSender } from "./webhooks";

/** Whether a change waits for its webhook's first attempt, sends it in the background, or only stores the event. */
export type Delivery = "wait" | "background" | "skip";

export interface LineItemInput {
  name: string;
  currency: string;
  unitAmount: number;
  quantity: number;
}

export interface CreateSessionInput {
  lineItems: LineItemInput[];
  successUrl: string;
  cancelUrl: string | null;
  clientReferenceId: string | null;
  customerEmail: string | null;
  metadata: Record<string, string>;
  paymentIntentData: SessionRecord["paymentIntentData"];
  expiresAt: number | null;
}

export interface RefundInput {
  paymentIntent: string | null;
  charge: string | null;
  amount: number | null;
  reason: FakeRefund["reason"];
  metadata: Record<string, string>;
}

/** The API request behind an event, as Stripe puts it in `event.request`. */
export type EventOrigin = FakeEvent["request"];

/** Events caused by the customer or by time, not by an API call, carry no request. */
const NO_REQUEST: EventOrigin = { id: null, idempotency_key: null };

const SESSION_LIFETIME_S = 24 * 60 * 60;
/** Without a `customer_email`, real Checkout asks the customer; the fake answers for them. */
const DEFAULT_CUSTOMER_EMAIL = "customer@example.com";

export class StripeSimulation {
  constructor(
    readonly state: FakeStripeState,
    readonly webhooks: WebhookSender,
    /** Where browsers reach the fake, for the session's `url`. */
    private readonly publicBaseUrl: string,
  ) {}

  createSession(input: CreateSessionInput): FakeSession {
    const id = newId("cs_test", 58);
    const created = unixNow();
    const currency = input.lineItems[0]!.currency;
    const lineItems = input.lineItems.map((item) => lineItem(item, created));
    const total = lineItems.reduce((sum, item) => sum + item.amount_total, 0);
    const session: FakeSession = {
      id,
      object: "checkout.session",
      amount_subtotal: total,
      amount_total: total,
      automatic_tax: { enabled: false, liability: null, provider: null, status: null },
      cancel_url: input.cancelUrl,
      client_reference_id: input.clientReferenceId,
      created,
      currency,
      customer: null,
      customer_details: null,
      customer_email: input.customerEmail,
      expires_at: input.expiresAt ?? created + SESSION_LIFETIME_S,
      livemode: false,
      metadata: input.metadata,
      mode: "payment",
      payment_intent: null,
      payment_method_types: ["card"],
      payment_status: "unpaid",
      status: "open",
      success_url: input.successUrl,
      total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
      ui_mode: "hosted_page",
      url: `${this.publicBaseUrl}/pay/${id}`,
    };
    this.state.sessions.set(id, {
      session,
      lineItems,
      asyncPayment: false,
      paymentIntentData: input.paymentIntentData,
    });
    return session;
  }

  /** The session, expired first if its `expires_at` has passed (Stripe expires sessions on its own). */
  sessionRecord(id: string): SessionRecord {
    const record = this.state.sessions.get(id);
    if (!record) throw StripeApiError.noSuch("checkout.session", id, "session");
    if (record.session.status === "open" && unixNow() >= record.session.expires_at) {
      void this.expire(record, "background");
    }
    return record;
  }

  async expireSession(id: string, delivery: Delivery): Promise<FakeSession> {
    const record = this.sessionRecord(id);
    assertOpen(record.session);
    await this.expire(record, delivery);
    return record.session;
  }

  /** What clicking Pay does: the card always succeeds, unless the session was made async. */
  async pay(id: string, delivery: Delivery): Promise<FakeSession> {
    const record = this.sessionRecord(id);
    const { session } = record;
    assertOpen(session);
    const intent = this.createPaymentIntent(record);
    if (!record.asyncPayment) this.succeed(intent);
    session.status = "complete";
    session.payment_status = intent.status === "succeeded" ? "paid" : "unpaid";
    session.payment_intent = intent.id;
    session.url = null;
    session.customer_details = {
      address: null,
      business_name: null,
      email: session.customer_email ?? DEFAULT_CUSTOMER_EMAIL,
      individual_name: null,
      name: null,
      phone: null,
      tax_exempt: "none",
      tax_ids: [],
    };
    await this.emit("checkout.session.completed", session, delivery);
    return session;
  }

  /** From now on, Pay leaves the payment processing until `settleAsyncPayment`. */
  makeAsync(id: string): FakeSession {
    const record = this.sessionRecord(id);
    assertOpen(record.session);
    record.asyncPayment = true;
    return record.session;
  }

  async settleAsyncPayment(id: string, outcome: "succeeded" | "failed", delivery: Delivery): Promise<FakeSession> {
    const { session } = this.sessionRecord(id);
    const intent = session.payment_intent ? this.state.paymentIntents.get(String(session.payment_intent)) : undefined;
    if (!intent || intent.status !== "processing") {
      throw StripeApiError.invalidRequest(`Checkout Session ${id} has no payment processing.`, {
        code: "payment_intent_unexpected_state",
      });
    }
    if (outcome === "succeeded") {
      this.succeed(intent);
      session.payment_status = "paid";
    } else {
      intent.status = "requires_payment_method";
      intent.last_payment_error = {
        type: "card_error",
        code: "card_declined",
        decline_code: "generic_decline",
        message: "Your card was declined.",
      };
    }
    await this.emit(`checkout.session.async_payment_${outcome}`, session, delivery);
    return session;
  }

  async refund(input: RefundInput, origin: EventOrigin, delivery: Delivery): Promise<FakeRefund> {
    const charge = this.refundableCharge(input);
    const unrefunded = charge.amount - charge.amount_refunded;
    if (unrefunded === 0) {
      throw StripeApiError.invalidRequest(`Charge ${charge.id} has already been refunded.`, {
        code: "charge_already_refunded",
      });
    }
    const amount = input.amount ?? unrefunded;
    if (amount > unrefunded) {
      const [asked, left] = [amount, unrefunded].map((n) => formatAmount(n, charge.currency));
      throw StripeApiError.invalidRequest(`Refund amount (${asked}) is greater than unrefunded amount on charge (${left})`, {
        code: "amount_too_large",
        param: "amount",
      });
    }
    const refund: FakeRefund = {
      id: newId("re"),
      object: "refund",
      amount,
      balance_transaction: null,
      charge: charge.id,
      created: unixNow(),
      currency: charge.currency,
      metadata: input.metadata,
      payment_intent: charge.payment_intent,
      reason: input.reason,
      receipt_number: null,
      // Card refunds usually succeed at once; some stay pending for days, and a few then fail.
      status: this.refundsStayPending ? "pending" : "succeeded",
    };
    this.state.refunds.set(refund.id, refund);
    const previous = { amount_refunded: charge.amount_refunded, refunded: charge.refunded };
    charge.amount_refunded += amount;
    charge.refunded = charge.amount_refunded === charge.amount;
    await this.emit("charge.refunded", charge, delivery, origin, previous);
    return refund;
  }

  /** While true, new refunds are created pending, as Stripe does for some payment methods, until `settleRefund`. */
  refundsStayPending = false;

  /**
   * A pending refund finishes: `refund.updated` (and `charge.refund.updated`)
   * tell of it; a failed one gives its amount back to the charge.
   */
  async settleRefund(refundId: string, outcome: "succeeded" | "failed", delivery: Delivery): Promise<FakeRefund> {
    const refund = this.state.refunds.get(refundId);
    if (!refund) throw StripeApiError.noSuch("refund", refundId, "id");
    if (refund.status !== "pending") throw StripeApiError.invalidRequest(`Refund ${refundId} is ${refund.status}, not pending.`);
    refund.status = outcome;
    if (outcome === "failed") {
      const charge = this.state.charges.get(refund.charge as string);
      if (charge) {
        charge.amount_refunded -= refund.amount;
        charge.refunded = false;
      }
    }
    await this.emit("refund.updated", refund, delivery);
    await this.emit("charge.refund.updated", refund, delivery);
    return refund;
  }

  /**
   * The cardholder disputes the payment: Stripe opens the dispute and
   * withdraws the disputed amount at once (two events).
   */
  async openDispute(paymentIntentId: string, delivery: Delivery): Promise<FakeDispute> {
    const charge = [...this.state.charges.values()].find((c) => c.payment_intent === paymentIntentId);
    if (!charge) throw StripeApiError.noSuch("charge", paymentIntentId, "payment_intent");
    const dispute: FakeDispute = {
      id: newId("du"),
      object: "dispute",
      amount: charge.amount,
      charge: charge.id,
      created: unixNow(),
      currency: charge.currency,
      livemode: false,
      metadata: {},
      payment_intent: paymentIntentId,
      reason: "fraudulent",
      status: "needs_response",
    };
    this.state.disputes.set(dispute.id, dispute);
    charge.disputed = true;
    await this.emit("charge.dispute.created", dispute, delivery);
    await this.emit("charge.dispute.funds_withdrawn", dispute, delivery);
    return dispute;
  }

  /** The bank decides: a won dispute gives the funds back (funds_reinstated), a lost one keeps them. */
  async closeDispute(disputeId: string, outcome: "won" | "lost", delivery: Delivery): Promise<FakeDispute> {
    const dispute = this.state.disputes.get(disputeId);
    if (!dispute) throw StripeApiError.noSuch("dispute", disputeId, "id");
    dispute.status = outcome;
    await this.emit("charge.dispute.closed", dispute, delivery);
    if (outcome === "won") await this.emit("charge.dispute.funds_reinstated", dispute, delivery);
    return dispute;
  }

  private refundableCharge(input: RefundInput): FakeCharge {
    if (input.charge) {
      const charge = this.state.charges.get(input.charge);
      if (!charge) throw StripeApiError.noSuch("charge", input.charge, "charge", 400);
      return charge;
    }
    if (!input.paymentIntent) {
      throw StripeApiError.invalidRequest("One of the following params should be provided for this request: payment_intent or charge.");
    }
    const intent = this.state.paymentIntents.get(input.paymentIntent);
    if (!intent) throw StripeApiError.noSuch("payment_intent", input.paymentIntent, "payment_intent", 400);
    const charge = intent.latest_charge ? this.state.charges.get(String(intent.latest_charge)) : undefined;
    if (!charge || charge.status !== "succeeded") {
      throw StripeApiError.invalidRequest(`This PaymentIntent (${intent.id}) does not have a successful charge to refund.`, {
        code: "charge_not_refundable",
        param: "payment_intent",
      });
    }
    return charge;
  }

  private createPaymentIntent(record: SessionRecord): FakePaymentIntent {
    const { session, paymentIntentData } = record;
    const id = newId("pi");
    const intent: FakePaymentIntent = {
      id,
      object: "payment_intent",
      amount: session.amount_total ?? 0,
      amount_capturable: 0,
      amount_received: 0,
      canceled_at: null,
      cancellation_reason: null,
      capture_method: "automatic_async",
      client_secret: `${id}_secret_${randomBytes(12).toString("hex")}`,
      confirmation_method: "automatic",
      created: unixNow(),
      currency: session.currency ?? "usd",
      customer: null,
      description: paymentIntentData.description,
      last_payment_error: null,
      latest_charge: null,
      livemode: false,
      metadata: paymentIntentData.metadata,
      next_action: null,
      payment_method: newId("pm"),
      payment_method_types: ["card"],
      receipt_email: null,
      status: "processing",
    };
    this.state.paymentIntents.set(id, intent);
    return intent;
  }

  private succeed(intent: FakePaymentIntent): void {
    const charge: FakeCharge = {
      id: newId("ch"),
      object: "charge",
      amount: intent.amount,
      amount_captured: intent.amount,
      amount_refunded: 0,
      balance_transaction: null,
      captured: true,
      created: unixNow(),
      currency: intent.currency,
      customer: null,
      description: intent.description,
      disputed: false,
      failure_code: null,
      failure_message: null,
      livemode: false,
      metadata: { ...intent.metadata },
      paid: true,
      payment_intent: intent.id,
      payment_method: typeof intent.payment_method === "string" ? intent.payment_method : null,
      receipt_email: null,
      refunded: false,
      status: "succeeded",
    };
    this.state.charges.set(charge.id, charge);
    intent.status = "succeeded";
    intent.amount_received = intent.amount;
    intent.latest_charge = charge.id;
  }

  private async expire(record: SessionRecord, delivery: Delivery): Promise<void> {
    record.session.status = "expired";
    record.session.url = null;
    await this.emit("checkout.session.expired", record.session, delivery);
  }

  /** Stores the event at once, so it exists even when its delivery is skipped, held or still under way. */
  private async emit(
    type: FakeEventType,
    object: FakeObject,
    delivery: Delivery,
    origin: EventOrigin = NO_REQUEST,
    previousAttributes?: Record<string, unknown>,
  ): Promise<void> {
    const event: FakeEvent = {
      id: newId("evt"),
      object: "event",
      api_version: Stripe.API_VERSION,
      created: unixNow(),
      data: { object: structuredClone(object), ...(previousAttributes && { previous_attributes: previousAttributes }) },
      livemode: false,
      pending_webhooks: this.webhooks.hasEndpoint ? 1 : 0,
      request: origin,
      type,
    };
    this.state.events.push(event);
    if (delivery === "wait") await this.webhooks.dispatch(event);
    else if (delivery === "background") void this.webhooks.dispatch(event);
  }
}

function lineItem(item: LineItemInput, created: number): FakeLineItem {
  const amount = item.unitAmount * item.quantity;
  return {
    id: newId("li"),
    object: "item",
    amount_discount: 0,
    amount_subtotal: amount,
    amount_tax: 0,
    amount_total: amount,
    currency: item.currency,
    description: item.name,
    quantity: item.quantity,
    price: {
      id: newId("price"),
      object: "price",
      active: false,
      created,
      currency: item.currency,
      livemode: false,
      product: newId("prod"),
      type: "one_time",
      unit_amount: item.unitAmount,
    },
  };
}

/** Why a session can no longer be paid or expired, or null while it is open; the pay page shows the same words. */
export function closedReason(session: FakeSession): string | null {
  if (session.status === "complete") return "This Checkout Session is already complete.";
  if (session.status === "expired") return "This Checkout Session has expired.";
  return null;
}

function assertOpen(session: FakeSession): void {
  const reason = closedReason(session);
  if (reason) throw StripeApiError.invalidRequest(reason, { code: "checkout_session_unexpected_state" });
}
