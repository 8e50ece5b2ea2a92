import { describe, expect, it, vi } from "vitest";
import { createSession, fakeWithReceiverPerFile } from "./support";

const env = fakeWithReceiverPerFile();

/** A session paid for 25.00 USD, and its PaymentIntent id. */
async function paidIntent(): Promise<string> {
  const session = await env.fake.completeSession((await createSession(env.stripe)).id);
  return String(session.payment_intent);
}

describe("refunds", () => {
  it("refunds the whole charge by default and tells the webhook endpoint", async () => {
    const paymentIntent = await paidIntent();
    const refund = await env.stripe.refunds.create({ payment_intent: paymentIntent, metadata: { reason: "esim-failed" } });

    expect(refund).toMatchObject({
      object: "refund",
      amount: 2500,
      currency: "usd",
      status: "succeeded",
      payment_intent: paymentIntent,
      metadata: { reason: "esim-failed" },
    });
    expect(refund.id).toMatch(/^re_\w+$/);
    expect(await env.stripe.refunds.retrieve(refund.id)).toEqual(refund);

    await vi.waitFor(() => expect(env.receiver.types()).toContain("charge.refunded"));
    const event = env.receiver.received.find((r) => r.event.type === "charge.refunded")!.event;
    expect(event.data.object).toMatchObject({ id: refund.charge, amount_refunded: 2500, refunded: true });
    expect(event.data.previous_attributes).toEqual({ amount_refunded: 0, refunded: false });
    expect(event.request).toMatchObject({ id: expect.stringMatching(/^req_/) });
  });

  it("refunds part of a charge, then the rest, and refuses a third refund", async () => {
    const paymentIntent = await paidIntent();
    await env.stripe.refunds.create({ payment_intent: paymentIntent, amount: 1000 });
    const intent = await env.stripe.paymentIntents.retrieve(paymentIntent, { expand: ["latest_charge"] });
    expect(intent.latest_charge).toMatchObject({ amount_refunded: 1000, refunded: false });

    const rest = await env.stripe.refunds.create({ payment_intent: paymentIntent });
    expect(rest.amount).toBe(1500);
    await expect(env.stripe.refunds.create({ payment_intent: paymentIntent, amount: 1 })).rejects.toMatchObject({
      statusCode: 400,
      code: "charge_already_refunded",
    });
  });

  it("refuses to refund more than is left, in Stripe's error shape", async () => {
    const paymentIntent = await paidIntent();
    await env.stripe.refunds.create({ payment_intent: paymentIntent, amount: 2000 });

    await expect(env.stripe.refunds.create({ payment_intent: paymentIntent, amount: 600 })).rejects.toMatchObject({
      type: "StripeInvalidRequestError",
      statusCode: 400,
      code: "amount_too_large",
      param: "amount",
    });
    const response = await fetch(`${env.fake.url}/v1/refunds`, {
      method: "POST",
      headers: { authorization: "Bearer sk_test_x", "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ payment_intent: paymentIntent, amount: "600" }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: {
        type: "invalid_request_error",
        code: "amount_too_large",
        param: "amount",
        message: "Refund amount ($6.00) is greater than unrefunded amount on charge ($5.00)",
        doc_url: "https://stripe.com/docs/error-codes/amount-too-large",
      },
    });
  });

  it("creates one refund for a repeated idempotency key", async () => {
    const paymentIntent = await paidIntent();
    const options = { idempotencyKey: `refund-${paymentIntent}` };
    const first = await env.stripe.refunds.create({ payment_intent: paymentIntent, amount: 500 }, options);
    const again = await env.stripe.refunds.create({ payment_intent: paymentIntent, amount: 500 }, options);

    expect(again.id).toBe(first.id);
    const refunds = [...env.fake.state.refunds.values()].filter((r) => r.payment_intent === paymentIntent);
    expect(refunds).toHaveLength(1);
    await expect(env.stripe.refunds.create({ payment_intent: paymentIntent, amount: 700 }, options)).rejects.toMatchObject({
      type: "StripeIdempotencyError",
    });
  });

  it("refuses a PaymentIntent that was never charged or does not exist", async () => {
    const session = await createSession(env.stripe);
    env.fake.makeSessionAsync(session.id);
    const processing = await env.fake.completeSession(session.id);

    await expect(env.stripe.refunds.create({ payment_intent: String(processing.payment_intent) })).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringContaining("does not have a successful charge to refund"),
    });
    await expect(env.stripe.refunds.create({ payment_intent: "pi_missing" })).rejects.toMatchObject({
      statusCode: 400,
      code: "resource_missing",
      param: "payment_intent",
    });
  });
});
