/**
 * Issue 21's two rules on the way from payment to eSIM, against the real
 * simulators: never a second order on a guess (only MeiSIM's documented
 * history, asked again over PROVIDER_ABSENCE_WINDOW_SECONDS, proves an order
 * absent; one placement on that proof per order), and unknown means unknown
 * (a history row in a status the document does not list is never read as
 * placed or absent). And a 402 refunds the customer, for a whole bundle
 * order and for the cards left unplaced partway through one.
 */
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { OrderStatus, PaymentMethod, RefundStatus, Role } from "@/lib/generated/prisma/client";
import { attachUpstreamOrder } from "@/lib/orders/admin-desk";
import { AWAITING_PROVIDER, fulfilPaidOrder, pollPendingOrder, retryFulfilment } from "@/lib/orders/fulfilment";
import { isConfirmingWithProvider } from "@/lib/orders/lifecycle";
import { providerById } from "@/lib/providers/registry";
import { MIOESIM_DEMO_ACCOUNT } from "@/simulators/mioesim";
import {
  catalogPlan,
  createCustomer,
  meisimDemoDealer,
  meisimOrdersTagged,
  MEISIM_ORDER_PATH,
  orderWithEsims,
  paidOrder,
  providersPerFile,
  requestsTo,
} from "../support/providers";

const WINDOW_SECONDS = 600;
const world = providersPerFile({
  PROVIDER_TIMEOUT_MS: "1000",
  PROVIDER_POLL_INTERVAL_MS: "50",
  PROVIDER_POLL_ATTEMPTS: "1",
  PROVIDER_ABSENCE_WINDOW_SECONDS: String(WINDOW_SECONDS),
});
const MEISIM_JAPAN = { provider: "meisim", planRef: "esim_1gb_7days_jp" } as const;
const MEISIM_HISTORY_PATH = "/api/v1/orders";

/** A paid MeiSIM Japan order, paid from the wallet so a refund is a ledger entry. */
async function paidMeisimOrder(tag: string, quantity = 1) {
  const user = await createCustomer(tag);
  const order = await paidOrder(user.id, (await catalogPlan(MEISIM_JAPAN)).id, quantity);
  await db().order.update({ where: { otherOrderId: order.otherOrderId }, data: { paymentMethod: PaymentMethod.WALLET } });
  return { user, order };
}

/**
 * The next `count` MeiSIM order requests reach nothing (MeiSIM never places
 * them) and get no answer before our timeout. Returns `place`, which puts
 * the order into MeiSIM's records as the lost request would have, for an
 * order that reaches the history late.
 */
function loseNextMeisimOrders(count: number) {
  const { state, sim } = world.meisim;
  const original = state.placeOrder.bind(state);
  let left = count;
  state.placeOrder = (...args) => {
    if (left === 0) return original(...args);
    left -= 1;
    if (left === 0) state.placeOrder = original;
    sim.faults.hangAfterProcessing += 1;
    throw new Error("not placed");
  };
  return {
    placeLate: (customerReference: string | null, emailAddress: string) => {
      const dealer = meisimDemoDealer(world.meisim);
      const bundle = state.bundle(MEISIM_JAPAN.planRef)!;
      return original(dealer, {
        item: bundle.name,
        unitPriceCents: state.dealerPriceCents(dealer, bundle),
        quantity: 1,
        customerReference,
        emailAddress,
        dataMb: bundle.dataMb,
        validityDays: bundle.validityDays,
      });
    },
  };
}

/** Moves the order's last send back past the absence window, as the order.poll job's backoff would. */
async function windowPasses(otherOrderId: string) {
  const { placementSentAt } = await db().order.findUniqueOrThrow({ where: { otherOrderId } });
  await db().order.update({
    where: { otherOrderId },
    data: { placementSentAt: new Date(placementSentAt!.getTime() - (WINDOW_SECONDS + 1) * 1000) },
  });
}

async function expectWaiting(otherOrderId: string) {
  const waiting = await orderWithEsims(otherOrderId);
  expect(waiting).toMatchObject({ status: OrderStatus.FULFILLING, leaseToken: AWAITING_PROVIDER, esims: [], refunds: [] });
  // The customer's page reads this: "we are confirming your eSIM with the network".
  expect(isConfirmingWithProvider(waiting)).toBe(true);
}

describe("a MeiSIM order whose answer was lost", () => {
  it("reaches the history late: asked again without placing, then delivered from the one upstream order", async () => {
    const { user, order } = await paidMeisimOrder("late-history");
    const lost = loseNextMeisimOrders(1);
    const orders = requestsTo(world.meisim, MEISIM_ORDER_PATH);

    expect(await fulfilPaidOrder(order.otherOrderId)).toMatchObject({ awaitingProvider: true });
    await expectWaiting(order.otherOrderId);

    // The job's next look: still absent, and within the window, so nothing is placed.
    const looks = requestsTo(world.meisim, MEISIM_HISTORY_PATH);
    expect(await pollPendingOrder(order.otherOrderId, false)).toMatchObject({ awaitingProvider: true });
    expect(requestsTo(world.meisim, MEISIM_HISTORY_PATH)).toBeGreaterThan(looks);
    await expectWaiting(order.otherOrderId);

    // The lost request's order shows up in MeiSIM's history.
    const late = lost.placeLate(`${order.otherOrderId}-1`, user.email);
    expect(await pollPendingOrder(order.otherOrderId, false)).toMatchObject({ awaitingProvider: false });

    const done = await orderWithEsims(order.otherOrderId);
    expect(done).toMatchObject({ status: OrderStatus.FULFILLED, providerOrderRef: late.order.id, refunds: [] });
    expect(done.esims.map((e) => e.iccid)).toEqual([late.esim.iccid]);
    expect(done.esims[0]!.lpa).toBe(late.esim.lpa);
    expect(meisimOrdersTagged(world.meisim, order.otherOrderId)).toHaveLength(1);
    expect(requestsTo(world.meisim, MEISIM_ORDER_PATH)).toBe(orders + 1);
    expect(await db().emailMessage.count({ where: { dedupeKey: `order.delivered:${order.otherOrderId}` } })).toBe(1);
  });

  it("never reaches it: placed again once after the window, and a second unseen placement goes to review, never a third", async () => {
    const { order } = await paidMeisimOrder("never-in-history");
    loseNextMeisimOrders(2);
    const orders = requestsTo(world.meisim, MEISIM_ORDER_PATH);

    await fulfilPaidOrder(order.otherOrderId);
    await expectWaiting(order.otherOrderId);
    expect(requestsTo(world.meisim, MEISIM_ORDER_PATH)).toBe(orders + 1);

    // Absent for the whole window: believed, and placed once more (that answer is lost too).
    await windowPasses(order.otherOrderId);
    await pollPendingOrder(order.otherOrderId, false);
    expect(requestsTo(world.meisim, MEISIM_ORDER_PATH)).toBe(orders + 2);
    await expectWaiting(order.otherOrderId);
    expect((await db().order.findUniqueOrThrow({ where: { otherOrderId: order.otherOrderId } })).replacedOnAbsenceAt).not.toBeNull();

    // Absent again for a whole window: a person decides; nothing is placed a third time, no money moves.
    await windowPasses(order.otherOrderId);
    await pollPendingOrder(order.otherOrderId, false);
    const reviewed = await orderWithEsims(order.otherOrderId);
    expect(reviewed).toMatchObject({ status: OrderStatus.NEEDS_REVIEW, esims: [], refunds: [] });
    expect(reviewed.reviewReason).toMatch(/not placed a third time/);
    expect(isConfirmingWithProvider(reviewed)).toBe(true);
    expect(requestsTo(world.meisim, MEISIM_ORDER_PATH)).toBe(orders + 2);

    // The admin confirms from MeiSIM's records that none exists, and places it: one order, delivered.
    await retryFulfilment(order.otherOrderId, null, Date.now(), { reason: "MeiSIM portal shows no order under our references" });
    expect((await orderWithEsims(order.otherOrderId)).status).toBe(OrderStatus.FULFILLED);
    expect(meisimOrdersTagged(world.meisim, order.otherOrderId)).toHaveLength(1);
  });

  it("is in the history with a status the document does not list: never read as placed or absent, so a person decides", async () => {
    const { order } = await paidMeisimOrder("undocumented-row");
    // MeiSIM places the order, the answer is lost, and its history row says "failed" (the document shows only "completed").
    const { state, sim } = world.meisim;
    const original = state.placeOrder.bind(state);
    state.placeOrder = (...args) => {
      state.placeOrder = original;
      const placed = original(...args);
      // A status the simulator's type does not know either: written as a real service might answer it.
      Object.assign(placed.order, { status: "failed" });
      sim.faults.hangAfterProcessing += 1;
      return placed;
    };
    const orders = requestsTo(world.meisim, MEISIM_ORDER_PATH);

    await fulfilPaidOrder(order.otherOrderId);
    await windowPasses(order.otherOrderId);
    await retryFulfilment(order.otherOrderId);

    const reviewed = await orderWithEsims(order.otherOrderId);
    expect(reviewed).toMatchObject({ status: OrderStatus.NEEDS_REVIEW, esims: [], refunds: [] });
    expect(reviewed.reviewReason).toMatch(/status "failed"/);
    expect(requestsTo(world.meisim, MEISIM_ORDER_PATH)).toBe(orders + 1);
  });
});

describe("a 402 from MeiSIM (the dealer wallet short)", () => {
  it("on a bundle order refunds the customer once, and places nothing", async () => {
    const { order } = await paidMeisimOrder("bundle-402");
    const dealer = meisimDemoDealer(world.meisim);
    const balance = dealer.balanceCents;
    world.meisim.state.debit(dealer, balance, "Test: empty the wallet");
    try {
      await fulfilPaidOrder(order.otherOrderId);
      await fulfilPaidOrder(order.otherOrderId);
      await retryFulfilment(order.otherOrderId);
    } finally {
      world.meisim.state.credit(dealer, balance, "topup", "Test: refill the wallet");
    }

    const refunded = await orderWithEsims(order.otherOrderId);
    expect(refunded).toMatchObject({ status: OrderStatus.REFUNDED, esims: [] });
    expect(refunded.refunds).toHaveLength(1);
    expect(refunded.refunds[0]).toMatchObject({ amountMinor: order.amountMinor, status: RefundStatus.SUCCEEDED });
    expect(refunded.refunds[0]!.reason).toMatch(/402/);
    expect(meisimOrdersTagged(world.meisim, order.otherOrderId)).toEqual([]);
  });

  it("partway through a three-card order delivers the placed card and refunds exactly the two left unplaced", async () => {
    const { order } = await paidMeisimOrder("partial-402", 3);
    const dealer = meisimDemoDealer(world.meisim);
    const bundle = world.meisim.state.bundle(MEISIM_JAPAN.planRef)!;
    const balance = dealer.balanceCents;
    // The wallet covers one card.
    world.meisim.state.debit(dealer, balance - world.meisim.state.dealerPriceCents(dealer, bundle), "Test: leave one card's worth");
    try {
      await fulfilPaidOrder(order.otherOrderId);
      await fulfilPaidOrder(order.otherOrderId);
    } finally {
      world.meisim.state.credit(dealer, balance - dealer.balanceCents, "topup", "Test: refill the wallet");
    }

    const settled = await orderWithEsims(order.otherOrderId);
    expect(settled.status).toBe(OrderStatus.PARTIALLY_REFUNDED);
    expect(settled.esims.map((e) => e.otherItemId)).toEqual([`${order.otherOrderId}-1`]);
    expect(settled.refunds).toHaveLength(1);
    expect(settled.refunds[0]).toMatchObject({ amountMinor: (order.amountMinor / 3) * 2, esimIccid: null, status: RefundStatus.SUCCEEDED });
    expect(meisimOrdersTagged(world.meisim, order.otherOrderId)).toHaveLength(1);
  });
});

describe("an admin resolving an order in review from the provider's own records", () => {
  const MIOESIM_JAPAN = { provider: "mioesim", planRef: "26:261" } as const;
  const actor = (actorId: string) => ({ actorId, reason: "Found it in the provider's portal" });

  it("attaches the MIOeSIM order named by its number, read back first: delivered, nothing placed again, once", async () => {
    const admin = await createCustomer("attach-admin", Role.ADMIN);
    const user = await createCustomer("attach-mioesim");
    const order = await paidOrder(user.id, (await catalogPlan(MIOESIM_JAPAN)).id);
    // Logged in already, so the fault hits the order: a 500 before MIOeSIM acted. The look-up cannot tell, so the order waits in review.
    expect(await providerById("mioesim").checkAvailability(MIOESIM_JAPAN.planRef, 1)).toEqual({ available: true });
    world.mioesim.sim.faults.http500 = 1;
    await fulfilPaidOrder(order.otherOrderId);
    expect((await orderWithEsims(order.otherOrderId)).status).toBe(OrderStatus.NEEDS_REVIEW);
    // Someone placed it by hand in MIOeSIM's portal, under another reference.
    const account = world.mioesim.state.account(MIOESIM_DEMO_ACCOUNT.phone)!;
    const manual = world.mioesim.state.placeOrder(account, {
      skuId: 26,
      priceId: 261,
      count: 1,
      withCards: true,
      otherOrderId: "PORTAL-1",
    });
    const orders = requestsTo(world.mioesim, "/api_esim/addEsimOrder");

    const wrong = await attachUpstreamOrder(order.otherOrderId, "EP00000000000000", actor(admin.id));
    expect(wrong.attached).toBe(false);
    expect(await orderWithEsims(order.otherOrderId)).toMatchObject({ status: OrderStatus.NEEDS_REVIEW, esims: [] });

    const attached = await attachUpstreamOrder(order.otherOrderId, manual.orderNum, actor(admin.id));
    expect(attached).toMatchObject({ attached: true });
    const done = await orderWithEsims(order.otherOrderId);
    expect(done).toMatchObject({ status: OrderStatus.FULFILLED, providerOrderRef: manual.orderNum, refunds: [] });
    expect(done.esims.map((e) => e.iccid)).toEqual(manual.cardApiDtoList!.map((c) => c.iccid));
    expect(requestsTo(world.mioesim, "/api_esim/addEsimOrder")).toBe(orders);
    expect(await db().emailMessage.count({ where: { dedupeKey: `order.delivered:${order.otherOrderId}` } })).toBe(1);
    expect(await db().auditLog.count({ where: { action: "order.desk.attach", entityId: order.otherOrderId, actorId: admin.id } })).toBe(1);

    // A second press changes nothing.
    expect(await attachUpstreamOrder(order.otherOrderId, manual.orderNum, actor(admin.id))).toMatchObject({ attached: false });
    expect((await orderWithEsims(order.otherOrderId)).esims).toHaveLength(1);
  });

  it("attaches a MeiSIM order named by its ICCID only when MeiSIM's history shows it completed", async () => {
    const admin = await createCustomer("attach-meisim-admin", Role.ADMIN);
    const { user, order } = await paidMeisimOrder("attach-meisim");
    const lost = loseNextMeisimOrders(1);
    await fulfilPaidOrder(order.otherOrderId);
    await windowPasses(order.otherOrderId);
    // Placed by hand without our reference; our own second placement is refused so the order ends in review.
    const manual = lost.placeLate(null, user.email);
    await db().order.update({
      where: { otherOrderId: order.otherOrderId },
      data: { status: OrderStatus.NEEDS_REVIEW, leaseToken: null, leaseExpiresAt: null, reviewReason: "Test: in review" },
    });

    const attached = await attachUpstreamOrder(order.otherOrderId, manual.esim.iccid, actor(admin.id));
    expect(attached).toMatchObject({ attached: true });
    const done = await orderWithEsims(order.otherOrderId);
    expect(done).toMatchObject({ status: OrderStatus.FULFILLED, providerOrderRef: manual.order.id });
    expect(done.esims.map((e) => [e.iccid, e.lpa])).toEqual([[manual.esim.iccid, manual.esim.lpa]]);
  });
});
