import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { POST as stripeWebhookRoute } from "@/app/api/webhooks/stripe/route";
import { createTopUpCheckout } from "@/lib/billing/checkout";
import { BillingError } from "@/lib/billing/errors";
import { checkoutForSuccessPage, fulfilWalletTopUp } from "@/lib/billing/fulfil";
import { db } from "@/lib/db/client";
import { billingWorldPerFile, completedEventOf, createUser, TEST_STRIPE, walletState } from "../support/fake-stripe";

// 2.9% + 30¢ on top: $25.00 of credit costs 73¢ (72.5 rounded half up) + 30¢.
const world = billingWorldPerFile({ WALLET_TOPUP_FEE_PERCENT: "2.9", WALLET_TOPUP_FEE_FIXED_MINOR: "30" });

async function openTopUp(creditMinor = 2500) {
  const user = await createUser();
  const checkout = await createTopUpCheckout({ userId: user.id, creditMinor, requestKey: crypto.randomUUID() });
  return { user, checkout };
}

function signedDelivery(payload: string, { secret = TEST_STRIPE.webhookSecret, timestamp }: { secret?: string; timestamp?: number } = {}) {
  const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });
  return stripeWebhookRoute(
    new Request("http://shop.test/api/webhooks/stripe", { method: "POST", headers: { "stripe-signature": signature }, body: payload }),
  );
}

describe("opening a top-up checkout", () => {
  it("charges the credit plus the server-computed fee and names our records on the session", async () => {
    const { user, checkout } = await openTopUp(2500);
    const session = await world.stripe.checkout.sessions.retrieve(checkout.sessionId, { expand: ["line_items"] });

    expect(session.amount_total).toBe(2603);
    expect(session.line_items!.data.map((item) => [item.description, item.amount_total])).toEqual([
      ["Wallet credit", 2500],
      ["Top-up fee", 103],
    ]);
    expect(session.client_reference_id).toBe(user.id);
    expect(session.metadata).toEqual({ purpose: "WALLET_TOPUP", userId: user.id });
    expect(session.success_url).toBe("http://shop.test/wallet/top-up/success?session_id={CHECKOUT_SESSION_ID}");
    expect(checkout.url).toBe(session.url);
    const row = await db().checkoutSession.findUniqueOrThrow({ where: { id: checkout.sessionId } });
    expect(row).toMatchObject({
      userId: user.id,
      purpose: "WALLET_TOPUP",
      amountMinor: 2603,
      creditMinor: 2500,
      status: "OPEN",
      fulfilledAt: null,
    });
  });

  it("opens one session for one form submission sent twice", async () => {
    const user = await createUser();
    const requestKey = crypto.randomUUID();
    const [first, second] = await Promise.all([
      createTopUpCheckout({ userId: user.id, creditMinor: 5000, requestKey }),
      createTopUpCheckout({ userId: user.id, creditMinor: 5000, requestKey }),
    ]);
    expect(second.sessionId).toBe(first.sessionId);
    expect(await db().checkoutSession.count({ where: { userId: user.id } })).toBe(1);
  });

  it("refuses amounts outside the configured limits without calling Stripe", async () => {
    const user = await createUser();
    const before = world.fake.state.sessions.size;
    for (const creditMinor of [999, 100_001, 0, 25.5]) {
      await expect(createTopUpCheckout({ userId: user.id, creditMinor, requestKey: crypto.randomUUID() })).rejects.toThrow(
        new BillingError("invalid_amount", "Top-ups must be between $10.00 and $1,000.00."),
      );
    }
    expect(world.fake.state.sessions.size).toBe(before);
    expect(await db().checkoutSession.count({ where: { userId: user.id } })).toBe(0);
  });
});

describe("funding the wallet", () => {
  it("credits once for five deliveries of checkout.session.completed and two success-page visits", async () => {
    const { user, checkout } = await openTopUp(2500);
    await world.fake.completeSession(checkout.sessionId);
    const completed = completedEventOf(world.fake, checkout.sessionId);
    const attempts = await world.fake.redeliver(completed.id, 4);
    // What the success page calls, visited twice (a reload).
    const visits = await Promise.all([
      checkoutForSuccessPage("WALLET_TOPUP", checkout.sessionId, user.id),
      checkoutForSuccessPage("WALLET_TOPUP", checkout.sessionId, user.id),
    ]);

    expect(attempts.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect(visits.map((v) => v?.status)).toEqual(["PAID", "PAID"]);
    const wallet = await walletState(user.id);
    expect(wallet.balanceMinor).toBe(2500);
    expect(wallet.ledgerSumMinor).toBe(2500);
    expect(wallet.entries).toHaveLength(1);
    expect(wallet.entries[0]).toMatchObject({
      kind: "TOPUP",
      amountMinor: 2500,
      balanceAfterMinor: 2500,
      checkoutSessionId: checkout.sessionId,
    });
    const row = await db().checkoutSession.findUniqueOrThrow({ where: { id: checkout.sessionId } });
    expect(row.status).toBe("PAID");
    expect(row.fulfilledAt).not.toBeNull();
    expect(row.paymentIntentId).toMatch(/^pi_/);
    expect(await db().auditLog.count({ where: { action: "wallet.top_up", entityId: user.id } })).toBe(1);
  });

  it("credits from the success page alone when the webhook never arrives", async () => {
    const { user, checkout } = await openTopUp(1000);
    await world.fake.completeSession(checkout.sessionId, { webhook: false });
    expect((await walletState(user.id)).balanceMinor).toBe(0);

    await fulfilWalletTopUp(checkout.sessionId, { ownerId: user.id });
    expect((await walletState(user.id)).balanceMinor).toBe(1000);
  });

  it("does nothing for a success page visited by someone other than the payer", async () => {
    const { user, checkout } = await openTopUp(1000);
    const stranger = await createUser();
    await world.fake.completeSession(checkout.sessionId, { webhook: false });

    expect(await fulfilWalletTopUp(checkout.sessionId, { ownerId: stranger.id })).toBeNull();
    expect((await walletState(user.id)).balanceMinor).toBe(0);
    expect((await walletState(stranger.id)).balanceMinor).toBe(0);
  });

  it("leaves an unpaid session pending: the success page credits nothing before payment", async () => {
    const { user, checkout } = await openTopUp(1000);
    const row = await fulfilWalletTopUp(checkout.sessionId, { ownerId: user.id });
    expect(row).toMatchObject({ status: "OPEN", fulfilledAt: null });
    expect((await walletState(user.id)).entries).toEqual([]);
  });
});

describe("the webhook's signature check", () => {
  it("rejects a bad signature or a stale timestamp with 400 and changes nothing, then accepts the genuine event", async () => {
    const { user, checkout } = await openTopUp(2000);
    await world.fake.completeSession(checkout.sessionId, { webhook: false });
    const event = completedEventOf(world.fake, checkout.sessionId);
    const payload = JSON.stringify(event);

    const forged = await signedDelivery(payload, { secret: "whsec_not_ours" });
    const stale = await signedDelivery(payload, { timestamp: Math.floor(Date.now() / 1000) - 301 });
    const unsigned = await stripeWebhookRoute(new Request("http://shop.test/api/webhooks/stripe", { method: "POST", body: payload }));

    expect([forged.status, stale.status, unsigned.status]).toEqual([400, 400, 400]);
    expect(await forged.json()).toEqual({ error: "Webhook signature verification failed." });
    expect((await walletState(user.id)).entries).toEqual([]);
    expect(await db().checkoutSession.findUniqueOrThrow({ where: { id: checkout.sessionId } })).toMatchObject({
      status: "OPEN",
      fulfilledAt: null,
    });

    const genuine = await signedDelivery(payload);
    expect(genuine.status).toBe(200);
    expect((await walletState(user.id)).balanceMinor).toBe(2000);
  });

  it("rejects a body altered after signing", async () => {
    const { user, checkout } = await openTopUp(2000);
    await world.fake.completeSession(checkout.sessionId, { webhook: false });
    const event = completedEventOf(world.fake, checkout.sessionId);
    const payload = JSON.stringify(event);
    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: TEST_STRIPE.webhookSecret });

    const response = await stripeWebhookRoute(
      new Request("http://shop.test/api/webhooks/stripe", {
        method: "POST",
        headers: { "stripe-signature": signature },
        body: payload.replace(checkout.sessionId, "cs_test_someone_else"),
      }),
    );
    expect(response.status).toBe(400);
    expect((await walletState(user.id)).balanceMinor).toBe(0);
    expect((await db().checkoutSession.findUniqueOrThrow({ where: { id: checkout.sessionId } })).status).toBe("OPEN");
  });

  it("acknowledges and ignores an event type it does not handle", async () => {
    const payload = JSON.stringify({ id: "evt_unknown", object: "event", type: "customer.created", data: { object: { id: "cus_1" } } });
    const response = await signedDelivery(payload);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, ignored: true });
  });
});

describe("payments that settle later, fail or never happen", () => {
  it("keeps an async payment pending, then credits when it succeeds", async () => {
    const { user, checkout } = await openTopUp(3000);
    world.fake.makeSessionAsync(checkout.sessionId);
    await world.fake.completeSession(checkout.sessionId);

    const pending = await db().checkoutSession.findUniqueOrThrow({ where: { id: checkout.sessionId } });
    expect(pending).toMatchObject({ status: "OPEN", fulfilledAt: null });
    expect(pending.paymentIntentId).toMatch(/^pi_/);
    expect((await walletState(user.id)).balanceMinor).toBe(0);

    await world.fake.settleAsyncPayment(checkout.sessionId, "succeeded");
    expect((await walletState(user.id)).balanceMinor).toBe(3000);
    expect((await db().checkoutSession.findUniqueOrThrow({ where: { id: checkout.sessionId } })).status).toBe("PAID");
  });

  it("marks an async payment that fails FAILED and credits nothing", async () => {
    const { user, checkout } = await openTopUp(3000);
    world.fake.makeSessionAsync(checkout.sessionId);
    await world.fake.completeSession(checkout.sessionId);
    await world.fake.settleAsyncPayment(checkout.sessionId, "failed");

    expect(
      world.fake
        .deliveries()
        .filter((d) => d.eventType === "checkout.session.async_payment_failed")
        .at(-1)?.status,
    ).toBe(200);
    expect(await db().checkoutSession.findUniqueOrThrow({ where: { id: checkout.sessionId } })).toMatchObject({
      status: "FAILED",
      fulfilledAt: null,
    });
    expect((await walletState(user.id)).entries).toEqual([]);
    // The success page, visited afterwards, tells the same story.
    expect((await fulfilWalletTopUp(checkout.sessionId, { ownerId: user.id }))?.status).toBe("FAILED");
  });

  it("marks an expired session EXPIRED and credits nothing", async () => {
    const { user, checkout } = await openTopUp(1500);
    await world.fake.expireSession(checkout.sessionId);

    expect(await db().checkoutSession.findUniqueOrThrow({ where: { id: checkout.sessionId } })).toMatchObject({
      status: "EXPIRED",
      fulfilledAt: null,
    });
    expect((await walletState(user.id)).entries).toEqual([]);
  });

  /** A paid session whose completed event is held back, and a stale "expired" snapshot of it, signed as Stripe would. */
  async function paidWithStaleExpiry() {
    const { user, checkout } = await openTopUp(1500);
    world.fake.holdWebhooks();
    await world.fake.completeSession(checkout.sessionId);
    const completed = completedEventOf(world.fake, checkout.sessionId);
    const expired = {
      ...completed,
      id: `evt_stale_${checkout.sessionId}`,
      type: "checkout.session.expired",
      data: { object: { ...completed.data.object, status: "expired" } },
    };
    return { user, checkout, deliverExpired: () => signedDelivery(JSON.stringify(expired)) };
  }

  it("does not let an expired event delivered after the payment undo it", async () => {
    const { user, checkout, deliverExpired } = await paidWithStaleExpiry();
    await world.fake.releaseWebhooks();
    const late = await deliverExpired();

    expect(late.status).toBe(200);
    expect(await db().checkoutSession.findUniqueOrThrow({ where: { id: checkout.sessionId } })).toMatchObject({ status: "PAID" });
    expect((await walletState(user.id)).balanceMinor).toBe(1500);
  });

  it("credits, not expires, when a stale expired event overtakes the completed one", async () => {
    const { user, checkout, deliverExpired } = await paidWithStaleExpiry();

    expect((await deliverExpired()).status).toBe(200);
    expect(await db().checkoutSession.findUniqueOrThrow({ where: { id: checkout.sessionId } })).toMatchObject({ status: "PAID" });
    await world.fake.releaseWebhooks();

    const wallet = await walletState(user.id);
    expect(wallet.balanceMinor).toBe(1500);
    expect(wallet.entries).toHaveLength(1);
  });
});
