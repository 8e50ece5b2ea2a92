/**
 * After the sale, against the real simulators: live usage, cancelling an
 * unused eSIM with a refund to where the money came from, and renewals
 * offered and ordered only where the provider can renew that ICCID.
 */
import { describe, expect, it } from "vitest";
import { payOrderFromWallet } from "@/lib/billing/wallet-payment";
import { db } from "@/lib/db/client";
import { OrderStatus, PaymentMethod, RefundMethod, Role, WalletEntryKind } from "@/lib/generated/prisma/client";
import { registerHandlers, RetryLater, startWorker, stopJobs } from "@/lib/jobs";
import { handlers } from "@/lib/jobs/handlers";
import { cancelOrder, renewalOptions, startRenewal, usageFor } from "@/lib/orders/after-sale";
import { sweepStrandedOrders } from "@/lib/orders/recovery";
import { fulfilPaidOrder } from "@/lib/orders/fulfilment";
import { createOrder, orderDeliveringEsim } from "@/lib/orders/orders";
import { adjustWallet } from "@/lib/wallet/adjustments";
import { CATALOG } from "@/simulators/mioesim";
import {
  catalogPlan,
  createCustomer,
  deliveredOrder,
  DESTINATIONS,
  meisimOrdersTagged,
  mioesimOrderTagged,
  orderWithEsims,
  providersPerFile,
  requestsTo,
  type CatalogPlanSpec,
} from "../support/providers";

const POLL_TIMEOUT_SECONDS = 600;
const world = providersPerFile({
  PROVIDER_TIMEOUT_MS: "1000",
  PROVIDER_POLL_BACKOFF_SECONDS: "1",
  PROVIDER_POLL_TIMEOUT_SECONDS: String(POLL_TIMEOUT_SECONDS),
});

// MIOeSIM Japan (SKU 26): 1 GB refundable and renewable; 3 and 5 GB renewable; 10 GB non-refundable; 500 MB trial renews nothing.
const JAPAN_1GB: CatalogPlanSpec = { provider: "mioesim", planRef: "26:261", cancellable: true, renewable: true, priceMinor: 699 };
const JAPAN_3GB: CatalogPlanSpec = { provider: "mioesim", planRef: "26:262", cancellable: true, renewable: true, priceMinor: 1299 };
const JAPAN_5GB: CatalogPlanSpec = { provider: "mioesim", planRef: "26:263", cancellable: true, renewable: true, priceMinor: 1599 };
const JAPAN_10GB_NON_REFUNDABLE: CatalogPlanSpec = { provider: "mioesim", planRef: "26:264", renewable: true, priceMinor: 2599 };
const JAPAN_TRIAL: CatalogPlanSpec = { provider: "mioesim", planRef: "26:265", priceMinor: 199 };
const KOREA_1GB: CatalogPlanSpec = {
  provider: "mioesim",
  planRef: "27:271",
  destination: DESTINATIONS.southKorea,
  renewable: true,
  priceMinor: 799,
};

const REFUND_PATH = "/api_esim/refundOrder";
const FUNDING_MINOR = 5_000;

/** A customer with a funded wallet who bought the plan from it; payOrderFromWallet runs fulfilment itself. */
async function walletPaidDelivery(spec: CatalogPlanSpec) {
  const user = await createCustomer("wallet-buyer");
  const admin = await createCustomer("admin", Role.ADMIN);
  const plan = await catalogPlan(spec);
  await adjustWallet({ userId: user.id, amountMinor: FUNDING_MINOR, reason: "Test funding", authorId: admin.id });
  const { otherOrderId } = await createOrder({ userId: user.id, planId: plan.id, paymentMethod: PaymentMethod.WALLET });
  await payOrderFromWallet(user.id, otherOrderId);
  // What the order.fulfil job the payment queued does.
  await fulfilPaidOrder(otherOrderId);
  const order = await orderWithEsims(otherOrderId);
  expect(order.status).toBe(OrderStatus.FULFILLED);
  return { user, order, iccid: order.esims[0]!.iccid };
}

/** AfterSaleError messages are shown to the customer as they are. */
const refusal = (message: string) => ({ name: "AfterSaleError", message });

const walletBalance = async (userId: string) => (await db().wallet.findUniqueOrThrow({ where: { userId } })).balanceMinor;

/** The order, its refund and the wallet are exactly as they were after payment. */
async function expectNothingRefunded(userId: string, otherOrderId: string, priceMinor: number) {
  expect(await orderWithEsims(otherOrderId)).toMatchObject({ status: OrderStatus.FULFILLED, refunds: [] });
  expect(await walletBalance(userId)).toBe(FUNDING_MINOR - priceMinor);
}

describe("usage", () => {
  it("reports MIOeSIM usage per ICCID, in the order asked, including cards the provider does not know", async () => {
    const user = await createCustomer("usage");
    const { iccid } = await deliveredOrder(user.id, (await catalogPlan(JAPAN_1GB)).id);
    const unknown = "89852000999999999999";

    expect(await usageFor("mioesim", [unknown, iccid])).toEqual({
      ok: true,
      usage: [
        { iccid: unknown, state: "unknown", usedMb: 0, totalMb: null, startedAt: null, expiresAt: null },
        { iccid, state: "not_installed", usedMb: 0, totalMb: 1024, startedAt: null, expiresAt: null },
      ],
    });

    world.mioesim.state.activateCard(iccid);
    world.mioesim.state.addUsage(iccid, 300);
    const live = await usageFor("mioesim", [iccid]);
    expect(live.ok && live.usage[0]).toMatchObject({ iccid, state: "active", totalMb: 1024 });
    expect(live.ok && live.usage[0]!.usedMb).toBeGreaterThanOrEqual(300);
  });

  it("reports MeiSIM usage per ICCID", async () => {
    const user = await createCustomer("usage-meisim");
    const { iccid } = await deliveredOrder(user.id, (await catalogPlan({ provider: "meisim", planRef: "esim_1gb_7days_jp" })).id);
    world.meisim.state.setEsimUsage(iccid, { state: "ACTIVE", usedMb: 200 });

    const result = await usageFor("meisim", [iccid]);
    expect(result.ok && result.usage).toEqual([expect.objectContaining({ iccid, state: "active", usedMb: 200 })]);
  });

  it("turns a provider outage into a message instead of an error, and asks nobody about no eSIMs", async () => {
    const user = await createCustomer("usage-down");
    const { iccid } = await deliveredOrder(user.id, (await catalogPlan(JAPAN_1GB)).id);
    world.mioesim.sim.faults.http500 = 10;

    await expect(usageFor("mioesim", [iccid])).resolves.toEqual({ ok: false, message: expect.stringMatching(/unavailable right now/) });

    const requests = world.mioesim.sim.requestLog.length;
    expect(await usageFor("mioesim", [])).toEqual({ ok: true, usage: [] });
    expect(world.mioesim.sim.requestLog.length).toBe(requests);
  });
});

describe("cancelling", () => {
  const cancelPollJob = (attempt: number, retryLimit = 10) => ({
    id: "job-test",
    name: "order.cancel-poll" as const,
    attempt,
    retryLimit,
    signal: new AbortController().signal,
  });
  const cancelPollJobs = (otherOrderId: string) =>
    db().$queryRaw<
      { state: string }[]
    >`SELECT state::text AS state FROM pgboss.job WHERE name = 'order.cancel-poll' AND singleton_key = ${otherOrderId}`;

  it("sends the cancellation and returns; the order.cancel-poll job follows it and refunds the wallet once, however often it is asked", async () => {
    const { user, order, iccid } = await walletPaidDelivery(JAPAN_1GB);
    expect(await walletBalance(user.id)).toBe(FUNDING_MINOR - 699);
    const refundRequests = requestsTo(world.mioesim, REFUND_PATH);

    expect(await cancelOrder(user.id, order.otherOrderId, null)).toBe("pending");
    expect(await cancelOrder(user.id, order.otherOrderId, null)).toBe("pending");

    // MIOeSIM took the cancellation (status 6) and is processing it: the order waits, and so does the refund.
    expect(requestsTo(world.mioesim, REFUND_PATH)).toBe(refundRequests + 1);
    expect(await orderWithEsims(order.otherOrderId)).toMatchObject({ status: OrderStatus.CANCEL_PENDING, refunds: [] });
    expect(await cancelPollJobs(order.otherOrderId)).toEqual([{ state: "created" }]);
    await expect(handlers["order.cancel-poll"]({ otherOrderId: order.otherOrderId }, cancelPollJob(1))).rejects.toBeInstanceOf(RetryLater);
    expect(await walletBalance(user.id)).toBe(FUNDING_MINOR - 699);

    // MIOeSIM confirms (status 2); the job's next look carries on as an immediate confirmation does.
    world.mioesim.state.settleRefunds();
    await handlers["order.cancel-poll"]({ otherOrderId: order.otherOrderId }, cancelPollJob(2));

    expect(mioesimOrderTagged(world.mioesim, order.otherOrderId).status).toBe(2);
    expect(await usageFor("mioesim", [iccid])).toMatchObject({ ok: true, usage: [{ state: "disabled" }] });
    const cancelled = await orderWithEsims(order.otherOrderId);
    expect(cancelled.status).toBe(OrderStatus.REFUNDED);
    expect(cancelled.esims.every((e) => e.cancelledAt !== null)).toBe(true);
    expect(cancelled.refunds).toMatchObject([{ method: RefundMethod.WALLET, amountMinor: 699, currency: "USD" }]);
    expect(await walletBalance(user.id)).toBe(FUNDING_MINOR);
    expect(await db().walletEntry.count({ where: { orderId: order.otherOrderId, kind: WalletEntryKind.REFUND_CREDIT } })).toBe(1);
    expect(await db().auditLog.count({ where: { action: "order.cancelled", entityId: order.otherOrderId } })).toBe(1);
    expect(await db().emailMessage.count({ where: { dedupeKey: `order.cancelled:${order.otherOrderId}` } })).toBe(1);

    // A late look, and the customer asking again, change nothing.
    await handlers["order.cancel-poll"]({ otherOrderId: order.otherOrderId }, cancelPollJob(3));
    expect(await cancelOrder(user.id, order.otherOrderId, null)).toBe("cancelled");
    expect(requestsTo(world.mioesim, REFUND_PATH)).toBe(refundRequests + 1);
    expect(await db().walletEntry.count({ where: { orderId: order.otherOrderId, kind: WalletEntryKind.REFUND_CREDIT } })).toBe(1);
  });

  it("still cancels an eSIM installed on a phone but never used, the queue's job finishing it", async () => {
    const { user, order, iccid } = await walletPaidDelivery(JAPAN_1GB);
    world.mioesim.state.installCard(iccid);

    expect(await cancelOrder(user.id, order.otherOrderId, null)).toBe("pending");
    registerHandlers({ "order.cancel-poll": handlers["order.cancel-poll"] });
    await startWorker({ instanceName: "after-sale-test" });
    try {
      const deadline = Date.now() + 25_000;
      while ((await orderWithEsims(order.otherOrderId)).status !== OrderStatus.REFUNDED && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 250));
    } finally {
      await stopJobs({ timeoutMs: 2_000 });
    }

    expect((await orderWithEsims(order.otherOrderId)).status).toBe(OrderStatus.REFUNDED);
    expect(await walletBalance(user.id)).toBe(FUNDING_MINOR);
    expect(await cancelPollJobs(order.otherOrderId)).toEqual([{ state: "completed" }]);
  });

  it("follows a cancellation whose answer was lost, and leaves one MIOeSIM never confirms to an admin once the window has passed", async () => {
    const { user, order } = await walletPaidDelivery(JAPAN_1GB);
    world.mioesim.sim.faults.forced.answerLost = 1;

    expect(await cancelOrder(user.id, order.otherOrderId, null)).toBe("pending");
    expect((await orderWithEsims(order.otherOrderId)).status).toBe(OrderStatus.CANCEL_PENDING);
    // MIOeSIM answers nothing at all while it is being asked.
    world.mioesim.sim.faults.http500 = 50;
    await expect(handlers["order.cancel-poll"]({ otherOrderId: order.otherOrderId }, cancelPollJob(1))).rejects.toBeInstanceOf(RetryLater);

    // Past the window: the job stops, the order stays for an admin, who is alerted once.
    await db().orderEvent.updateMany({
      where: { orderId: order.otherOrderId, event: "cancel_pending" },
      data: { createdAt: new Date(Date.now() - (POLL_TIMEOUT_SECONDS + 1) * 1000) },
    });
    await handlers["order.cancel-poll"]({ otherOrderId: order.otherOrderId }, cancelPollJob(2));
    world.mioesim.sim.resetFaults();

    expect(await orderWithEsims(order.otherOrderId)).toMatchObject({ status: OrderStatus.CANCEL_PENDING, refunds: [] });
    const alert = await db().auditLog.findFirstOrThrow({
      where: { action: "order.cancellation_unconfirmed", entityId: order.otherOrderId },
    });
    expect(alert.details).toMatchObject({ reason: expect.stringMatching(/still not confirmed 60\d s after .*look-up failed/) });
    // The sweep queues no further look for a cancellation given up on.
    await db().$executeRaw`DELETE FROM pgboss.job WHERE name = 'order.cancel-poll' AND singleton_key = ${order.otherOrderId}`;
    await sweepStrandedOrders();
    expect(await cancelPollJobs(order.otherOrderId)).toEqual([]);
    expect(await walletBalance(user.id)).toBe(FUNDING_MINOR - 699);
  });

  it("queues a lost cancel-poll job again from the recovery sweep while the window lasts", async () => {
    const { user, order } = await walletPaidDelivery(JAPAN_1GB);
    expect(await cancelOrder(user.id, order.otherOrderId, null)).toBe("pending");
    await db().$executeRaw`DELETE FROM pgboss.job WHERE name = 'order.cancel-poll' AND singleton_key = ${order.otherOrderId}`;

    await sweepStrandedOrders();

    expect(await cancelPollJobs(order.otherOrderId)).toEqual([{ state: "created" }]);
  });

  it("refuses an eSIM that has been activated, asking MIOeSIM nothing and refunding nothing", async () => {
    const { user, order, iccid } = await walletPaidDelivery(JAPAN_1GB);
    world.mioesim.state.activateCard(iccid);
    const refundRequests = requestsTo(world.mioesim, REFUND_PATH);

    await expect(cancelOrder(user.id, order.otherOrderId, null)).rejects.toMatchObject(
      refusal("This eSIM has been activated, so it can no longer be cancelled."),
    );

    expect(requestsTo(world.mioesim, REFUND_PATH)).toBe(refundRequests);
    await expectNothingRefunded(user.id, order.otherOrderId, 699);
  });

  it("refuses a plan whose policy forbids cancelling", async () => {
    const { user, order } = await walletPaidDelivery(JAPAN_10GB_NON_REFUNDABLE);
    const refundRequests = requestsTo(world.mioesim, REFUND_PATH);

    await expect(cancelOrder(user.id, order.otherOrderId, null)).rejects.toMatchObject(
      refusal("This plan cannot be cancelled under its policy."),
    );

    expect(requestsTo(world.mioesim, REFUND_PATH)).toBe(refundRequests);
    await expectNothingRefunded(user.id, order.otherOrderId, 2599);
  });

  it("refunds nothing when MIOeSIM refuses the cancellation our catalog allowed", async () => {
    // A stale catalog row: MIOeSIM sells this package as non-refundable.
    const { user, order } = await walletPaidDelivery({ ...JAPAN_10GB_NON_REFUNDABLE, cancellable: true });

    await expect(cancelOrder(user.id, order.otherOrderId, null)).rejects.toThrow(/^The network would not cancel this eSIM/);

    await expectNothingRefunded(user.id, order.otherOrderId, 2599);
  });

  it("refuses another customer's order and an order that was never delivered", async () => {
    const { user, order } = await walletPaidDelivery(JAPAN_1GB);
    const stranger = await createCustomer("stranger");
    await expect(cancelOrder(stranger.id, order.otherOrderId, null)).rejects.toMatchObject(refusal("Order not found."));
    await expectNothingRefunded(user.id, order.otherOrderId, 699);

    const unpaid = await createOrder({ userId: user.id, planId: order.planId, paymentMethod: PaymentMethod.CARD });
    await expect(cancelOrder(user.id, unpaid.otherOrderId, null)).rejects.toMatchObject(refusal("Only a delivered eSIM can be cancelled."));
  });
});

describe("renewals", () => {
  /** The plan references MIOeSIM renews a Japan card with: its SKU's flowType-0 packages. */
  const renewableJapanRefs = CATALOG.find((sku) => sku.skuId === 26)!
    .packages.filter((pkg) => pkg.flowType === 0)
    .map((pkg) => `26:${pkg.priceId}`);

  async function japanEsimWithCatalog() {
    const user = await createCustomer("renew");
    const plans = {
      oneGb: await catalogPlan(JAPAN_1GB),
      threeGb: await catalogPlan(JAPAN_3GB),
      trial: await catalogPlan(JAPAN_TRIAL),
      korea: await catalogPlan(KOREA_1GB),
      withdrawn: await catalogPlan({ ...JAPAN_5GB, active: false }),
    };
    const { order, iccid } = await deliveredOrder(user.id, plans.oneGb.id);
    return { user, order, iccid, plans };
  }

  it("offers only our active catalog plans that MIOeSIM can renew this eSIM with, cheapest first", async () => {
    const { user, iccid, plans } = await japanEsimWithCatalog();

    const options = await renewalOptions(user.id, iccid);

    expect(options).toMatchObject({ unavailable: false, esim: { iccid } });
    const offered = options!.plans;
    const ids = offered.map((p) => p.id);
    expect(ids).toEqual(expect.arrayContaining([plans.oneGb.id, plans.threeGb.id]));
    expect(ids).not.toContain(plans.trial.id);
    expect(ids).not.toContain(plans.korea.id);
    expect(ids).not.toContain(plans.withdrawn.id);
    for (const plan of offered) {
      expect(plan).toMatchObject({ provider: "mioesim", active: true });
      expect(renewableJapanRefs).toContain(plan.planRef);
    }
    const prices = offered.map((p) => p.priceMinor);
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
  });

  it("offers nothing for another customer's or an unknown eSIM, and says so when MIOeSIM is down", async () => {
    const { user, iccid } = await japanEsimWithCatalog();
    const stranger = await createCustomer("stranger");
    expect(await renewalOptions(stranger.id, iccid)).toBeNull();
    expect(await renewalOptions(user.id, "89852000999999999999")).toBeNull();

    world.mioesim.sim.faults.http500 = 10;
    expect(await renewalOptions(user.id, iccid)).toMatchObject({ plans: [], unavailable: true });
  });

  it("starts a renewal as an order awaiting card payment, only with a plan on offer", async () => {
    const { user, iccid, plans } = await japanEsimWithCatalog();
    const stranger = await createCustomer("stranger");

    const renewal = await startRenewal(user.id, iccid, plans.threeGb.id, null);

    expect(renewal).toMatchObject({
      userId: user.id,
      planId: plans.threeGb.id,
      planRef: "26:262",
      amountMinor: 1299,
      paymentMethod: PaymentMethod.CARD,
      status: OrderStatus.PENDING_PAYMENT,
      renewsIccid: iccid,
    });
    await expect(startRenewal(user.id, iccid, plans.trial.id, null)).rejects.toMatchObject(refusal("That plan cannot renew this eSIM."));
    await expect(startRenewal(user.id, iccid, plans.korea.id, null)).rejects.toMatchObject(refusal("That plan cannot renew this eSIM."));
    await expect(startRenewal(stranger.id, iccid, plans.threeGb.id, null)).rejects.toMatchObject(refusal("eSIM not found."));
    expect(await db().order.count({ where: { renewsIccid: iccid } })).toBe(1);
  });

  it("tops up the same ICCID at MIOeSIM once the renewal is paid, instead of issuing a new eSIM", async () => {
    const { user, order, iccid, plans } = await japanEsimWithCatalog();
    const renewal = await startRenewal(user.id, iccid, plans.threeGb.id, null);
    await db().order.update({ where: { otherOrderId: renewal.otherOrderId }, data: { status: OrderStatus.PAID } });

    await fulfilPaidOrder(renewal.otherOrderId);

    const upstream = mioesimOrderTagged(world.mioesim, renewal.otherOrderId);
    expect(upstream).toMatchObject({ renewal: true, mainOrderNum: order.providerOrderRef, priceId: 262 });
    expect(upstream.cardApiDtoList?.map((card) => card.iccid)).toEqual([iccid]);
    const renewed = await orderWithEsims(renewal.otherOrderId);
    expect(renewed).toMatchObject({ status: OrderStatus.FULFILLED, providerOrderRef: upstream.orderNum });
    // The eSIM stays with the order that delivered it, whose page keeps its QR code and usage.
    expect(renewed.esims).toEqual([]);
    expect((await orderWithEsims(order.otherOrderId)).esims.map((e) => e.iccid)).toEqual([iccid]);
    expect(await orderDeliveringEsim(user.id, iccid)).toBe(order.otherOrderId);
  });

  it("fails a MeiSIM renewal, which MeiSIM cannot do, without ordering anything", async () => {
    const user = await createCustomer("renew-meisim");
    const plan = await catalogPlan({ provider: "meisim", planRef: "esim_1gb_7days_jp" });
    const { iccid } = await deliveredOrder(user.id, plan.id);
    expect(await renewalOptions(user.id, iccid)).toMatchObject({ plans: [], unavailable: false });

    // Reached only if an order were made by hand: fulfilment must fail cleanly, not place a new eSIM.
    const forced = await createOrder({ userId: user.id, planId: plan.id, paymentMethod: PaymentMethod.CARD, renewsIccid: iccid });
    await db().order.update({ where: { otherOrderId: forced.otherOrderId }, data: { status: OrderStatus.PAID } });
    await fulfilPaidOrder(forced.otherOrderId);

    expect(await orderWithEsims(forced.otherOrderId)).toMatchObject({
      status: OrderStatus.FULFILMENT_FAILED,
      failureReason: expect.stringMatching(/cannot renew/),
    });
    expect(meisimOrdersTagged(world.meisim, forced.otherOrderId)).toEqual([]);
  });
});
