/**
 * The fault benchmark: places orders through the real payment paths (wallet,
 * and card through the fake Stripe with its webhooks redelivered and arriving
 * after the success page) while each provider simulator answers in one fault
 * at a time: its variant dialects (answers lost after the order is made,
 * slow, cut-off JSON, HTML error pages, huge bodies, unlisted codes, unknown
 * statuses, missing fields, an order that reaches the history late) and the
 * older injected faults (HTTP 500, token expiry, MIOeSIM's 99, MeiSIM's
 * 429). MIOeSIM's and MeiSIM's faults run side by side, each fault's orders
 * settled before the next fault. The job queue and its worker run as in
 * production. It prints a table per fault and these totals, all of which
 * must be 0:
 *
 * - references with two upstream orders;
 * - customers refunded while an upstream order stands;
 * - paid orders with no visible next step (neither delivered, nor refunded,
 *   nor in review with a reason, nor cancelling with its poll queued).
 *
 *   npm run bench:faults -- [--per-fault 20] [--engine pglite|postgres] [--faults lost-answer,http-500]
 *
 * The postgres engine makes a throw-away database on TEST_POSTGRES_URL (or
 * DATABASE_URL). The last line is the summary as JSON, for the CI test.
 */
import { performance } from "node:perf_hooks";
import type { MeisimDialect } from "../simulators/meisim";
import type { MioesimDialect } from "../simulators/mioesim";
import type { Engine } from "./bench/databases";
import { cliArgs, startBenchWorld } from "./bench/world";

const args = cliArgs();
const PER_FAULT = Number(args.get("per-fault") ?? 20);
const ENGINE = (args.get("engine") ?? "pglite") as Engine;
const SETTLE_TIMEOUT_MS = Number(args.get("timeout-ms") ?? 5 * 60_000);
const ONLY = args.get("faults")?.split(",").filter(Boolean);
if (!Number.isInteger(PER_FAULT) || PER_FAULT < 1) throw new Error("--per-fault must be a whole number ≥ 1");
if (ENGINE !== "pglite" && ENGINE !== "postgres") throw new Error("--engine must be pglite or postgres");

/** The provider timeout the store runs with here; a slow answer takes longer, so it arrives after the store gave up on it. */
const PROVIDER_TIMEOUT_MS = 500;
const VARIANT_SETTINGS = { slowAnswerMs: 1_500, lateHistoryMs: 1_500, hugeBodyBytes: 1_000_000 };

type World = Awaited<ReturnType<typeof startBenchWorld>>;
type Provider = "mioesim" | "meisim";

interface Fault {
  name: string;
  provider: Provider;
  /** The dialect the provider's simulator answers in while the fault's orders run. */
  dialect: MioesimDialect | MeisimDialect;
  /** An injected fault armed before each order (on top of the dialect), if any. */
  arm?: (world: World) => void;
}

const VARIANTS = [
  "lost-answer",
  "slow-answer",
  "malformed-json",
  "html-error",
  "huge-body",
  "late-history",
  "unlisted-code",
  "unknown-status",
  "missing-fields",
] as const;
const forced = (sim: World["mioesim"]["sim"] | World["meisim"]["sim"], name: string) =>
  (sim.faults.forced[name] = (sim.faults.forced[name] ?? 0) + 1);

const FAULTS: Fault[] = [
  ...VARIANTS.flatMap((dialect) => (["mioesim", "meisim"] as const).map((provider) => ({ name: dialect, provider, dialect }))),
  { name: "stock-unlisted-code", provider: "mioesim", dialect: "stock-unlisted-code" },
  { name: "http-500", provider: "mioesim", dialect: "strict", arm: (w) => (w.mioesim.sim.faults.http500 += 1) },
  { name: "token-expired", provider: "mioesim", dialect: "strict", arm: (w) => forced(w.mioesim.sim, "tokenExpired") },
  { name: "pdf-error-99", provider: "mioesim", dialect: "strict", arm: (w) => forced(w.mioesim.sim, "pdfError") },
  { name: "http-500", provider: "meisim", dialect: "strict", arm: (w) => (w.meisim.sim.faults.http500 += 1) },
  { name: "rate-limited-429", provider: "meisim", dialect: "strict", arm: (w) => forced(w.meisim.sim, "rateLimited") },
];

interface FaultResult {
  fault: string;
  provider: Provider;
  orders: number;
  /** Refused before payment (the provider could not confirm it could fill the order): nothing charged. */
  refused: number;
  delivered: number;
  review: number;
  refunded: number;
  duplicates: number;
  refundedWhileStanding: number;
  noNextStep: number;
  settled: boolean;
}

async function main() {
  const started = performance.now();
  const world = await startBenchWorld({
    engine: ENGINE,
    name: "bench-faults",
    webhookRetryDelaysMs: [200, 1_000],
    dialect: "strict",
    env: {
      PROVIDER_TIMEOUT_MS: String(PROVIDER_TIMEOUT_MS),
      PROVIDER_POLL_INTERVAL_MS: "100",
      FULFILMENT_LEASE_MS: "3000",
      // Where the store waits before reading an empty history as "absent": longer than late-history's lateHistoryMs,
      // and short enough for the run (the fulfil branch's setting; ignored where the store does not read it).
      PROVIDER_ABSENCE_WINDOW_SECONDS: "3",
    },
  });
  const { mioesim, meisim, fake, customer, admin } = world;
  const { db } = await import("../lib/db/client");
  const { createOrderCheckout } = await import("../lib/billing/checkout");
  const { fulfilOrderCheckout } = await import("../lib/billing/fulfil");
  const { payOrderFromWallet } = await import("../lib/billing/wallet-payment");
  const { createOrder } = await import("../lib/orders/orders");
  const { adjustWallet } = await import("../lib/wallet/adjustments");
  const { startStoreWorker } = await import("../lib/jobs/handlers");
  const { isSettled } = await import("../lib/orders/lifecycle");

  const faults = FAULTS.filter((fault) => !ONLY || ONLY.includes(fault.name));
  if (faults.length === 0) throw new Error(`--faults matched none of ${[...new Set(FAULTS.map((f) => f.name))].join(", ")}`);
  await adjustWallet({ userId: customer.id, amountMinor: faults.length * PER_FAULT * 699, reason: "Bench funding", authorId: admin.id });
  await startStoreWorker("bench-faults");

  let paid = 0;
  async function buy(fault: Fault): Promise<string> {
    const byCard = paid++ % 2 === 1;
    const order = await createOrder({
      userId: customer.id,
      planId: world.plans[fault.provider].id,
      paymentMethod: byCard ? "CARD" : "WALLET",
    });
    for (let attempt = 1; ; attempt++) {
      fault.arm?.(world);
      try {
        if (!byCard) {
          await payOrderFromWallet(customer.id, order.otherOrderId);
        } else {
          const checkout = await createOrderCheckout(customer.id, order.otherOrderId);
          // The customer is back on the success page before Stripe's webhook, which then arrives three times.
          await fake.completeSession(checkout.sessionId, { webhook: false });
          await fulfilOrderCheckout(checkout.sessionId, { ownerId: customer.id });
          const completed = fake
            .events("checkout.session.completed")
            .find((e) => (e.data.object as { id: string }).id === checkout.sessionId);
          if (completed) await fake.redeliver(completed.id, 3);
        }
        return order.otherOrderId;
      } catch (err) {
        // The stock check before payment may meet an injected fault; the customer tries again, and gives up on a
        // plan the store keeps refusing (nothing was charged: the order stays unpaid, and is counted as refused).
        if ((err as { code?: string }).code === "plan_unavailable" && attempt >= 5) return order.otherOrderId;
        if (attempt >= 5) throw err;
      }
    }
  }

  const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
  const unsettled = async (ids: string[]) =>
    // Orders refused before payment stay unpaid, and are done with.
    (
      await db().order.findMany({
        where: { otherOrderId: { in: ids }, paidAt: { not: null } },
        select: { status: true, reviewReason: true },
      })
    ).filter((o) => !isSettled(o)).length;
  /** Settled on two looks in a row: a failure the job tries again after its backoff passes through FULFILMENT_FAILED for a moment. */
  async function settle(ids: string[]): Promise<boolean> {
    const deadline = Date.now() + SETTLE_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if ((await unsettled(ids)) === 0) {
        await pause(500);
        if ((await unsettled(ids)) === 0) return true;
      }
      await pause(500);
    }
    return false;
  }

  const byFault = new Map<Fault, string[]>();
  const settledFaults = new Set<Fault>();
  async function run(fault: Fault) {
    const simulator = fault.provider === "mioesim" ? mioesim : meisim;
    (simulator.setDialect as (dialect: string, settings: typeof VARIANT_SETTINGS) => void)(fault.dialect, VARIANT_SETTINGS);
    const ids: string[] = [];
    byFault.set(fault, ids);
    const CONCURRENCY = 4;
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next++ < PER_FAULT) ids.push(await buy(fault));
      }),
    );
    if (await settle(ids)) settledFaults.add(fault);
    simulator.sim.resetFaults();
  }
  // One lane per provider: each simulator speaks one dialect at a time.
  await Promise.all(
    (["mioesim", "meisim"] as const).map(async (provider) => {
      for (const fault of faults.filter((f) => f.provider === provider)) await run(fault);
    }),
  );
  const runMs = performance.now() - started;

  const delivered = new Set(["FULFILLED", "PARTIALLY_FULFILLED"]);
  const results: FaultResult[] = [];
  const byStatus: Record<string, number> = {};
  const noNextStepOrders: string[] = [];
  // Table order: MIOeSIM's faults, then MeiSIM's, each in FAULTS order.
  const ordered = [...byFault].sort(([a], [b]) => a.provider.localeCompare(b.provider) * -1 || FAULTS.indexOf(a) - FAULTS.indexOf(b));
  for (const [fault, ids] of ordered) {
    const orders = await db().order.findMany({
      where: { otherOrderId: { in: ids } },
      include: { refunds: { where: { status: "SUCCEEDED" } } },
    });
    const result: FaultResult = {
      fault: fault.name,
      provider: fault.provider,
      orders: orders.length,
      refused: 0,
      delivered: 0,
      review: 0,
      refunded: 0,
      duplicates: 0,
      refundedWhileStanding: 0,
      noNextStep: 0,
      settled: settledFaults.has(fault),
    };
    for (const order of orders) {
      byStatus[order.status] = (byStatus[order.status] ?? 0) + 1;
      const refundedMinor = order.refunds.reduce((sum, r) => sum + r.amountMinor, 0);
      let upstream: number;
      let standing: number;
      if (order.provider === "mioesim") {
        upstream = mioesim.state.ordersTagged(order.otherOrderId);
        standing = mioesim.state.standingOrdersTagged(order.otherOrderId);
        result.duplicates += Math.max(0, upstream - 1);
      } else {
        const refs = new Map<string, number>();
        standing = 0;
        for (const row of meisim.state.orders) {
          if (!row.customerReference?.startsWith(`${order.otherOrderId}-`)) continue;
          refs.set(row.customerReference, (refs.get(row.customerReference) ?? 0) + 1);
          if (row.status === "completed") standing++;
        }
        for (const count of refs.values()) result.duplicates += Math.max(0, count - 1);
      }
      if (refundedMinor > 0 && standing > 0) result.refundedWhileStanding++;
      const isDelivered = delivered.has(order.status);
      const isRefunded = refundedMinor >= order.amountMinor;
      const inReview = order.status === "NEEDS_REVIEW" && Boolean(order.reviewReason);
      // A cancellation still processing upstream: the order page says so and a poll job follows it.
      const cancelling = order.status === "CANCEL_PENDING";
      if (!order.paidAt) result.refused++;
      if (isDelivered) result.delivered++;
      if (isRefunded) result.refunded++;
      if (inReview) result.review++;
      if (order.paidAt && !isDelivered && !isRefunded && !inReview && !cancelling) {
        result.noNextStep++;
        noNextStepOrders.push(
          `${fault.provider}/${fault.name}: ${order.otherOrderId} ${order.status} (${order.reviewReason ?? order.failureReason})`,
        );
      }
    }
    results.push(result);
  }

  const total = (key: "orders" | "duplicates" | "refundedWhileStanding" | "noNextStep") => results.reduce((sum, r) => sum + r[key], 0);
  const summary = {
    engine: ENGINE,
    perFault: PER_FAULT,
    faults: results.length,
    orders: total("orders"),
    duplicates: total("duplicates"),
    refundedWhileStanding: total("refundedWhileStanding"),
    noNextStep: total("noNextStep"),
    unsettledFaults: results.filter((r) => !r.settled).map((r) => `${r.provider}/${r.fault}`),
    byStatus,
    runMs: Math.round(runMs),
  };

  console.log(`\nfault benchmark, ${ENGINE}, ${PER_FAULT} orders per fault, ${summary.orders} orders`);
  const columns = [
    "provider",
    "fault",
    "orders",
    "refused",
    "delivered",
    "review",
    "refunded",
    "two upstream",
    "refunded+standing",
    "no next step",
  ];
  const rows = results.map((r) => [
    r.provider,
    r.fault + (r.settled ? "" : " (unsettled)"),
    r.orders,
    r.refused,
    r.delivered,
    r.review,
    r.refunded,
    r.duplicates,
    r.refundedWhileStanding,
    r.noNextStep,
  ]);
  const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((row) => String(row[i]).length)));
  const line = (cells: (string | number)[]) =>
    "  " +
    cells.map((cell, i) => (typeof cell === "number" ? String(cell).padStart(widths[i]!) : String(cell).padEnd(widths[i]!))).join("  ");
  console.log(line(columns));
  for (const row of rows) console.log(line(row));
  console.log(`\n  references with two upstream orders              ${summary.duplicates}`);
  console.log(`  customers refunded while an upstream order stands ${summary.refundedWhileStanding}`);
  console.log(`  paid orders with no visible next step            ${summary.noNextStep}`);
  for (const entry of noNextStepOrders) console.log(`    ${entry}`);
  console.log(`  run time                                         ${(runMs / 1000).toFixed(1)} s`);
  console.log(JSON.stringify({ benchFaults: summary }));

  await world.stop();
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
