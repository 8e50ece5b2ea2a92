import Stripe from "stripe";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { FakeStripe } from "../../simulators/stripe/index";
import { CANCEL_URL, createSession, startFake, stripeClient, SUCCESS_URL } from "./support";

let fake: FakeStripe;
let stripe: Stripe;

beforeAll(async () => {
  fake = await startFake();
  stripe = stripeClient(fake);
});
afterAll(() => fake.close());
afterEach(() => vi.useRealTimers());

describe("checkout sessions through stripe-node", () => {
  it("creates an open, unpaid session whose total adds up the line items", async () => {
    const session = await createSession(stripe, {
      customer_email: "ana@example.com",
      payment_intent_data: { metadata: { orderId: "order_123" } },
      line_items: [
        { price_data: { currency: "usd", unit_amount: 1250, product_data: { name: "Spain 3 GB" } }, quantity: 2 },
        { price_data: { currency: "usd", unit_amount: 500, product_data: { name: "Top-up" } }, quantity: 1 },
      ],
    });

    expect(session).toMatchObject({
      object: "checkout.session",
      livemode: false,
      mode: "payment",
      status: "open",
      payment_status: "unpaid",
      amount_total: 3000,
      amount_subtotal: 3000,
      currency: "usd",
      client_reference_id: "order_123",
      customer_email: "ana@example.com",
      metadata: { orderId: "order_123" },
      success_url: SUCCESS_URL,
      cancel_url: CANCEL_URL,
      payment_intent: null,
      url: `${fake.url}/pay/${session.id}`,
    });
    expect(session.id).toMatch(/^cs_test_\w+$/);
    expect(session.expires_at - session.created).toBe(24 * 60 * 60);
  });

  it("retrieves a session, its line items, and after payment its expanded PaymentIntent", async () => {
    const created = await createSession(stripe, { payment_intent_data: { metadata: { orderId: "order_9" } } });
    expect(await stripe.checkout.sessions.retrieve(created.id)).toEqual(created);

    const items = await stripe.checkout.sessions.listLineItems(created.id);
    expect(items.data).toHaveLength(1);
    expect(items.data[0]).toMatchObject({ object: "item", description: "Japan 5 GB / 30 days", amount_total: 2500, quantity: 1 });

    await fake.completeSession(created.id);
    const paid = await stripe.checkout.sessions.retrieve(created.id, { expand: ["payment_intent.latest_charge"] });
    expect(paid).toMatchObject({ status: "complete", payment_status: "paid", url: null });
    const intent = paid.payment_intent as Stripe.PaymentIntent;
    expect(intent).toMatchObject({
      object: "payment_intent",
      status: "succeeded",
      amount: 2500,
      amount_received: 2500,
      metadata: { orderId: "order_9" },
    });
    expect(intent.latest_charge).toMatchObject({ object: "charge", amount: 2500, paid: true, payment_intent: intent.id });

    const retrieved = await stripe.paymentIntents.retrieve(intent.id);
    expect(retrieved.latest_charge).toBe((intent.latest_charge as Stripe.Charge).id);
  });

  it("expires an open session once, with an event, and refuses to expire it again", async () => {
    const session = await createSession(stripe);
    const expired = await stripe.checkout.sessions.expire(session.id);

    expect(expired).toMatchObject({ id: session.id, status: "expired", payment_status: "unpaid", url: null });
    expect(fake.events("checkout.session.expired").map((e) => e.data.object.id)).toContain(session.id);
    await expect(stripe.checkout.sessions.expire(session.id)).rejects.toMatchObject({
      type: "StripeInvalidRequestError",
      statusCode: 400,
    });
  });

  it("expires a session by itself once its expires_at has passed", async () => {
    const session = await createSession(stripe, { expires_at: Math.floor(Date.now() / 1000) + 3600 });
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 2 * 3600 * 1000);

    expect(await stripe.checkout.sessions.retrieve(session.id)).toMatchObject({ status: "expired" });
    expect(fake.events("checkout.session.expired").filter((e) => e.data.object.id === session.id)).toHaveLength(1);
  });

  it("replays the first answer for a repeated idempotency key, and refuses the key with other parameters", async () => {
    const before = fake.state.sessions.size;
    const first = await createSession(stripe, {}, { idempotencyKey: "checkout-order-77" });
    const again = await createSession(stripe, {}, { idempotencyKey: "checkout-order-77" });

    expect(again.id).toBe(first.id);
    expect(fake.state.sessions.size).toBe(before + 1);
    await expect(createSession(stripe, { client_reference_id: "order_78" }, { idempotencyKey: "checkout-order-77" })).rejects.toMatchObject(
      { type: "StripeIdempotencyError", rawType: "idempotency_error", statusCode: 400 },
    );
  });

  it("refuses requests that Stripe would refuse, naming the parameter", async () => {
    await expect(createSession(stripe, { line_items: undefined })).rejects.toMatchObject({
      type: "StripeInvalidRequestError",
      code: "parameter_missing",
      param: "line_items",
    });
    await expect(
      createSession(stripe, {
        line_items: [
          { price_data: { currency: "usd", unit_amount: 100, product_data: { name: "A" } }, quantity: 1 },
          { price_data: { currency: "eur", unit_amount: 100, product_data: { name: "B" } }, quantity: 1 },
        ],
      }),
    ).rejects.toMatchObject({ param: "line_items" });
    await expect(createSession(stripe, { expires_at: Math.floor(Date.now() / 1000) + 60 })).rejects.toMatchObject({
      param: "expires_at",
    });
    await expect(
      createSession(stripe, {
        line_items: [{ price_data: { currency: "usd", unit_amount: 100, product_data: { name: "A" } }, quantity: 0 }],
      }),
    ).rejects.toMatchObject({ code: "parameter_invalid_integer", param: "line_items[0][quantity]" });
  });

  it("answers 404 resource_missing for an unknown session", async () => {
    await expect(stripe.checkout.sessions.retrieve("cs_test_nope")).rejects.toMatchObject({
      type: "StripeInvalidRequestError",
      statusCode: 404,
      code: "resource_missing",
      message: "No such checkout.session: 'cs_test_nope'",
    });
  });
});

describe("the wire format around the SDK", () => {
  it("answers 401 in Stripe's error shape for a missing or non-test key", async () => {
    await expect(stripeClient(fake, "sk_live_123456789abcdef").checkout.sessions.retrieve("cs_test_x")).rejects.toMatchObject({
      type: "StripeAuthenticationError",
      statusCode: 401,
      message: expect.stringContaining("Invalid API Key provided"),
    });

    const response = await fetch(`${fake.url}/v1/checkout/sessions/cs_test_x`);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      error: { type: "invalid_request_error", message: expect.stringContaining("You did not provide an API key") },
    });
  });

  it("answers unknown routes with a 404 in Stripe's error shape", async () => {
    const response = await fetch(`${fake.url}/v1/customers/cus_1/sources`, {
      headers: { authorization: "Bearer sk_test_x" },
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: {
        type: "invalid_request_error",
        message: expect.stringContaining("Unrecognized request URL (GET: /v1/customers/cus_1/sources)"),
      },
    });
  });

  it("reads bracketed form parameters sent by hand and tags the answer with a request id", async () => {
    const body = new URLSearchParams({
      mode: "payment",
      success_url: SUCCESS_URL,
      "line_items[0][price_data][currency]": "jpy",
      "line_items[0][price_data][unit_amount]": "1200",
      "line_items[0][price_data][product_data][name]": "Tokyo 1 GB",
      "line_items[0][quantity]": "3",
      "metadata[orderId]": "order_5",
      "expand[]": "line_items",
    });
    const response = await fetch(`${fake.url}/v1/checkout/sessions`, {
      method: "POST",
      headers: { authorization: "Bearer sk_test_x", "content-type": "application/x-www-form-urlencoded" },
      body,
    });
    const session = await response.json();

    expect(response.status).toBe(200);
    expect(response.headers.get("request-id")).toMatch(/^req_\w+$/);
    expect(session).toMatchObject({ amount_total: 3600, currency: "jpy", metadata: { orderId: "order_5" } });
    expect(session.line_items).toMatchObject({ object: "list", data: [{ quantity: 3, description: "Tokyo 1 GB" }] });
  });
});
