/**
 * `npm run sim:stripe -- --port 4030`: the fake Stripe on its own, for local
 * runs of the app. STRIPE_WEBHOOK_URL="" turns webhook delivery off.
 */
import { createSimLogger } from "../shared/log";
import { portFromArgv } from "../shared/server";
import { FAKE_STRIPE_DEMO, startFakeStripe } from "./index";

const DEFAULT_PORT = 4030;
const DEFAULT_WEBHOOK_URL = "http://localhost:3000/api/webhooks/stripe";

const webhookUrl = process.env.STRIPE_WEBHOOK_URL ?? DEFAULT_WEBHOOK_URL;
const fake = await startFakeStripe({
  port: portFromArgv(process.argv, DEFAULT_PORT),
  webhookUrl,
  webhookSecret: process.env.STRIPE_WEBHOOK_SECRET ?? FAKE_STRIPE_DEMO.webhookSecret,
  publicBaseUrl: process.env.FAKE_STRIPE_PUBLIC_URL,
});
createSimLogger({ sim: "stripe" }).info("fake stripe listening", {
  url: fake.url,
  webhookUrl: webhookUrl || null,
  secretKey: FAKE_STRIPE_DEMO.secretKey,
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void fake.close().then(() => process.exit(0));
  });
}
