/**
 * A fake Stripe for offline development and tests: the real `stripe` SDK,
 * pointed at it with `host`/`port`/`protocol`, gets Stripe-shaped answers,
 * and the app's webhook endpoint gets signed events. Test and demo
 * infrastructure only: nothing under lib/ or app/ imports it.
 */
import { createSimLogger, type SimLogger } from "../shared/log";
import { SimServer } from "../shared/server";
import { registerApiRoutes, registerUnknownRoutes } from "./api";
import { createControls, registerControlRoutes, type FakeStripeControls } from "./controls";
import { registerPayPage } from "./pay-page";
import { StripeSimulation } from "./simulation";
import { FakeStripeState } from "./state";
import { WebhookSender } from "./webhooks";

export type { FakeStripeControls } from "./controls";
export type { FakeEvent, FakeEventType } from "./objects";
export type { DeliveryAttempt, ReleaseOrder } from "./webhooks";
export { FakeStripeState } from "./state";

/** Keys for demos and local runs; the SDK needs a key shaped like a test key, the fake checks nothing more. */
export const FAKE_STRIPE_DEMO = {
  secretKey: "sk_test_demo_fake_stripe",
  webhookSecret: "whsec_demo_fake_stripe_secret",
} as const;

export interface FakeStripeOptions {
  /** 0 or absent picks a free port. */
  port?: number;
  /** The app's webhook endpoint; without one, events are only stored. */
  webhookUrl?: string;
  webhookSecret: string;
  /** The origin browsers use to reach the fake, when it is not the listening address. */
  publicBaseUrl?: string;
  /** Pauses before each webhook retry; the length bounds the retries (default 1 s, 5 s, 25 s). */
  webhookRetryDelaysMs?: number[];
  /** How long the app may take to answer one webhook attempt (default 10 s). */
  webhookTimeoutMs?: number;
  logger?: SimLogger;
}

export interface FakeStripe extends FakeStripeControls {
  /** e.g. http://127.0.0.1:4030 */
  url: string;
  /** For `new Stripe(key, { host: "127.0.0.1", port, protocol: "http" })`. */
  port: number;
  sim: SimServer;
  state: FakeStripeState;
  close(): Promise<void>;
}

export async function startFakeStripe(options: FakeStripeOptions): Promise<FakeStripe> {
  if (!options.webhookSecret) throw new Error("startFakeStripe needs a webhookSecret to sign events");
  const sim = new SimServer("stripe");
  const url = await sim.listen(options.port ?? 0);
  const state = new FakeStripeState();
  const webhooks = new WebhookSender({
    url: options.webhookUrl,
    secret: options.webhookSecret,
    retryDelaysMs: options.webhookRetryDelaysMs,
    timeoutMs: options.webhookTimeoutMs,
    logger: options.logger ?? createSimLogger({ sim: "stripe" }),
  });
  const stripe = new StripeSimulation(state, webhooks, (options.publicBaseUrl ?? url).replace(/\/+$/, ""));
  const controls = createControls(stripe);
  registerApiRoutes(sim, stripe);
  registerPayPage(sim, stripe);
  registerControlRoutes(sim, controls);
  registerUnknownRoutes(sim);
  return {
    ...controls,
    url,
    port: Number(new URL(url).port),
    sim,
    state,
    async close() {
      webhooks.close();
      await sim.close();
    },
  };
}
