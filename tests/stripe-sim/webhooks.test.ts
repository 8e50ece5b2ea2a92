import Stripe from "stripe";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { FakeStripe, FakeStripeOptions } from "../../simulators/stripe/index";
import { clickButton, control, createSession, recordingLogger, startFakeWithReceiver, type Receiver, type ReceiverAnswer } from "./support";

let fake: FakeStripe;
let stripe: Stripe;
let receiver: Receiver;
let close: () => Promise<void>;

/** A fresh fake and receiver per test: delivery state (holds, delays, retries) must not leak between tests. */
async function setUp(answers: ReceiverAnswer[] = [], options: Partial<FakeStripeOptions> = {}) {
  ({ fake, stripe, receiver, close } = await startFakeWithReceiver(answers, options));
}

afterEach(() => close());

async function openSession(): Promise<string> {
  return (await createSession(stripe)).id;
}

describe("webhook delivery", () => {
  it("retries with backoff while the app answers non-2xx, signing every attempt", async () => {
    await setUp([500, 503]);
    await fake.completeSession(await openSession());

    await vi.waitFor(() => expect(receiver.received).toHaveLength(3));
    expect(new Set(receiver.received.map((r) => r.event.id)).size).toBe(1);
    expect(receiver.rejected).toEqual([]);
    expect(fake.deliveries().map((d) => [d.attempt, d.status, d.ok])).toEqual([
      [1, 500, false],
      [2, 503, false],
      [3, 200, true],
    ]);
  });

  it("gives up after the configured retries when the app is unreachable, and logs it", async () => {
    const logger = recordingLogger();
    await setUp([], { webhookUrl: "http://127.0.0.1:1/api/webhooks/stripe", logger });
    await fake.completeSession(await openSession());

    await vi.waitFor(() => expect(logger.entries.map((e) => e.msg)).toContain("webhook delivery gave up"));
    expect(fake.deliveries().map((d) => [d.attempt, d.status])).toEqual([
      [1, null],
      [2, null],
      [3, null],
    ]);
    expect(logger.entries.filter((e) => e.msg === "webhook delivery failed, will retry")).toHaveLength(2);
  });

  it("counts an app that does not answer in time as a failed attempt", async () => {
    await setUp(["hang"], { webhookTimeoutMs: 100, webhookRetryDelaysMs: [10] });
    await fake.completeSession(await openSession());

    await vi.waitFor(() => expect(fake.deliveries().map((d) => d.ok)).toEqual([false, true]));
    expect(fake.deliveries()[0]!.error).toMatch(/timeout|abort/i);
  });

  it("stores events without sending them when no webhook URL is set", async () => {
    await setUp([], { webhookUrl: undefined });
    const sessionId = await openSession();
    const response = await clickButton(`${fake.url}/pay/${sessionId}`, "pay");

    expect(response.status).toBe(303);
    expect(fake.events().map((e) => [e.type, e.pending_webhooks])).toEqual([["checkout.session.completed", 0]]);
    expect(fake.deliveries()).toEqual([]);
  });
});

describe("test controls, in process", () => {
  it("redelivers an event as many times as asked", async () => {
    await setUp();
    await fake.completeSession(await openSession());
    const [event] = fake.events("checkout.session.completed");

    const attempts = await fake.redeliver(event!.id, 2);
    expect(attempts.map((a) => a.ok)).toEqual([true, true]);
    expect(receiver.received.map((r) => r.event.id)).toEqual([event!.id, event!.id, event!.id]);
  });

  it("holds webhooks and releases them newest first, or in a chosen order", async () => {
    await setUp();
    const [a, b, c] = [await openSession(), await openSession(), await openSession()];
    fake.holdWebhooks();
    await fake.completeSession(a);
    await fake.completeSession(b);
    const refund = await stripe.refunds.create({ payment_intent: String(fake.state.sessions.get(b)!.session.payment_intent) });
    expect(receiver.received).toHaveLength(0);

    const released = await fake.releaseWebhooks("lifo");
    expect(receiver.types()).toEqual(["charge.refunded", "checkout.session.completed", "checkout.session.completed"]);
    expect(receiver.received.map((r) => r.event.id)).toEqual(released);
    expect((receiver.received[0]!.event.data.object as Stripe.Charge).id).toBe(refund.charge);
    expect((receiver.received[1]!.event.data.object as Stripe.Checkout.Session).id).toBe(b);

    fake.holdWebhooks();
    await fake.completeSession(c);
    await fake.expireSession(await openSession());
    const [completed, expired] = fake.webhookStatus().heldEventIds;
    expect(await fake.releaseWebhooks([expired!, completed!])).toEqual([expired, completed]);
    expect(receiver.types().slice(3)).toEqual(["checkout.session.expired", "checkout.session.completed"]);
    expect(fake.webhookStatus().holding).toBe(false);
  });

  it("delays webhooks so the browser comes back before the event", async () => {
    await setUp();
    fake.delayWebhooks(150);
    const sessionId = await openSession();
    const response = await clickButton(`${fake.url}/pay/${sessionId}`, "pay");

    expect(response.status).toBe(303);
    expect(receiver.received).toHaveLength(0);
    await vi.waitFor(() => expect(receiver.types()).toEqual(["checkout.session.completed"]));
  });

  it("completes a session without its webhook, which can be sent later", async () => {
    await setUp();
    const session = await fake.completeSession(await openSession(), { webhook: false });

    expect(session).toMatchObject({ status: "complete", payment_status: "paid" });
    expect(receiver.received).toHaveLength(0);
    const [event] = fake.events("checkout.session.completed");
    await fake.redeliver(event!.id);
    expect(receiver.types()).toEqual(["checkout.session.completed"]);
  });

  it("settles an async payment as succeeded", async () => {
    await setUp();
    const sessionId = await openSession();
    fake.makeSessionAsync(sessionId);
    await clickButton(`${fake.url}/pay/${sessionId}`, "pay");

    const pending = await stripe.checkout.sessions.retrieve(sessionId, { expand: ["payment_intent"] });
    expect(pending).toMatchObject({ status: "complete", payment_status: "unpaid" });
    expect(pending.payment_intent).toMatchObject({ status: "processing", latest_charge: null });
    expect(receiver.received[0]!.event.data.object).toMatchObject({ payment_status: "unpaid" });

    await fake.settleAsyncPayment(sessionId, "succeeded");
    expect(receiver.types()).toEqual(["checkout.session.completed", "checkout.session.async_payment_succeeded"]);
    expect(receiver.received[1]!.event.data.object).toMatchObject({ payment_status: "paid" });
    const paid = await stripe.checkout.sessions.retrieve(sessionId, { expand: ["payment_intent"] });
    expect(paid.payment_intent).toMatchObject({ status: "succeeded", latest_charge: expect.stringMatching(/^ch_/) });
  });

  it("settles an async payment as failed, and only once", async () => {
    await setUp();
    const sessionId = await openSession();
    fake.makeSessionAsync(sessionId);
    await fake.completeSession(sessionId);

    await fake.settleAsyncPayment(sessionId, "failed");
    expect(receiver.types()).toEqual(["checkout.session.completed", "checkout.session.async_payment_failed"]);
    const failed = await stripe.checkout.sessions.retrieve(sessionId, { expand: ["payment_intent"] });
    expect(failed).toMatchObject({ status: "complete", payment_status: "unpaid" });
    expect(failed.payment_intent).toMatchObject({
      status: "requires_payment_method",
      last_payment_error: { code: "card_declined" },
    });
    await expect(fake.settleAsyncPayment(sessionId, "succeeded")).rejects.toThrow(/no payment processing/);
  });
});

describe("test controls, over HTTP", () => {
  it("drive the same controls under /__sim", async () => {
    await setUp();
    const [first, second] = [await openSession(), await openSession()];

    expect((await control(fake, "POST", "/__sim/webhooks/hold")).body).toMatchObject({ holding: true });
    expect((await control(fake, "POST", `/__sim/sessions/${first}/complete`, {})).body).toMatchObject({
      status: "complete",
    });
    expect((await control(fake, "POST", `/__sim/sessions/${second}/expire`)).body).toMatchObject({ status: "expired" });
    const held = (await control(fake, "GET", "/__sim/webhooks")).body.heldEventIds as string[];
    expect(held).toHaveLength(2);

    const released = await control(fake, "POST", "/__sim/webhooks/release", { order: [held[1], held[0]] });
    expect(released.body).toEqual({ released: [held[1], held[0]] });
    expect(receiver.types()).toEqual(["checkout.session.expired", "checkout.session.completed"]);

    const completed = await control(fake, "GET", "/__sim/events?type=checkout.session.completed");
    expect(completed.body.data).toHaveLength(1);
    const redelivered = await control(fake, "POST", `/__sim/events/${completed.body.data[0].id}/redeliver`, { times: 2 });
    expect(redelivered.body.attempts).toHaveLength(2);
    expect(receiver.received).toHaveLength(4);

    expect((await control(fake, "POST", "/__sim/webhooks/delay", { ms: 50 })).body).toMatchObject({ delayMs: 50 });
    expect((await control(fake, "GET", "/__sim/webhooks")).body.attempts).toHaveLength(4);
  });

  it("complete without webhook, make async and settle a session", async () => {
    await setUp();
    const sessionId = await openSession();

    expect((await control(fake, "POST", `/__sim/sessions/${sessionId}/async`)).status).toBe(200);
    const completed = await control(fake, "POST", `/__sim/sessions/${sessionId}/complete`, { webhook: false });
    expect(completed.body).toMatchObject({ status: "complete", payment_status: "unpaid" });
    expect(receiver.received).toHaveLength(0);

    const bad = await control(fake, "POST", `/__sim/sessions/${sessionId}/async-payment`, { outcome: "maybe" });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ type: "invalid_request_error", param: "outcome" });

    const settled = await control(fake, "POST", `/__sim/sessions/${sessionId}/async-payment`, { outcome: "succeeded" });
    expect(settled.body).toMatchObject({ payment_status: "paid" });
    expect(receiver.types()).toEqual(["checkout.session.async_payment_succeeded"]);

    const unknown = await control(fake, "POST", "/__sim/events/evt_unknown/redeliver");
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: "resource_missing" });
  });
});
