/**
 * An order the provider is still processing, followed by the order.poll job
 * instead of a worker waiting on it: the hand-over, the lease that keeps
 * every other run from placing it again, delivery through the fulfilment
 * path, and review once the polling window has passed.
 */
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { OrderStatus } from "@/lib/generated/prisma/client";
import { providerPollRetries, registerHandlers, RetryLater, startQueue, startWorker, stopJobs } from "@/lib/jobs";
import { handlers } from "@/lib/jobs/handlers";
import { AWAITING_PROVIDER, fulfilPaidOrder, retryFulfilment } from "@/lib/orders/fulfilment";
import { canRetry, hasLiveLease } from "@/lib/orders/lifecycle";
import { sweepStrandedOrders } from "@/lib/orders/recovery";
import {
  catalogPlan,
  createCustomer,
  MIOESIM_ORDER_PATH,
  mioesimOrderTagged,
  orderWithEsims,
  paidOrder,
  providersPerFile,
  requestsTo,
} from "../support/providers";

const TIMEOUT_SECONDS = 600;
const world = providersPerFile({
  PROVIDER_TIMEOUT_MS: "1000",
  PROVIDER_POLL_ATTEMPTS: "1",
  PROVIDER_POLL_INTERVAL_MS: "50",
  PROVIDER_POLL_BACKOFF_SECONDS: "1",
  PROVIDER_POLL_TIMEOUT_SECONDS: String(TIMEOUT_SECONDS),
});
const MIOESIM_JAPAN = { provider: "mioesim", planRef: "26:261" } as const;
const MIOESIM_LOOKUP_PATH = "/api_esim/getOrderInfo";

const pollJob = (attempt: number, retryLimit = 10) => ({
  id: "job-test",
  name: "order.poll" as const,
  attempt,
  retryLimit,
  signal: new AbortController().signal,
});

/** The order's jobs in the queue, by name and state. */
function jobsFor(otherOrderId: string) {
  return db().$queryRaw<{ name: string; state: string }[]>`
    SELECT name, state::text AS state FROM pgboss.job WHERE singleton_key = ${otherOrderId} AND name IN ('order.fulfil', 'order.poll') ORDER BY created_on`;
}

const counts = () => ({ orders: requestsTo(world.mioesim, MIOESIM_ORDER_PATH), lookups: requestsTo(world.mioesim, MIOESIM_LOOKUP_PATH) });

/**
 * A paid MIOeSIM order that MIOeSIM accepts as unpaid (-1, no cards yet).
 * By default the simulator delivers it on its second look-up; `forever`
 * keeps it pending.
 */
async function pendingUpstream(tag: string, { forever = false } = {}) {
  const user = await createCustomer(tag);
  const order = await paidOrder(user.id, (await catalogPlan(MIOESIM_JAPAN)).id);
  world.mioesim.sim.faults.forced.pendingOrder = 1;
  if (forever) {
    const place = world.mioesim.state.placeOrder.bind(world.mioesim.state);
    world.mioesim.state.placeOrder = (...args) => {
      world.mioesim.state.placeOrder = place;
      const row = place(...args);
      world.mioesim.state.setOrderStatus(row.orderNum, -1);
      return row;
    };
  }
  return order;
}

describe("an order the provider is still processing", () => {
  it("is handed to order.poll after the short wait: the run ends at once, the lease passes to the job, and nothing can place it again", async () => {
    const { otherOrderId } = await pendingUpstream("poll-lease", { forever: true });
    // Timed without the queue's own start (its schema is set up on first use).
    await startQueue();

    const startedAt = Date.now();
    const outcome = await fulfilPaidOrder(otherOrderId);
    const runMs = Date.now() - startedAt;

    expect(outcome).toEqual({ transient: false, awaitingProvider: true });
    const waiting = await orderWithEsims(otherOrderId);
    expect(waiting).toMatchObject({ status: OrderStatus.FULFILLING, leaseToken: AWAITING_PROVIDER, esims: [] });
    expect(waiting.providerOrderRef).toBe(mioesimOrderTagged(world.mioesim, otherOrderId).orderNum);
    // Held until the job will have given up at the latest, so no admin retry and no takeover.
    expect(hasLiveLease(waiting)).toBe(true);
    expect(waiting.leaseExpiresAt!.getTime()).toBeGreaterThan(waiting.placementSentAt!.getTime() + TIMEOUT_SECONDS * 1000);
    expect(canRetry(waiting)).toBe(false);
    expect(await jobsFor(otherOrderId)).toEqual([{ name: "order.poll", state: "created" }]);

    const before = counts();
    await fulfilPaidOrder(otherOrderId);
    await retryFulfilment(otherOrderId);
    // The sweep sees a job waiting for it and queues nothing, for fulfilment least of all.
    await sweepStrandedOrders();
    expect(counts()).toEqual(before);
    expect(await jobsFor(otherOrderId)).toEqual([{ name: "order.poll", state: "created" }]);
    expect(await orderWithEsims(otherOrderId)).toMatchObject({ status: OrderStatus.FULFILLING, leaseToken: AWAITING_PROVIDER });
    console.info(JSON.stringify({ check: "run that hands over to order.poll", runMs }));
    // One order request, one look-up 50 ms later, the hand-over: nothing near the polling window.
    expect(runMs).toBeLessThan(5_000);
  });

  it("gets its poll job back from the recovery sweep when the job was lost, and a takeover after the lease ran out looks it up instead of placing it", async () => {
    const { otherOrderId } = await pendingUpstream("poll-lost", { forever: true });
    await fulfilPaidOrder(otherOrderId);
    await db().$executeRaw`DELETE FROM pgboss.job WHERE name = 'order.poll' AND singleton_key = ${otherOrderId}`;

    await sweepStrandedOrders();
    expect(await jobsFor(otherOrderId)).toEqual([{ name: "order.poll", state: "created" }]);

    // Long after: the lease the job held has run out too. Whatever runs next looks the order up first.
    await db().order.update({ where: { otherOrderId }, data: { leaseExpiresAt: new Date(Date.now() - 1) } });
    const before = counts();
    await fulfilPaidOrder(otherOrderId);
    expect(counts().orders).toBe(before.orders);
    expect(counts().lookups).toBeGreaterThan(before.lookups);
    expect(await orderWithEsims(otherOrderId)).toMatchObject({ status: OrderStatus.FULFILLING, leaseToken: AWAITING_PROVIDER });
    expect(world.mioesim.state.ordersTagged(otherOrderId)).toBe(1);
  });

  it("is looked up again after backoff while still pending, also when a look-up fails, and goes to review with the reason once the window has passed", async () => {
    const { otherOrderId } = await pendingUpstream("poll-timeout", { forever: true });
    await fulfilPaidOrder(otherOrderId);

    await expect(handlers["order.poll"]({ otherOrderId }, pollJob(1))).rejects.toBeInstanceOf(RetryLater);
    world.mioesim.sim.faults.http500 = 20;
    await expect(handlers["order.poll"]({ otherOrderId }, pollJob(2))).rejects.toBeInstanceOf(RetryLater);
    world.mioesim.sim.resetFaults();
    expect(await orderWithEsims(otherOrderId)).toMatchObject({ status: OrderStatus.FULFILLING, leaseToken: AWAITING_PROVIDER });

    // Sent longer ago than the window: the next look-up that still finds it pending gives up.
    await db().order.update({ where: { otherOrderId }, data: { placementSentAt: new Date(Date.now() - (TIMEOUT_SECONDS + 1) * 1000) } });
    await handlers["order.poll"]({ otherOrderId }, pollJob(3));

    const reviewed = await orderWithEsims(otherOrderId);
    expect(reviewed).toMatchObject({ status: OrderStatus.NEEDS_REVIEW, leaseToken: null, leaseExpiresAt: null, esims: [] });
    expect(reviewed.reviewReason).toMatch(/still reports the order pending .*60\d s after the order was sent/);
    expect(canRetry(reviewed)).toBe(true);
    const timeline = await db().orderEvent.findMany({
      where: { orderId: otherOrderId },
      orderBy: { createdAt: "asc" },
      select: { event: true },
    });
    expect(timeline.map((e) => e.event)).toEqual(["placement_started", "review_needed"]);
    expect(world.mioesim.state.ordersTagged(otherOrderId)).toBe(1);
  });

  it("goes to review on the job's last attempt, even inside the window", async () => {
    const { otherOrderId } = await pendingUpstream("poll-last", { forever: true });
    await fulfilPaidOrder(otherOrderId);

    await handlers["order.poll"]({ otherOrderId }, pollJob(11, 10));

    expect((await orderWithEsims(otherOrderId)).status).toBe(OrderStatus.NEEDS_REVIEW);
  });

  it("is delivered by the queue's order.poll job through the fulfilment path, once, with the delivery email recorded", async () => {
    const { otherOrderId } = await pendingUpstream("poll-deliver");
    const before = counts();

    // The simulator delivers on the second look-up: the run's one look-up still sees it pending.
    expect(await fulfilPaidOrder(otherOrderId)).toEqual({ transient: false, awaitingProvider: true });
    registerHandlers({ "order.poll": handlers["order.poll"] });
    await startWorker({ instanceName: "polling-test" });
    try {
      const deadline = Date.now() + 20_000;
      while ((await orderWithEsims(otherOrderId)).status !== OrderStatus.FULFILLED && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 200));
    } finally {
      await stopJobs({ timeoutMs: 2_000 });
    }

    const done = await orderWithEsims(otherOrderId);
    expect(done).toMatchObject({ status: OrderStatus.FULFILLED, leaseToken: null, leaseExpiresAt: null, reviewReason: null });
    expect(done.esims).toHaveLength(1);
    expect(done.esims[0]!.iccid).toBe(mioesimOrderTagged(world.mioesim, otherOrderId).cardApiDtoList?.[0]?.iccid);
    expect(counts().orders).toBe(before.orders + 1);
    expect(world.mioesim.state.ordersTagged(otherOrderId)).toBe(1);
    const timeline = await db().orderEvent.findMany({
      where: { orderId: otherOrderId },
      orderBy: { createdAt: "asc" },
      select: { event: true },
    });
    expect(timeline.map((e) => e.event)).toEqual(["placement_started", "delivered"]);
    const [job] = await jobsFor(otherOrderId);
    expect(job).toEqual({ name: "order.poll", state: "completed" });
    expect(await db().emailMessage.findUnique({ where: { dedupeKey: `order.delivered:${otherOrderId}` } })).toMatchObject({
      kind: "order.delivered",
      to: expect.stringContaining("poll-deliver"),
      subject: expect.stringMatching(/^Your eSIM is ready/),
    });

    // A poll that comes late finds nothing to do.
    const settled = counts();
    await handlers["order.poll"]({ otherOrderId }, pollJob(2));
    expect(counts()).toEqual(settled);
  });
});

describe("the polling jobs' retry settings", () => {
  it("cover the whole window even when pg-boss picks the shortest wait every time", () => {
    for (const [backoff, timeout] of [
      [5, 3_600],
      [1, 600],
      [30, 86_400],
      [10, 5],
    ] as const) {
      const settings = providerPollRetries({ PROVIDER_POLL_BACKOFF_SECONDS: backoff, PROVIDER_POLL_TIMEOUT_SECONDS: timeout });
      expect(settings).toMatchObject({ startAfter: backoff, retryDelaySeconds: backoff, retryBackoff: true, retryDelayMaxSeconds: 600 });
      // Retry n waits at least backoff·2^(n-1), at most 600 s.
      let shortest = backoff;
      for (let retry = 1; retry < settings.retryLimit!; retry++) shortest += Math.min(backoff * 2 ** (retry - 1), 600);
      expect(shortest).toBeGreaterThanOrEqual(timeout);
    }
    expect(providerPollRetries({ PROVIDER_POLL_BACKOFF_SECONDS: 5, PROVIDER_POLL_TIMEOUT_SECONDS: 3_600 }).retryLimit).toBe(13);
  });
});
