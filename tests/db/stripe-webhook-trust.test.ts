/**
 * The webhook from the attacker's side: an oversized body is refused before
 * its signature is checked, and a signed event whose body disagrees with
 * Stripe (a forged amount or status, a replay) records only what Stripe's own
 * copy of the charge, refund or dispute says. Mobile top-ups refunded or
 * disputed in Stripe are recorded on the top-up, once.
 */
import { describe, expect, it } from "vitest";
import { POST as stripeWebhookRoute } from "@/app/api/webhooks/stripe/route";
import { createOrderCheckout, createTopUpCheckout } from "@/lib/billing/checkout";
import { refundOrder } from "@/lib/billing/refunds";
import { MAX_WEBHOOK_BODY_BYTES } from "@/lib/billing/webhook";
import { db } from "@/lib/db/client";
import { rechargeTopup } from "@/lib/topup/recharge";
import { openTopupCheckout, startMobileTopup } from "@/lib/topup/topups";
import { billingWorldPerFile, createPendingOrder, createUser, eventually, TEST_STRIPE, walletState } from "../support/fake-stripe";
import { unique } from "../support/providers";

const world = billingWorldPerFile({ PROVIDER_TIMEOUT_MS: "1500" }, "strict");

const WEBHOOK_URL = "http://shop.test/api/webhooks/stripe";

/** An event of `type` about `object` with some of its fields overwritten, signed as Stripe would sign it: a body that lies. */
function forged(type: string, object: object, lies: Record<string, unknown>): Request {
  const event = { id: `evt_forged_${unique()}`, object: "event", created: Math.floor(Date.now() / 1000), livemode: false, type };
  const payload = JSON.stringify({ ...event, data: { object: { ...object, ...lies } } });
  const signature = world.stripe.webhooks.generateTestHeaderString({ payload, secret: TEST_STRIPE.webhookSecret });
  return new Request(WEBHOOK_URL, { method: "POST", body: payload, headers: { "stripe-signature": signature } });
}

const chargeOf = (paymentIntentId: string) => [...world.fake.state.charges.values()].find((c) => c.payment_intent === paymentIntentId)!;
const lastEvent = (type: Parameters<typeof world.fake.events>[0], paymentIntentId: string) =>
  world.fake.events(type).findLast((e) => (e.data.object as { payment_intent?: string }).payment_intent === paymentIntentId)!;

async function walletToppedUp(creditMinor: number) {
  const user = await createUser();
  const checkout = await createTopUpCheckout({ userId: user.id, creditMinor, requestKey: `k-${unique()}` });
  await world.fake.completeSession(checkout.sessionId);
  const session = await db().checkoutSession.findUniqueOrThrow({ where: { id: checkout.sessionId } });
  return { user, paymentIntentId: session.paymentIntentId! };
}

async function orderPaidByCard(amountMinor: number) {
  const user = await createUser();
  const order = await createPendingOrder(user.id, amountMinor);
  const checkout = await createOrderCheckout(user.id, order.otherOrderId);
  await world.fake.completeSession(checkout.sessionId);
  const session = await db().checkoutSession.findUniqueOrThrow({ where: { id: checkout.sessionId } });
  return { order, paymentIntentId: session.paymentIntentId! };
}

async function mobileTopupPaidByCard() {
  const started = await startMobileTopup({
    user: null,
    email: `guest-${unique()}@topup.test`,
    networkName: "Vodafone-UK",
    targetKind: "phone",
    target: "+44 7700 900123",
    faceValue: "20",
    origin: { ip: `203.0.113.${unique()}`, userAgent: null },
  });
  await openTopupCheckout(started.id);
  const { checkoutSessionId } = await db().mobileTopup.findUniqueOrThrow({ where: { id: started.id } });
  await world.fake.completeSession(checkoutSessionId!);
  return eventually(async () => {
    const row = await db().mobileTopup.findUniqueOrThrow({ where: { id: started.id } });
    expect(row.status).toBe("PAID");
    return row;
  });
}

const topupEvents = (topupId: string) =>
  db().mobileTopupEvent.findMany({ where: { topupId }, orderBy: { createdAt: "asc" }, select: { event: true } });

describe("the webhook body cap", () => {
  it("answers 413 to a declared body over 1 MB without checking a signature", async () => {
    const res = await stripeWebhookRoute(
      new Request(WEBHOOK_URL, {
        method: "POST",
        body: "x".repeat(MAX_WEBHOOK_BODY_BYTES + 1),
        headers: { "stripe-signature": "t=1,v1=bogus" },
      }),
    );
    expect(res.status).toBe(413);
  });

  it("stops reading an endless chunked body once it passes the cap", async () => {
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(64 * 1024).fill(120));
      },
    });
    const res = await stripeWebhookRoute(
      new Request(WEBHOOK_URL, {
        method: "POST",
        body: endless,
        duplex: "half",
        headers: { "stripe-signature": "t=1,v1=bogus" },
      } as RequestInit),
    );
    expect(res.status).toBe(413);
    // 16 chunks make the megabyte; the stream's read-ahead may pull a few more, never an unbounded number.
    expect(pulled).toBeLessThan(24);
  });

  it("still takes a signed event of ordinary size", async () => {
    const payload = JSON.stringify({ id: `evt_${unique()}`, object: "event", type: "customer.created", data: { object: {} } });
    const signature = world.stripe.webhooks.generateTestHeaderString({ payload, secret: TEST_STRIPE.webhookSecret });
    const res = await stripeWebhookRoute(
      new Request(WEBHOOK_URL, { method: "POST", body: payload, headers: { "stripe-signature": signature } }),
    );
    expect(res.status).toBe(200);
  });
});

describe("an event body that disagrees with Stripe", () => {
  it("charge.refunded claiming the whole top-up was refunded takes back only what Stripe refunded", async () => {
    const { user, paymentIntentId } = await walletToppedUp(3000);
    await world.stripe.refunds.create({ payment_intent: paymentIntentId, amount: 1000 });
    await eventually(async () => expect((await walletState(user.id)).balanceMinor).toBe(2000));

    const res = await stripeWebhookRoute(forged("charge.refunded", chargeOf(paymentIntentId), { amount_refunded: 3000, refunded: true }));

    expect(res.status).toBe(200);
    const state = await walletState(user.id);
    expect(state.balanceMinor).toBe(2000);
    expect(state.entries.filter((e) => e.kind === "CLAWBACK").map((e) => e.amountMinor)).toEqual([-1000]);
  });

  it("charge.refunded saying an order's payment was refunded records no refund while Stripe refunded nothing", async () => {
    const { order, paymentIntentId } = await orderPaidByCard(2500);
    const before = await db().order.findUniqueOrThrow({ where: { otherOrderId: order.otherOrderId } });
    const res = await stripeWebhookRoute(forged("charge.refunded", chargeOf(paymentIntentId), { amount_refunded: 2500, refunded: true }));

    expect(res.status).toBe(200);
    expect(await db().refund.count({ where: { orderId: order.otherOrderId } })).toBe(0);
    expect((await db().order.findUniqueOrThrow({ where: { otherOrderId: order.otherOrderId } })).status).toBe(before.status);
  });

  it("refund.updated claiming success leaves a refund Stripe still processes pending", async () => {
    const { order, paymentIntentId } = await orderPaidByCard(2200);
    world.fake.keepRefundsPending(true);
    const sent = await refundOrder(order.otherOrderId, { actorId: null, reason: "Customer asked" }).finally(() =>
      world.fake.keepRefundsPending(false),
    );
    expect(sent.status).toBe("SENT");
    const stripeRefund = world.fake.state.refunds.get(sent.stripeRefundId!)!;
    expect(stripeRefund.payment_intent).toBe(paymentIntentId);

    const res = await stripeWebhookRoute(forged("refund.updated", stripeRefund, { status: "succeeded" }));

    expect(res.status).toBe(200);
    expect(await db().refund.findUniqueOrThrow({ where: { id: sent.id } })).toMatchObject({ status: "SENT" });
    expect((await db().order.findUniqueOrThrow({ where: { otherOrderId: order.otherOrderId } })).status).toBe("REFUND_PENDING");
  });
});

describe("a mobile top-up's card payment in Stripe", () => {
  it("refunded in the Dashboard after the recharge: recorded REFUNDED once, with an admin alert, however often the event comes", async () => {
    const paid = await mobileTopupPaidByCard();
    await rechargeTopup(paid.id);
    expect((await db().mobileTopup.findUniqueOrThrow({ where: { id: paid.id } })).status).toBe("RECHARGED");

    await world.stripe.refunds.create({ payment_intent: paid.paymentIntentId! });
    await eventually(async () =>
      expect(await db().mobileTopup.findUniqueOrThrow({ where: { id: paid.id } })).toMatchObject({
        status: "REFUNDED",
        refundMethod: "CARD",
        refundStatus: "SUCCEEDED",
      }),
    );
    await world.fake.redeliver(lastEvent("charge.refunded", paid.paymentIntentId!).id, 2);

    expect((await topupEvents(paid.id)).map((e) => e.event)).toEqual(["paid", "recharge_started", "recharged", "refunded_in_stripe"]);
    const audit = await db().auditLog.findFirstOrThrow({ where: { action: "mobile_topup.refunded_in_stripe", entityId: paid.id } });
    expect(audit.details).toMatchObject({ alert: expect.stringMatching(/after MeiSIM made the recharge/) });
  });

  it("partly refunded in the Dashboard, or said to be wholly refunded by a forged body: left as it is", async () => {
    const paid = await mobileTopupPaidByCard();
    await rechargeTopup(paid.id);
    await world.stripe.refunds.create({ payment_intent: paid.paymentIntentId!, amount: 500 });
    await eventually(() => {
      const found = lastEvent("charge.refunded", paid.paymentIntentId!);
      expect(world.fake.deliveries().some((d) => d.eventId === found?.id && d.status === 200)).toBe(true);
    });

    const res = await stripeWebhookRoute(
      forged("charge.refunded", chargeOf(paid.paymentIntentId!), { amount_refunded: paid.amountMinor, refunded: true }),
    );

    expect(res.status).toBe(200);
    expect((await db().mobileTopup.findUniqueOrThrow({ where: { id: paid.id } })).status).toBe("RECHARGED");
  });

  it("disputed: flagged on the top-up for admins, once per dispute status", async () => {
    const paid = await mobileTopupPaidByCard();
    await rechargeTopup(paid.id);
    const dispute = await world.fake.openDispute(paid.paymentIntentId!);
    await eventually(async () =>
      expect(await db().mobileTopup.findUniqueOrThrow({ where: { id: paid.id } })).toMatchObject({
        disputeId: dispute.id,
        disputeStatus: dispute.status,
      }),
    );
    await world.fake.closeDispute(dispute.id, "lost");
    await eventually(async () => expect((await db().mobileTopup.findUniqueOrThrow({ where: { id: paid.id } })).disputeStatus).toBe("lost"));
    // Replays of the first events: Stripe's copy now says lost, and nothing is flagged again.
    await world.fake.redeliver(lastEvent("charge.dispute.created", paid.paymentIntentId!).id, 2);

    expect(await db().auditLog.count({ where: { action: "mobile_topup.disputed", entityId: paid.id } })).toBe(2);
    expect((await db().mobileTopup.findUniqueOrThrow({ where: { id: paid.id } })).status).toBe("RECHARGED");
  });
});
