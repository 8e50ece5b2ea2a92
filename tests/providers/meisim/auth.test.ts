import { describe, expect, it } from "vitest";
import {
  MeisimForbiddenError,
  MeisimInputError,
  MeisimNotConfiguredError,
  MeisimRateLimitError,
  MeisimUnauthorizedError,
} from "@/lib/providers/meisim";
import { readPortalLogin } from "@/lib/providers/meisim/auth-api";
import { addDealer, ALL_DIALECTS, calls, clientFor, DEMO, useSimulator } from "./harness";

const LOGIN = "/dealer/auth/login";

describe("MeiSIM onboarding: OTP → API key → password", () => {
  const sim = useSimulator();

  it("issues the API key for the emailed code, then sets a password that logs in", async () => {
    const dealer = addDealer(sim.current, 0, { password: null });
    const client = clientFor(sim.current.url, { dealerKey: undefined });

    await client.auth.sendOtp(dealer.email);
    const code = sim.current.state.lastOtp(dealer.email)!;
    expect(code).toMatch(/^\d{6}$/);
    const viaControl = await (await fetch(`${sim.current.url}/__sim/otp?email=${encodeURIComponent(dealer.email)}`)).json();
    expect(viaControl.code).toBe(code);

    const { apiKey } = await client.auth.verifyOtp(dealer.email, code);
    expect(apiKey).toBe(dealer.apiKey);

    await client.auth.setPassword({ email: dealer.email, password: "correct horse", apiKey });
    const login = await client.auth.login(dealer.email, "correct horse");
    expect(login.dealer?.id).toBe(dealer.id);
    expect(login.expiresAt).toBeGreaterThan(Date.now() + 11 * 3_600_000);

    const jwtClient = clientFor(sim.current.url, { dealerKey: undefined, dealerEmail: dealer.email, dealerPassword: "correct horse" });
    expect(jwtClient.dealerAuth).toBe("jwt");
    expect((await jwtClient.account.me()).email).toBe(dealer.email);
  });

  it("refuses a wrong code and counts the attempts down", async () => {
    const client = clientFor(sim.current.url);
    await client.auth.sendOtp(DEMO.email);
    const code = sim.current.state.lastOtp(DEMO.email)!;
    const wrong = code === "000000" ? "111111" : "000000";
    await expect(client.auth.verifyOtp(DEMO.email, wrong)).rejects.toThrow(/4 attempts left/);
    await expect(client.auth.verifyOtp(DEMO.email, code)).resolves.toEqual({ apiKey: DEMO.dealerKey });
  });

  it("burns the code after five wrong attempts", async () => {
    const client = clientFor(sim.current.url);
    await client.auth.sendOtp(DEMO.email);
    const code = sim.current.state.lastOtp(DEMO.email)!;
    const wrong = code === "000000" ? "111111" : "000000";
    for (let i = 0; i < 5; i++) await expect(client.auth.verifyOtp(DEMO.email, wrong)).rejects.toBeInstanceOf(MeisimUnauthorizedError);
    await expect(client.auth.verifyOtp(DEMO.email, code)).rejects.toThrow(/No active code/);
  });

  it("expires the code after five minutes of simulator time", async () => {
    const client = clientFor(sim.current.url);
    await client.auth.sendOtp(DEMO.email);
    const code = sim.current.state.lastOtp(DEMO.email)!;
    sim.current.state.advance(5 * 60_000 + 1);
    await expect(client.auth.verifyOtp(DEMO.email, code)).rejects.toThrow(/expired/);
  });

  it("checks codes and passwords before sending anything", async () => {
    const client = clientFor(sim.current.url);
    await expect(client.auth.verifyOtp(DEMO.email, "12ab56")).rejects.toBeInstanceOf(MeisimInputError);
    await expect(client.auth.setPassword({ email: DEMO.email, password: "short" })).rejects.toThrow(/at least 8/);
    await expect(client.auth.sendOtp("not-an-email")).rejects.toBeInstanceOf(MeisimInputError);
    expect(sim.current.sim.requestLog).toHaveLength(0);
  });

  it("answers 404 for an unknown dealer email and 400 when the password is already set", async () => {
    const client = clientFor(sim.current.url);
    await expect(client.auth.sendOtp("nobody@test.example")).rejects.toMatchObject({ status: 404 });
    await expect(client.auth.setPassword({ email: DEMO.email, password: "another-password" })).rejects.toMatchObject({ status: 400 });
  });
});

describe("MeiSIM JWT sessions", () => {
  const sim = useSimulator({ jwtTtlMs: 600 });
  const jwtClient = () => clientFor(sim.current.url, { dealerKey: undefined, dealerEmail: DEMO.email, dealerPassword: DEMO.password });

  it("logs in once and renews the JWT before it expires", async () => {
    const client = jwtClient();
    await client.account.me();
    await client.account.me();
    expect(calls(sim.current, "POST", LOGIN)).toBe(1);
    await new Promise((r) => setTimeout(r, 600));
    await client.account.me();
    expect(calls(sim.current, "POST", LOGIN)).toBe(2);
    // Renewed ahead of expiry: no request was refused and repeated.
    expect(calls(sim.current, "GET", "/api/v1/me")).toBe(3);
  });

  it("logs in again once when the server refuses the token", async () => {
    const client = jwtClient();
    await client.account.me();
    sim.current.sim.faults.forced.jwtRejected = 1;
    expect((await client.account.me()).email).toBe(DEMO.email);
    expect(calls(sim.current, "POST", LOGIN)).toBe(2);
    expect(calls(sim.current, "GET", "/api/v1/me")).toBe(3);
  });

  it("shares one login between concurrent requests", async () => {
    const client = jwtClient();
    await Promise.all([client.account.me(), client.wallet.wallet(), client.account.orders()]);
    expect(calls(sim.current, "POST", LOGIN)).toBe(1);
  });

  it("fails with 401 for a wrong password and 403 for a suspended dealer", async () => {
    const wrong = clientFor(sim.current.url, { dealerKey: undefined, dealerEmail: DEMO.email, dealerPassword: "wrong-password" });
    await expect(wrong.account.me()).rejects.toBeInstanceOf(MeisimUnauthorizedError);
    sim.current.state.setDealerStatus(DEMO.email, "suspended");
    await expect(jwtClient().account.me()).rejects.toBeInstanceOf(MeisimForbiddenError);
  });

  it("says which credentials are missing", async () => {
    const client = clientFor(sim.current.url, { dealerKey: undefined, portalEmail: undefined });
    expect(client.dealerAuth).toBe("none");
    await expect(client.account.me()).rejects.toBeInstanceOf(MeisimNotConfiguredError);
    await expect(client.supply.stock()).rejects.toThrow(/portal email and password/);
  });
});

describe.each(ALL_DIALECTS)("MeiSIM portal login, %s dialect", (dialect) => {
  const sim = useSimulator({ dialect });

  it("uses the portal JWT for portal calls, logging in once", async () => {
    const client = clientFor(sim.current.url, { dealerKey: undefined });
    const skus = await client.supply.skus();
    await client.supply.stock();
    await client.validator.skus();
    expect(skus[0]?.price?.amountMinor).toBe(4_00);
    expect(calls(sim.current, "POST", "/api/portal/v1/auth/login")).toBe(1);
  });

  it("knows when the portal token expires, from the answer or the token's own claims", async () => {
    const login = await clientFor(sim.current.url).auth.portalLogin();
    expect(login.token).toMatch(/^ey/);
    expect(login.expiresAt).toBeGreaterThan(Date.now() + 11 * 3_600_000);
    expect(login.expiresAt).toBeLessThan(Date.now() + 13 * 3_600_000);
  });

  it("refuses wrong portal credentials and dealer keys on portal routes", async () => {
    await expect(clientFor(sim.current.url, { portalPassword: "nope-nope" }).supply.stock()).rejects.toBeInstanceOf(
      MeisimUnauthorizedError,
    );
    const res = await fetch(`${sim.current.url}/api/portal/v1/esim-supply/stock`, { headers: { "x-dealer-key": DEMO.dealerKey } });
    expect(res.status).toBe(401);
  });
});

describe("MeiSIM login limit (per IP)", () => {
  const sim = useSimulator({ rateLimits: { login: { limit: 2, windowMs: 15 * 60_000 } } });

  it("fails fast when Retry-After is beyond what the client will wait", async () => {
    const client = clientFor(sim.current.url, { rateLimits: { login: null }, rateLimitRetry: { attempts: 3, maxWaitMs: 1_000 } });
    await client.auth.login(DEMO.email, DEMO.password);
    await client.auth.login(DEMO.email, DEMO.password);
    const started = Date.now();
    const err = await client.auth.login(DEMO.email, DEMO.password).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MeisimRateLimitError);
    expect((err as MeisimRateLimitError).retryAfterMs).toBeGreaterThan(14 * 60_000);
    expect(Date.now() - started).toBeLessThan(500);
  });
});

describe("MeiSIM portal login answers (undocumented shape)", () => {
  it("reads a bare token as lasting an hour, and fails naming the token when there is none", () => {
    const login = readPortalLogin({ token: "opaque-token" }, "POST /api/portal/v1/auth/login");
    expect(login.token).toBe("opaque-token");
    expect(Math.abs(login.expiresAt - (Date.now() + 3_600_000))).toBeLessThan(5_000);
    expect(readPortalLogin({ data: { accessToken: "t", expiresAt: "2030-01-01T00:00:00Z" } }, "x").expiresAt).toBe(
      Date.parse("2030-01-01T00:00:00Z"),
    );
    expect(() => readPortalLogin({ ok: true }, "POST /api/portal/v1/auth/login")).toThrow(
      /token is missing \(looked for token, accessToken/,
    );
  });
});
