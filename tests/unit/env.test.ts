import { describe, expect, it } from "vitest";
import { ConfigError, DEMO, isDemoMode, parseEnv } from "@/lib/config/env";

const base = { AUTH_SECRET: "x".repeat(32) };

function problemsOf(source: Record<string, string>): string[] {
  try {
    parseEnv(source);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error("expected a ConfigError");
}

describe("environment validation", () => {
  it("gives the demo defaults when only the auth secret is set", () => {
    const env = parseEnv(base);
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.MIOESIM_BASE_URL).toBe(DEMO.mioesim.baseUrl);
    expect(env.STRIPE_SECRET_KEY).toBe(DEMO.stripe.secretKey);
    expect(env.WALLET_TOPUP_MIN_MINOR).toBe(1000);
    expect(isDemoMode(env)).toBe(true);
  });

  it("names DATABASE_URL and says what it should look like", () => {
    const [problem] = problemsOf({ ...base, DATABASE_URL: "nonsense" });
    expect(problem).toMatch(/^DATABASE_URL must be a PostgreSQL connection URL like postgresql:\/\//);
  });

  it("requires a long enough AUTH_SECRET and says how to make one", () => {
    expect(problemsOf({})[0]).toMatch(/^AUTH_SECRET .*openssl rand/);
    expect(problemsOf({ AUTH_SECRET: "short" })[0]).toMatch(/^AUTH_SECRET must be at least 32 characters/);
  });

  it("reports every bad setting at once", () => {
    const problems = problemsOf({
      ...base,
      STRIPE_SECRET_KEY: "pk_live_oops",
      MIOESIM_BASE_URL: "ftp://x",
      WALLET_TOPUP_MIN_MINOR: "12.5",
    });
    expect(problems.map((p) => p.split(" ")[0]).sort()).toEqual(["MIOESIM_BASE_URL", "STRIPE_SECRET_KEY", "WALLET_TOPUP_MIN_MINOR"]);
  });

  it("reads the provider currency and the providers' URL hosts, refusing malformed ones", () => {
    expect(parseEnv(base)).toMatchObject({ MIOESIM_CURRENCY: "USD" });
    expect(parseEnv(base).MEISIM_URL_HOSTS).toBeUndefined();
    expect(parseEnv({ ...base, MIOESIM_CURRENCY: "eur", MEISIM_URL_HOSTS: "qr.example.com, cdn.example.com:8443" })).toMatchObject({
      MIOESIM_CURRENCY: "EUR",
      MEISIM_URL_HOSTS: "qr.example.com, cdn.example.com:8443",
    });
    expect(
      problemsOf({ ...base, MIOESIM_CURRENCY: "dollars", MEISIM_URL_HOSTS: "https://qr.example.com/" })
        .map((p) => p.split(" ")[0])
        .sort(),
    ).toEqual(["MEISIM_URL_HOSTS", "MIOESIM_CURRENCY"]);
  });

  it("refuses a top-up minimum above the maximum", () => {
    expect(problemsOf({ ...base, WALLET_TOPUP_MIN_MINOR: "5000", WALLET_TOPUP_MAX_MINOR: "1000" })).toEqual([
      "WALLET_TOPUP_MIN_MINOR must not exceed WALLET_TOPUP_MAX_MINOR",
    ]);
  });

  it("treats empty strings as unset and real keys as live mode", () => {
    const env = parseEnv({ ...base, DATABASE_URL: "", STRIPE_SECRET_KEY: "sk_test_51abc", STRIPE_WEBHOOK_SECRET: "whsec_abc" });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(isDemoMode(env)).toBe(false);
  });

  it("stops a provider pointed at a real service with demo or missing credentials, naming each setting", () => {
    const mio = problemsOf({ ...base, MIOESIM_BASE_URL: "https://bpm.mioesim.com" });
    expect(mio.map((p) => p.split(" ")[0]).sort()).toEqual(["MIOESIM_PASSWORD", "MIOESIM_PHONE", "MIOESIM_SECRET"]);
    expect(mio[0]).toMatch(/real credential when MIOESIM_BASE_URL points at bpm\.mioesim\.com/);
    const mei = problemsOf({ ...base, MEISIM_BASE_URL: "https://meisimusa.com", MEISIM_DEALER_KEY: "" });
    expect(mei.map((p) => p.split(" ")[0])).toEqual(["MEISIM_DEALER_KEY"]);
    // Real credentials, or a simulator on this machine, are fine.
    expect(() =>
      parseEnv({ ...base, MIOESIM_BASE_URL: "https://bpm.mioesim.com", MIOESIM_PHONE: "1", MIOESIM_PASSWORD: "p", MIOESIM_SECRET: "s" }),
    ).not.toThrow();
    expect(() => parseEnv({ ...base, MEISIM_BASE_URL: "http://localhost:4999" })).not.toThrow();
  });

  it("polls a pending order briefly in the run, then from a job for an hour, and syncs the catalog daily unless told otherwise", () => {
    const env = parseEnv(base);
    expect(env).toMatchObject({
      PROVIDER_POLL_ATTEMPTS: 1,
      PROVIDER_POLL_BACKOFF_SECONDS: 5,
      PROVIDER_POLL_TIMEOUT_SECONDS: 3600,
      CATALOG_SYNC_SCHEDULE: "0 3 * * *",
    });
    expect(parseEnv({ ...base, CATALOG_SYNC_SCHEDULE: "off" }).CATALOG_SYNC_SCHEDULE).toBe("off");
    expect(problemsOf({ ...base, CATALOG_SYNC_SCHEDULE: "daily" })[0]).toMatch(
      /^CATALOG_SYNC_SCHEDULE must be a five-field cron expression/,
    );
    expect(problemsOf({ ...base, PROVIDER_POLL_BACKOFF_SECONDS: "0" })[0]).toMatch(/^PROVIDER_POLL_BACKOFF_SECONDS/);
  });

  it("prunes expired records hourly unless told otherwise", () => {
    expect(parseEnv(base).PRUNE_SCHEDULE).toBe("45 * * * *");
    expect(parseEnv({ ...base, PRUNE_SCHEDULE: "off" }).PRUNE_SCHEDULE).toBe("off");
    expect(problemsOf({ ...base, PRUNE_SCHEDULE: "hourly" })[0]).toMatch(/^PRUNE_SCHEDULE must be a five-field cron expression/);
  });

  describe("a real store does not start on demo-only settings", () => {
    const live = { ...base, NODE_ENV: "production", STRIPE_SECRET_KEY: "sk_live_51realkey", SMTP_URL: "smtp://u:p@mail.example:587" };

    it("stops a live key without a webhook secret, or with the public demo secret, naming STRIPE_WEBHOOK_SECRET", () => {
      for (const secret of [undefined, DEMO.stripe.webhookSecret]) {
        const problems = problemsOf({ ...live, ...(secret && { STRIPE_WEBHOOK_SECRET: secret }) });
        expect(problems).toHaveLength(1);
        expect(problems[0]).toMatch(/^STRIPE_WEBHOOK_SECRET must be set to your endpoint's signing secret/);
      }
      // A live key outside NODE_ENV=production is no safer.
      expect(problemsOf({ ...base, STRIPE_SECRET_KEY: "rk_live_51realkey" })[0]).toMatch(/^STRIPE_WEBHOOK_SECRET /);
      expect(() => parseEnv({ ...live, STRIPE_WEBHOOK_SECRET: "whsec_real" })).not.toThrow();
    });

    it("stops a production start without SMTP_URL unless MAIL_OUTBOX=true says the outbox is meant", () => {
      const noSmtp = { ...live, STRIPE_WEBHOOK_SECRET: "whsec_real", SMTP_URL: "" };
      expect(problemsOf(noSmtp)).toEqual([expect.stringMatching(/^SMTP_URL must be set in production .*MAIL_OUTBOX=true/)]);
      expect(parseEnv({ ...noSmtp, MAIL_OUTBOX: "true" }).MAIL_OUTBOX).toBe(true);
      expect(problemsOf({ ...noSmtp, MAIL_OUTBOX: "yes" })[0]).toMatch(/^MAIL_OUTBOX must be true or false/);
    });

    it("leaves the demo (production build, demo key, fake Stripe, outbox) and test keys in development alone", () => {
      expect(() => parseEnv({ ...base, NODE_ENV: "production", STRIPE_API_BASE: DEMO.stripe.apiBase })).not.toThrow();
      expect(() => parseEnv({ ...base, STRIPE_SECRET_KEY: "sk_test_51abc" })).not.toThrow();
    });
  });
});
