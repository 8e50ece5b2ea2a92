/**
 * The billing integration tests' world: the fake Stripe, its webhooks
 * delivered over HTTP to the app's real route handler, and small factories
 * for customers, admins and orders in the test database.
 */
import Stripe from "stripe";
import { afterAll, beforeAll, vi } from "vitest";
import { POST as stripeWebhookRoute } from "@/app/api/webhooks/stripe/route";
import { db } from "@/lib/db/client";
import { PaymentMethod, Role, type User } from "@/lib/generated/prisma/client";
import { startQueue } from "@/lib/jobs";
import { createOrder } from "@/lib/orders/orders";
import { startFakeStripe, type FakeEvent, type FakeStripe } from "@/simulators/stripe/index";
import { SILENT_LOGGER, startWebhookReceiver, type WebhookReceiver } from "@/simulators/stripe/receiver";
import { catalogPlan, disconnectWithin, providersPerFile, type ProviderWorld, type SimulatorDialect } from "./providers";

export const TEST_STRIPE = { secretKey: "sk_test_billing_tests", webhookSecret: "whsec_billing_tests" } as const;

export interface BillingWorld {
  fake: FakeStripe;
  /** A client of our own, for acting as the Stripe Dashboard would. */
  stripe: Stripe;
  /** The provider simulators the stock checks before payment reach. */
  providers: ProviderWorld;
}

/**
 * Starts the fake before the file's tests and points the app's environment
 * at it. The billing modules read the environment on first use, so the test
 * file may import them statically. `extraEnv` sets anything else the file
 * needs (a top-up fee, say) the same way.
 */
export function billingWorldPerFile(extraEnv: Record<string, string> = {}, dialect: SimulatorDialect = "friendly"): BillingWorld {
  const world = {} as BillingWorld;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await startWebhookReceiver(stripeWebhookRoute);
    const fake = await startFakeStripe({
      webhookUrl: receiver.url,
      webhookSecret: TEST_STRIPE.webhookSecret,
      // Retried as Stripe retries, only sooner: a handler that fails once (a transient database error) gets its second chance.
      webhookRetryDelaysMs: [100, 500],
      logger: SILENT_LOGGER,
    });
    Object.assign(process.env, {
      STRIPE_API_BASE: fake.url,
      STRIPE_SECRET_KEY: TEST_STRIPE.secretKey,
      STRIPE_WEBHOOK_SECRET: TEST_STRIPE.webhookSecret,
      APP_URL: "http://shop.test",
      LOG_LEVEL: "error",
      ...extraEnv,
    });
    world.fake = fake;
    world.stripe = new Stripe(TEST_STRIPE.secretKey, { host: "127.0.0.1", port: fake.port, protocol: "http", maxNetworkRetries: 0 });
  });
  // Payments ask the provider for stock before taking money, so the provider
  // simulators run too; registered after the Stripe set-up, whose settings
  // must be in place before the provider set-up first reads the environment.
  world.providers = providersPerFile(extraEnv, dialect);
  afterAll(async () => {
    await world.fake?.close();
    await receiver?.close();
    await disconnectWithin(10_000);
  });
  return world;
}

/** The `checkout.session.completed` event the fake created for one session. */
export function completedEventOf(fake: FakeStripe, sessionId: string): FakeEvent {
  const event = fake.events("checkout.session.completed").find((e) => e.data.object.id === sessionId);
  if (!event) throw new Error(`No checkout.session.completed event for ${sessionId}`);
  return event;
}

let serial = 0;
const unique = () => `${Date.now().toString(36)}-${(serial += 1)}`;

export function createUser(role: Role = Role.CUSTOMER): Promise<User> {
  const id = unique();
  return db().user.create({ data: { email: `${role.toLowerCase()}-${id}@billing.test`, name: `Test ${id}`, role } });
}

/**
 * An order awaiting payment, made by the storefront's own createOrder from a
 * real plan of the MIOeSIM simulator (so the stock check before payment is
 * answered by it) priced at `amountMinor`.
 */
export async function createPendingOrder(userId: string, amountMinor: number, paymentMethod: PaymentMethod = PaymentMethod.CARD) {
  const plan = await catalogPlan({ provider: "mioesim", planRef: "26:261", priceMinor: amountMinor });
  return createOrder({ userId, planId: plan.id, paymentMethod });
}

/** Fulfilment jobs queued for an order (the job queue's own table), whatever their state. */
export async function fulfilmentJobsFor(otherOrderId: string): Promise<number> {
  await startQueue(); // the queue's schema exists even when nothing was queued yet
  const rows = await db().$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'order.fulfil' AND data->>'otherOrderId' = ${otherOrderId}`;
  return rows[0]?.n ?? 0;
}

/** The wallet's balance, and the sum of its ledger, which must always agree. */
export async function walletState(userId: string) {
  const [wallet, sum, entries] = await Promise.all([
    db().wallet.findUnique({ where: { userId } }),
    db().walletEntry.aggregate({ where: { userId }, _sum: { amountMinor: true } }),
    db().walletEntry.findMany({ where: { userId }, orderBy: { createdAt: "asc" } }),
  ]);
  return { balanceMinor: wallet?.balanceMinor ?? 0, ledgerSumMinor: sum._sum.amountMinor ?? 0, entries };
}

/** Waits for what a webhook delivered in the background does, allowing for a slow, busy machine. */
export function eventually<T>(check: () => T | Promise<T>): Promise<T> {
  return vi.waitFor(check, { timeout: 15_000, interval: 50 });
}
