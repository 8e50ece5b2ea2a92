import "server-only";
import Stripe from "stripe";
import { env, type Env } from "../config/env";

/**
 * Connection options for the SDK: Stripe itself, or the host STRIPE_API_BASE
 * names (the fake Stripe), reached with the same SDK and the same code paths.
 */
export function stripeConfig(e: Pick<Env, "STRIPE_API_BASE">): Stripe.StripeConfig {
  const base: Stripe.StripeConfig = {
    // Retried POSTs reuse the SDK's idempotency key, so a retry never creates a second object.
    maxNetworkRetries: 2,
    timeout: 20_000,
    appInfo: { name: "esim-storefront" },
  };
  if (!e.STRIPE_API_BASE) return base;
  const url = new URL(e.STRIPE_API_BASE);
  const protocol = url.protocol === "http:" ? "http" : "https";
  return { ...base, host: url.hostname, port: url.port || (protocol === "http" ? 80 : 443), protocol };
}

let client: Stripe | null = null;

/** The process-wide client, built on first use so tests can set the environment before it. */
export function stripe(): Stripe {
  if (!client) {
    const e = env();
    client = new Stripe(e.STRIPE_SECRET_KEY, stripeConfig(e));
  }
  return client;
}
