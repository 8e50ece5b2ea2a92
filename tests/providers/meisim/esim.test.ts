import { describe, expect, it } from "vitest";
import { ProviderTimeoutError } from "@/lib/providers/errors";
import {
  MeisimBadRequestError,
  MeisimInputError,
  MeisimInsufficientBalanceError,
  MeisimNotFoundError,
  MeisimServerError,
} from "@/lib/providers/meisim";
import { addDealer, calls, clientFor, faultOn, useSimulator } from "./harness";

const ORDER = "/api/v1/esim/order";
const BUNDLE = "esim_5gb_30days_jp";

describe("MeiSIM catalog", () => {
  const sim = useSimulator();

  it("lists at least 40 countries with their regions", async () => {
    const countries = await clientFor(sim.current.url).esim.countries();
    expect(countries.length).toBeGreaterThanOrEqual(40);
    expect(countries).toContainEqual({ iso: "JP", name: "Japan", region: "Asia" });
  });

  it("filters bundles by ISO code, country name and region", async () => {
    const client = clientFor(sim.current.url);
    const byIso = await client.esim.bundles({ countryISO: "jp" }, { pageSize: 100 });
    expect(byIso.bundles.length).toBeGreaterThan(0);
    expect(byIso.bundles.every((b) => b.countries.some((c) => c.iso === "JP"))).toBe(true);
    const byName = await client.esim.bundles({ countryName: "Japan" }, { pageSize: 100 });
    expect(byName.bundles.map((b) => b.name)).toEqual(byIso.bundles.map((b) => b.name));
    const europe = await client.esim.bundles({ region: "Europe" }, { pageSize: 100 });
    expect(europe.bundles.length).toBeGreaterThan(0);
    expect(europe.bundles.every((b) => b.region === "Europe")).toBe(true);
    const jp5 = byIso.bundles.find((b) => b.name === BUNDLE)!;
    expect(jp5).toMatchObject({ dataMb: 5120, validityDays: 30, price: { currency: "USD" } });
    expect(Number.isInteger(jp5.price.amountMinor)).toBe(true);
  });

  it("walks every page of the bundle list and reports progress", async () => {
    const progress: { done: number; total: number }[] = [];
    const all = await clientFor(sim.current.url).esim.allBundles({}, { onProgress: (p) => progress.push(p) });
    const first = await clientFor(sim.current.url).esim.bundles({}, { pageSize: 1 });
    expect(all).toHaveLength(first.totalCount);
    expect(new Set(all.map((b) => b.name)).size).toBe(all.length);
    const pages = Math.ceil(first.totalCount / 100);
    expect(pages).toBeGreaterThan(1);
    expect(progress.map((p) => p.done)).toEqual(Array.from({ length: pages }, (_, i) => i + 1));
    expect(calls(sim.current, "POST", "/api/v1/esim/bundles")).toBe(pages + 1);
  });

  it("refuses a page size over 100 before sending", async () => {
    await expect(clientFor(sim.current.url).esim.bundles({}, { pageSize: 101 })).rejects.toBeInstanceOf(MeisimInputError);
    expect(sim.current.sim.requestLog).toHaveLength(0);
  });
});

describe("MeiSIM eSIM orders", () => {
  const sim = useSimulator();

  it("orders, reports details and usage, and revokes", async () => {
    const client = clientFor(sim.current.url);
    const before = (await client.wallet.wallet()).balance.amountMinor;
    const order = await client.esim.order({ bundleName: BUNDLE, customerReference: "ORD-1", emailAddress: "end@test.example" });
    expect(order.recovered).toBe(false);
    expect(order.install.lpa).toBe(`LPA:1$${order.install.smdpAddress}$${order.install.activationCode}`);
    expect(order.charged!.amountMinor).toBeGreaterThan(0);
    expect((await client.wallet.wallet()).balance.amountMinor).toBe(before - order.charged!.amountMinor);

    const iccid = order.install.iccid;
    expect(await client.esim.details(iccid)).toMatchObject({ state: "not_installed", usedMb: 0, totalMb: 5120, expiresAt: null });
    sim.current.state.setEsimUsage(iccid, { state: "ACTIVE", usedMb: 1200 });
    const active = await client.esim.details(iccid);
    expect(active).toMatchObject({ state: "active", usedMb: 1200, rawState: "ACTIVE" });
    expect(Date.parse(active.expiresAt!) - Date.parse(active.activatedAt!)).toBe(30 * 86_400_000);

    await client.esim.revoke(iccid);
    expect((await client.esim.details(iccid)).state).toBe("disabled");
    const [history] = await client.account.orders();
    expect(history).toMatchObject({ id: order.orderId, status: "revoked", customerReference: "ORD-1", iccid, amount: order.charged });
    await expect(client.esim.revoke(iccid)).rejects.toBeInstanceOf(MeisimBadRequestError);
  });

  it("answers 404 for an unknown bundle or eSIM, and 402 with the figures when the wallet is short", async () => {
    const client = clientFor(sim.current.url);
    await expect(client.esim.order({ bundleName: "esim_nope" })).rejects.toBeInstanceOf(MeisimNotFoundError);
    await expect(client.esim.details("8900000000000000000")).rejects.toBeInstanceOf(MeisimNotFoundError);

    const poor = addDealer(sim.current, 1_00);
    const err = await clientFor(sim.current.url, { dealerKey: poor.apiKey }).esim.order({ bundleName: BUNDLE }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MeisimInsufficientBalanceError);
    const e = err as MeisimInsufficientBalanceError;
    expect(e.balance).toEqual({ amountMinor: 100, currency: "USD" });
    expect(e.required!.amountMinor).toBeGreaterThan(100);
    expect(e.shortfall!.amountMinor).toBe(e.required!.amountMinor - 100);
  });

  it("wants an email address when the QR goes to the customer", async () => {
    await expect(clientFor(sim.current.url).esim.order({ bundleName: BUNDLE, qrToCustomer: true })).rejects.toBeInstanceOf(MeisimInputError);
  });
});

describe("MeiSIM lost order answers", () => {
  const sim = useSimulator();

  it("finds an order whose answer timed out in the history instead of ordering again", async () => {
    // An older order under the same reference must not be mistaken for the lost one.
    const earlier = await clientFor(sim.current.url).esim.order({ bundleName: BUNDLE, customerReference: "ORD-7" });
    const client = clientFor(sim.current.url, { timeoutMs: 300, fetchImpl: faultOn(sim.current, ORDER, "hangAfterProcessing") });
    const order = await client.esim.order({ bundleName: BUNDLE, customerReference: "ORD-7" });
    expect(order.recovered).toBe(true);
    const placed = sim.current.state.orders;
    expect(placed).toHaveLength(2);
    expect(order.orderId).toBe(placed[1]!.id);
    expect(order.orderId).not.toBe(earlier.orderId);
    expect(order.install.lpa).toBe(sim.current.state.esims.get(placed[1]!.iccid!)!.lpa);
    expect(calls(sim.current, "POST", ORDER)).toBe(2);
  });

  it("recovers when the connection drops after the request was sent", async () => {
    const droppingFetch: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (String(input).endsWith(ORDER)) throw new TypeError("socket hang up");
      return res;
    };
    const order = await clientFor(sim.current.url, { fetchImpl: droppingFetch }).esim.order({ bundleName: BUNDLE, customerReference: "ORD-8" });
    expect(order.recovered).toBe(true);
    expect(sim.current.state.orders).toHaveLength(1);
    expect(calls(sim.current, "POST", ORDER)).toBe(1);
  });

  it("reports a 500 when the history shows the order never happened, without resending", async () => {
    const client = clientFor(sim.current.url, { fetchImpl: faultOn(sim.current, ORDER, "http500") });
    await expect(client.esim.order({ bundleName: BUNDLE, customerReference: "ORD-9" })).rejects.toBeInstanceOf(MeisimServerError);
    expect(sim.current.state.orders).toHaveLength(0);
    expect(calls(sim.current, "POST", ORDER)).toBe(1);
  });

  it("cannot look up a lost order without a reference, and says so by rethrowing", async () => {
    const client = clientFor(sim.current.url, { timeoutMs: 300, fetchImpl: faultOn(sim.current, ORDER, "hangAfterProcessing") });
    await expect(client.esim.order({ bundleName: BUNDLE })).rejects.toBeInstanceOf(ProviderTimeoutError);
    expect(calls(sim.current, "POST", ORDER)).toBe(1);
  });
});
