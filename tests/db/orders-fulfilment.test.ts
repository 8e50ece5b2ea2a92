/**
 * Orders from creation to delivered eSIMs, against the real provider
 * simulators: pricing from the catalog, the PAID → FULFILLING claim that
 * keeps fulfilment to one upstream order, and failures an admin can retry.
 */
import { describe, expect, it } from "vitest";
import { refundOrder } from "@/lib/billing/refunds";
import { db } from "@/lib/db/client";
import { MIOESIM_DEMO_ACCOUNT } from "@/simulators/mioesim";
import { OrderStatus, PaymentMethod, Role } from "@/lib/generated/prisma/client";
import { fulfilPaidOrder, retryFulfilment } from "@/lib/orders/fulfilment";
import { canRetry } from "@/lib/orders/lifecycle";
import {
  createOrder,
  findOrderForUser,
  listOrdersForUser,
  newOrderReference,
  PlanUnavailableError,
  type CreateOrderInput,
} from "@/lib/orders/orders";
import {
  armOnNextMioesimOrder,
  catalogPlan,
  createCustomer,
  meisimOrdersTagged,
  MIOESIM_ORDER_PATH,
  mioesimOrderTagged,
  orderWithEsims,
  paidOrder,
  providersPerFile,
  requestsTo,
} from "../support/providers";

const world = providersPerFile({ PROVIDER_TIMEOUT_MS: "1000", PROVIDER_POLL_INTERVAL_MS: "50", PROVIDER_POLL_ATTEMPTS: "3" });
const MIOESIM_LOOKUP_PATH = "/api_esim/getOrderInfo";

/** MIOeSIM Japan 1 GB / 7 days; MeiSIM's Japan 1 GB / 7 days bundle. */
const MIOESIM_JAPAN = { provider: "mioesim", planRef: "26:261" } as const;
const MEISIM_JAPAN = { provider: "meisim", planRef: "esim_1gb_7days_jp" } as const;

const auditCount = (action: string, entityId: string) => db().auditLog.count({ where: { action, entityId } });

/** FULFILMENT_FAILED with no eSIM, a reason an admin can act on, and an audit entry. */
async function expectFailed(otherOrderId: string, ...reason: RegExp[]) {
  const failed = await orderWithEsims(otherOrderId);
  expect(failed).toMatchObject({ status: OrderStatus.FULFILMENT_FAILED, providerOrderRef: null, esims: [] });
  for (const pattern of reason) expect(failed.failureReason).toMatch(pattern);
  expect(await auditCount("order.placement_failed", otherOrderId)).toBe(1);
}

describe("creating an order", () => {
  it("prices it from the Plan row and snapshots what was bought, whatever the caller sends", async () => {
    const user = await createCustomer("pricing");
    const plan = await catalogPlan({ ...MIOESIM_JAPAN, priceMinor: 1234 });
    // A forged amount from the browser must not reach the order.
    const forged = { userId: user.id, planId: plan.id, paymentMethod: PaymentMethod.CARD, amountMinor: 1 } as CreateOrderInput;
    const order = await createOrder(forged);

    expect(order).toMatchObject({
      userId: user.id,
      planId: plan.id,
      provider: "mioesim",
      planRef: "26:261",
      planName: plan.name,
      amountMinor: 1234,
      currency: "USD",
      status: OrderStatus.PENDING_PAYMENT,
      renewsIccid: null,
    });
    const audit = await db().auditLog.findFirstOrThrow({ where: { action: "order.created", entityId: order.otherOrderId } });
    expect(audit).toMatchObject({
      actorId: user.id,
      details: { planId: plan.id, amountMinor: 1234, currency: "USD", paymentMethod: "CARD" },
    });

    // A later price change does not reprice an order already made.
    await db().plan.update({ where: { id: plan.id }, data: { priceMinor: 9999 } });
    expect((await db().order.findUniqueOrThrow({ where: { otherOrderId: order.otherOrderId } })).amountMinor).toBe(1234);
  });

  it("refuses a withdrawn or unknown plan", async () => {
    const user = await createCustomer("withdrawn");
    const plan = await catalogPlan({ ...MIOESIM_JAPAN, active: false });
    await expect(createOrder({ userId: user.id, planId: plan.id, paymentMethod: PaymentMethod.CARD })).rejects.toBeInstanceOf(
      PlanUnavailableError,
    );
    await expect(createOrder({ userId: user.id, planId: "no-such-plan", paymentMethod: PaymentMethod.CARD })).rejects.toBeInstanceOf(
      PlanUnavailableError,
    );
    expect(await db().order.count({ where: { userId: user.id } })).toBe(0);
  });

  it("gets a date-prefixed, random reference", () => {
    expect(newOrderReference(new Date("2024-03-05T23:59:59Z"))).toMatch(/^RS20240305-[0-9A-F]{10}$/);
    const many = new Set(Array.from({ length: 500 }, () => newOrderReference()));
    expect(many.size).toBe(500);
  });

  it("is shown to its owner only, and listed once it is no longer awaiting payment", async () => {
    const owner = await createCustomer("owner");
    const stranger = await createCustomer("stranger");
    const plan = await catalogPlan(MIOESIM_JAPAN);
    const pending = await createOrder({ userId: owner.id, planId: plan.id, paymentMethod: PaymentMethod.CARD });
    const paid = await paidOrder(owner.id, plan.id);

    expect((await findOrderForUser(owner.id, pending.otherOrderId))?.otherOrderId).toBe(pending.otherOrderId);
    expect(await findOrderForUser(stranger.id, pending.otherOrderId)).toBeNull();
    expect((await listOrdersForUser(owner.id)).map((o) => o.otherOrderId)).toEqual([paid.otherOrderId]);
    expect(await listOrdersForUser(stranger.id)).toEqual([]);
  });
});

describe("fulfilling a paid MIOeSIM order", () => {
  /** A paid MIOeSIM Japan order, and what MIOeSIM held and had been sent before it. */
  async function paidMioesimOrder(tag: string) {
    const user = await createCustomer(tag);
    const order = await paidOrder(user.id, (await catalogPlan(MIOESIM_JAPAN)).id);
    const before = { upstreamOrders: world.mioesim.state.orderCount(), orderRequests: requestsTo(world.mioesim, MIOESIM_ORDER_PATH) };
    return { order, before };
  }
  type Before = Awaited<ReturnType<typeof paidMioesimOrder>>["before"];

  /** FULFILLED from exactly one upstream order: the one MIOeSIM holds under our reference. */
  async function expectDeliveredOnce(otherOrderId: string, before: Before) {
    const done = await orderWithEsims(otherOrderId);
    expect(done).toMatchObject({
      status: OrderStatus.FULFILLED,
      failureReason: null,
      providerOrderRef: mioesimOrderTagged(world.mioesim, otherOrderId).orderNum,
    });
    expect(done.fulfilledAt).not.toBeNull();
    expect(done.esims).toHaveLength(1);
    expect(world.mioesim.state.orderCount()).toBe(before.upstreamOrders + 1);
    expect(requestsTo(world.mioesim, MIOESIM_ORDER_PATH)).toBe(before.orderRequests + 1);
    return done;
  }

  it("lets a retry take over a claim whose run's lease ran out, but never a live one", async () => {
    const { order, before } = await paidMioesimOrder("stale-claim");
    // A run claimed the order and holds a live lease.
    const leaseExpiresAt = new Date(Date.now() + 60_000);
    await db().order.update({
      where: { otherOrderId: order.otherOrderId },
      data: { status: OrderStatus.FULFILLING, leaseToken: "live-run", leaseExpiresAt },
    });
    const claimed = await db().order.findUniqueOrThrow({ where: { otherOrderId: order.otherOrderId } });
    expect(canRetry(claimed)).toBe(false);

    await retryFulfilment(order.otherOrderId);
    await fulfilPaidOrder(order.otherOrderId);
    expect((await orderWithEsims(order.otherOrderId)).status).toBe(OrderStatus.FULFILLING);
    expect(world.mioesim.state.orderCount()).toBe(before.upstreamOrders);

    // The run died: its lease runs out, and the next run takes the order over.
    await db().order.update({ where: { otherOrderId: order.otherOrderId }, data: { leaseExpiresAt: new Date(Date.now() - 1) } });
    expect(canRetry(await db().order.findUniqueOrThrow({ where: { otherOrderId: order.otherOrderId } }))).toBe(true);
    await fulfilPaidOrder(order.otherOrderId);
    const done = await expectDeliveredOnce(order.otherOrderId, before);
    expect(done).toMatchObject({ leaseToken: null, leaseExpiresAt: null });
  });

  it("takes over a run that died after sending the order: looks it up and delivers, with one upstream order", async () => {
    const { order, before } = await paidMioesimOrder("died-mid-placement");
    // The dead run committed placementSentAt, sent the order, and died before the answer.
    const sentAt = new Date();
    await db().order.update({
      where: { otherOrderId: order.otherOrderId },
      data: { status: OrderStatus.FULFILLING, leaseToken: "dead-run", leaseExpiresAt: new Date(Date.now() - 1), placementSentAt: sentAt },
    });
    const account = world.mioesim.state.account(MIOESIM_DEMO_ACCOUNT.phone)!;
    world.mioesim.state.placeOrder(account, { skuId: 26, priceId: 261, count: 1, withCards: true, otherOrderId: order.otherOrderId });

    await fulfilPaidOrder(order.otherOrderId);

    // Delivered from the order the dead run placed: looked up, not placed again.
    await expectDeliveredOnce(order.otherOrderId, { ...before, orderRequests: before.orderRequests - 1 });
    expect(requestsTo(world.mioesim, MIOESIM_LOOKUP_PATH)).toBeGreaterThan(0);
  });

  it("stores the eSIM, marks the order FULFILLED, and leaves exactly one upstream order under our reference", async () => {
    const { order, before } = await paidMioesimOrder("fulfil");
    const lookupsBefore = requestsTo(world.mioesim, MIOESIM_LOOKUP_PATH);

    await fulfilPaidOrder(order.otherOrderId);

    const esim = (await expectDeliveredOnce(order.otherOrderId, before)).esims[0]!;
    // A first placement is one order request and no look-up.
    expect(requestsTo(world.mioesim, MIOESIM_LOOKUP_PATH)).toBe(lookupsBefore);
    expect(esim.otherItemId).toBe(`${order.otherOrderId}-1`);
    expect(esim.iccid).toMatch(/^\d{18,20}$/);
    expect(mioesimOrderTagged(world.mioesim, order.otherOrderId).cardApiDtoList?.map((card) => card.iccid)).toEqual([esim.iccid]);
    // The LPA the customer scans is the one MIOeSIM issued for that card.
    expect(esim.lpa).toBe(world.mioesim.state.installText(esim.iccid));
    expect(esim.lpa).toBe(`LPA:1$${esim.smdpAddress}$${esim.activationCode}`);
    expect(await auditCount("order.delivered", order.otherOrderId)).toBe(1);
    expect(
      await db().orderEvent.findMany({
        where: { orderId: order.otherOrderId },
        orderBy: { createdAt: "asc" },
        select: { event: true, to: true },
      }),
    ).toEqual([
      { event: "placement_started", to: OrderStatus.FULFILLING },
      { event: "delivered", to: OrderStatus.FULFILLED },
    ]);
  });

  it("places one upstream order when fulfilment runs twice at once, and nothing when it runs again", async () => {
    const { order, before } = await paidMioesimOrder("concurrent");

    await Promise.all([fulfilPaidOrder(order.otherOrderId), fulfilPaidOrder(order.otherOrderId)]);
    const requestsAfterFulfilment = world.mioesim.sim.requestLog.length;
    await fulfilPaidOrder(order.otherOrderId);

    await expectDeliveredOnce(order.otherOrderId, before);
    expect(world.mioesim.sim.requestLog.length).toBe(requestsAfterFulfilment);
    expect(await auditCount("order.delivered", order.otherOrderId)).toBe(1);
  });

  it("does nothing for an order still awaiting payment", async () => {
    const user = await createCustomer("unpaid");
    const plan = await catalogPlan(MIOESIM_JAPAN);
    const order = await createOrder({ userId: user.id, planId: plan.id, paymentMethod: PaymentMethod.CARD });
    const requestsBefore = world.mioesim.sim.requestLog.length;

    await fulfilPaidOrder(order.otherOrderId);

    expect(world.mioesim.sim.requestLog.length).toBe(requestsBefore);
    expect(await orderWithEsims(order.otherOrderId)).toMatchObject({
      status: OrderStatus.PENDING_PAYMENT,
      providerOrderRef: null,
      esims: [],
    });
  });

  it("records a refusal (out of stock) as FULFILMENT_FAILED with a readable reason, and a retry delivers", async () => {
    const { order, before } = await paidMioesimOrder("stock");
    world.mioesim.sim.faults.forced.outOfStock = 1;

    await fulfilPaidOrder(order.otherOrderId);

    await expectFailed(order.otherOrderId, /^MIOeSIM code -3: Insufficient card inventory/);
    expect(world.mioesim.state.orderCount()).toBe(before.upstreamOrders);

    await retryFulfilment(order.otherOrderId);

    // The refused attempt was sent too, so two order requests, one order.
    await expectDeliveredOnce(order.otherOrderId, { ...before, orderRequests: before.orderRequests + 1 });
  });

  it("never places a second order on a 5xx answer: the look-up's code 3 is not documented proof, so a person confirms before it is placed", async () => {
    const { order, before } = await paidMioesimOrder("http500");
    // The order request answers 500 before MIOeSIM processed it; the undocumented look-up then answers code 3.
    world.mioesim.sim.faults.http500 = 1;

    await fulfilPaidOrder(order.otherOrderId);

    expect(requestsTo(world.mioesim, MIOESIM_LOOKUP_PATH)).toBeGreaterThan(0);
    const reviewed = await orderWithEsims(order.otherOrderId);
    expect(reviewed).toMatchObject({ status: OrderStatus.NEEDS_REVIEW, esims: [], refunds: [] });
    expect(reviewed.reviewReason).toMatch(/code 3/);
    expect(reviewed.placementSentAt).not.toBeNull();
    expect(requestsTo(world.mioesim, MIOESIM_ORDER_PATH)).toBe(before.orderRequests + 1);

    // The admin checked MIOeSIM's portal: no such order. Only their word places it again.
    await retryFulfilment(order.otherOrderId, null, Date.now(), { reason: "Checked the MIOeSIM portal: no order under our reference" });
    await expectDeliveredOnce(order.otherOrderId, { ...before, orderRequests: before.orderRequests + 1 });
  });

  it("delivers an order whose answer was lost after MIOeSIM made it, by finding it under our reference", async () => {
    const { order, before } = await paidMioesimOrder("lost");
    world.mioesim.sim.faults.hangAfterProcessing = 1;

    await fulfilPaidOrder(order.otherOrderId);

    await expectDeliveredOnce(order.otherOrderId, before);
  });

  it("hands a lost answer whose look-up also fails to review, and a retry looks it up instead of placing another", async () => {
    const { order, before } = await paidMioesimOrder("dark");
    // The order's answer is lost, and every look-up after it answers 500.
    armOnNextMioesimOrder(world.mioesim, (faults) => {
      faults.hangAfterProcessing = 1;
      faults.http500 = 20;
    });

    await fulfilPaidOrder(order.otherOrderId);

    const reviewed = await orderWithEsims(order.otherOrderId);
    expect(reviewed).toMatchObject({ status: OrderStatus.NEEDS_REVIEW, esims: [] });
    expect(reviewed.reviewReason).toMatch(/look-up/i);
    expect(world.mioesim.state.orderCount()).toBe(before.upstreamOrders + 1);

    world.mioesim.sim.resetFaults();
    await retryFulfilment(order.otherOrderId);

    await expectDeliveredOnce(order.otherOrderId, before);
  });

  it("buys several eSIMs in one order, each on its own line reference", async () => {
    const user = await createCustomer("multi");
    const order = await paidOrder(user.id, (await catalogPlan(MIOESIM_JAPAN)).id, 3);

    await fulfilPaidOrder(order.otherOrderId);

    const done = await orderWithEsims(order.otherOrderId);
    expect(done.status).toBe(OrderStatus.FULFILLED);
    expect(done.esims.map((e) => e.otherItemId).sort()).toEqual([1, 2, 3].map((n) => `${order.otherOrderId}-${n}`));
    expect(mioesimOrderTagged(world.mioesim, order.otherOrderId).cardApiDtoList).toHaveLength(3);
  });
});

describe("fulfilling a paid MeiSIM order", () => {
  it("stores the eSIM under the MeiSIM order placed with our reference and the customer's email", async () => {
    const user = await createCustomer("meisim");
    const order = await paidOrder(user.id, (await catalogPlan(MEISIM_JAPAN)).id);

    await fulfilPaidOrder(order.otherOrderId);

    const done = await orderWithEsims(order.otherOrderId);
    const upstream = meisimOrdersTagged(world.meisim, order.otherOrderId);
    expect(upstream).toHaveLength(1);
    expect(upstream[0]).toMatchObject({ bundleName: MEISIM_JAPAN.planRef, emailAddress: user.email });
    expect(done).toMatchObject({ status: OrderStatus.FULFILLED, providerOrderRef: upstream[0]!.id });
    expect(done.esims.map((e) => e.iccid)).toEqual([upstream[0]!.iccid]);
    expect(done.esims[0]!.lpa).toBe(world.meisim.state.esims.get(upstream[0]!.iccid!)!.lpa);
  });
});

describe("an admin refund racing a placement", () => {
  it("is refused while the run holds the order, and once the run settles it the refund applies and stands", async () => {
    const user = await createCustomer("refund-race");
    const admin = await createCustomer("refund-race-admin", Role.ADMIN);
    const order = await paidOrder(user.id, (await catalogPlan(MIOESIM_JAPAN)).id);
    // Paid from the wallet, so the refund is a ledger entry (no card payment to find).
    await db().order.update({ where: { otherOrderId: order.otherOrderId }, data: { paymentMethod: PaymentMethod.WALLET } });
    // The run is mid-placement when the admin clicks Refund.
    let refundDuringPlacement: unknown = null;
    armOnNextMioesimOrder(world.mioesim, () => {
      refundDuringPlacement = refundOrder(order.otherOrderId, { actorId: admin.id, reason: "Customer asked" }).catch((err: unknown) => err);
    });

    await fulfilPaidOrder(order.otherOrderId);

    expect(await refundDuringPlacement).toMatchObject({ code: "order_not_refundable" });
    expect((await orderWithEsims(order.otherOrderId)).status).toBe(OrderStatus.FULFILLED);
    await refundOrder(order.otherOrderId, { actorId: admin.id, reason: "Customer asked" });
    // A late or repeated fulfilment run changes nothing now.
    await fulfilPaidOrder(order.otherOrderId);
    await retryFulfilment(order.otherOrderId);
    const settled = await orderWithEsims(order.otherOrderId);
    expect(settled.status).toBe(OrderStatus.REFUNDED);
    expect(mioesimOrderTagged(world.mioesim, order.otherOrderId).cardApiDtoList).toHaveLength(1);
  });
});
