import { describe, expect, it } from "vitest";
import { ProviderError, ProviderResponseError, ProviderTimeoutError } from "@/lib/providers/errors";
import {
  MeisimApiError,
  MeisimBadRequestError,
  MeisimForbiddenError,
  MeisimInsufficientBalanceError,
  MeisimNotFoundError,
  MeisimRateLimitError,
  MeisimServerError,
  MeisimUnauthorizedError,
} from "@/lib/providers/meisim";
import { addDealer, calls, clientFor, DEMO, rewritingFetch, useSimulator } from "./harness";

const ME = "/api/v1/me";

/** A fetch that records every status it sees. */
function recordingFetch(statuses: number[]): typeof fetch {
  return async (input, init) => {
    const res = await fetch(input, init);
    statuses.push(res.status);
    return res;
  };
}

describe("MeiSIM error statuses become typed errors", () => {
  const sim = useSimulator();

  it("maps 400, 401, 402, 403, 404 and 500 to ProviderError subclasses with MeiSIM's message", async () => {
    const client = clientFor(sim.current.url, { retry: { attempts: 1, baseDelayMs: 0 } });
    const order = await client.esim.order({ bundleName: "esim_1gb_7days_de" });
    await client.esim.revoke(order.install.iccid);

    const poor = addDealer(sim.current, 0);
    const suspended = addDealer(sim.current, 0, { status: "suspended" });
    const outcomes: unknown[] = await Promise.all([
      client.esim.revoke(order.install.iccid).catch((e: unknown) => e),
      clientFor(sim.current.url, { dealerKey: "dk_wrong" })
        .account.me()
        .catch((e: unknown) => e),
      clientFor(sim.current.url, { dealerKey: poor.apiKey })
        .esim.order({ bundleName: "esim_1gb_7days_de" })
        .catch((e: unknown) => e),
      clientFor(sim.current.url, { dealerKey: suspended.apiKey })
        .wallet.wallet()
        .catch((e: unknown) => e),
      client.wallet.replace("ord_unknown").catch((e: unknown) => e),
    ]);
    sim.current.sim.faults.http500 = 1;
    outcomes.push(await client.account.me().catch((e: unknown) => e));

    const expected = [
      [MeisimBadRequestError, 400, /already revoked/],
      [MeisimUnauthorizedError, 401, /Invalid x-dealer-key/],
      [MeisimInsufficientBalanceError, 402, /below the required/],
      [MeisimForbiddenError, 403, /suspended/],
      [MeisimNotFoundError, 404, /ord_unknown/],
      [MeisimServerError, 500, /Injected fault/],
    ] as const;
    outcomes.forEach((err, i) => {
      const [type, status, message] = expected[i]!;
      expect(err).toBeInstanceOf(type);
      expect(err).toBeInstanceOf(ProviderError);
      expect(err).toMatchObject({ status, provider: "meisim", code: status });
      expect((err as Error).message).toMatch(message);
    });
    expect((outcomes[5] as MeisimApiError).retryable).toBe(true);
    expect((outcomes[0] as MeisimApiError).retryable).toBe(false);
  });
});

describe("MeiSIM retries", () => {
  const sim = useSimulator();

  it("retries a safe read through 500s and timeouts", async () => {
    sim.current.sim.faults.http500 = 2;
    expect((await clientFor(sim.current.url).account.me()).email).toBe(DEMO.email);
    expect(calls(sim.current, "GET", ME)).toBe(3);

    sim.current.sim.faults.hangBeforeProcessing = 1;
    expect((await clientFor(sim.current.url, { timeoutMs: 200 }).esim.countries()).length).toBeGreaterThan(0);
  });

  it("gives up after the configured attempts", async () => {
    sim.current.sim.faults.http500 = 5;
    await expect(clientFor(sim.current.url).account.me()).rejects.toBeInstanceOf(MeisimServerError);
    expect(calls(sim.current, "GET", ME)).toBe(3);
  });

  it("times out on slow answers", async () => {
    sim.current.sim.faults.latencyMs = 300;
    const client = clientFor(sim.current.url, { timeoutMs: 100, retry: { attempts: 2, baseDelayMs: 1 } });
    await expect(client.account.me()).rejects.toBeInstanceOf(ProviderTimeoutError);
  });

  it("never retries a request that spends money", async () => {
    sim.current.sim.faults.http500 = 1;
    await expect(
      clientFor(sim.current.url).wallet.order({ productId: "p1:esim-eu-5gb-30", customerEmail: "a@test.example", customerName: "A" }),
    ).rejects.toBeInstanceOf(MeisimServerError);
    expect(calls(sim.current, "POST", "/dealer/order")).toBe(1);
  });
});

describe("MeiSIM rate limits", () => {
  const sim = useSimulator({ rateLimits: { read: { limit: 3, windowMs: 1_000 } } });

  it("waits out a 429's Retry-After and then succeeds", async () => {
    sim.current.sim.faults.forced.rateLimited = 1;
    const started = Date.now();
    expect((await clientFor(sim.current.url).account.me()).email).toBe(DEMO.email);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(calls(sim.current, "GET", ME)).toBe(2);
  });

  it("stops after the bounded number of waits with a MeisimRateLimitError", async () => {
    sim.current.sim.faults.forced.rateLimited = 5;
    const err = await clientFor(sim.current.url, { rateLimitRetry: { attempts: 1, maxWaitMs: 2_000 } })
      .account.me()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MeisimRateLimitError);
    expect(err).toMatchObject({ status: 429, retryAfterMs: 1_000, retryable: true });
    expect(calls(sim.current, "GET", ME)).toBe(2);
  });

  it("paces itself under the server's window, so no 429 is ever seen", async () => {
    const statuses: number[] = [];
    const client = clientFor(sim.current.url, { fetchImpl: recordingFetch(statuses), rateLimits: { read: { limit: 3, windowMs: 1_000 } } });
    const started = Date.now();
    await Promise.all(Array.from({ length: 5 }, () => client.account.me()));
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it("without its own pacing, recovers from the server's 429s", async () => {
    const statuses: number[] = [];
    const client = clientFor(sim.current.url, { fetchImpl: recordingFetch(statuses), rateLimits: { read: null } });
    const results = await Promise.all(Array.from({ length: 5 }, () => client.account.me()));
    expect(results.every((r) => r.email === DEMO.email)).toBe(true);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(2);
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
  });
});

describe("MeiSIM response validation", () => {
  const sim = useSimulator();

  it("names a missing required field", async () => {
    const fetchImpl = rewritingFetch(ME, (text) => {
      const { email: _email, ...rest } = JSON.parse(text);
      return JSON.stringify(rest);
    });
    const err = await clientFor(sim.current.url, { fetchImpl })
      .account.me()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderResponseError);
    expect((err as Error).message).toMatch(/GET \/api\/v1\/me: response field "email"/);
  });

  it("names a malformed nested field", async () => {
    const fetchImpl = rewritingFetch("/dealer/wallet", (text) => {
      const body = JSON.parse(text);
      body.transactions[0].amount_usd = "lots";
      return JSON.stringify(body);
    });
    await expect(clientFor(sim.current.url, { fetchImpl }).wallet.wallet()).rejects.toThrow(/"transactions\.0\.amount_usd"/);
  });

  it("tolerates unknown extra fields and numeric strings for money", async () => {
    const fetchImpl = rewritingFetch("/dealer/wallet", (text) =>
      JSON.stringify({ ...JSON.parse(text), balance: "500.004", newField: { x: 1 } }),
    );
    expect((await clientFor(sim.current.url, { fetchImpl }).wallet.wallet()).balance.amountMinor).toBe(500_00);
  });

  it("refuses a non-JSON success body and a CSV without its columns", async () => {
    await expect(
      clientFor(sim.current.url, { fetchImpl: rewritingFetch(ME, () => "<html>maintenance</html>") }).account.me(),
    ).rejects.toThrow(/not JSON/);
    const noOrderColumn = rewritingFetch("/dealer/statement", (text) => text.replace("Order ID", "Order"));
    await expect(clientFor(sim.current.url, { fetchImpl: noOrderColumn }).wallet.statement()).rejects.toThrow(
      /CSV column "Order ID" is missing/,
    );
  });

  it("treats an upstream Status other than Success as a refusal", async () => {
    const failed = rewritingFetch("/api/v1/esim/countries", () =>
      JSON.stringify({ Status: "Failed", Message: "Upstream catalog unavailable" }),
    );
    await expect(clientFor(sim.current.url, { fetchImpl: failed }).esim.countries()).rejects.toMatchObject({
      code: "UPSTREAM_FAILED",
      message: /catalog unavailable/,
    });
  });
});
