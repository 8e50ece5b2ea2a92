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
import { cancelOrder, confirmCancellation, renewalOptions, startRenewal, usageFor } from "@/lib/orders/after-sale";
import { canRequestCancellation, isCancellationRequested, isSettled } from "@/lib/orders/lifecycle";
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
  const jobContext = <N extends "order.cancel" | "order.cancel-poll">(name: N, attempt: number, retryLimit = 10) => ({
    id: "job-test",
    name,
    attempt,
    retryLimit,
    signal: new AbortController().signal,
  });
  const runCancelJob = (otherOrderId: string, attempt = 1, retryLimit = 5) =>
    handlers["order.cancel"]({ otherOrderId }, jobContext("order.cancel", attempt, retryLimit));
  const runCancelPoll = (otherOrderId: string, attempt: number) =>
    handlers["order.cancel-poll"]({ otherOrderId }, jobContext("order.cancel-poll", attempt));
  const jobsFor = (name: string, otherOrderId: string) =>
    db().$queryRaw<
      { state: string }[]
    >`SELECT state::text AS state FROM pgboss.job WHERE name = ${name} AND singleton_key = ${otherOrderId}`;
  const cancelPollJobs = (otherOrderId: string) => jobsFor("order.cancel-poll", otherOrderId);

  it("returns at once with the request recorded, asking the provider nothing; the job sends one cancel, and a bare acknowledgement refunds nothing until MIOeSIM reports the order cancelled", async () => {
    const { user, order, iccid } = await walletPaidDelivery(JAPAN_1GB);
    const refundRequests = requestsTo(world.mioesim, REFUND_PATH);
    const usageRequests = world.mioesim.sim.requestLog.length;

    // The customer's request, twice (a double click): recorded once, one job queued, nothing sent.
    expect(await cancelOrder(user.id, order.otherOrderId, null)).toBe("requested");
    expect(await cancelOrder(user.id, order.otherOrderId, null)).toBe("requested");
    expect(world.mioesim.sim.requestLog.length).toBe(usageRequests);
    const requested = await orderWithEsims(order.otherOrderId);
    expect(requested).toMatchObject({ status: OrderStatus.FULFILLED, refunds: [], cancelSentAt: null });
    expect(isCancellationRequested(requested)).toBe(true);
    expect(canRequestCancellation({ ...requested, plan: { cancellable: true } }, ["not_installed"])).toBe(false);
    expect(await jobsFor("order.cancel", order.otherOrderId)).toEqual([{ state: "created" }]);
    expect(await db().auditLog.count({ where: { action: "order.cancel_requested", entityId: order.otherOrderId } })).toBe(1);

    // MIOeSIM processes it (status 6) but answers only code 0, data null: an acknowledgement, not a confirmation.
    world.mioesim.sim.faults.forced.refundAcknowledged = 1;
    await runCancelJob(order.otherOrderId);
    await runCancelJob(order.otherOrderId, 2); // the job run twice sends nothing more
    expect(requestsTo(world.mioesim, REFUND_PATH)).toBe(refundRequests + 1);
    expect(mioesimOrderTagged(world.mioesim, order.otherOrderId).status).toBe(6);
    expect(await orderWithEsims(order.otherOrderId)).toMatchObject({ status: OrderStatus.CANCEL_PENDING, refunds: [] });
    expect(await cancelPollJobs(order.otherOrderId)).toEqual([{ state: "created" }]);
    expect(await walletBalance(user.id)).toBe(FUNDING_MINOR - 699);

    // The poll reads the documented status 6 (in process): still nothing refunded.
    await expect(runCancelPoll(order.otherOrderId, 1)).rejects.toBeInstanceOf(RetryLater);
    expect(await walletBalance(user.id)).toBe(FUNDING_MINOR - 699);

    // MIOeSIM reports 2 (cancelled): one refund.
    world.mioesim.state.settleRefunds();
    await runCancelPoll(order.otherOrderId, 2);
    const cancelled = await orderWithEsims(order.otherOrderId);
    expect(cancelled.status).toBe(OrderStatus.REFUNDED);
    expect(cancelled.esims.every((e) => e.cancelledAt !== null)).toBe(true);
    expect(cancelled.refunds).toMatchObject([{ method: RefundMethod.WALLET, amountMinor: 699, currency: "USD" }]);
    expect(await usageFor("mioesim", [iccid])).toMatchObject({ ok: true, usage: [{ state: "disabled" }] });
    expect(await walletBalance(user.id)).toBe(FUNDING_MINOR);
    expect(await db().auditLog.count({ where: { action: "order.cancelled", entityId: order.otherOrderId } })).toBe(1);
    expect(await db().emailMessage.count({ where: { dedupeKey: `order.cancelled:${order.otherOrderId}` } })).toBe(1);

    // A late look, the job again, and the customer asking again change nothing.
    await runCancelPoll(order.otherOrderId, 3);
    await runCancelJob(order.otherOrderId, 3);
    expect(await cancelOrder(user.id, order.otherOrderId, null)).toBe("cancelled");
    expect(requestsTo(world.mioesim, REFUND_PATH)).toBe(refundRequests + 1);
    expect(await db().walletEntry.count({ where: { orderId: order.otherOrderId, kind: WalletEntryKind.REFUND_CREDIT } })).toBe(1);
  });

  it("still cancels an eSIM installed on a phone but never used, the queue's jobs finishing it", async () => {
    const { user, order, iccid } = await walletPaidDelivery(JAPAN_1GB);
    world.mioesim.state.installCard(iccid);

    expect(await cancelOrder(user.id, order.otherOrderId, null)).toBe("requested");
    registerHandlers({ "order.cancel": handlers["order.cancel"], "order.cancel-poll": handlers["order.cancel-poll"] });
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
    expect(await jobsFor("order.cancel", order.otherOrderId)).toEqual([{ state: "completed" }]);
    expect(await cancelPollJobs(order.otherOrderId)).toEqual([{ state: "completed" }]);
  });

  it("follows a cancellation whose answer was lost; once the window has passed it is held for review, refunded only when an admin confirms it from MIOeSIM's records", async () => {
    const { user, order } = await walletPaidDelivery(JAPAN_1GB);
    const admin = await createCustomer("desk-admin", Role.ADMIN);
    world.mioesim.sim.faults.forced.answerLost = 1;

    expect(await cancelOrder(user.id, order.otherOrderId, null)).toBe("requested");
    await runCancelJob(order.otherOrderId);
    expect((await orderWithEsims(order.otherOrderId)).status).toBe(OrderStatus.CANCEL_PENDING);
    // MIOeSIM answers nothing at all while it is being asked.
    world.mioesim.sim.faults.http500 = 50;
    await expect(runCancelPoll(order.otherOrderId, 1)).rejects.toBeInstanceOf(RetryLater);

    // Past the window: the job stops, the order is held for an admin with its reason, who is alerted once.
    await db().orderEvent.updateMany({
      where: { orderId: order.otherOrderId, event: "cancel_pending" },
      data: { createdAt: new Date(Date.now() - (POLL_TIMEOUT_SECONDS + 1) * 1000) },
    });
    await runCancelPoll(order.otherOrderId, 2);
    await runCancelPoll(order.otherOrderId, 3);
    world.mioesim.sim.resetFaults();

    const held = await orderWithEsims(order.otherOrderId);
    expect(held).toMatchObject({ status: OrderStatus.CANCEL_PENDING, refunds: [] });
    expect(held.reviewReason).toMatch(/still not confirmed 60\d s after it was sent .*look-up failed.*Nothing was refunded/);
    expect(isSettled(held)).toBe(true);
    expect(await db().auditLog.count({ where: { action: "order.cancellation_unconfirmed", entityId: order.otherOrderId } })).toBe(1);
    // The sweep queues no further look for a cancellation given up on.
    await db().$executeRaw`DELETE FROM pgboss.job WHERE name = 'order.cancel-poll' AND singleton_key = ${order.otherOrderId}`;
    await sweepStrandedOrders();
    expect(await cancelPollJobs(order.otherOrderId)).toEqual([]);
    expect(await walletBalance(user.id)).toBe(FUNDING_MINOR - 699);

    // The admin read MIOeSIM's records: confirmed twice (a double click), refunded once.
    const desk = { actorId: admin.id, reason: "Portal shows the order cancelled (status 2)" };
    expect(await confirmCancellation(order.otherOrderId, desk)).toBe("confirmed");
    expect(await confirmCancellation(order.otherOrderId, desk)).toBe("already_refunded");
    expect(await orderWithEsims(order.otherOrderId)).toMatchObject({ status: OrderStatus.REFUNDED, reviewReason: null });
    expect(await walletBalance(user.id)).toBe(FUNDING_MINOR);
    expect(await db().walletEntry.count({ where: { orderId: order.otherOrderId, kind: WalletEntryKind.REFUND_CREDIT } })).toBe(1);
  });

  it("never sends the cancel again after a run that died once it was sent: the next run follows it", async () => {
    const { user, order } = await walletPaidDelivery(JAPAN_1GB);
    expect(await cancelOrder(user.id, order.otherOrderId, null)).toBe("requested");
    // What a run that crashed right after sending leaves: the send committed, the answer never recorded.
    await db().order.update({ where: { otherOrderId: order.otherOrderId }, data: { cancelSentAt: new Date() } });
    const refundRequests = requestsTo(world.mioesim, REFUND_PATH);

    await runCancelJob(order.otherOrderId);

    expect(requestsTo(world.mioesim, REFUND_PATH)).toBe(refundRequests);
    expect(await orderWithEsims(order.otherOrderId)).toMatchObject({ status: OrderStatus.CANCEL_PENDING, refunds: [] });
    expect(await cancelPollJobs(order.otherOrderId)).toEqual([{ state: "created" }]);
  });

  it("queues lost order.cancel and order.cancel-poll jobs again from the recovery sweep", async () => {
    const { user, order } = await walletPaidDelivery(JAPAN_1GB);
    expect(await cancelOrder(user.id, order.otherOrderId, null)).toBe("requested");
    await db().$executeRaw`DELETE FROM pgboss.job WHERE name = 'order.cancel' AND singleton_key = ${order.otherOrderId}`;
    await sweepStrandedOrders();
    expect(await jobsFor("order.cancel", order.otherOrderId)).toEqual([{ state: "created" }]);

    await runCancelJob(order.otherOrderId);
    await db().$executeRaw`DELETE FROM pgboss.job WHERE name = 'order.cancel-poll' AND singleton_key = ${order.otherOrderId}`;
    await sweepStrandedOrders();
    expect(await cancelPollJobs(order.otherOrderId)).toEqual([{ state: "created" }]);
  });

  it("withdraws the request for an eSIM that has been activated, asking MIOeSIM nothing and refunding nothing; it can be asked again", async () => {
    const { user, order, iccid } = await walletPaidDelivery(JAPAN_1GB);
    world.mioesim.state.activateCard(iccid);
    const refundRequests = requestsTo(world.mioesim, REFUND_PATH);

    expect(await cancelOrder(user.id, order.otherOrderId, null)).toBe("requested");
    await runCancelJob(order.otherOrderId);

    expect(requestsTo(world.mioesim, REFUND_PATH)).toBe(refundRequests);
    await expectNothingRefunded(user.id, order.otherOrderId, 699);
    const declined = await orderWithEsims(order.otherOrderId);
    expect(declined).toMatchObject({
      cancelRequestedAt: null,
      cancelNote: "This eSIM has been activated, so it can no longer be cancelled.",
    });
    expect(isCancellationRequested(declined)).toBe(false);
    expect(await cancelOrder(user.id, order.otherOrderId, null)).toBe("requested");
  });

  it("refuses a plan whose policy forbids cancelling, recording nothing", async () => {
    const { user, order } = await walletPaidDelivery(JAPAN_10GB_NON_REFUNDABLE);

    await expect(cancelOrder(user.id, order.otherOrderId, null)).rejects.toMatchObject(
      refusal("This plan cannot be cancelled under its policy."),
    );

    expect((await orderWithEsims(order.otherOrderId)).cancelRequestedAt).toBeNull();
    expect(await jobsFor("order.cancel", order.otherOrderId)).toEqual([]);
    await expectNothingRefunded(user.id, order.otherOrderId, 2599);
  });

  it("refunds nothing when MIOeSIM refuses the cancellation our catalog allowed, and tells the customer", async () => {
    // A stale catalog row: MIOeSIM sells this package as non-refundable.
    const { user, order } = await walletPaidDelivery({ ...JAPAN_10GB_NON_REFUNDABLE, cancellable: true });

    expect(await cancelOrder(user.id, order.otherOrderId, null)).toBe("requested");
    await runCancelJob(order.otherOrderId);

    await expectNothingRefunded(user.id, order.otherOrderId, 2599);
    expect((await orderWithEsims(order.otherOrderId)).cancelNote).toMatch(/^The network would not cancel this eSIM/);
  });

  it("retries while usage cannot be read, and withdraws the request on the last attempt", async () => {
    const { user, order } = await walletPaidDelivery(JAPAN_1GB);
    expect(await cancelOrder(user.id, order.otherOrderId, null)).toBe("requested");
    world.mioesim.sim.faults.http500 = 50;
    const refundRequests = requestsTo(world.mioesim, REFUND_PATH);

    await expect(runCancelJob(order.otherOrderId, 1, 2)).rejects.toBeInstanceOf(RetryLater);
    await runCancelJob(order.otherOrderId, 3, 2);
    world.mioesim.sim.resetFaults();

    expect(requestsTo(world.mioesim, REFUND_PATH)).toBe(refundRequests);
    await expectNothingRefunded(user.id, order.otherOrderId, 699);
    expect((await orderWithEsims(order.otherOrderId)).cancelNote).toMatch(/could not check with the network/);
  });

  it("refuses another customer's order and an order that was never delivered", async () => {
    const { user, order } = await walletPaidDelivery(JAPAN_1GB);
    const stranger = await createCustomer("stranger");
    await expect(cancelOrder(stranger.id, order.otherOrderId, null)).rejects.toMatchObject(refusal("Order not found."));
    await expectNothingRefunded(user.id, order.otherOrderId, 699);
    expect((await orderWithEsims(order.otherOrderId)).cancelRequestedAt).toBeNull();

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
