/**
 * Test controls, in-process and under `/__sim/...`: what a test needs to
 * provoke the webhook orderings and payment outcomes real Stripe produces
 * only sometimes (late, repeated or reordered events, async payments).
 */
import type { SimHandler, SimRequest, SimServer } from "../shared/server";
import { StripeApiError } from "./errors";
import type { FakeEvent, FakeEventType } from "./objects";
import type { StripeSimulation } from "./simulation";
import type { DeliveryAttempt, ReleaseOrder } from "./webhooks";

export type AsyncOutcome = "succeeded" | "failed";

export function createControls(stripe: StripeSimulation) {
  const { state, webhooks } = stripe;
  return {
    /** Every event created so far, oldest first, optionally of one type. */
    events(type?: FakeEventType): FakeEvent[] {
      return type ? state.events.filter((e) => e.type === type) : [...state.events];
    },
    /** Every webhook attempt so far, oldest first. */
    deliveries(): DeliveryAttempt[] {
      return [...webhooks.attempts];
    },
    webhookStatus() {
      return { ...webhooks.status(), attempts: [...webhooks.attempts] };
    },
    redeliver(eventId: string, times = 1): Promise<DeliveryAttempt[]> {
      const event = state.event(eventId);
      if (!event) throw StripeApiError.noSuch("event", eventId, "id");
      return webhooks.redeliver(event, times);
    },
    holdWebhooks(): void {
      webhooks.hold();
    },
    releaseWebhooks(order: ReleaseOrder = "fifo"): Promise<string[]> {
      return webhooks.release(order);
    },
    delayWebhooks(ms: number): void {
      webhooks.delay(ms);
    },
    /** As if the customer clicked Pay; `webhook: false` stores the event without sending it. */
    completeSession(sessionId: string, { webhook = true }: { webhook?: boolean } = {}) {
      return stripe.pay(sessionId, webhook ? "wait" : "skip");
    },
    makeSessionAsync(sessionId: string) {
      return stripe.makeAsync(sessionId);
    },
    settleAsyncPayment(sessionId: string, outcome: AsyncOutcome) {
      return stripe.settleAsyncPayment(sessionId, outcome, "wait");
    },
    expireSession(sessionId: string) {
      return stripe.expireSession(sessionId, "wait");
    },
    /** New refunds stay pending (true) until settled, or succeed at once (false, the default). */
    keepRefundsPending(pending: boolean): void {
      stripe.refundsStayPending = pending;
    },
    settleRefund(refundId: string, outcome: "succeeded" | "failed") {
      return stripe.settleRefund(refundId, outcome, "wait");
    },
    /** The cardholder disputes the payment made through this PaymentIntent. */
    openDispute(paymentIntentId: string) {
      return stripe.openDispute(paymentIntentId, "wait");
    },
    closeDispute(disputeId: string, outcome: "won" | "lost") {
      return stripe.closeDispute(disputeId, outcome, "wait");
    },
  };
}

export type FakeStripeControls = ReturnType<typeof createControls>;

export function registerControlRoutes(sim: SimServer, controls: FakeStripeControls): void {
  const route = (method: "GET" | "POST", path: string, handler: (req: SimRequest) => unknown) => sim.route(method, path, control(handler));

  route("GET", "/__sim/events", (req) => ({
    data: controls.events((req.query.get("type") ?? undefined) as FakeEventType | undefined),
  }));
  route("POST", "/__sim/events/:id/redeliver", async (req) => ({
    attempts: await controls.redeliver(req.params.id!, readCount(req.body.times, "times") ?? 1),
  }));
  route("GET", "/__sim/webhooks", () => controls.webhookStatus());
  route("POST", "/__sim/webhooks/hold", () => {
    controls.holdWebhooks();
    return controls.webhookStatus();
  });
  route("POST", "/__sim/webhooks/release", async (req) => ({
    released: await controls.releaseWebhooks(readOrder(req.body.order)),
  }));
  route("POST", "/__sim/webhooks/delay", (req) => {
    controls.delayWebhooks(readCount(req.body.ms, "ms") ?? 0);
    return controls.webhookStatus();
  });
  route("POST", "/__sim/sessions/:id/complete", (req) =>
    controls.completeSession(req.params.id!, { webhook: req.body.webhook !== false && req.body.webhook !== "false" }),
  );
  route("POST", "/__sim/sessions/:id/async", (req) => controls.makeSessionAsync(req.params.id!));
  route("POST", "/__sim/sessions/:id/async-payment", (req) => {
    const outcome = req.body.outcome;
    if (outcome !== "succeeded" && outcome !== "failed") {
      throw StripeApiError.invalidParam("outcome", "outcome must be 'succeeded' or 'failed'.");
    }
    return controls.settleAsyncPayment(req.params.id!, outcome);
  });
  route("POST", "/__sim/sessions/:id/expire", (req) => controls.expireSession(req.params.id!));
}

/** Control answers use Stripe's error envelope too, so one client helper reads both. */
function control(handler: (req: SimRequest) => unknown): SimHandler {
  return async (req) => {
    try {
      return { body: await handler(req) };
    } catch (err) {
      const error = err instanceof StripeApiError ? err : StripeApiError.invalidRequest(err instanceof Error ? err.message : String(err));
      return { status: error.status, body: { error: error.body } };
    }
  };
}

/** JSON bodies give numbers, form bodies give strings; both are accepted. */
function readCount(value: unknown, name: string): number | undefined {
  if (value === undefined || value === "") return undefined;
  const count = Number(value);
  if (!Number.isInteger(count) || count < 0) {
    throw StripeApiError.invalidParam(name, `${name} must be a whole number, not ${JSON.stringify(value)}.`);
  }
  return count;
}

function readOrder(value: unknown): ReleaseOrder {
  if (value === undefined || value === "fifo" || value === "lifo") return value ?? "fifo";
  if (Array.isArray(value) && value.every((id) => typeof id === "string")) return value;
  throw StripeApiError.invalidParam("order", "order must be 'fifo', 'lifo' or an array of event ids.");
}
