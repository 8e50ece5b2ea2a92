/**
 * Reconciliation against the real simulators: each kind of difference made
 * the way it happens (a lost answer, a cancellation outside the store, a
 * refund here only), what a run fixes on its own, the one-click fixes, and
 * that neither a second run nor a second click changes anything again.
 */
import pg from "pg";
import { describe, expect, inject, it } from "vitest";
import { refundOrder } from "@/lib/billing/refunds";
import { payOrderFromWallet } from "@/lib/billing/wallet-payment";
import { saveDealerProduct } from "@/lib/catalog/dealer-products";
import { db } from "@/lib/db/client";
import {
  OrderStatus,
  PaymentMethod,
  ReconciliationFindingKind as Kind,
  ReconciliationFindingStatus as FindingStatus,
  ReconciliationFix as Fix,
  Role,
  type User,
} from "@/lib/generated/prisma/client";
import { schedule, stopJobs } from "@/lib/jobs";
import { fulfilPaidOrder } from "@/lib/orders/fulfilment";
import { createOrder } from "@/lib/orders/orders";
import {
  dismissFinding,
  fixFinding,
  reconcileJob,
  requestReconciliation,
  runReconciliation,
  type ProviderSummary,
} from "@/lib/orders/reconciliation";
import { meisimClient } from "@/lib/providers/registry";
import { adjustWallet } from "@/lib/wallet/adjustments";
import type { Faults } from "@/simulators/shared/server";
import {
  armOnNextMioesimOrder,
  catalogPlan,
  createCustomer,
  MEISIM_ORDER_PATH,
  meisimOrdersTagged,
  orderWithEsims,
  paidOrder,
  providersPerFile,
  requestsTo,
  unique,
} from "../support/providers";

const world = providersPerFile({ PROVIDER_TIMEOUT_MS: "1000", PROVIDER_POLL_INTERVAL_MS: "50", PROVIDER_POLL_ATTEMPTS: "2" });

const MEISIM_JAPAN = { provider: "meisim", planRef: "esim_1gb_7days_jp", priceMinor: 699 } as const;
const MIOESIM_JAPAN = { provider: "mioesim", planRef: "26:261" } as const;
const FUNDING_MINOR = 5_000;
const REVOKE_PATH = "/api/v1/esim/revoke";

let admin: User | undefined;
const anAdmin = async () => (admin ??= await createCustomer("recon-admin", Role.ADMIN));

/** A customer who paid a MeiSIM order from their wallet; nothing is placed yet (the payment queued the job). */
async function walletPaidOrder(quantity = 1) {
  const user = await createCustomer("recon");
  await adjustWallet({ userId: user.id, amountMinor: FUNDING_MINOR, reason: "Test funding", authorId: (await anAdmin()).id });
  const plan = await catalogPlan(MEISIM_JAPAN);
  const { otherOrderId } = await createOrder({ userId: user.id, planId: plan.id, quantity, paymentMethod: PaymentMethod.WALLET });
  await payOrderFromWallet(user.id, otherOrderId);
  return { user, otherOrderId };
}

/** A paid MeiSIM order taken through real fulfilment to FULFILLED. */
async function deliveredMeisimOrder() {
  const paid = await walletPaidOrder();
  await fulfilPaidOrder(paid.otherOrderId);
  const order = await orderWithEsims(paid.otherOrderId);
  expect(order.status).toBe(OrderStatus.FULFILLED);
  return { ...paid, iccid: order.esims[0]!.iccid };
}

/**
 * Arms faults at the moment MeiSIM places the next card, so they hit that
 * card's answer and what follows, not the requests before it.
 */
function armOnNextMeisimOrder(arm: (faults: Faults) => void): void {
  const { state } = world.meisim;
  const place = state.placeOrder.bind(state);
  state.placeOrder = (...args) => {
    state.placeOrder = place;
    arm(world.meisim.sim.faults);
    return place(...args);
  };
}

/** Both clients try a read three times: this many 500s make a look-up fail. */
const READ_FAILS = 3;

/** Fulfilment whose first card's answer is lost and whose look-up cannot reach MeiSIM: the order goes to review, placed upstream. */
async function lostAnswerInReview(quantity = 1) {
  const paid = await walletPaidOrder(quantity);
  armOnNextMeisimOrder((faults) => {
    faults.hangAfterProcessing = 1;
    faults.http500 = READ_FAILS;
  });
  await fulfilPaidOrder(paid.otherOrderId);
  world.meisim.sim.resetFaults();
  const reviewed = await orderWithEsims(paid.otherOrderId);
  expect(reviewed).toMatchObject({ status: OrderStatus.NEEDS_REVIEW, esims: [] });
  expect(meisimOrdersTagged(world.meisim, `${paid.otherOrderId}-1`)).toHaveLength(1);
  return paid;
}

async function reconcile() {
  const { run, created } = await requestReconciliation("admin", (await anAdmin()).id);
  expect(created).toBe(true);
  await runReconciliation(run.id);
  const done = await db().reconciliationRun.findUniqueOrThrow({ where: { id: run.id } });
  expect(done).toMatchObject({ status: "SUCCEEDED", error: null });
  expect(done.checked).toBe(done.total);
  return done;
}

const findingsOf = (subject: string) => db().reconciliationFinding.findMany({ where: { subject }, orderBy: { createdAt: "asc" } });

async function theFinding(subject: string, kind: Kind) {
  const findings = await findingsOf(subject);
  expect(findings.map((f) => f.kind)).toEqual([kind]);
  return findings[0]!;
}

const walletBalance = async (userId: string) => (await db().wallet.findUniqueOrThrow({ where: { userId } })).balanceMinor;
const upstreamStatuses = (otherOrderId: string) => meisimOrdersTagged(world.meisim, otherOrderId).map((o) => o.status);

describe("what the run compares", () => {
  it("compares MeiSIM through its documented order list and says MIOeSIM cannot be asked", async () => {
    const run = await reconcile();
    const providers = run.providers as unknown as ProviderSummary[];
    expect(providers).toEqual([
      expect.objectContaining({ provider: "mioesim", outcome: "cannot_be_asked", note: expect.stringMatching(/cannot be asked/) }),
      expect.objectContaining({ provider: "meisim", outcome: "compared", note: expect.stringMatching(/every order the account placed/) }),
    ]);
  });

  it("leaves a MIOeSIM order in review alone: nothing is guessed for a provider that cannot be asked", async () => {
    const user = await createCustomer("recon-mio");
    const order = await paidOrder(user.id, (await catalogPlan(MIOESIM_JAPAN)).id);
    armOnNextMioesimOrder(world.mioesim, (faults) => {
      faults.hangAfterProcessing = 1;
      faults.http500 = READ_FAILS;
    });
    await fulfilPaidOrder(order.otherOrderId);
    world.mioesim.sim.resetFaults();
    expect((await orderWithEsims(order.otherOrderId)).status).toBe(OrderStatus.NEEDS_REVIEW);

    await reconcile();
    expect(await findingsOf(order.otherOrderId)).toEqual([]);
  });

  it("runs one at a time: asking while a run is queued returns that run", async () => {
    const first = await requestReconciliation("admin", (await anAdmin()).id);
    const second = await requestReconciliation("schedule", null);
    expect(first.created).toBe(true);
    expect(second).toEqual({ run: first.run, created: false });
    await runReconciliation(first.run.id);
    // A scheduled job records and runs its own run once nothing else is under way.
    await reconcileJob(undefined);
    const latest = await db().reconciliationRun.findFirstOrThrow({ orderBy: { createdAt: "desc" } });
    expect(latest).toMatchObject({ trigger: "schedule", status: "SUCCEEDED" });
  });
});

describe("ordered upstream, not recorded here", () => {
  it("records a lost order the provider holds with its install data and delivers it, with no second upstream order; a second run changes nothing", async () => {
    const { otherOrderId } = await lostAnswerInReview();
    const orderRequests = requestsTo(world.meisim, MEISIM_ORDER_PATH);

    const run = await reconcile();

    const order = await orderWithEsims(otherOrderId);
    const upstream = meisimOrdersTagged(world.meisim, `${otherOrderId}-1`);
    expect(order.status).toBe(OrderStatus.FULFILLED);
    expect(order.esims.map((e) => [e.iccid, e.otherItemId])).toEqual([[upstream[0]!.iccid, `${otherOrderId}-1`]]);
    expect(order.esims[0]!.lpa).toMatch(/^LPA:1\$/);
    expect(upstream).toHaveLength(1);
    expect(requestsTo(world.meisim, MEISIM_ORDER_PATH)).toBe(orderRequests);
    const finding = await theFinding(otherOrderId, Kind.ORDERED_NOT_RECORDED);
    expect(finding).toMatchObject({ status: FindingStatus.FIXED, fix: Fix.DELIVER, resolvedById: null, runId: run.id });
    expect(run.autoFixed).toBeGreaterThanOrEqual(1);
    const events = await db().orderEvent.findMany({ where: { orderId: otherOrderId, event: "upstream_order_recorded" } });
    expect(events).toMatchObject([{ from: OrderStatus.NEEDS_REVIEW, to: OrderStatus.FULFILLED, actorId: null }]);
    expect(await db().auditLog.count({ where: { entityId: otherOrderId, action: "reconciliation.fixed" } })).toBe(1);

    await reconcile();
    expect(await findingsOf(otherOrderId)).toMatchObject([{ id: finding.id, status: FindingStatus.FIXED }]);
    expect((await orderWithEsims(otherOrderId)).esims).toHaveLength(1);
    expect(await db().auditLog.count({ where: { entityId: otherOrderId, action: "reconciliation.fixed" } })).toBe(1);
  });

  it("offers to cancel upstream and refund when the eSIMs cannot all be recorded; the fix revokes once, refunds once, and a second click does nothing", async () => {
    // Two eSIMs: the first is placed and its answer lost, the second never sent.
    const { user, otherOrderId } = await lostAnswerInReview(2);
    expect(meisimOrdersTagged(world.meisim, `${otherOrderId}-2`)).toHaveLength(0);
    const paidBalance = await walletBalance(user.id);

    await reconcile();
    const finding = await theFinding(otherOrderId, Kind.ORDERED_NOT_RECORDED);
    expect(finding).toMatchObject({ status: FindingStatus.OPEN, fix: Fix.CANCEL_UPSTREAM_AND_REFUND, orderId: otherOrderId });
    expect(finding.detail).toMatch(/install data for 1 of the 2 eSIMs/);
    expect((await orderWithEsims(otherOrderId)).status).toBe(OrderStatus.NEEDS_REVIEW);

    const actor = await anAdmin();
    const orderRequests = requestsTo(world.meisim, MEISIM_ORDER_PATH);
    const fixed = await fixFinding(finding.id, actor.id, null);
    expect(fixed).toMatchObject({ done: true, message: expect.stringMatching(/refunded/) });
    expect(upstreamStatuses(otherOrderId)).toEqual(["revoked"]);
    expect((await orderWithEsims(otherOrderId)).status).toBe(OrderStatus.REFUNDED);
    expect(await walletBalance(user.id)).toBe(paidBalance + 2 * MEISIM_JAPAN.priceMinor);
    expect(await db().reconciliationFinding.findUniqueOrThrow({ where: { id: finding.id } })).toMatchObject({
      status: FindingStatus.FIXED,
      resolvedById: actor.id,
      resolvedAt: expect.any(Date),
    });
    expect(await db().auditLog.findMany({ where: { entityId: otherOrderId, action: "reconciliation.fixed" } })).toMatchObject([
      { actorId: actor.id, details: { findingId: finding.id, fix: Fix.CANCEL_UPSTREAM_AND_REFUND } },
    ]);

    const revokes = requestsTo(world.meisim, REVOKE_PATH);
    expect(await fixFinding(finding.id, actor.id, null)).toMatchObject({ done: false, message: expect.stringMatching(/already fixed/) });
    expect(requestsTo(world.meisim, REVOKE_PATH)).toBe(revokes);
    expect(await walletBalance(user.id)).toBe(paidBalance + 2 * MEISIM_JAPAN.priceMinor);
    expect(requestsTo(world.meisim, MEISIM_ORDER_PATH)).toBe(orderRequests);

    await reconcile();
    expect(await findingsOf(otherOrderId)).toHaveLength(1);
  });

  it("lists an upstream order whose reference names no order here, for a person", async () => {
    const reference = `RS20990101-${unique().toUpperCase().padStart(10, "0").slice(-10)}-1`;
    await meisimClient().esim.order({ bundleName: MEISIM_JAPAN.planRef, customerReference: reference });

    await reconcile();
    const finding = await theFinding(reference, Kind.ORDERED_NOT_RECORDED);
    expect(finding).toMatchObject({ status: FindingStatus.OPEN, orderId: null, fix: null });
    expect(await fixFinding(finding.id, (await anAdmin()).id, null)).toMatchObject({
      done: false,
      message: expect.stringMatching(/needs a person/),
    });
  });
});

describe("paid here, not ordered upstream", () => {
  it("offers to place an order in review that the provider's list shows was never placed; placing it makes one upstream order", async () => {
    const { otherOrderId } = await walletPaidOrder();
    // The order request never reaches MeiSIM, and the look-up after it fails: review, nothing upstream.
    Object.assign(world.meisim.sim.faults, { hangBeforeProcessing: 1, http500: READ_FAILS });
    await fulfilPaidOrder(otherOrderId);
    world.meisim.sim.resetFaults();
    expect((await orderWithEsims(otherOrderId)).status).toBe(OrderStatus.NEEDS_REVIEW);
    expect(meisimOrdersTagged(world.meisim, otherOrderId)).toHaveLength(0);

    await reconcile();
    const finding = await theFinding(otherOrderId, Kind.PAID_NOT_ORDERED);
    expect(finding).toMatchObject({ status: FindingStatus.OPEN, fix: Fix.PLACE });

    const actor = await anAdmin();
    expect(await fixFinding(finding.id, actor.id, null)).toMatchObject({ done: true });
    expect((await orderWithEsims(otherOrderId)).status).toBe(OrderStatus.FULFILLED);
    expect(meisimOrdersTagged(world.meisim, otherOrderId)).toHaveLength(1);

    expect(await fixFinding(finding.id, actor.id, null)).toMatchObject({ done: false });
    expect(meisimOrdersTagged(world.meisim, otherOrderId)).toHaveLength(1);
    await reconcile();
    expect(await findingsOf(otherOrderId)).toMatchObject([{ status: FindingStatus.FIXED }]);
  });
});

describe("orders the provider's list cannot show", () => {
  it("leaves a MeiSIM dealer product's order in review alone: /dealer/order takes no reference of ours, so nothing is offered to place again", async () => {
    const actor = await anAdmin();
    const { planId } = await saveDealerProduct(
      {
        productId: "p3:recon-30",
        name: "Reconciliation test product, 30 days",
        country: "US",
        priceMinor: 20_00,
        dealerCostMinor: 10_00,
        days: 30,
        dataMb: null,
        usPrepaid: false,
      },
      { actorId: actor.id, reason: "Reconciliation test" },
    );
    const user = await createCustomer("recon-dealer");
    await adjustWallet({ userId: user.id, amountMinor: FUNDING_MINOR, reason: "Test funding", authorId: actor.id });
    const { otherOrderId } = await createOrder({
      userId: user.id,
      planId,
      paymentMethod: PaymentMethod.WALLET,
      activationDetails: { customerName: "Jane Doe" },
    });
    await payOrderFromWallet(user.id, otherOrderId);
    // The /dealer/order request never reaches MeiSIM and goes unanswered: review, nothing upstream.
    world.meisim.sim.faults.hangBeforeProcessing = 1;
    await fulfilPaidOrder(otherOrderId);
    world.meisim.sim.resetFaults();
    expect((await orderWithEsims(otherOrderId)).status).toBe(OrderStatus.NEEDS_REVIEW);

    await reconcile();
    expect(await findingsOf(otherOrderId)).toEqual([]);
  });
});

describe("cancelled upstream, not refunded here", () => {
  it("offers a refund for a delivered order MeiSIM revoked outside the store", async () => {
    const { user, otherOrderId, iccid } = await deliveredMeisimOrder();
    const paidBalance = await walletBalance(user.id);
    // Someone revokes the eSIM at MeiSIM directly (the dealer portal, support).
    await meisimClient().esim.revoke(iccid);

    await reconcile();
    const finding = await theFinding(otherOrderId, Kind.CANCELLED_UPSTREAM_NOT_REFUNDED);
    expect(finding).toMatchObject({ status: FindingStatus.OPEN, fix: Fix.REFUND });

    expect(await fixFinding(finding.id, (await anAdmin()).id, null)).toMatchObject({ done: true });
    const order = await orderWithEsims(otherOrderId);
    expect(order.status).toBe(OrderStatus.REFUNDED);
    expect(order.esims[0]!.cancelledAt).toBeInstanceOf(Date);
    expect(await walletBalance(user.id)).toBe(paidBalance + MEISIM_JAPAN.priceMinor);

    expect(await fixFinding(finding.id, (await anAdmin()).id, null)).toMatchObject({ done: false });
    expect(await walletBalance(user.id)).toBe(paidBalance + MEISIM_JAPAN.priceMinor);
    await reconcile();
    expect(await findingsOf(otherOrderId)).toHaveLength(1);
  });
});

describe("refunded here, live upstream", () => {
  it("offers to cancel at MeiSIM an eSIM refunded here, and cancels it once", async () => {
    const { otherOrderId, iccid } = await deliveredMeisimOrder();
    await refundOrder(otherOrderId, { actorId: (await anAdmin()).id, reason: "Goodwill, test" });
    expect(upstreamStatuses(otherOrderId)).toEqual(["completed"]);

    await reconcile();
    const finding = await theFinding(otherOrderId, Kind.REFUNDED_HERE_ACTIVE_UPSTREAM);
    expect(finding).toMatchObject({ status: FindingStatus.OPEN, fix: Fix.CANCEL_UPSTREAM });

    expect(await fixFinding(finding.id, (await anAdmin()).id, null)).toMatchObject({ done: true });
    expect(upstreamStatuses(otherOrderId)).toEqual(["revoked"]);
    expect((await orderWithEsims(otherOrderId)).esims.find((e) => e.iccid === iccid)?.cancelledAt).toBeInstanceOf(Date);

    const revokes = requestsTo(world.meisim, REVOKE_PATH);
    expect(await fixFinding(finding.id, (await anAdmin()).id, null)).toMatchObject({ done: false });
    expect(requestsTo(world.meisim, REVOKE_PATH)).toBe(revokes);
  });
});

describe("delivered here, absent upstream", () => {
  it("lists a delivered order the provider's complete list does not hold, and closes the finding once the records agree", async () => {
    const { otherOrderId } = await deliveredMeisimOrder();
    const upstream = world.meisim.state.orders;
    const index = upstream.findIndex((o) => o.customerReference === `${otherOrderId}-1`);
    const [removed] = upstream.splice(index, 1);

    await reconcile();
    const finding = await theFinding(otherOrderId, Kind.DELIVERED_HERE_ABSENT_UPSTREAM);
    expect(finding).toMatchObject({ status: FindingStatus.OPEN, fix: null });

    upstream.splice(index, 0, removed!);
    await reconcile();
    expect(await findingsOf(otherOrderId)).toMatchObject([
      { id: finding.id, status: FindingStatus.FIXED, resolvedById: null, resolution: expect.stringMatching(/agree/) },
    ]);
  });
});

describe("across runs", () => {
  it("a second run adds no finding and keeps each open one, seen again; a dismissed finding stays dismissed", async () => {
    const { otherOrderId } = await deliveredMeisimOrder();
    const kept = world.meisim.state.orders.findIndex((o) => o.customerReference === `${otherOrderId}-1`);
    world.meisim.state.orders.splice(kept, 1);

    const first = await reconcile();
    const before = await db().reconciliationFinding.findMany({ orderBy: { id: "asc" } });
    const second = await reconcile();
    const after = await db().reconciliationFinding.findMany({ orderBy: { id: "asc" } });
    expect(after.map((f) => [f.id, f.kind, f.subject, f.status])).toEqual(before.map((f) => [f.id, f.kind, f.subject, f.status]));
    expect(after.filter((f) => f.status === FindingStatus.OPEN).every((f) => f.lastRunId === second.id)).toBe(true);
    expect(await db().reconciliationFinding.count({ where: { runId: second.id } })).toBe(0);

    const finding = await theFinding(otherOrderId, Kind.DELIVERED_HERE_ABSENT_UPSTREAM);
    expect(finding.runId).toBe(first.id);
    expect(await dismissFinding(finding.id, (await anAdmin()).id, null)).toMatchObject({ done: true });
    await reconcile();
    expect(await findingsOf(otherOrderId)).toMatchObject([{ id: finding.id, status: FindingStatus.DISMISSED }]);
    expect(await db().auditLog.count({ where: { entityId: finding.id, action: "reconciliation.dismissed" } })).toBe(1);
  });
});

describe("the schedule", () => {
  it("keeps one schedule for orders.reconcile in the queue's database, replaced on each start and removed when off", async () => {
    const rows = async () => {
      const client = new pg.Client({ connectionString: inject("databaseUrl") });
      await client.connect();
      try {
        return (await client.query<{ cron: string }>("SELECT cron FROM pgboss.schedule WHERE name = 'orders.reconcile'")).rows;
      } finally {
        await client.end();
      }
    };
    await schedule("orders.reconcile", "0 * * * *", {});
    await schedule("orders.reconcile", "30 * * * *", {});
    expect(await rows()).toEqual([{ cron: "30 * * * *" }]);
    await schedule("orders.reconcile", null, {});
    expect(await rows()).toEqual([]);
    await stopJobs({ timeoutMs: 2_000 });
  });
});
