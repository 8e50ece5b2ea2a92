import { describe, expect, it } from "vitest";
import { ProviderTimeoutError } from "@/lib/providers/errors";
import { MioesimHttpError, MioesimOperationFailedError, MioesimSignatureError, MioesimTokenExpiredError } from "@/lib/providers/mioesim";
import { startFixture } from "./fixtures";

const LOGIN = "/api_order/login";
const SKUS = "/api_esim/getSkus";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("MIOeSIM session", () => {
  it("shares one login between many concurrent first calls", async () => {
    const { client, calls } = await startFixture();
    const results = await Promise.all(Array.from({ length: 12 }, () => client.getSkus()));
    expect(results.every((skus) => skus.length === results[0]!.length)).toBe(true);
    expect(calls(LOGIN)).toBe(1);
    expect(calls(SKUS)).toBe(12);
  });

  it("reuses the cached token for later calls", async () => {
    const { client, calls } = await startFixture();
    await client.getSkus();
    await client.getPackages(26);
    await client.getSkuByGroup();
    expect(calls(LOGIN)).toBe(1);
  });

  it("logs in again once and retries when the token expires mid-session", async () => {
    const { client, calls } = await startFixture({ sim: { tokenTtlSeconds: 1 } });
    await client.getSkus();
    await sleep(1_100);
    const skus = await client.getSkus();
    expect(skus.length).toBeGreaterThan(40);
    expect(calls(LOGIN)).toBe(2);
    // The first call, the rejected one (-1), and its retry.
    expect(calls(SKUS)).toBe(3);
  });

  it("refreshes a token before its configured lifetime runs out, without a -1 round trip", async () => {
    const { client, calls } = await startFixture({ client: { tokenTtlMs: 250 } });
    await client.getSkus();
    await sleep(300);
    await client.getSkus();
    expect(calls(LOGIN)).toBe(2);
    expect(calls(SKUS)).toBe(2);
  });

  it("re-logs in only once when a burst of requests all get -1", async () => {
    const { client, calls, state } = await startFixture();
    await client.getSkus();
    state.expireTokens();
    await Promise.all(Array.from({ length: 8 }, () => client.getPackages(26)));
    expect(calls(LOGIN)).toBe(2);
  });

  it("retries the original request after a forced -1", async () => {
    const { client, calls, sim } = await startFixture();
    await client.getSkus();
    sim.faults.forced.tokenExpired = 1;
    const japan = await client.getPackages(26);
    expect(japan.display).toBe("Japan");
    expect(calls(LOGIN)).toBe(2);
    expect(calls("/api_esim/getPackages")).toBe(2);
  });

  it("gives up with MioesimTokenExpiredError when the fresh token is rejected too", async () => {
    const { client, calls, sim } = await startFixture({ client: { retry: { attempts: 1, baseDelayMs: 0 } } });
    await client.getSkus();
    sim.faults.forced.tokenExpired = 2;
    const error = await client.getSkus().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(MioesimTokenExpiredError);
    expect(error).toMatchObject({ code: -1, provider: "mioesim" });
    expect((error as MioesimTokenExpiredError).hint).toMatch(/login/);
    expect(calls(LOGIN)).toBe(2);
  });

  it("reports a wrong secret as a signature error (-30) on login", async () => {
    const { newClient } = await startFixture();
    const error = await newClient({ secret: "not-the-secret" })
      .getSkus()
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(MioesimSignatureError);
    expect(error).toMatchObject({ code: -30, retryable: false });
    expect((error as MioesimSignatureError).hint).toMatch(/MIOESIM_SECRET/);
  });

  it("maps a forced -30 on a signed call, without retrying it", async () => {
    const { client, sim, calls } = await startFixture();
    await client.getSkus();
    sim.faults.forced.badSign = 1;
    await expect(client.getSkus()).rejects.toBeInstanceOf(MioesimSignatureError);
    expect(calls(SKUS)).toBe(2);
  });

  it("reports wrong credentials as the login's -3", async () => {
    const { newClient } = await startFixture();
    await expect(newClient({ password: "wrong" }).getSkus()).rejects.toBeInstanceOf(MioesimOperationFailedError);
  });

  it("retries a read through HTTP 500s with backoff", async () => {
    const { client, sim, calls } = await startFixture();
    await client.getSkus();
    sim.faults.http500 = 2;
    await expect(client.getSkus()).resolves.toHaveLength(49);
    expect(calls(SKUS)).toBe(4);
  });

  it("stops retrying after the configured attempts", async () => {
    const { client, sim } = await startFixture();
    await client.getSkus();
    sim.faults.http500 = 3;
    const error = await client.getSkus().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(MioesimHttpError);
    expect(error).toMatchObject({ status: 500, retryable: true });
  });

  it("times out a hanging read and retries it", async () => {
    const { client, sim, calls } = await startFixture({ client: { timeoutMs: 300 } });
    await client.getSkus();
    sim.faults.hangBeforeProcessing = 1;
    const started = Date.now();
    await expect(client.getSkus()).resolves.toHaveLength(49);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(calls(SKUS)).toBe(3);
  });

  it("keeps the token out of timeout messages", async () => {
    const { client, sim } = await startFixture({ client: { timeoutMs: 300, retry: { attempts: 1, baseDelayMs: 0 } } });
    await client.getSkus();
    sim.faults.hangBeforeProcessing = 1;
    const error = await client.getSkus().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ProviderTimeoutError);
    expect((error as Error).message).toContain("/api_esim/getSkus");
    expect((error as Error).message).not.toMatch(/token|sign=/);
  });

  it("retries a login that hits a server error", async () => {
    const { client, sim, calls } = await startFixture();
    sim.faults.http500 = 1;
    await client.getSkus();
    expect(calls(LOGIN)).toBe(2);
  });
});
