/**
 * Shared pieces of the fake-Stripe tests: a real stripe-node client aimed at
 * the fake, a tiny webhook receiver standing in for the app, and the
 * browser's side of the pay page.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import { afterAll, beforeAll } from "vitest";
import type { Logger, LogFields } from "../../lib/log";
import { startFakeStripe, type FakeStripe, type FakeStripeOptions } from "../../simulators/stripe/index";

export const WEBHOOK_SECRET = "whsec_stripe_sim_tests";

export function stripeClient(fake: FakeStripe, key = "sk_test_stripe_sim"): Stripe {
  // No SDK retries: a test that expects an error should see the first answer.
  return new Stripe(key, { host: "127.0.0.1", port: fake.port, protocol: "http", maxNetworkRetries: 0 });
}

export interface LogEntry extends LogFields {
  level: string;
  msg: string;
}

/** Keeps log lines for assertions instead of printing them. */
export function recordingLogger(entries: LogEntry[] = []): Logger & { entries: LogEntry[] } {
  const write = (level: string) => (msg: string, fields?: LogFields) => void entries.push({ level, msg, ...fields });
  const logger = {
    entries,
    debug: write("debug"),
    info: write("info"),
    warn: write("warn"),
    error: write("error"),
    child: () => logger,
  };
  return logger;
}

export function startFake(options: Partial<FakeStripeOptions> = {}): Promise<FakeStripe> {
  return startFakeStripe({
    webhookSecret: WEBHOOK_SECRET,
    webhookRetryDelaysMs: [20, 40],
    logger: recordingLogger(),
    ...options,
  });
}

export interface ReceivedWebhook {
  rawBody: string;
  signature: string;
  event: Stripe.Event;
}

/** `hang` never answers, as an app stuck on a lock would. */
export type ReceiverAnswer = number | "hang";

/**
 * The app's webhook endpoint: verifies each signature as the app would and
 * answers from `answers` in turn (200 once they run out).
 */
export async function startReceiver(answers: ReceiverAnswer[] = []) {
  const received: ReceivedWebhook[] = [];
  /** Deliveries whose signature did not verify. */
  const rejected: string[] = [];
  const verifier = new Stripe("sk_test_receiver");
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString("utf8");
    const signature = String(req.headers["stripe-signature"]);
    try {
      received.push({ rawBody, signature, event: verifier.webhooks.constructEvent(rawBody, signature, WEBHOOK_SECRET) });
    } catch (err) {
      rejected.push(String(err));
      res.writeHead(400).end();
      return;
    }
    const answer = answers.shift() ?? 200;
    if (answer !== "hang") res.writeHead(answer).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/webhooks/stripe`,
    received,
    rejected,
    types: () => received.map((r) => r.event.type),
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type Receiver = Awaited<ReturnType<typeof startReceiver>>;

export const SUCCESS_URL = "https://shop.test/checkout/success?session_id={CHECKOUT_SESSION_ID}";
export const CANCEL_URL = "https://shop.test/checkout/cancelled";

export function createSession(
  stripe: Stripe,
  overrides: Partial<Stripe.Checkout.SessionCreateParams> = {},
  options?: Stripe.RequestOptions,
) {
  return stripe.checkout.sessions.create(
    {
      mode: "payment",
      line_items: [
        {
          price_data: { currency: "usd", unit_amount: 2500, product_data: { name: "Japan 5 GB / 30 days" } },
          quantity: 1,
        },
      ],
      success_url: SUCCESS_URL,
      cancel_url: CANCEL_URL,
      client_reference_id: "order_123",
      metadata: { orderId: "order_123" },
      ...overrides,
    },
    options,
  );
}

/** What the browser does when a pay page button is clicked; redirects are left for the test to read. */
export function clickButton(sessionUrl: string, action: "pay" | "decline" | "cancel") {
  return fetch(sessionUrl, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ action }),
    redirect: "manual",
  });
}

export async function control(fake: FakeStripe, method: "GET" | "POST", path: string, body?: unknown) {
  const response = await fetch(`${fake.url}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

/** A fake whose webhooks go to a fresh receiver; `options` may point them elsewhere or nowhere. */
export async function startFakeWithReceiver(answers: ReceiverAnswer[] = [], options: Partial<FakeStripeOptions> = {}) {
  const receiver = await startReceiver(answers);
  const fake = await startFake({ webhookUrl: receiver.url, ...options });
  return {
    fake,
    receiver,
    stripe: stripeClient(fake),
    close: async () => {
      await fake.close();
      await receiver.close();
    },
  };
}

/** One fake and receiver shared by a file's tests, started before them and closed after. */
export function fakeWithReceiverPerFile() {
  const env = {} as Awaited<ReturnType<typeof startFakeWithReceiver>>;
  beforeAll(async () => {
    Object.assign(env, await startFakeWithReceiver());
  });
  afterAll(() => env.close());
  return env;
}
