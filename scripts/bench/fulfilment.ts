/**
 * Two in-process measurements for `npm run bench:http`, each with its own
 * throw-away database, the provider simulators, the fake Stripe and the job
 * worker as in production:
 *
 * - `--orders N` (embedded PGlite): N card orders paid one after another,
 *   after one more that warms the process up (its figure printed apart).
 *   For each, the time from the `paid` transition to the `delivered` one (the
 *   order page shows the eSIM from then on), less the time spent inside
 *   requests to the provider simulators (measured around each request from
 *   this side, so loopback counts as the provider's). The rest is ours: the
 *   webhook, the job queue, the database, PDF and QR work.
 * - `--spends N` (PostgreSQL, TEST_POSTGRES_URL or DATABASE_URL): N wallet
 *   payments at once through the real payment path against a wallet that
 *   covers only three quarters of them. Anomalies: successes other than the
 *   number the funds cover, a balance that is not funds minus what was
 *   spent, a ledger that does not sum to the balance, an order paid twice.
 *
 *   tsx --import=./scripts/server-only.mjs scripts/bench/fulfilment.ts --orders 20
 *   tsx --import=./scripts/server-only.mjs scripts/bench/fulfilment.ts --spends 200
 */
import { performance } from "node:perf_hooks";
import { percentile, postgresServerUrl } from "./databases";
import { cliArgs, startBenchWorld } from "./world";

const args = cliArgs();
const ORDERS = Number(args.get("orders") ?? 0);
const SPENDS = Number(args.get("spends") ?? 0);
/** The simulators answer after this long, standing in for a provider's own time. */
const PROVIDER_LATENCY_MS = 25;

/**
 * Every request to a provider simulator, timed from this side. Installed
 * before the app's modules load: the provider clients keep the fetch they
 * were made with.
 */
function timeProviderRequests(providerUrls: string[]): { start: number; end: number }[] {
  const spans: { start: number; end: number }[] = [];
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (!providerUrls.some((base) => url.startsWith(base))) return realFetch(input, init);
    const start = Date.now();
    try {
      return await realFetch(input, init);
    } finally {
      spans.push({ start, end: Date.now() });
    }
  };
  return spans;
}

async function fulfilmentOverhead(): Promise<void> {
  const providerUrls: string[] = [];
  const spans = timeProviderRequests(providerUrls);
  const w = await startBenchWorld({ engine: "pglite", name: "bench-fulfilment" });
  providerUrls.push(w.mioesim.url, w.meisim.url);
  try {
    const { db } = await import("../../lib/db/client");
    const { createOrder } = await import("../../lib/orders/orders");
    const { createOrderCheckout } = await import("../../lib/billing/checkout");
    const { startStoreWorker } = await import("../../lib/jobs/handlers");
    await startStoreWorker("bench-fulfilment");
    w.mioesim.sim.faults.latencyMs = PROVIDER_LATENCY_MS;

    const totals: number[] = [];
    const providerTimes: number[] = [];
    const overheads: number[] = [];
    let coldOverhead = 0;
    // One more order first, to warm up: its code paths are then compiled and its queries prepared, as in a running store.
    for (let i = -1; i < ORDERS; i++) {
      const order = await createOrder({ userId: w.customer.id, planId: w.plans.mioesim.id, paymentMethod: "CARD" });
      const checkout = await createOrderCheckout(w.customer.id, order.otherOrderId);
      await w.fake.completeSession(checkout.sessionId);
      const deadline = Date.now() + 60_000;
      let events: { event: string; createdAt: Date }[] = [];
      while (Date.now() < deadline) {
        events = await db().orderEvent.findMany({ where: { orderId: order.otherOrderId }, orderBy: { createdAt: "asc" } });
        if (events.some((e) => e.event === "delivered")) break;
        // The times come from the order's events, so the wait need not be short; a short one would
        // compete with the worker for the embedded database's one connection.
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const paid = events.find((e) => e.event === "paid")?.createdAt.getTime();
      const delivered = events.find((e) => e.event === "delivered")?.createdAt.getTime();
      if (paid === undefined || delivered === undefined) throw new Error(`order ${order.otherOrderId} was not delivered within 60 s`);
      const provider = spans.filter((s) => s.start >= paid && s.end <= delivered).reduce((sum, s) => sum + (s.end - s.start), 0);
      if (process.env.BENCH_DEBUG)
        console.log(
          JSON.stringify({
            events: events.map((e) => [e.event, e.createdAt.getTime() - paid]),
            spans: spans.filter((s) => s.start >= paid - 2000).map((s) => [s.start - paid, s.end - paid]),
          }),
        );
      if (i < 0) {
        coldOverhead = delivered - paid - provider;
        continue;
      }
      totals.push(delivered - paid);
      providerTimes.push(provider);
      overheads.push(delivered - paid - provider);
    }
    const row = (label: string, values: number[]) => {
      const sorted = [...values].sort((a, b) => a - b);
      return `${label.padEnd(34)} p50 ${String(percentile(sorted, 50)).padStart(5)} ms   p95 ${String(percentile(sorted, 95)).padStart(5)} ms   max ${String(sorted.at(-1)).padStart(5)} ms`;
    };
    console.log(
      `\nCard paid → eSIM shown, ${ORDERS} orders one after another (embedded PGlite; simulators answer after ${PROVIDER_LATENCY_MS} ms)\n`,
    );
    console.log(row("paid → delivered", totals));
    console.log(row("inside provider requests", providerTimes));
    console.log(row("our overhead (the difference)", overheads));
    console.log(`(the warm-up order before them, the first after start: our overhead ${coldOverhead} ms)`);
  } finally {
    await w.stop();
  }
}

async function concurrentSpends(): Promise<void> {
  if (!postgresServerUrl()) {
    console.log("\nWallet spends: skipped, set TEST_POSTGRES_URL to a PostgreSQL server");
    return;
  }
  const w = await startBenchWorld({ engine: "postgres", name: "bench-fulfilment" });
  try {
    const { db } = await import("../../lib/db/client");
    const { createOrder } = await import("../../lib/orders/orders");
    const { payOrderFromWallet } = await import("../../lib/billing/wallet-payment");
    const { adjustWallet } = await import("../../lib/wallet/adjustments");
    const price = w.plans.mioesim.priceMinor;
    const affordable = Math.floor((SPENDS * 3) / 4);
    const funds = affordable * price;
    await adjustWallet({ userId: w.customer.id, amountMinor: funds, reason: "Bench funding", authorId: w.admin.id });
    const orders = [];
    for (let i = 0; i < SPENDS; i++)
      orders.push(await createOrder({ userId: w.customer.id, planId: w.plans.mioesim.id, paymentMethod: "WALLET" }));

    const started = performance.now();
    const results = await Promise.allSettled(orders.map((o) => payOrderFromWallet(w.customer.id, o.otherOrderId)));
    const seconds = (performance.now() - started) / 1000;
    const succeeded = results.filter((r) => r.status === "fulfilled").length;
    const wallet = await db().wallet.findUniqueOrThrow({ where: { userId: w.customer.id } });
    const ledger = await db().walletEntry.aggregate({ where: { userId: w.customer.id }, _sum: { amountMinor: true } });
    const debitsPerOrder = await db().walletEntry.groupBy({
      by: ["orderId"],
      where: { userId: w.customer.id, orderId: { not: null } },
      _count: { _all: true },
    });
    const anomalies = {
      successesOtherThanFunded: Math.abs(succeeded - affordable),
      balanceMismatch: wallet.balanceMinor === funds - succeeded * price ? 0 : 1,
      ledgerMismatch: (ledger._sum.amountMinor ?? 0) === wallet.balanceMinor ? 0 : 1,
      ordersPaidTwice: debitsPerOrder.filter((d) => d._count._all > 1).length,
    };
    const total = Object.values(anomalies).reduce((a, b) => a + b, 0);
    console.log(`\nWallet: ${SPENDS} payments at once against funds for ${affordable} (PostgreSQL)\n`);
    console.log(
      `${succeeded} paid, ${SPENDS - succeeded} refused, ${(SPENDS / seconds).toFixed(0)} spends/s (${(seconds * 1000).toFixed(0)} ms), balance ${wallet.balanceMinor}, anomalies ${total} ${JSON.stringify(anomalies)}`,
    );
  } finally {
    await w.stop();
  }
}

async function main() {
  // One per process: the app's modules keep their database and configuration for the process's life.
  if (ORDERS > 0 === SPENDS > 0) throw new Error("give one of --orders N or --spends N");
  if (ORDERS > 0) await fulfilmentOverhead();
  else await concurrentSpends();
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
