/**
 * Prints figures for the work that has speed or memory goals: catalog sync,
 * batch usage queries, and concurrent wallet spending on the embedded
 * database. Everything runs locally against the simulators; nothing here is
 * a pass/fail test.
 *
 *   npm run bench
 */
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { findFreePort, startEmbeddedPostgres } from "../lib/db/embedded";
import { migrateDatabase } from "../lib/db/migrate";
import { startMeisimSimulator } from "../simulators/meisim";
import { startMioesimSimulator } from "../simulators/mioesim";

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

async function timed<T>(label: string, work: () => Promise<T>, describe: (result: T, ms: number) => string): Promise<T> {
  const started = performance.now();
  const result = await work();
  const ms = performance.now() - started;
  console.log(`${label.padEnd(44)} ${ms.toFixed(0).padStart(7)} ms   ${describe(result, ms)}`);
  return result;
}

async function main() {
  const database = await startEmbeddedPostgres({ dataDir: null, port: await findFreePort() });
  await migrateDatabase(database.url);
  const mioesim = await startMioesimSimulator();
  const meisim = await startMeisimSimulator();
  Object.assign(process.env, {
    DATABASE_URL: database.url,
    DATABASE_POOL_SIZE: "1",
    AUTH_SECRET: "bench-secret-bench-secret-bench-secret",
    MIOESIM_BASE_URL: mioesim.url,
    MEISIM_BASE_URL: meisim.url,
    LOG_LEVEL: "warn",
  });
  const { db } = await import("../lib/db/client");
  const { allProviders, providerById } = await import("../lib/providers/registry");
  const { syncCatalog } = await import("../lib/catalog/sync");
  const { postWalletEntry, lockWallet, LEDGER_TRANSACTION } = await import("../lib/wallet/ledger");
  const { WalletEntryKind } = await import("../lib/generated/prisma/client");

  console.log(`node ${process.version}, embedded PGlite, simulators on loopback\n`);
  for (const provider of allProviders()) {
    await timed(
      `catalog sync: ${provider.displayName}`,
      () => syncCatalog(provider),
      (r, ms) => `${r.plans} plans, ${(r.plans / (ms / 1000)).toFixed(0)} plans/s`,
    );
    await timed(
      `catalog re-sync (no changes): ${provider.displayName}`,
      () => syncCatalog(provider),
      (r) => `${r.plans} plans`,
    );
  }

  // 250 eSIMs ordered from the MIOeSIM simulator, then one usage query for all of them.
  const mio = providerById("mioesim");
  const plan = (await mio.listPlans()).find((p) => p.destination.kind === "country")!;
  const iccids: string[] = [];
  for (let i = 0; i < 25; i++) {
    const otherOrderId = `BENCH-${randomUUID()}`;
    const order = await mio.placeOrder({
      planRef: plan.planRef,
      otherOrderId,
      itemIds: Array.from({ length: 10 }, (_, n) => `${otherOrderId}-${n + 1}`),
    });
    iccids.push(...order.esims.map((e) => e.iccid));
  }
  const before = mioesim.sim.requestLog.length;
  await timed(
    `usage query: ${iccids.length} ICCIDs (MIOeSIM)`,
    () => mio.getUsage(iccids),
    (r) => `${r.length} results in ${mioesim.sim.requestLog.length - before} requests`,
  );

  // Concurrent spending: 50 debits of $1 against $20, on one pooled connection.
  const user = await db().user.create({ data: { email: `bench-${randomUUID()}@example.test` } });
  await db().$transaction(async (tx) => {
    await lockWallet(tx, user.id);
    await postWalletEntry(tx, {
      userId: user.id,
      kind: WalletEntryKind.ADJUSTMENT,
      amountMinor: 2000,
      currency: "USD",
      description: "bench funds",
      reason: "bench",
    });
  }, LEDGER_TRANSACTION);
  await timed(
    "wallet: 50 concurrent $1 spends against $20",
    () =>
      Promise.allSettled(
        Array.from({ length: 50 }, () =>
          db().$transaction(async (tx) => {
            await lockWallet(tx, user.id);
            await postWalletEntry(tx, {
              userId: user.id,
              kind: WalletEntryKind.ADJUSTMENT,
              amountMinor: -100,
              currency: "USD",
              description: "bench spend",
              reason: "bench",
            });
          }, LEDGER_TRANSACTION),
        ),
      ),
    (results) =>
      `${results.filter((r) => r.status === "fulfilled").length} succeeded, ${results.filter((r) => r.status === "rejected").length} refused`,
  );

  const usage = process.memoryUsage();
  console.log(`\nmemory: rss ${mb(usage.rss)}, heap used ${mb(usage.heapUsed)} (includes PGlite's WASM heap and both simulators)`);
  await db().$disconnect();
  await Promise.all([mioesim.close(), meisim.close()]);
  await database.stop();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
