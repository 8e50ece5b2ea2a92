/**
 * What the admin's provider health panel reads: each MIOeSIM call's outcome
 * as the envelope reports it (an error inside HTTP 200 counts as an error),
 * connection failures, and when the session token is renewed.
 */
import { describe, expect, it } from "vitest";
import { providerCallHealth } from "@/lib/providers/http";
import { MioesimClient } from "@/lib/providers/mioesim";
import { MIOESIM_DEMO_ACCOUNT } from "@/simulators/mioesim";
import { quietLogger, startFixture } from "./fixtures";

describe("MIOeSIM call health", () => {
  it("records successes, envelope errors and the token's renewal time", async () => {
    const { client, sim } = await startFixture({ dialect: "strict" });
    expect(client.tokenRefreshAt()).toBeNull();
    const before = providerCallHealth("mioesim");

    const started = Date.now();
    await client.getSkus();
    const ok = providerCallHealth("mioesim");
    expect(ok.calls - before.calls).toBe(2); // login, getSkus
    expect(ok.errors).toBe(before.errors);
    expect(ok.lastSuccessAt!.getTime()).toBeGreaterThanOrEqual(started);
    // Tokens last 2 hours; the client renews 5 minutes early.
    expect(client.tokenRefreshAt()!.getTime() - started).toBeGreaterThan(114 * 60_000);
    expect(client.tokenRefreshAt()!.getTime() - Date.now()).toBeLessThanOrEqual(115 * 60_000);

    sim.faults.forced.badSign = 1;
    await expect(client.getSkus()).rejects.toThrow();
    const failed = providerCallHealth("mioesim");
    expect(failed.errors - ok.errors).toBe(1);
    expect(failed.lastError).toMatch(/^\/api_esim\/getSkus: code -30 Signature is wrong/);
    expect(failed.lastErrorAt!.getTime()).toBeGreaterThanOrEqual(ok.lastSuccessAt!.getTime());
    expect(failed.lastSuccessAt).toEqual(ok.lastSuccessAt);
  });

  it("records a refused connection without the URL's query string", async () => {
    const before = providerCallHealth("mioesim");
    const offline = new MioesimClient({
      ...MIOESIM_DEMO_ACCOUNT,
      baseUrl: "http://127.0.0.1:9",
      retry: { attempts: 1, baseDelayMs: 1 },
      logger: quietLogger,
    });
    await expect(offline.getSkus()).rejects.toThrow();
    const after = providerCallHealth("mioesim");
    expect(after.errors - before.errors).toBe(1);
    expect(after.lastError).toBe("ProviderNetworkError on POST /api_order/login");
  });
});
