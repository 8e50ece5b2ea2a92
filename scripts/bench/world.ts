/**
 * The world an in-process benchmark runs the store in: a throw-away database,
 * both provider simulators, the fake Stripe whose webhooks reach the app's own
 * route handler (as on a server), the environment the app reads, a Japan plan
 * per provider, a customer and an admin. The job worker is the caller's to
 * start; stop() stops it with the rest.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { migrateDatabase } from "../../lib/db/migrate";
import { startMeisimSimulator } from "../../simulators/meisim";
import { startMioesimSimulator } from "../../simulators/mioesim";
import { startFakeStripe } from "../../simulators/stripe";
import { SILENT_LOGGER, startWebhookReceiver } from "../../simulators/stripe/receiver";
import { throwawayDatabase, type Engine } from "./databases";

/** `--name value` pairs from the command line. */
export function cliArgs(): Map<string, string> {
  const args = new Map<string, string>();
  for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ""), process.argv[i + 1] ?? "");
  return args;
}

export async function startBenchWorld({
  engine,
  name,
  env = {},
  webhookRetryDelaysMs,
  dialect,
}: {
  engine: Engine;
  /** Names the database, the data folder and the secrets, so that two benchmarks' leftovers are told apart. */
  name: string;
  /** More of the app's settings (provider timeouts…). */
  env?: Record<string, string>;
  /** The fake Stripe's redelivery delays, when its own defaults do not suit. */
  webhookRetryDelaysMs?: number[];
  /** The dialect both provider simulators start in (default friendly); they can switch later (setDialect). */
  dialect?: "friendly" | "strict" | "alternative";
}) {
  // Database names and Stripe's secrets take word characters only.
  const word = name.replaceAll("-", "_");
  const store = await throwawayDatabase(engine, word);
  await migrateDatabase(store.url);
  const [mioesim, meisim] = await Promise.all([
    startMioesimSimulator({ dialect }),
    startMeisimSimulator({ dialect, demoBalanceCents: 100_000_000 }),
  ]);

  let handleWebhook: (request: Request) => Promise<Response> = async () => new Response("not ready", { status: 503 });
  const receiver = await startWebhookReceiver((request) => handleWebhook(request));
  const webhookSecret = `whsec_${word}`;
  const fake = await startFakeStripe({ webhookUrl: receiver.url, webhookSecret, webhookRetryDelaysMs, logger: SILENT_LOGGER });

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
  Object.assign(process.env, {
    DATABASE_URL: store.url,
    DATABASE_POOL_SIZE: engine === "pglite" ? "1" : "10",
    AUTH_SECRET: `${name}-secret-`.repeat(2),
    APP_URL: "http://shop.bench",
    MIOESIM_BASE_URL: mioesim.url,
    MEISIM_BASE_URL: meisim.url,
    STRIPE_API_BASE: fake.url,
    STRIPE_SECRET_KEY: `sk_test_${word}`,
    STRIPE_WEBHOOK_SECRET: webhookSecret,
    // The emails the worker sends land in an outbox of the run's own, not the demo's.
    DATA_DIR: dataDir,
    LOG_LEVEL: process.env.LOG_LEVEL ?? "error",
    ...env,
  });
  // The app's modules read the environment when they load: only now.
  handleWebhook = (await import("../../app/api/webhooks/stripe/route")).POST;
  const { db } = await import("../../lib/db/client");

  await db().destination.create({ data: { slug: "japan", name: "Japan", kind: "COUNTRY", countryCodes: ["JP"] } });
  const plan = (provider: string, planRef: string) =>
    db().plan.create({
      data: {
        provider,
        planRef,
        destinationSlug: "japan",
        name: `Japan 1 GB 7 days (${provider})`,
        dataMb: 1024,
        days: 7,
        wholesaleMinor: 449,
        priceMinor: 699,
        currency: "USD",
        renewable: false,
        dayPass: false,
        cancellable: false,
        syncedAt: new Date(),
      },
    });
  const [mioesimPlan, meisimPlan] = await Promise.all([plan("mioesim", "26:261"), plan("meisim", "esim_1gb_7days_jp")]);
  const customer = await db().user.create({ data: { email: "customer@bench.test", emailVerified: new Date() } });
  const admin = await db().user.create({ data: { email: "admin@bench.test", role: "ADMIN" } });

  return {
    mioesim,
    meisim,
    fake,
    plans: { mioesim: mioesimPlan, meisim: meisimPlan },
    customer,
    admin,
    async stop() {
      const { stopJobs } = await import("../../lib/jobs");
      await stopJobs({ timeoutMs: 5_000 });
      await db().$disconnect();
      await Promise.all([mioesim.close(), meisim.close(), fake.close(), receiver.close()]);
      await store.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
