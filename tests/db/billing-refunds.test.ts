import { describe, expect, it, vi } from "vitest";
import { createOrderCheckout } from "@/lib/billing/checkout";
import { refundOrder } from "@/lib/billing/refunds";
import { payOrderFromWallet } from "@/lib/billing/wallet-payment";
import { db } from "@/lib/db/client";
import { handlers } from "@/lib/jobs/handlers";
import { Role } from "@/lib/generated/prisma/client";
import { adjustWallet } from "@/lib/wallet/adjustments";
import { createOrder } from "@/lib/orders/orders";
import { billingWorldPerFile, createPendingOrder, eventually, createUser, walletState } from "../support/fake-stripe";
import { catalogPlan } from "../support/providers";

const world = billingWorldPerFile();

async function orderPaidByCard(amountMinor: number) {
  const user = await createUser();
  const order = await createPendingOrder(user.id, amountMinor);
  const checkout = await createOrderCheckout(user.id, order.otherOrderId);
  await world.fake.completeSession(checkout.sessionId);
  const session = await db().checkoutSession.findUniqueOrThrow({ where: { id: checkout.sessionId } });
  return { user, order, paymentIntentId: session.paymentIntentId! };
}

async function orderPaidFromWallet(amountMinor: number) {
  const [user, admin] = await Promise.all([createUser(), createUser(Role.ADMIN)]);
  await adjustWallet({ userId: user.id, amountMinor: 5000, reason: "Test funding", authorId: admin.id });
  const order = await createPendingOrder(user.id, amountMinor, "WALLET");
  await payOrderFromWallet(user.id, order.otherOrderId);
  return { user, admin, order };
}

const refundsOn = (paymentIntentId: string) => [...world.fake.state.refunds.values()].filter((r) => r.payment_intent === paymentIntentId);
const chargeOf = (paymentIntentId: string) => [...world.fake.state.charges.values()].find((c) => c.payment_intent === paymentIntentId)!;
/** Stripe sends charge.refunded in the background after answering the refund request. */
const refundWebhooksSettled = (paymentIntentId: string) =>
  vi.waitFor(() => {
    const events = world.fake
      .events("charge.refunded")
      .filter((e) => (e.data.object as { payment_intent: string }).payment_intent === paymentIntentId);
    const delivered = world.fake.deliveries().filter((d) => events.some((e) => e.id === d.eventId));
    expect(delivered.length).toBeGreaterThanOrEqual(events.length);
    expect(events.length).toBeGreaterThan(0);
  });

describe("refunding an order paid from the wallet", () => {
  it("credits the wallet once, marks the order REFUNDED and audits who did it and why", async () => {
    const { user, admin, order } = await orderPaidFromWallet(1800);

    const [first, second] = await Promise.all([
      refundOrder(order.otherOrderId, { actorId: admin.id, reason: "Customer changed plans" }),
      refundOrder(order.otherOrderId, { actorId: admin.id, reason: "Clicked twice" }),
    ]);
    const again = await refundOrder(order.otherOrderId, { actorId: admin.id, reason: "And once more" });

    expect(second.id).toBe(first.id);
    expect(again.id).toBe(first.id);
    expect(first).toMatchObject({ method: "WALLET", amountMinor: 1800, stripeRefundId: null });
    const wallet = await walletState(user.id);
    expect(wallet.entries.map((e) => [e.kind, e.amountMinor, e.balanceAfterMinor])).toEqual([
      ["ADJUSTMENT", 5000, 5000],
      ["ORDER_DEBIT", -1800, 3200],
      ["REFUND_CREDIT", 1800, 5000],
    ]);
    expect(wallet.entries[2]).toMatchObject({ orderId: order.otherOrderId, authorId: admin.id });
    const refunded = await db().order.findUniqueOrThrow({ where: { otherOrderId: order.otherOrderId } });
    expect(refunded.status).toBe("REFUNDED");
    expect(refunded.refundedAt).not.toBeNull();
    const audits = await db().auditLog.findMany({ where: { action: "order.refunded", entityId: order.otherOrderId } });
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actorId: admin.id, details: { method: "WALLET", amountMinor: 1800, reason: first.reason } });
    expect(world.fake.state.refunds.size).toBe(0);
  });

  it("refuses an order that was never paid", async () => {
    const user = await createUser();
    const order = await createPendingOrder(user.id, 1000);
    await expect(refundOrder(order.otherOrderId, { actorId: null, reason: "Why not" })).rejects.toMatchObject({
      code: "order_not_refundable",
    });
    expect(await db().refund.count({ where: { orderId: order.otherOrderId } })).toBe(0);
  });

  it("requires a reason", async () => {
    const { order } = await orderPaidFromWallet(1000);
    await expect(refundOrder(order.otherOrderId, { actorId: null, reason: "   " })).rejects.toThrow("A refund needs a reason.");
    expect((await db().order.findUniqueOrThrow({ where: { otherOrderId: order.otherOrderId } })).status).toBe("PAID");
  });
});

describe("refunding an order paid by card", () => {
  it("refunds the PaymentIntent on Stripe once, even when asked twice at the same moment, and leaves the wallet alone", async () => {
    const { user, order, paymentIntentId } = await orderPaidByCard(2450);
    const admin = await createUser(Role.ADMIN);

    const [first, second] = await Promise.all([
      refundOrder(order.otherOrderId, { actorId: admin.id, reason: "eSIM never installed" }),
      refundOrder(order.otherOrderId, { actorId: admin.id, reason: "eSIM never installed" }),
    ]);
    await refundWebhooksSettled(paymentIntentId);
    await refundOrder(order.otherOrderId, { actorId: admin.id, reason: "eSIM never installed" });

    expect(second.id).toBe(first.id);
    expect(first.stripeRefundId).toMatch(/^re_/);
    expect(refundsOn(paymentIntentId).map((r) => [r.id, r.amount])).toEqual([[first.stripeRefundId, 2450]]);
    expect(chargeOf(paymentIntentId)).toMatchObject({ refunded: true, amount_refunded: 2450 });
    expect(await db().refund.findFirstOrThrow({ where: { orderId: order.otherOrderId } })).toMatchObject({
      method: "CARD",
      amountMinor: 2450,
    });
    expect((await db().order.findUniqueOrThrow({ where: { otherOrderId: order.otherOrderId } })).status).toBe("REFUNDED");
    expect(await db().auditLog.count({ where: { action: "order.refunded", entityId: order.otherOrderId } })).toBe(1);
    expect((await walletState(user.id)).entries).toEqual([]);
  });

  it("treats a replayed charge.refunded as the same refund", async () => {
    const { order, paymentIntentId } = await orderPaidByCard(1500);
    await refundOrder(order.otherOrderId, { actorId: null, reason: "Provider out of stock" });
    await refundWebhooksSettled(paymentIntentId);
    const [refundedEvent] = world.fake
      .events("charge.refunded")
      .filter((e) => (e.data.object as { payment_intent: string }).payment_intent === paymentIntentId);
    const replays = await world.fake.redeliver(refundedEvent!.id, 3);

    expect(replays.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(refundsOn(paymentIntentId)).toHaveLength(1);
    expect(await db().refund.count({ where: { orderId: order.otherOrderId } })).toBe(1);
    expect(await db().auditLog.count({ where: { action: "order.refunded", entityId: order.otherOrderId } })).toBe(1);
  });

  it("records a refund made in the Stripe Dashboard, and does not refund again when asked afterwards", async () => {
    const { order, paymentIntentId } = await orderPaidByCard(3000);
    await world.stripe.refunds.create({ payment_intent: paymentIntentId });
    await refundWebhooksSettled(paymentIntentId);

    await vi.waitFor(async () =>
      expect((await db().order.findUniqueOrThrow({ where: { otherOrderId: order.otherOrderId } })).status).toBe("REFUNDED"),
    );
    const recorded = await db().refund.findFirstOrThrow({ where: { orderId: order.otherOrderId } });
    expect(recorded).toMatchObject({ method: "CARD", amountMinor: 3000, reason: "Refunded in the Stripe Dashboard" });
    expect(await db().auditLog.findFirst({ where: { action: "order.refunded", entityId: order.otherOrderId } })).toMatchObject({
      actorId: null,
    });

    const asked = await refundOrder(order.otherOrderId, { actorId: null, reason: "Support ticket" });
    expect(asked.id).toBe(recorded.id);
    expect(refundsOn(paymentIntentId)).toHaveLength(1);
  });

  it("leaves the order as it is after a partial refund in the Dashboard", async () => {
    const { order, paymentIntentId } = await orderPaidByCard(3000);
    await world.stripe.refunds.create({ payment_intent: paymentIntentId, amount: 1000 });
    await refundWebhooksSettled(paymentIntentId);

    expect((await db().order.findUniqueOrThrow({ where: { otherOrderId: order.otherOrderId } })).status).toBe("PAID");
    expect(await db().refund.count({ where: { orderId: order.otherOrderId } })).toBe(0);
  });
});

describe("a card refund when Stripe fails", () => {
  const jobContext = (attempt: number) => ({
    id: "job-test",
    name: "order.refund" as const,
    attempt,
    retryLimit: 6,
    signal: new AbortController().signal,
  });

  it("stays pending and visible, is retried by its job, and completes once when Stripe answers again", async () => {
    const { order, paymentIntentId } = await orderPaidByCard(3100);
    const admin = await createUser(Role.ADMIN);
    // Every request to Stripe fails (the SDK's own retries included).
    world.fake.sim.faults.http500 = 50;

    const pending = await refundOrder(order.otherOrderId, { actorId: admin.id, reason: "Customer asked" });

    expect(pending).toMatchObject({ status: "REQUESTED", attempts: 1, stripeRefundId: null });
    expect(pending.lastError).toBeTruthy();
    expect((await db().order.findUniqueOrThrow({ where: { otherOrderId: order.otherOrderId } })).status).toBe("REFUND_PENDING");
    expect(refundsOn(paymentIntentId)).toEqual([]);
    const queued = await db().$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'order.refund' AND data->>'refundId' = ${pending.id}`;
    expect(queued[0]?.n).toBe(1);

    // The job's next attempt, once Stripe is back.
    world.fake.sim.resetFaults();
    await handlers["order.refund"]({ refundId: pending.id }, jobContext(2));
    await handlers["order.refund"]({ refundId: pending.id }, jobContext(3));

    const done = await db().refund.findUniqueOrThrow({ where: { id: pending.id } });
    expect(done).toMatchObject({ status: "SUCCEEDED", stripeRefundId: expect.stringMatching(/^re_/) });
    expect(refundsOn(paymentIntentId)).toHaveLength(1);
    expect((await db().order.findUniqueOrThrow({ where: { otherOrderId: order.otherOrderId } })).status).toBe("REFUNDED");
  });

  it("is marked failed, with an admin alert, when the last retry fails", async () => {
    const { order } = await orderPaidByCard(1500);
    const admin = await createUser(Role.ADMIN);
    world.fake.sim.faults.http500 = 100;
    const pending = await refundOrder(order.otherOrderId, { actorId: admin.id, reason: "Customer asked" });

    await expect(handlers["order.refund"]({ refundId: pending.id }, jobContext(7))).rejects.toThrow();
    world.fake.sim.resetFaults();

    expect(await db().refund.findUniqueOrThrow({ where: { id: pending.id } })).toMatchObject({ status: "FAILED", attempts: 2 });
    expect(await db().auditLog.count({ where: { action: "refund.failed", entityId: order.otherOrderId } })).toBe(1);
    expect((await db().order.findUniqueOrThrow({ where: { otherOrderId: order.otherOrderId } })).status).toBe("REFUND_PENDING");
  });
});

/** A delivered order of several cards, as fulfilment leaves it (the cards written directly: this file is about money, not provisioning). */
async function deliveredCards(order: { otherOrderId: string }, count: number) {
  // 19 digits, as real ICCIDs: other files' jobs (usage reminders) send every live card to the provider simulator, which refuses malformed ones.
  const digits = order.otherOrderId.replace(/\D/g, "").slice(-10).padStart(10, "0");
  const iccids = Array.from({ length: count }, (_, n) => `8988${digits}${String(n).padStart(5, "0")}`);
  await db().order.update({ where: { otherOrderId: order.otherOrderId }, data: { status: "FULFILLED", fulfilledAt: new Date() } });
  for (const [n, iccid] of iccids.entries()) {
    await db().esim.create({
      data: {
        iccid,
        orderId: order.otherOrderId,
        otherItemId: `${order.otherOrderId}-${n + 1}`,
        lpa: `LPA:1$smdp.test$${iccid}`,
        smdpAddress: "smdp.test",
        activationCode: iccid,
      },
    });
  }
  return iccids;
}

async function multiCardOrderPaidByCard(unitMinor: number, quantity: number) {
  const user = await createUser();
  const plan = await catalogPlan({ provider: "mioesim", planRef: "26:261", priceMinor: unitMinor });
  const order = await createOrder({ userId: user.id, planId: plan.id, paymentMethod: "CARD", quantity });
  const checkout = await createOrderCheckout(user.id, order.otherOrderId);
  await world.fake.completeSession(checkout.sessionId);
  const session = await db().checkoutSession.findUniqueOrThrow({ where: { id: checkout.sessionId } });
  const iccids = await deliveredCards(order, quantity);
  return { user, order, iccids, paymentIntentId: session.paymentIntentId! };
}

/** Refunds Stripe creates meanwhile stay pending until the test settles them. */
async function whileStripeKeepsRefundsPending<T>(work: () => Promise<T>): Promise<T> {
  world.fake.keepRefundsPending(true);
  try {
    return await work();
  } finally {
    world.fake.keepRefundsPending(false);
  }
}

const statusOf = async (otherOrderId: string) => (await db().order.findUniqueOrThrow({ where: { otherOrderId } })).status;

describe("refunds per card on a multi-card order", () => {
  it("refunds one card's price, once, leaves the order partly refunded, and then refunds exactly the rest", async () => {
    const { order, iccids, paymentIntentId } = await multiCardOrderPaidByCard(1200, 3);
    const [first, again] = await Promise.all([
      refundOrder(order.otherOrderId, { actorId: null, reason: "Second traveller cancelled", iccid: iccids[1] }),
      refundOrder(order.otherOrderId, { actorId: null, reason: "Clicked twice", iccid: iccids[1] }),
    ]);

    expect(again.id).toBe(first.id);
    expect(first).toMatchObject({ status: "SUCCEEDED", esimIccid: iccids[1], amountMinor: 1200, method: "CARD" });
    expect(refundsOn(paymentIntentId).map((r) => r.amount)).toEqual([1200]);
    expect(await statusOf(order.otherOrderId)).toBe("PARTIALLY_REFUNDED");

    // The same card cannot be refunded as a new refund, and the order's other cards stay live.
    await expect(refundOrder(order.otherOrderId, { actorId: null, reason: "Again", iccid: "8900000000000000000" })).rejects.toMatchObject({
      code: "card_not_refundable",
    });

    const rest = await refundOrder(order.otherOrderId, { actorId: null, reason: "Trip cancelled" });
    expect(rest).toMatchObject({ status: "SUCCEEDED", esimIccid: null, amountMinor: 2400 });
    expect(refundsOn(paymentIntentId).map((r) => r.amount)).toEqual([1200, 2400]);
    expect(chargeOf(paymentIntentId)).toMatchObject({ refunded: true, amount_refunded: 3600 });
    expect(await statusOf(order.otherOrderId)).toBe("REFUNDED");
    await refundWebhooksSettled(paymentIntentId);
    // charge.refunded for both: no refund recorded twice, none made up from the Dashboard.
    expect(await db().refund.count({ where: { orderId: order.otherOrderId } })).toBe(2);
    const events = await db().orderEvent.findMany({ where: { orderId: order.otherOrderId }, orderBy: { createdAt: "asc" } });
    expect(events.map((e) => e.event)).toEqual(["paid", "refund_requested", "partially_refunded", "refund_requested", "refunded"]);
  });

  it("credits one card's price to the wallet for an order paid from the wallet", async () => {
    const [user, admin] = await Promise.all([createUser(), createUser(Role.ADMIN)]);
    await adjustWallet({ userId: user.id, amountMinor: 5000, reason: "Test funding", authorId: admin.id });
    const plan = await catalogPlan({ provider: "mioesim", planRef: "26:261", priceMinor: 900 });
    const order = await createOrder({ userId: user.id, planId: plan.id, paymentMethod: "WALLET", quantity: 2 });
    await payOrderFromWallet(user.id, order.otherOrderId);
    const iccids = await deliveredCards(order, 2);

    const refund = await refundOrder(order.otherOrderId, { actorId: admin.id, reason: "One card unused", iccid: iccids[0] });

    expect(refund).toMatchObject({ status: "SUCCEEDED", method: "WALLET", amountMinor: 900 });
    expect((await walletState(user.id)).entries.map((e) => [e.kind, e.amountMinor, e.balanceAfterMinor])).toEqual([
      ["ADJUSTMENT", 5000, 5000],
      ["ORDER_DEBIT", -1800, 3200],
      ["REFUND_CREDIT", 900, 4100],
    ]);
    expect(await statusOf(order.otherOrderId)).toBe("PARTIALLY_REFUNDED");
  });

  it("refuses a per-card refund on a single-card order, and a second refund while one is on its way", async () => {
    const { order, iccids } = await multiCardOrderPaidByCard(1000, 1);
    await expect(refundOrder(order.otherOrderId, { actorId: null, reason: "Just the card", iccid: iccids[0] })).rejects.toMatchObject({
      code: "card_not_refundable",
    });
    expect(await db().refund.count({ where: { orderId: order.otherOrderId } })).toBe(0);

    const multi = await multiCardOrderPaidByCard(1000, 2);
    await whileStripeKeepsRefundsPending(async () => {
      await refundOrder(multi.order.otherOrderId, { actorId: null, reason: "First card", iccid: multi.iccids[0] });
      await expect(
        refundOrder(multi.order.otherOrderId, { actorId: null, reason: "Second card", iccid: multi.iccids[1] }),
      ).rejects.toMatchObject({ code: "order_not_refundable" });
    });
    expect(await db().refund.count({ where: { orderId: multi.order.otherOrderId } })).toBe(1);
  });
});

describe("a refund Stripe accepts but is still processing", () => {
  it("is SENT and shown pending until Stripe's refund.updated says it succeeded", async () => {
    const { order, paymentIntentId } = await orderPaidByCard(2200);
    const sent = await whileStripeKeepsRefundsPending(() => refundOrder(order.otherOrderId, { actorId: null, reason: "Customer asked" }));
    expect(sent).toMatchObject({ status: "SENT", stripeRefundId: expect.stringMatching(/^re_/) });
    await refundWebhooksSettled(paymentIntentId);
    expect(await statusOf(order.otherOrderId)).toBe("REFUND_PENDING");
    expect(await db().refund.findUniqueOrThrow({ where: { id: sent.id } })).toMatchObject({ status: "SENT" });

    await world.fake.settleRefund(sent.stripeRefundId!, "succeeded");

    await eventually(async () => expect(await statusOf(order.otherOrderId)).toBe("REFUNDED"));
    expect(await db().refund.findUniqueOrThrow({ where: { id: sent.id } })).toMatchObject({ status: "SUCCEEDED" });
    expect(await db().auditLog.count({ where: { action: "order.refunded", entityId: order.otherOrderId } })).toBe(1);
  });

  it("is FAILED with an admin alert when Stripe gives up on it, and the order stays refund pending", async () => {
    const { order } = await orderPaidByCard(1300);
    const sent = await whileStripeKeepsRefundsPending(() => refundOrder(order.otherOrderId, { actorId: null, reason: "Customer asked" }));

    await world.fake.settleRefund(sent.stripeRefundId!, "failed");

    await eventually(async () =>
      expect(await db().refund.findUniqueOrThrow({ where: { id: sent.id } })).toMatchObject({ status: "FAILED" }),
    );
    expect(await db().auditLog.count({ where: { action: "refund.failed", entityId: order.otherOrderId } })).toBe(1);
    expect(await statusOf(order.otherOrderId)).toBe("REFUND_PENDING");
  });
});
