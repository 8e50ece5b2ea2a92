import Stripe from "stripe";
import { beforeEach, describe, expect, it } from "vitest";
import { CANCEL_URL, clickButton, createSession, fakeWithReceiverPerFile, WEBHOOK_SECRET } from "./support";

const env = fakeWithReceiverPerFile();

beforeEach(() => {
  env.receiver.received.length = 0;
});

describe("the pay page", () => {
  it("shows the line items, the formatted total and the three buttons", async () => {
    const session = await createSession(env.stripe, { customer_email: "ana@example.com" });
    const response = await fetch(session.url!);
    const html = await response.text();

    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/html");
    expect(html).toContain('<html lang="en">');
    expect(html).toContain("Japan 5 GB / 30 days");
    expect(html).toContain("$25.00");
    expect(html).toContain("ana@example.com");
    expect(html).toMatch(/<form method="post">/);
    for (const label of ["Pay", "Decline", "Cancel"]) {
      expect(html).toMatch(new RegExp(`<button type="submit" name="action" value="\\w+">${label}</button>`));
    }
    expect(html).not.toContain('role="alert"');
  });

  it("formats zero-decimal currencies and escapes item names", async () => {
    const session = await createSession(env.stripe, {
      line_items: [{ price_data: { currency: "jpy", unit_amount: 2500, product_data: { name: "<b>Tokyo</b>" } }, quantity: 1 }],
    });
    const html = await (await fetch(session.url!)).text();

    expect(html).toContain("¥2,500");
    expect(html).toContain("&#60;b&#62;Tokyo&#60;/b&#62;");
  });

  it("Pay completes the session, delivers a signed webhook, then redirects to the success URL", async () => {
    const session = await createSession(env.stripe);
    const response = await clickButton(session.url!, "pay");

    // The webhook's first attempt is over before the browser is sent on.
    expect(env.receiver.received).toHaveLength(1);
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(`https://shop.test/checkout/success?session_id=${session.id}`);

    const { rawBody, signature, event } = env.receiver.received[0]!;
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(env.stripe.webhooks.constructEvent(rawBody, signature, WEBHOOK_SECRET).id).toBe(event.id);
    expect(() => env.stripe.webhooks.constructEvent(rawBody, signature, "whsec_other")).toThrow();
    expect(event).toMatchObject({
      object: "event",
      type: "checkout.session.completed",
      livemode: false,
      api_version: Stripe.API_VERSION,
      pending_webhooks: 1,
      data: { object: { id: session.id, status: "complete", payment_status: "paid", amount_total: 2500 } },
    });
    expect(event.id).toMatch(/^evt_\w+$/);

    const paid = await env.stripe.checkout.sessions.retrieve(session.id, { expand: ["payment_intent"] });
    expect(paid).toMatchObject({ status: "complete", payment_status: "paid" });
    expect(paid.payment_intent).toMatchObject({ status: "succeeded", latest_charge: expect.stringMatching(/^ch_/) });
  });

  it("Decline shows an alert, sends nothing and leaves the session unpaid", async () => {
    const session = await createSession(env.stripe);
    const response = await clickButton(session.url!, "decline");
    const html = await response.text();

    expect(response.status).toBe(402);
    expect(html).toContain('<p role="alert" class="alert">Your card was declined.</p>');
    expect(html).toContain(">Pay</button>");
    expect(env.receiver.received).toHaveLength(0);
    expect(env.fake.events().filter((e) => e.data.object.id === session.id)).toHaveLength(0);
    expect(await env.stripe.checkout.sessions.retrieve(session.id)).toMatchObject({
      status: "open",
      payment_status: "unpaid",
      payment_intent: null,
    });
  });

  it("Cancel redirects to the cancel URL and pays nothing", async () => {
    const session = await createSession(env.stripe);
    const response = await clickButton(session.url!, "cancel");

    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(CANCEL_URL);
    expect(env.receiver.received).toHaveLength(0);
    expect(await env.stripe.checkout.sessions.retrieve(session.id)).toMatchObject({ status: "open", payment_status: "unpaid" });
  });

  it("never pays a session twice", async () => {
    const session = await createSession(env.stripe);
    const intentsBefore = env.fake.state.paymentIntents.size;
    const [first, second] = await Promise.all([clickButton(session.url!, "pay"), clickButton(session.url!, "pay")]);

    expect([first.status, second.status].sort()).toEqual([303, 409]);
    const refused = first.status === 409 ? first : second;
    expect(await refused.text()).toContain("This Checkout Session is already complete.");
    expect(env.fake.state.paymentIntents.size).toBe(intentsBefore + 1);
    expect(env.fake.events("checkout.session.completed").filter((e) => e.data.object.id === session.id)).toHaveLength(1);

    const page = await (await fetch(session.url!)).text();
    expect(page).toContain("already complete");
    expect(page).not.toContain("<button");
  });

  it("refuses to pay an expired session", async () => {
    const session = await createSession(env.stripe);
    await env.stripe.checkout.sessions.expire(session.id);
    const response = await clickButton(session.url!, "pay");

    expect(response.status).toBe(409);
    expect(await response.text()).toContain("This Checkout Session has expired.");
    expect(await env.stripe.checkout.sessions.retrieve(session.id)).toMatchObject({ status: "expired", payment_intent: null });
  });

  it("answers 404 for an unknown session", async () => {
    const response = await fetch(`${env.fake.url}/pay/cs_test_unknown`);
    expect(response.status).toBe(404);
    expect(await response.text()).toContain("No such checkout.session");
  });
});
