/**
 * Orders that were never paid: they expire after the payment window, the
 * customer can cancel them, and a card payment that arrives afterwards is
 * accepted only if the plan's price and stock still hold; otherwise the
 * money goes back to the card. Real Checkout Sessions on the fake Stripe.
 */
import { describe, expect, it } from "vitest";
import { createOrderCheckout } from "@/lib/billing/checkout";
import { payOrderFromWallet } from "@/lib/billing/wallet-payment";
import { db } from "@/lib/db/client";
import { applyTransition } from "@/lib/orders/lifecycle";
import { createOrder } from "@/lib/orders/orders";
import { cancelUnpaidOrder, expireUnpaidOrders } from "@/lib/orders/unpaid";
import { billingWorldPerFile, eventually, createUser, fulfilmentJobsFor } from "../support/fake-stripe";
import { catalogPlan } from "../support/providers";

const world = billingWorldPerFile({ ORDER_PAYMENT_WINDOW_MINUTES: "60" });

async function unpaidOrder(priceMinor = 1500) {
  const user = await createUser();
  const plan = await catalogPlan({ provider: "mioesim", planRef: "26:261", priceMinor });
  const order = await createOrder({ userId: user.id, planId: plan.id, paymentMethod: "CARD" });
  return { user, plan, order };
}

const orderNow = (otherOrderId: string) => db().order.findUniqueOrThrow({ where: { otherOrderId } });
const eventsOf = async (otherOrderId: string) =>
  (await db().orderEvent.findMany({ where: { orderId: otherOrderId }, orderBy: { createdAt: "asc" } })).map((e) => e.event);
const stripeRefundsFor = (paymentIntentId: string) =>
  [...world.fake.state.refunds.values()].filter((r) => r.payment_intent === paymentIntentId);

describe("the payment window", () => {
  it("expires orders unpaid past the window and closes their open checkout on Stripe, leaving newer ones alone", async () => {
    const stale = await unpaidOrder();
    const fresh = await unpaidOrder();
    const checkout = await createOrderCheckout(stale.user.id, stale.order.otherOrderId);
    await db().order.update({ where: { otherOrderId: stale.order.otherOrderId }, data: { createdAt: new Date(Date.now() - 61 * 60_000) } });

    await expireUnpaidOrders();

    expect((await orderNow(stale.order.otherOrderId)).status).toBe("EXPIRED");
    expect((await orderNow(fresh.order.otherOrderId)).status).toBe("PENDING_PAYMENT");
    expect(world.fake.state.sessions.get(checkout.sessionId)?.session.status).toBe("expired");
    expect(await eventsOf(stale.order.otherOrderId)).toEqual(["expired"]);
    // Running it again changes nothing.
    await expireUnpaidOrders();
    expect(await eventsOf(stale.order.otherOrderId)).toEqual(["expired"]);
  });

  it("refuses to take payment for an expired order, by wallet or card, with a clear reason", async () => {
    const { user, order } = await unpaidOrder();
    await applyTransition(order.otherOrderId, "expired");

    await expect(payOrderFromWallet(user.id, order.otherOrderId)).rejects.toMatchObject({ code: "order_expired" });
    await expect(createOrderCheckout(user.id, order.otherOrderId)).rejects.toMatchObject({
      code: "order_expired",
      message: expect.stringContaining("start a new order"),
    });
    expect((await orderNow(order.otherOrderId)).status).toBe("EXPIRED");
  });
});

describe("a card payment that arrives after the order expired", () => {
  async function paidLate(changePrice: boolean) {
    const { user, plan, order } = await unpaidOrder(2000);
    const checkout = await createOrderCheckout(user.id, order.otherOrderId);
    // Expired by the sweep while the customer sat on Stripe's page (the session could not be closed in time).
    await applyTransition(order.otherOrderId, "expired");
    if (changePrice) await db().plan.update({ where: { id: plan.id }, data: { priceMinor: 2500 } });
    await world.fake.completeSession(checkout.sessionId);
    const session = await db().checkoutSession.findUniqueOrThrow({ where: { id: checkout.sessionId } });
    return { order, paymentIntentId: session.paymentIntentId! };
  }

  it("is accepted when the price and stock still hold, and the order goes to fulfilment", async () => {
    const { order } = await paidLate(false);

    const after = await orderNow(order.otherOrderId);
    expect(after).toMatchObject({ status: "PAID", paymentMethod: "CARD" });
    expect(after.paidAt).not.toBeNull();
    expect(await eventsOf(order.otherOrderId)).toEqual(["expired", "late_payment_accepted"]);
    expect(await fulfilmentJobsFor(order.otherOrderId)).toBe(1);
  });

  it("goes back to the card when the price changed meanwhile, and nothing is placed", async () => {
    const { order, paymentIntentId } = await paidLate(true);

    await eventually(async () => expect((await orderNow(order.otherOrderId)).status).toBe("REFUNDED"));
    expect(stripeRefundsFor(paymentIntentId).map((r) => r.amount)).toEqual([2000]);
    const refund = await db().refund.findFirstOrThrow({ where: { orderId: order.otherOrderId } });
    expect(refund).toMatchObject({
      method: "CARD",
      amountMinor: 2000,
      status: "SUCCEEDED",
      reason: expect.stringContaining("price has changed"),
    });
    expect(await eventsOf(order.otherOrderId)).toEqual(["expired", "late_payment_refunded", "refunded"]);
    expect(await fulfilmentJobsFor(order.otherOrderId)).toBe(0);
  });

  it("is not applied twice when the webhook is redelivered", async () => {
    const { order, paymentIntentId } = await paidLate(true);
    const completed = world.fake.events("checkout.session.completed").at(-1)!;
    await world.fake.redeliver(completed.id, 3);

    await eventually(async () => expect((await orderNow(order.otherOrderId)).status).toBe("REFUNDED"));
    expect(stripeRefundsFor(paymentIntentId)).toHaveLength(1);
    expect(await db().refund.count({ where: { orderId: order.otherOrderId } })).toBe(1);
  });
});

describe("cancelling an unpaid order", () => {
  it("lets its owner cancel it, and nobody else, and not once it is paid", async () => {
    const { user, order } = await unpaidOrder();
    const stranger = await createUser();

    expect(await cancelUnpaidOrder(order.otherOrderId, { userId: stranger.id }, null)).toBe(false);
    expect(await cancelUnpaidOrder(order.otherOrderId, { userId: user.id }, null)).toBe(true);
    expect(await cancelUnpaidOrder(order.otherOrderId, { userId: user.id }, null)).toBe(false);
    expect((await orderNow(order.otherOrderId)).status).toBe("CANCELLED");
    await expect(payOrderFromWallet(user.id, order.otherOrderId)).rejects.toMatchObject({ code: "order_not_payable" });

    const paid = await unpaidOrder();
    await applyTransition(paid.order.otherOrderId, "paid");
    expect(await cancelUnpaidOrder(paid.order.otherOrderId, { userId: paid.user.id }, null)).toBe(false);
    expect((await orderNow(paid.order.otherOrderId)).status).toBe("PAID");
  });

  it("sends back a card payment that completes after the order was cancelled", async () => {
    const { user, order } = await unpaidOrder(1700);
    const checkout = await createOrderCheckout(user.id, order.otherOrderId);
    // Cancelled on another tab; closing the session on Stripe failed, so the customer could still pay it.
    await applyTransition(order.otherOrderId, "cancelled");
    await world.fake.completeSession(checkout.sessionId);
    const session = await db().checkoutSession.findUniqueOrThrow({ where: { id: checkout.sessionId } });

    await eventually(async () => expect((await orderNow(order.otherOrderId)).status).toBe("REFUNDED"));
    expect(stripeRefundsFor(session.paymentIntentId!).map((r) => r.amount)).toEqual([1700]);
    expect(await fulfilmentJobsFor(order.otherOrderId)).toBe(0);
  });
});
