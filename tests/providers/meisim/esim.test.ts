import net, { type AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { OrderOutcomeUnknownError, ProviderNetworkError, ProviderResponseError } from "@/lib/providers/errors";
import {
  MeisimBadRequestError,
  MeisimInputError,
  MeisimInsufficientBalanceError,
  MeisimNotFoundError,
  MeisimUpstreamError,
} from "@/lib/providers/meisim";
import { BUNDLES } from "@/simulators/meisim/catalog";
import { addDealer, ALL_DIALECTS, answeringFetch, calls, clientFor, faultOn, useSimulator } from "./harness";

const ORDER = "/api/v1/esim/order";
const HISTORY = "/api/v1/orders";
const BUNDLE = "esim_5gb_30days_jp";

describe.each(ALL_DIALECTS)("MeiSIM catalog, %s dialect", (dialect) => {
  const sim = useSimulator({ dialect });

  it("lists the countries with ISO codes, names and regions", async () => {
    const countries = await clientFor(sim.current.url).esim.countries();
    expect(countries.length).toBeGreaterThanOrEqual(40);
    expect(countries).toContainEqual({ iso: "JP", name: "Japan", region: "Asia" });
    expect(countries.find((c) => c.iso === "KR")).toMatchObject({ name: "South Korea" });
  });

  it("filters bundles by ISO code, country name and region", async () => {
    const client = clientFor(sim.current.url);
    const byIso = await client.esim.bundles({ countryISO: "jp" }, { pageSize: 100 });
    const japan = BUNDLES.filter((b) => b.countries.some((c) => c.iso === "JP")).map((b) => b.name);
    expect(byIso.bundles.map((b) => b.name).sort()).toEqual(japan.sort());
    const byName = await client.esim.bundles({ countryName: "Japan" }, { pageSize: 100 });
    expect(byName.bundles.map((b) => b.name)).toEqual(byIso.bundles.map((b) => b.name));
    const europe = await client.esim.allBundles({ region: "Europe" });
    expect(europe.pages).toBe(2);
    expect(europe.bundles.map((b) => b.name)).toContain("esim_10gb_30days_europe");
    expect(europe.bundles.map((b) => b.name)).not.toContain(BUNDLE);
    const jp5 = byIso.bundles.find((b) => b.name === BUNDLE)!;
    expect(jp5).toMatchObject({ dataMb: 5120, validityDays: 30, price: { currency: "USD" } });
    expect(Number.isInteger(jp5.price.amountMinor)).toBe(true);
    expect(byIso.bundles.find((b) => b.name === "esim_unlimited_7days_jp")!.dataMb).toBeNull();
  });

  it("walks every page of the bundle list and reports progress", async () => {
    const progress: { done: number; total: number }[] = [];
    const walk = await clientFor(sim.current.url).esim.allBundles({}, { onProgress: (p) => progress.push(p) });
    expect(walk.bundles).toHaveLength(BUNDLES.length);
    expect(walk.skipped).toEqual([]);
    const pages = Math.ceil(BUNDLES.length / 100);
    expect(walk.pages).toBe(pages);
    expect(progress.map((p) => p.done)).toEqual(Array.from({ length: pages }, (_, i) => i + 1));
    expect(progress.at(-1)).toEqual({ done: pages, total: pages, note: expect.any(String) });
    // Stops at the stated total or the short last page: no extra request.
    expect(calls(sim.current, "POST", "/api/v1/esim/bundles")).toBe(pages);
  });

  it("refuses a page size over 100 before sending", async () => {
    await expect(clientFor(sim.current.url).esim.bundles({}, { pageSize: 101 })).rejects.toBeInstanceOf(MeisimInputError);
    expect(sim.current.sim.requestLog).toHaveLength(0);
  });
});

describe.each(ALL_DIALECTS)("MeiSIM eSIM orders, %s dialect", (dialect) => {
  const sim = useSimulator({ dialect });

  it("orders, reports details and usage, and revokes", async () => {
    const client = clientFor(sim.current.url);
    const before = (await client.wallet.wallet()).balance.amountMinor;
    const order = await client.esim.order({ bundleName: BUNDLE, customerReference: "ORD-1", emailAddress: "end@test.example" });
    const [upstream] = sim.current.state.orders;
    expect(order.install.iccid).toBe(upstream!.iccid);
    expect(order.install.lpa).toBe(sim.current.state.esims.get(upstream!.iccid!)!.lpa);
    expect(order.install.lpa).toBe(`LPA:1$${order.install.smdpAddress}$${order.install.activationCode}`);
    expect(order.charged).toEqual(dialect === "strict" ? null : { amountMinor: upstream!.amountCents, currency: "USD" });
    expect(order.orderId).toBe(dialect === "strict" ? null : upstream!.id);
    expect((await client.wallet.wallet()).balance.amountMinor).toBe(before - upstream!.amountCents);

    const iccid = order.install.iccid;
    const fresh = await client.esim.details(iccid);
    expect(fresh).toMatchObject({ iccid, state: "not_installed", usedMb: 0, totalMb: 5120, expiresAt: null });
    expect(fresh.lpa).toBe(dialect === "strict" ? null : order.install.lpa);
    sim.current.state.setEsimUsage(iccid, { state: "ACTIVE", usedMb: 1200 });
    const active = await client.esim.details(iccid);
    expect(active).toMatchObject({ state: "active", usedMb: 1200 });
    expect(active.rawState.toUpperCase()).toBe("ACTIVE");
    expect(Date.parse(active.expiresAt!)).toBeGreaterThan(Date.now() + 29 * 86_400_000);

    await client.esim.revoke(iccid);
    expect((await client.esim.details(iccid)).state).toBe("disabled");
    const [history] = await client.account.orders();
    expect(history).toMatchObject({
      id: upstream!.id,
      status: "revoked",
      customerReference: "ORD-1",
      iccid,
      amount: { amountMinor: upstream!.amountCents },
    });
    await expect(client.esim.revoke(iccid)).rejects.toBeInstanceOf(MeisimBadRequestError);
  });

  it("answers 404 for an unknown bundle or eSIM, and 402 when the wallet is short", async () => {
    const client = clientFor(sim.current.url);
    await expect(client.esim.order({ bundleName: "esim_nope" })).rejects.toBeInstanceOf(MeisimNotFoundError);
    await expect(client.esim.details("8900000000000000000")).rejects.toBeInstanceOf(MeisimNotFoundError);

    const poor = addDealer(sim.current, 1_00);
    const err = await clientFor(sim.current.url, { dealerKey: poor.apiKey })
      .esim.order({ bundleName: BUNDLE })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MeisimInsufficientBalanceError);
    const e = err as MeisimInsufficientBalanceError;
    if (dialect === "strict") {
      // The document promises balance/required only for /dealer/esim-verify.
      expect([e.balance, e.required, e.shortfall]).toEqual([null, null, null]);
    } else {
      expect(e.balance).toEqual({ amountMinor: 100, currency: "USD" });
      expect(e.shortfall!.amountMinor).toBe(e.required!.amountMinor - 100);
    }
  });

  it("wants an email address when the QR goes to the customer", async () => {
    await expect(clientFor(sim.current.url).esim.order({ bundleName: BUNDLE, qrToCustomer: true })).rejects.toBeInstanceOf(
      MeisimInputError,
    );
  });
});

describe.each(ALL_DIALECTS)("MeiSIM lost order answers, %s dialect", (dialect) => {
  const sim = useSimulator({ dialect });

  it("a timeout after sending is OrderOutcomeUnknownError, with one upstream order and no look-up", async () => {
    const client = clientFor(sim.current.url, { timeoutMs: 300, fetchImpl: faultOn(sim.current, ORDER, "hangAfterProcessing") });
    const err = await client.esim.order({ bundleName: BUNDLE, customerReference: "ORD-7" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OrderOutcomeUnknownError);
    expect((err as Error).message).toMatch(/customerReference ORD-7.*answer was lost/);
    expect(sim.current.state.orders).toHaveLength(1);
    expect(calls(sim.current, "POST", ORDER)).toBe(1);
    expect(calls(sim.current, "GET", HISTORY)).toBe(0);
  });

  it("a connection dropped after sending, a 500 and an unreadable body are all unknown outcomes, never resent", async () => {
    const dropping: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (String(input).endsWith(ORDER)) throw new TypeError("socket hang up");
      return res;
    };
    await expect(clientFor(sim.current.url, { fetchImpl: dropping }).esim.order({ bundleName: BUNDLE })).rejects.toBeInstanceOf(
      OrderOutcomeUnknownError,
    );
    await expect(
      clientFor(sim.current.url, { fetchImpl: faultOn(sim.current, ORDER, "http500") }).esim.order({ bundleName: BUNDLE }),
    ).rejects.toBeInstanceOf(OrderOutcomeUnknownError);
    for (const body of ["<html>gateway</html>", "", JSON.stringify({ Iccid: "8985200000000000001" })]) {
      const garbled = clientFor(sim.current.url, { fetchImpl: answeringFetch(ORDER, () => ({ body })) });
      await expect(garbled.esim.order({ bundleName: BUNDLE })).rejects.toBeInstanceOf(OrderOutcomeUnknownError);
    }
    // The 500 placed nothing in the simulator; the others did.
    expect(sim.current.state.orders).toHaveLength(4);
    expect(calls(sim.current, "POST", ORDER)).toBe(5);
    expect(calls(sim.current, "GET", HISTORY)).toBe(0);
  });

  it("a connection that never opened is a plain network error: nothing can have been placed", async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const err = await clientFor(`http://127.0.0.1:${port}`)
      .esim.order({ bundleName: BUNDLE })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderNetworkError);
    expect(err).not.toBeInstanceOf(OrderOutcomeUnknownError);
  });
});

describe("MeiSIM order answers, read by the document's words", () => {
  const sim = useSimulator({ dialect: "strict" });
  const answer = (body: object) => clientFor(sim.current.url, { fetchImpl: answeringFetch(ORDER, () => ({ body: JSON.stringify(body) })) });
  const ICCID = "8985200000000000042";

  it.each([
    ["the documented form", { Status: "Success", Iccid: ICCID, QrCode: "LPA:1$smdp.example$CODE-1" }],
    ["lower-case keys and status", { status: "success", iccid: ICCID, qrCode: "lpa:1$smdp.example$CODE-1" }],
    [
      "a QR image with the LPA beside it",
      { Status: "SUCCESS", Iccid: ICCID, QrCode: "data:image/png;base64,iVBORw0KGgo=", Lpa: "LPA:1$smdp.example$CODE-1" },
    ],
    [
      "a QR URL with SM-DP+ address and activation code",
      { Status: "Success", Iccid: ICCID, QrCode: "https://qr.example/1.png", SmdpAddress: "smdp.example", ActivationCode: "CODE-1" },
    ],
    ["the eSIM nested under data", { Status: "Success", data: { esim: { iccid: ICCID, qr_code_text: "LPA:1$smdp.example$CODE-1" } } }],
  ])("reads %s", async (_form, body) => {
    const order = await answer(body).esim.order({ bundleName: BUNDLE });
    expect(order.install).toMatchObject({
      iccid: ICCID,
      lpa: "LPA:1$smdp.example$CODE-1",
      smdpAddress: "smdp.example",
      activationCode: "CODE-1",
    });
  });

  it("never reads a Status the document does not list as nothing placed, and leaves Success without ICCID or LPA unknown", async () => {
    // The document shows only "Success": "Failed", "Pending" or any other word may still have placed the order.
    for (const Status of ["Failed", "Pending", "Processing"]) {
      const held = await answer({ Status, Message: "Bundle sold out" })
        .esim.order({ bundleName: BUNDLE })
        .catch((e: unknown) => e);
      expect(held).toBeInstanceOf(OrderOutcomeUnknownError);
      expect(held).not.toBeInstanceOf(MeisimUpstreamError);
      expect((held as Error).message).toContain(`Status "${Status}"`);
    }
    const noIccid = await answer({ Status: "Success", QrCode: "LPA:1$smdp.example$CODE-1" })
      .esim.order({ bundleName: BUNDLE })
      .catch((e: unknown) => e);
    expect(noIccid).toBeInstanceOf(OrderOutcomeUnknownError);
    expect((noIccid as OrderOutcomeUnknownError).cause).toBeInstanceOf(ProviderResponseError);
    expect((noIccid as Error).message).toMatch(/Iccid is missing/);
  });
});
