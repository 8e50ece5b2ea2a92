/**
 * The one place configuration is read. Everything is validated at start; a
 * missing or malformed setting stops the process with a message naming the
 * setting and how to fix it. Defaults give the embedded demo mode: PGlite,
 * the provider simulators and the fake Stripe, all on localhost.
 *
 * Server-only: nothing here may be imported from a client component. The
 * build check in tests/ greps the browser bundle for the secrets below.
 */
import "server-only";
import { z } from "zod";

/** Demo credentials shared with the simulators (see README). Not secrets. */
export const DEMO = {
  mioesim: {
    baseUrl: "http://127.0.0.1:4010",
    phone: "13800000000",
    password: "demo-password",
    secret: "demo-mioesim-secret",
    /** The simulator's distribution partner for physical SIMs. */
    dpId: "DP-TYO-01",
  },
  meisim: {
    baseUrl: "http://127.0.0.1:4020",
    dealerKey: "dk_demo_meisim_0001",
    portalEmail: "portal@demo.test",
    portalPassword: "demo-portal-password",
  },
  stripe: {
    apiBase: "http://127.0.0.1:4030",
    secretKey: "sk_test_demo_fake_stripe",
    webhookSecret: "whsec_demo_fake_stripe_secret",
  },
} as const;

const url = (what: string) => z.url({ protocol: /^https?$/, error: `must be an http(s) URL for ${what}, e.g. http://localhost:3000` });

const minorUnits = z.coerce
  .number({ error: "must be a whole number of cents" })
  .int({ error: "must be a whole number of cents" })
  .nonnegative({ error: "must not be negative" });

const postgresUrl = z.string().refine((v) => /^postgres(ql)?:\/\/[^\s]+$/.test(v) && URL.canParse(v), {
  error: "must be a PostgreSQL connection URL like postgresql://user:password@host:5432/dbname (or unset for the embedded database)",
});

const EnvSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    APP_URL: url("the storefront's public address").default("http://localhost:3000"),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    DATA_DIR: z.string().min(1).default(".data"),
    /**
     * Connections per process. The launcher sets 1 for the embedded database:
     * PGlite is one backend, and its socket server can interleave two
     * connections' extended-protocol messages, so they must queue instead.
     */
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
    /** Where the embedded PGlite server listens when DATABASE_URL is unset. */
    EMBEDDED_DB_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
    DATABASE_URL: postgresUrl.optional(),
    AUTH_SECRET: z
      .string({ error: "is required (the launcher makes one in demo mode); generate one with `openssl rand -base64 32`" })
      .min(32, { error: "must be at least 32 characters; generate one with `openssl rand -base64 32`" }),
    /** The first admin, created on first start when no admin exists. */
    ADMIN_EMAIL: z.email({ error: "must be an email address" }).default("admin@demo.test"),
    ADMIN_PASSWORD: z.string().min(10, { error: "must be at least 10 characters" }).optional(),
    /**
     * Reverse proxies in front of the store that append the address they saw
     * to X-Forwarded-For. The client's address is that many entries left of
     * the connecting peer; whatever the client wrote further left is ignored.
     * 0: the store is reached directly, as in the demo.
     */
    TRUSTED_PROXY_HOPS: z.coerce
      .number({ error: "must be a whole number of proxies" })
      .int({ error: "must be a whole number of proxies" })
      .min(0)
      .max(10)
      .default(0),
    LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),

    SMTP_URL: z
      .string()
      .refine((v) => /^smtps?:\/\//.test(v) && URL.canParse(v), { error: "must look like smtp://user:pass@host:587" })
      .optional(),
    EMAIL_FROM: z.string().min(3).default("eSIM Store <no-reply@localhost>"),
    /**
     * "true": a production start without SMTP_URL keeps mail in the outbox
     * folder (DATA_DIR/outbox) on purpose. Without it such a start stops, so
     * that customers' mail never goes silently to a folder.
     */
    MAIL_OUTBOX: z
      .enum(["true", "false"], { error: "must be true or false" })
      .default("false")
      .transform((v) => v === "true"),

    CURRENCY: z
      .string()
      .regex(/^[A-Za-z]{3}$/, { error: "must be a 3-letter ISO 4217 code such as USD" })
      .transform((v) => v.toUpperCase())
      .default("USD"),
    /** Retail price = wholesale × (1 + markup%), rounded up to the next .99. */
    CATALOG_MARKUP_PERCENT: z.coerce.number().min(0).max(1000).default(35),
    /**
     * What the card processor keeps of each sale (Stripe's standard card
     * rate: 2.9 % + 30¢). No catalog price is ever set below wholesale plus
     * this fee, and the admin pricing page and dashboard count margins after it.
     */
    PAYMENT_FEE_PERCENT: z.coerce.number().min(0).max(50).default(2.9),
    PAYMENT_FEE_FIXED_MINOR: minorUnits.default(30),
    /** Mobile top-ups: retail price = expected MeiSIM charge × (1 + markup%), rounded up to the next .99. */
    TOPUP_MARKUP_PERCENT: z.coerce.number().min(0).max(1000).default(10),
    /**
     * USD per unit of each top-up network's currency ("GBP=1.27,EUR=1.08"):
     * MeiSIM's documents name the face value's currency but no rate. A network
     * whose currency is not listed is not offered. Set them a little above the
     * market so the dealer wallet is never charged more than the quote expects.
     */
    TOPUP_USD_RATES: z
      .string()
      .trim()
      .regex(/^([A-Za-z]{3}=\d+(\.\d+)?)(\s*,\s*[A-Za-z]{3}=\d+(\.\d+)?)*$/, { error: 'must look like "GBP=1.27,EUR=1.08"' })
      .default("USD=1,GBP=1.27,EUR=1.08,MXN=0.058"),

    /**
     * The currency MIOeSIM bills this account in. Its documents give prices
     * (getPackages price, the order's price) without naming a currency, so
     * it is the account's, as agreed with MIOeSIM.
     */
    MIOESIM_CURRENCY: z
      .string()
      .regex(/^[A-Za-z]{3}$/, { error: "must be a 3-letter ISO 4217 code such as USD" })
      .transform((v) => v.toUpperCase())
      .default("USD"),
    MIOESIM_BASE_URL: url("MIOeSIM (real service: https://bpm.mioesim.com)").default(DEMO.mioesim.baseUrl),
    /** Hosts whose addresses in MIOeSIM's answers (a card's pdfUrl) are shown; default: MIOESIM_BASE_URL's host. */
    MIOESIM_URL_HOSTS: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9.-]+(:\d+)?(\s*,\s*[A-Za-z0-9.-]+(:\d+)?)*$/, {
        error: 'must be host names separated by commas, e.g. "cdn.example.com, files.example.com:8443"',
      })
      .optional(),
    MIOESIM_PHONE: z.string().min(1).default(DEMO.mioesim.phone),
    MIOESIM_PASSWORD: z.string().min(1).default(DEMO.mioesim.password),
    MIOESIM_SECRET: z.string().min(1).default(DEMO.mioesim.secret),
    /** The distribution partner (dpId, from MIOeSIM) physical SIM orders are placed for; "off" hides the physical SIM tools. */
    MIOESIM_DP_ID: z
      .string()
      .trim()
      .regex(/^(off|[A-Za-z0-9][A-Za-z0-9_.-]{0,63})$/, {
        error: 'must be the dpId MIOeSIM gave you (letters, digits, "-", "_", ".") or "off"',
      })
      .default(DEMO.mioesim.dpId),

    MEISIM_BASE_URL: url("MeiSIM (real service: https://meisimusa.com)").default(DEMO.meisim.baseUrl),
    /** Hosts whose addresses in MeiSIM's answers (the wallet top-up's checkoutUrl, QrCode image URLs) are shown or followed; default: MEISIM_BASE_URL's host and checkout.stripe.com. */
    MEISIM_URL_HOSTS: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9.-]+(:\d+)?(\s*,\s*[A-Za-z0-9.-]+(:\d+)?)*$/, {
        error: 'must be host names separated by commas, e.g. "cdn.example.com, files.example.com:8443"',
      })
      .optional(),
    MEISIM_DEALER_KEY: z.string().min(1).default(DEMO.meisim.dealerKey),
    MEISIM_PORTAL_EMAIL: z.email({ error: "must be an email address" }).default(DEMO.meisim.portalEmail),
    MEISIM_PORTAL_PASSWORD: z.string().min(1).default(DEMO.meisim.portalPassword),
    /** The provider health panel warns when the MeiSIM dealer wallet holds less than this (US cents). */
    MEISIM_WALLET_LOW_BALANCE_MINOR: minorUnits.default(100_00),

    STRIPE_SECRET_KEY: z
      .string()
      .regex(/^(sk|rk)_(test|live)_\w+$/, { error: "must be a Stripe secret key (sk_test_… or sk_live_…)" })
      .default(DEMO.stripe.secretKey),
    STRIPE_WEBHOOK_SECRET: z
      .string()
      .regex(/^whsec_\w+$/, { error: "must be a webhook signing secret (whsec_…), from the Dashboard or `stripe listen`" })
      .default(DEMO.stripe.webhookSecret),
    /** Points the Stripe SDK at another host (the fake Stripe). Unset with real keys. */
    STRIPE_API_BASE: url("a Stripe-compatible API (the fake Stripe)").optional(),

    /** Whether the web server also works the job queue (set false when only `npm run worker` processes should). */
    JOBS_IN_PROCESS: z
      .enum(["true", "false"], { error: "must be true or false" })
      .default("true")
      .transform((v) => v === "true"),
    /**
     * How long a fulfilment run's claim on an order lasts without renewal;
     * the run renews it every third of this. Only an expired claim (a run
     * that died) can be taken over.
     */
    FULFILMENT_LEASE_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(60_000),
    /** How long one provider request may take before its answer counts as lost. */
    PROVIDER_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
    /**
     * Look-ups a fulfilment run makes itself, this far apart, while the
     * provider reports an order still in process (MIOeSIM -1 with no cards
     * yet), before it hands the order to the order.poll job. A short wait
     * keeps the common fast case in one run without holding a worker.
     */
    PROVIDER_POLL_ATTEMPTS: z.coerce.number().int().min(0).max(100).default(1),
    PROVIDER_POLL_INTERVAL_MS: z.coerce.number().int().min(0).max(600_000).default(2_000),
    /**
     * When the scheduled reconciliation of our orders against the providers'
     * records runs: a five-field cron expression (UTC), or "off".
     */
    RECONCILE_SCHEDULE: z
      .string()
      .trim()
      .regex(/^(off|(\S+\s+){4}\S+)$/, { error: 'must be a five-field cron expression such as "0 * * * *" (hourly), or "off"' })
      .default("0 * * * *"),
    /**
     * The polling jobs (an order still in process upstream, a cancellation
     * the provider is still processing): the first wait, in seconds, doubling
     * after each look-up (at most 10 minutes apart), and how long after the
     * order was sent (or the cancellation accepted) they give up and hand it
     * to a person.
     */
    /**
     * How long after an order request was sent the provider's records must
     * keep showing no such order before that absence is believed and the
     * order may be placed again (MeiSIM's history: the documents do not say
     * how soon an order appears in it). Until then the order waits for the
     * order.poll job, which asks again with its backoff.
     */
    PROVIDER_ABSENCE_WINDOW_SECONDS: z.coerce.number().int().min(0).max(86_400).default(600),
    PROVIDER_POLL_BACKOFF_SECONDS: z.coerce.number().int().min(1).max(3_600).default(5),
    PROVIDER_POLL_TIMEOUT_SECONDS: z.coerce
      .number()
      .int()
      .min(1)
      .max(7 * 86_400)
      .default(3_600),
    /**
     * When the catalog.sync job runs for each provider on its own: a
     * five-field cron expression (UTC), or "off". Admins can also start it.
     */
    CATALOG_SYNC_SCHEDULE: z
      .string()
      .trim()
      .regex(/^(off|(\S+\s+){4}\S+)$/, { error: 'must be a five-field cron expression such as "0 3 * * *" (daily at 03:00 UTC), or "off"' })
      .default("0 3 * * *"),
    /**
     * When the esims.remind job reads usage from the providers and emails
     * customers at 80% of data used and 3 days before expiry: a five-field
     * cron expression (UTC), or "off".
     */
    USAGE_REMINDER_SCHEDULE: z
      .string()
      .trim()
      .regex(/^(off|(\S+\s+){4}\S+)$/, {
        error: 'must be a five-field cron expression such as "30 * * * *" (hourly at half past), or "off"',
      })
      .default("30 * * * *"),
    /**
     * When the records.prune job deletes expired rate-limit windows,
     * sign-in back-offs, one-time email tokens and sessions: a five-field
     * cron expression (UTC), or "off".
     */
    PRUNE_SCHEDULE: z
      .string()
      .trim()
      .regex(/^(off|(\S+\s+){4}\S+)$/, { error: 'must be a five-field cron expression such as "45 * * * *" (hourly at 45 past), or "off"' })
      .default("45 * * * *"),

    /**
     * How long an order may wait for payment before it expires. A card
     * payment that arrives later is accepted only if the plan's price and
     * stock still hold; otherwise it goes back to the card.
     */
    ORDER_PAYMENT_WINDOW_MINUTES: z.coerce.number().int().min(5).max(10_080).default(60),

    /** How long a guest order's link opens the order; a resent delivery email carries a fresh one. */
    GUEST_LINK_DAYS: z.coerce
      .number({ error: "must be a whole number of days" })
      .int({ error: "must be a whole number of days" })
      .min(1)
      .max(3_650)
      .default(90),

    WALLET_TOPUP_MIN_MINOR: minorUnits.default(1_000),
    WALLET_TOPUP_MAX_MINOR: minorUnits.default(100_000),
    /** Fee added on top of a wallet top-up: percent plus fixed cents. */
    WALLET_TOPUP_FEE_PERCENT: z.coerce.number().min(0).max(50).default(0),
    WALLET_TOPUP_FEE_FIXED_MINOR: minorUnits.default(0),
  })
  .superRefine((env, ctx) => {
    if (env.WALLET_TOPUP_MIN_MINOR > env.WALLET_TOPUP_MAX_MINOR) {
      ctx.addIssue({ code: "custom", path: ["WALLET_TOPUP_MIN_MINOR"], message: "must not exceed WALLET_TOPUP_MAX_MINOR" });
    }
    for (const problem of providerCredentialProblems(env)) ctx.addIssue({ code: "custom", ...problem });
    if (env.STRIPE_SECRET_KEY === DEMO.stripe.secretKey && env.NODE_ENV === "production" && !env.STRIPE_API_BASE) {
      ctx.addIssue({
        code: "custom",
        path: ["STRIPE_API_BASE"],
        message: "must point at the fake Stripe when the demo key is used (or set a real STRIPE_SECRET_KEY)",
      });
    }
    for (const problem of productionProblems(env)) ctx.addIssue({ code: "custom", ...problem });
  });

export type Env = z.infer<typeof EnvSchema>;

const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

/** True when a URL names this machine (a simulator), not a real service. */
export function isLocalUrl(value: string): boolean {
  return LOCAL_HOSTS.has(new URL(value).hostname);
}

/**
 * A provider pointed at a real (non-local) address must carry real
 * credentials: the demo values would only be rejected upstream after a
 * customer has paid, so the start stops here instead.
 */
function providerCredentialProblems(
  e: Record<"MIOESIM_BASE_URL" | "MIOESIM_PHONE" | "MIOESIM_PASSWORD" | "MIOESIM_SECRET" | "MEISIM_BASE_URL" | "MEISIM_DEALER_KEY", string>,
): { path: string[]; message: string }[] {
  const checks = [
    {
      base: "MIOESIM_BASE_URL",
      url: e.MIOESIM_BASE_URL,
      demo: {
        MIOESIM_PHONE: [e.MIOESIM_PHONE, DEMO.mioesim.phone],
        MIOESIM_PASSWORD: [e.MIOESIM_PASSWORD, DEMO.mioesim.password],
        MIOESIM_SECRET: [e.MIOESIM_SECRET, DEMO.mioesim.secret],
      },
    },
    { base: "MEISIM_BASE_URL", url: e.MEISIM_BASE_URL, demo: { MEISIM_DEALER_KEY: [e.MEISIM_DEALER_KEY, DEMO.meisim.dealerKey] } },
  ] as const;
  const problems: { path: string[]; message: string }[] = [];
  for (const check of checks) {
    if (isLocalUrl(check.url)) continue;
    for (const [name, [value, demoValue]] of Object.entries(check.demo)) {
      if (value === demoValue)
        problems.push({
          path: [name],
          message: `must be your real credential when ${check.base} points at ${new URL(check.url).host} (the demo value only works with the local simulator)`,
        });
    }
  }
  return problems;
}

/**
 * A real store (a production start on a real Stripe account, or any live
 * key) must not run on what only suits the demo: the demo webhook secret is
 * public, so anyone could sign a forged "paid" event with it; and without
 * SMTP_URL every customer's mail would silently land in a folder.
 */
function productionProblems(
  e: Pick<Env, "NODE_ENV" | "STRIPE_SECRET_KEY" | "STRIPE_WEBHOOK_SECRET" | "SMTP_URL" | "MAIL_OUTBOX">,
): { path: string[]; message: string }[] {
  const live = /^(sk|rk)_live_/.test(e.STRIPE_SECRET_KEY);
  const realStore = live || (e.NODE_ENV === "production" && e.STRIPE_SECRET_KEY !== DEMO.stripe.secretKey);
  if (!realStore) return [];
  const problems: { path: string[]; message: string }[] = [];
  if (e.STRIPE_WEBHOOK_SECRET === DEMO.stripe.webhookSecret)
    problems.push({
      path: ["STRIPE_WEBHOOK_SECRET"],
      message: `must be set to your endpoint's signing secret (whsec_…, from the Stripe Dashboard) with a real Stripe key: the demo secret is public, so anyone could forge payments`,
    });
  if (e.NODE_ENV === "production" && !e.SMTP_URL && !e.MAIL_OUTBOX)
    problems.push({
      path: ["SMTP_URL"],
      message:
        "must be set in production (smtp://user:pass@host:587), or set MAIL_OUTBOX=true to keep mail in the outbox folder on purpose",
    });
  return problems;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join("; ")}`);
    this.name = "ConfigError";
  }
}

/** Validates an environment (process.env by default); throws ConfigError listing every problem. */
export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  // Empty strings count as unset, which is how shells and .env files write "no value".
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const result = EnvSchema.safeParse(cleaned);
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join(".") || "environment"} ${issue.message}`));
}

let cached: Env | null = null;

/** The validated environment of this process, parsed once. */
export function env(): Env {
  cached ??= parseEnv();
  return cached;
}

/** True when the storefront runs on its built-in simulators and fake Stripe. */
export function isDemoMode(e: Env = env()): boolean {
  return e.STRIPE_SECRET_KEY === DEMO.stripe.secretKey;
}
