import { describe, expect, it } from "vitest";
import { InstallUnreadableError, installUnreadableIn, OrderOutcomeUnknownError, ProviderError } from "@/lib/providers/errors";
import {
  MeisimInsufficientBalanceError,
  MeisimOrderOutcomeUnknownError,
  MeisimPartialOrderError,
  MeisimProvider,
  MeisimUpstreamError,
  type MeisimClientConfig,
} from "@/lib/providers/meisim";
import type { EsimProvider, OrderLookup, ProviderPlan } from "@/lib/providers/types";
import type { MeisimSimulator } from "@/simulators/meisim";
import { BUNDLES, COUNTRIES } from "@/simulators/meisim/catalog";
import { addDealer, ALL_DIALECTS, answeringFetch, calls, clientFor, DEMO, faultOn, silentLogger, useSimulator } from "./harness";

const PLAN = "esim_3gb_15days_fr";
const ORDER = "/api/v1/esim/order";
const HISTORY = "/api/v1/orders";
const BUNDLES_PATH = "/api/v1/esim/bundles";
const ago = (ms: number) => new Date(Date.now() - ms);

/** What a correct reading of the simulator's catalog yields, whatever the dialect. */
function expectedCatalog(sim: MeisimSimulator) {
  const dealer = sim.state.dealerByEmail(DEMO.email)!;
  return BUNDLES.map((b) => ({
    planRef: b.name,
    dataMb: b.dataMb,
    days: b.validityDays,
    wholesale: { amountMinor: sim.state.dealerPriceCents(dealer, b), currency: "USD" },
    destination:
      b.countries.length === 1
        ? { kind: "country", name: b.countries[0]!.name, countryCodes: [b.countries[0]!.iso] }
        : { kind: "region", name: b.region, countryCodes: b.countries.map((c) => c.iso).sort() },
  })).sort((x, y) => x.planRef.localeCompare(y.planRef));
}

const comparable = (plans: ProviderPlan[]) =>
  plans
    .map((p) => ({
      planRef: p.planRef,
      dataMb: p.dataMb,
      days: p.days,
      wholesale: p.wholesale,
      destination: { kind: p.destination.kind, name: p.destination.name, countryCodes: p.destination.countryCodes },
    }))
    .sort((x, y) => x.planRef.localeCompare(y.planRef));

function expectUnknown(lookup: OrderLookup, reason: RegExp) {
  expect(lookup.outcome).toBe("unknown");
  expect(lookup.outcome === "unknown" && lookup.reason).toMatch(reason);
}

describe.each(ALL_DIALECTS)("MeisimProvider (EsimProvider contract), %s dialect", (dialect) => {
  // Catalog walks per country make ~50 reads; the documented 60/min would make these tests wait.
  const sim = useSimulator({ dialect, rateLimits: { read: null } });
  const detailsCarryLpa = dialect !== "strict";
  const providerFor = (overrides: Partial<MeisimClientConfig> = {}) =>
    new MeisimProvider(clientFor(sim.current.url, { rateLimits: { read: null }, ...overrides }), { logger: silentLogger });
  const simLpa = (iccid: string) => sim.current.state.esims.get(iccid)!.lpa;

  describe("catalog", () => {
    it("yields the simulator's catalog exactly: bundle names, MB, days, price in cents, coverage", async () => {
      const provider: EsimProvider = providerFor();
      const progress: { done: number; total: number }[] = [];
      const plans = await provider.listPlans({ onProgress: (p) => progress.push(p) });
      expect(comparable(plans)).toEqual(expectedCatalog(sim.current));
      expect(plans.every((p) => p.provider === "meisim" && !p.renewable && !p.cancellable && p.cancellationPolicy === null)).toBe(true);
      expect(progress.length).toBeGreaterThan(1);
      expect(progress.at(-1)!.done).toBe(progress.at(-1)!.total);
      if (dialect !== "strict") expect(plans.find((p) => p.planRef === "esim_1gb_1days_us")!.dayPass).toBe(true);
    });

    it(`learns coverage ${dialect === "friendly" ? "from the bundles alone" : "by listing bundles per country"}`, async () => {
      await providerFor().listPlans();
      const pages = Math.ceil(BUNDLES.length / 100);
      const perCountry = dialect === "friendly" ? 0 : COUNTRIES.length;
      expect(calls(sim.current, "POST", BUNDLES_PATH)).toBe(pages + perCountry);
      expect(calls(sim.current, "GET", "/api/v1/esim/countries")).toBe(dialect === "friendly" ? 0 : 1);
    });

    it("skips one unreadable bundle with a warning instead of failing the catalog", async () => {
      const warnings: unknown[] = [];
      const logger = { ...silentLogger, warn: (msg: string, fields?: unknown) => void warnings.push({ msg, fields }), child: () => logger };
      // Whatever the dialect calls the price, that one bundle's becomes unreadable.
      const spoil = (value: unknown): unknown => {
        if (Array.isArray(value)) return value.map(spoil);
        if (typeof value !== "object" || value === null) return value;
        const entries = Object.entries(value).map(([k, v]) => [k, spoil(v)] as const);
        const isTarget = entries.some(([, v]) => v === "esim_1gb_7days_jp");
        return Object.fromEntries(entries.map(([k, v]) => [k, isTarget && /^(price|cost)$/i.test(k) ? "n/a" : v]));
      };
      const fetchImpl = answeringFetch(BUNDLES_PATH, (text) => ({ body: JSON.stringify(spoil(JSON.parse(text))) }));
      const provider = new MeisimProvider(clientFor(sim.current.url, { rateLimits: { read: null }, fetchImpl, logger }), { logger });
      const plans = await provider.listPlans();
      expect(plans.map((p) => p.planRef)).not.toContain("esim_1gb_7days_jp");
      expect(plans).toHaveLength(BUNDLES.length - 1);
      expect(JSON.stringify(warnings)).toMatch(/esim_1gb_7days_jp: price is missing or unreadable/);
    });
  });

  describe("placeOrder", () => {
    it("sends one order per item id, with the item id as customerReference, and reads no history first", async () => {
      const provider = providerFor();
      const order = await provider.placeOrder({
        planRef: PLAN,
        otherOrderId: "SO-100",
        itemIds: ["SO-100-1", "SO-100-2"],
        customerEmail: "buyer@test.example",
      });
      expect(calls(sim.current, "GET", HISTORY)).toBe(0);
      expect(calls(sim.current, "POST", ORDER)).toBe(2);
      const upstream = sim.current.state.orders;
      expect(upstream.map((o) => [o.customerReference, o.emailAddress])).toEqual([
        ["SO-100-1", "buyer@test.example"],
        ["SO-100-2", "buyer@test.example"],
      ]);
      expect(order).toMatchObject({ provider: "meisim", otherOrderId: "SO-100", status: "active" });
      expect(order.esims.map((e) => [e.otherItemId, e.iccid, e.lpa])).toEqual(
        upstream.map((o, i) => [`SO-100-${i + 1}`, o.iccid, simLpa(o.iccid!)]),
      );
      expect(order.esims[0]!.lpa).toBe(`LPA:1$${order.esims[0]!.smdpAddress}$${order.esims[0]!.activationCode}`);
      // The documented answer carries no order id or price: then the first ICCID stands in and the charge is unknown.
      if (dialect === "strict") expect(order).toMatchObject({ providerOrderRef: upstream[0]!.iccid, charged: null });
      else
        expect(order).toMatchObject({
          providerOrderRef: upstream[0]!.id,
          charged: { amountMinor: upstream[0]!.amountCents * 2, currency: "USD" },
        });
    });

    it("turns a lost answer into OrderOutcomeUnknownError, with exactly one upstream order and no resend", async () => {
      const provider = providerFor({ timeoutMs: 300, fetchImpl: faultOn(sim.current, ORDER, "hangAfterProcessing") });
      const err = await provider.placeOrder({ planRef: PLAN, otherOrderId: "SO-200", itemIds: ["SO-200-1"] }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OrderOutcomeUnknownError);
      expect(err).toMatchObject({ partial: [], lostItemId: "SO-200-1", notSent: [] });
      expect(sim.current.state.orders).toHaveLength(1);
      expect(calls(sim.current, "POST", ORDER)).toBe(1);
      expect(calls(sim.current, "GET", HISTORY)).toBe(0);

      const lookup = await provider.findOrder({ otherOrderId: "SO-200", itemIds: ["SO-200-1"], attemptedAt: ago(1_000) });
      const placed = sim.current.state.orders[0]!;
      if (detailsCarryLpa) {
        expect(lookup).toMatchObject({
          outcome: "found",
          order: { otherOrderId: "SO-200", providerOrderRef: placed.id, charged: { amountMinor: placed.amountCents } },
        });
        expect(lookup.outcome === "found" && lookup.order.esims).toEqual([
          expect.objectContaining({ iccid: placed.iccid, lpa: simLpa(placed.iccid!), otherItemId: "SO-200-1" }),
        ]);
      } else {
        expectUnknown(
          lookup,
          new RegExp(`MeiSIM order ${placed.id} \\(ICCID ${placed.iccid}.*exists, but the documented API returns no activation code`),
        );
      }
    });

    it("keeps the cards placed before a lost answer, and never sends the rest", async () => {
      const provider = providerFor({ timeoutMs: 300, fetchImpl: faultOn(sim.current, ORDER, "hangAfterProcessing", 2) });
      const err = await provider
        .placeOrder({ planRef: PLAN, otherOrderId: "SO-210", itemIds: ["SO-210-1", "SO-210-2", "SO-210-3"] })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MeisimOrderOutcomeUnknownError);
      const lost = err as MeisimOrderOutcomeUnknownError;
      const [first, second] = sim.current.state.orders;
      expect(lost.partial).toEqual([expect.objectContaining({ otherItemId: "SO-210-1", iccid: first!.iccid, lpa: simLpa(first!.iccid!) })]);
      expect(lost).toMatchObject({ lostItemId: "SO-210-2", notSent: ["SO-210-3"] });
      expect(sim.current.state.orders).toHaveLength(2);
      expect(calls(sim.current, "POST", ORDER)).toBe(2);

      const lookup = await provider.findOrder({
        otherOrderId: "SO-210",
        itemIds: ["SO-210-1", "SO-210-2", "SO-210-3"],
        attemptedAt: ago(1_000),
      });
      if (detailsCarryLpa) {
        // Found cover only the items that exist; SO-210-3 is definitely absent and may be placed.
        expect(lookup.outcome === "found" && lookup.order.esims.map((e) => [e.otherItemId, e.iccid])).toEqual([
          ["SO-210-1", first!.iccid],
          ["SO-210-2", second!.iccid],
        ]);
      } else {
        expectUnknown(lookup, /no activation code/);
      }
    });

    it("reports a refusal after the first card as MeisimPartialOrderError carrying the placed cards", async () => {
      const price = sim.current.state.dealerPriceCents(sim.current.state.dealerByEmail(DEMO.email)!, sim.current.state.bundle(PLAN)!);
      const poor = addDealer(sim.current, price + 1);
      const provider = providerFor({ dealerKey: poor.apiKey });
      const err = await provider
        .placeOrder({ planRef: PLAN, otherOrderId: "SO-220", itemIds: ["SO-220-1", "SO-220-2", "SO-220-3"] })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MeisimPartialOrderError);
      expect(err).not.toBeInstanceOf(OrderOutcomeUnknownError);
      const partial = err as MeisimPartialOrderError;
      // A 402 is the dealer wallet short: read as such, so the customer is refunded for the cards left unplaced.
      expect(partial.cause).toMatchObject({ name: "ProviderFundsError", cause: expect.any(MeisimInsufficientBalanceError) });
      expect(partial.notPlaced).toEqual(["SO-220-2", "SO-220-3"]);
      expect(partial.order.esims.map((e) => e.otherItemId)).toEqual(["SO-220-1"]);
      expect(partial.order.esims[0]!.lpa).toBe(simLpa(sim.current.state.orders[0]!.iccid!));
      expect(partial).toMatchObject({ code: "PARTIALLY_PLACED", message: /1 of 3 eSIMs placed, then SO-220-2 was refused/ });
      expect(sim.current.state.orders).toHaveLength(1);

      // Refused on the first card: the refusal itself, nothing placed.
      const broke = addDealer(sim.current, 1);
      await expect(
        providerFor({ dealerKey: broke.apiKey }).placeOrder({ planRef: PLAN, otherOrderId: "SO-221", itemIds: ["SO-221-1"] }),
      ).rejects.toMatchObject({ name: "ProviderFundsError", cause: expect.any(MeisimInsufficientBalanceError) });
    });

    it("holds an order answered with a Status other than Success as an unknown outcome, and leaves a Success without an LPA unknown", async () => {
      const failed = providerFor({
        fetchImpl: answeringFetch(ORDER, () => ({ body: JSON.stringify({ Status: "Failed", Message: "Upstream out of stock" }) })),
      });
      const held = await failed.placeOrder({ planRef: PLAN, otherOrderId: "SO-230", itemIds: ["SO-230-1"] }).catch((e: unknown) => e);
      // The document lists only "Success": any other word may still have placed the order, so it is looked up, never read as refused.
      expect(held).toBeInstanceOf(OrderOutcomeUnknownError);
      expect(held).not.toBeInstanceOf(MeisimUpstreamError);
      expect((held as Error).message).toMatch(/Status "Failed" \(Upstream out of stock\)/);

      const noLpa = providerFor({
        fetchImpl: answeringFetch(ORDER, (text) => {
          const { Iccid, iccid } = JSON.parse(text) as { Iccid?: string; iccid?: string };
          return { body: JSON.stringify({ Status: "Success", Iccid: Iccid ?? iccid, QrCode: "https://qr.example/img.png" }) };
        }),
      });
      const lost = await noLpa.placeOrder({ planRef: PLAN, otherOrderId: "SO-231", itemIds: ["SO-231-1"] }).catch((e: unknown) => e);
      // Placed for certain (an ICCID came back), but its QR image is on a host not allowed: held, never read as an LPA.
      expect(lost).toBeInstanceOf(OrderOutcomeUnknownError);
      expect(installUnreadableIn(lost)).toBeInstanceOf(InstallUnreadableError);
      expect((lost as Error).message).toMatch(/qr\.example is not on MeiSIM's URL allow-list/);
    });

    it("refuses bad input before sending anything", async () => {
      const provider = providerFor();
      await expect(provider.placeOrder({ planRef: PLAN, otherOrderId: "SO-240", itemIds: [] })).rejects.toThrow(/itemIds/);
      await expect(provider.placeOrder({ planRef: PLAN, otherOrderId: "SO-240", itemIds: ["A", "A"] })).rejects.toThrow(/distinct/);
      const many = Array.from({ length: 21 }, (_, i) => `SO-240-${i}`);
      await expect(provider.placeOrder({ planRef: PLAN, otherOrderId: "SO-240", itemIds: many })).rejects.toThrow(/1 to 20/);
      expect(sim.current.sim.requestLog).toHaveLength(0);
      expect(provider.maxQuantity).toBe(20);
    });
  });

  describe("findOrder", () => {
    it("answers absent for references never placed", async () => {
      const provider = providerFor();
      await provider.placeOrder({ planRef: PLAN, otherOrderId: "SO-300", itemIds: ["SO-300-1"] });
      expect(await provider.findOrder({ otherOrderId: "SO-404", itemIds: ["SO-404-1", "SO-404-2"], attemptedAt: ago(1_000) })).toEqual({
        outcome: "absent",
      });
    });

    it("answers unknown when the 100-order window starts after the attempt, absent when it reaches back", async () => {
      const provider = providerFor();
      const dealer = sim.current.state.dealerByEmail(DEMO.email)!;
      const bundle = sim.current.state.bundle(PLAN)!;
      for (let i = 0; i < 100; i++)
        sim.current.state.placeOrder(dealer, { item: bundle.name, unitPriceCents: 1, quantity: 1, customerReference: `OTHER-${i}` });
      const input = { otherOrderId: "SO-310", itemIds: ["SO-310-1"] };
      expectUnknown(
        await provider.findOrder({ ...input, attemptedAt: ago(60 * 60_000) }),
        /not among MeiSIM's last 100 orders.*100-order window/,
      );
      // An attempt made after the oldest order in the window: the window covers it, so not finding it is definite.
      expect(await provider.findOrder({ ...input, attemptedAt: new Date(Date.now() + 10 * 60_000) })).toEqual({ outcome: "absent" });
    });

    it("finds older orders placed under our order id", async () => {
      const client = clientFor(sim.current.url, { rateLimits: { read: null } });
      const legacy = await client.esim.order({ bundleName: PLAN, customerReference: "SO-320" });
      const lookup = await providerFor().findOrder({ otherOrderId: "SO-320", itemIds: ["SO-320-1"], attemptedAt: ago(1_000) });
      if (detailsCarryLpa)
        expect(lookup.outcome === "found" && lookup.order.esims).toEqual([
          expect.objectContaining({ iccid: legacy.install.iccid, otherItemId: "SO-320-1" }),
        ]);
      else expectUnknown(lookup, /no activation code/);
    });

    it("throws on a failure that may pass (HTTP 500 after retries), so the caller asks again later", async () => {
      sim.current.sim.faults.http500 = 3;
      await expect(providerFor().findOrder({ otherOrderId: "SO-330", itemIds: ["SO-330-1"], attemptedAt: ago(1_000) })).rejects.toThrow(
        /HTTP 500|500/,
      );
    });

    it("answers unknown, without throwing, when the history answers something unreadable or 404", async () => {
      const garbled = providerFor({ fetchImpl: answeringFetch(HISTORY, () => ({ body: "<html>down</html>" })) });
      expectUnknown(await garbled.findOrder({ otherOrderId: "SO-330", itemIds: ["SO-330-1"], attemptedAt: ago(1_000) }), /not JSON/);
      const notFound = providerFor({
        fetchImpl: answeringFetch(HISTORY, () => ({ status: 404, body: JSON.stringify({ error: "Not found", message: "no such route" }) })),
      });
      expectUnknown(await notFound.findOrder({ otherOrderId: "SO-330", itemIds: ["SO-330-1"], attemptedAt: ago(1_000) }), /HTTP 404/);
    });

    it("cannot tell from a history row of ours whose status the document does not list (a revoked card)", async () => {
      const provider = providerFor();
      const placed = await provider.placeOrder({ planRef: PLAN, otherOrderId: "SO-340", itemIds: ["SO-340-1", "SO-340-2"] });
      const iccids = placed.esims.map((e) => e.iccid);
      await provider.cancel({ providerOrderRef: placed.providerOrderRef, iccids: [iccids[0]!], allIccids: iccids });
      const lookup = await provider.findOrder({ otherOrderId: "SO-340", itemIds: ["SO-340-1", "SO-340-2"], attemptedAt: ago(1_000) });
      // The document shows only "completed": a "revoked" row is neither a placed order to deliver nor an absent one.
      expect(lookup).toMatchObject({ outcome: "unknown", reason: expect.stringMatching(/status "revoked"/) });
    });
  });

  describe("checkAvailability", () => {
    it("is available when the plan exists, the dealer is approved and the wallet covers the count", async () => {
      const provider = providerFor();
      expect(await provider.checkAvailability(PLAN, 1)).toEqual({ available: true });
      expect(await provider.checkAvailability("esim_nope", 1)).toMatchObject({ available: false, reason: "unknown_plan" });
      expect(await provider.checkAvailability(PLAN, 21)).toMatchObject({ available: false, reason: "quantity" });
      // The bundle index is cached between checks: one unfiltered walk, no per-country work.
      expect(calls(sim.current, "POST", BUNDLES_PATH)).toBe(Math.ceil(BUNDLES.length / 100));
    });

    it("says provider_funds when the wallet cannot cover wholesale × count", async () => {
      const provider = providerFor();
      const price = sim.current.state.dealerPriceCents(
        sim.current.state.dealerByEmail(DEMO.email)!,
        sim.current.state.bundle("esim_20gb_30days_global")!,
      );
      const count = Math.floor(500_00 / price) + 1;
      expect(count).toBeLessThanOrEqual(20);
      expect(await provider.checkAvailability("esim_20gb_30days_global", count)).toMatchObject({
        available: false,
        reason: "provider_funds",
        detail: /needs/,
      });
      expect(await provider.checkAvailability("esim_20gb_30days_global", count - 1)).toEqual({ available: true });
    });

    it("says provider_account for a dealer that is not approved, whether refused (403) or reported as such", async () => {
      const provider = providerFor();
      await provider.checkAvailability(PLAN, 1);
      sim.current.state.setDealerStatus(DEMO.email, "pending");
      expect(await provider.checkAvailability(PLAN, 1)).toMatchObject({ available: false, reason: "provider_account" });
      sim.current.state.setDealerStatus(DEMO.email, "approved");
      const reportsPending = providerFor({
        fetchImpl: answeringFetch("/api/v1/me", (text) => ({ body: JSON.stringify({ ...JSON.parse(text), status: "pending" }) })),
      });
      expect(await reportsPending.checkAvailability(PLAN, 1)).toMatchObject({
        available: false,
        reason: "provider_account",
        detail: /pending, not approved/,
      });
    });

    it("says unavailable when MeiSIM cannot be reached", async () => {
      const provider = providerFor({ retry: { attempts: 1, baseDelayMs: 0 } });
      sim.current.sim.faults.http500 = 1;
      expect(await provider.checkAvailability(PLAN, 1)).toMatchObject({ available: false, reason: "unavailable", detail: /HTTP 500/ });
    });
  });

  describe("after sale", () => {
    it("reports usage for many eSIMs with progress, unlimited and unknown ones included", async () => {
      const provider = providerFor();
      const { esims } = await provider.placeOrder({ planRef: PLAN, otherOrderId: "SO-400", itemIds: ["SO-400-1", "SO-400-2"] });
      const unlimited = await provider.placeOrder({ planRef: "esim_unlimited_7days_us", otherOrderId: "SO-401", itemIds: ["SO-401-1"] });
      sim.current.state.setEsimUsage(esims[1]!.iccid, { state: "DEPLETED", usedMb: 3072 });
      const progress: number[] = [];
      const iccids = [esims[0]!.iccid, esims[1]!.iccid, unlimited.esims[0]!.iccid, "8985200099999999999"];
      const usage = await provider.getUsage(iccids, { onProgress: (p) => progress.push(p.done) });
      expect(usage.map((u) => u.state)).toEqual(["not_installed", "depleted", "not_installed", "unknown"]);
      expect(usage[0]).toMatchObject({ usedMb: 0, totalMb: 3072, expiresAt: null });
      expect(usage[1]).toMatchObject({ usedMb: 3072, totalMb: 3072 });
      expect(Date.parse(usage[1]!.expiresAt!)).toBeGreaterThan(Date.now());
      expect(usage[2]!.totalMb).toBeNull();
      expect(progress).toEqual([1, 2, 3, 4]);
    });

    it("cancels only eSIMs never installed, checking every card before revoking any", async () => {
      const provider = providerFor();
      const placed = await provider.placeOrder({ planRef: PLAN, otherOrderId: "SO-500", itemIds: ["SO-500-1", "SO-500-2", "SO-500-3"] });
      const [a, b, c] = placed.esims.map((e) => e.iccid) as [string, string, string];
      const all = [a, b, c];
      expect(await provider.cancel({ providerOrderRef: placed.providerOrderRef, iccids: [a], allIccids: all })).toEqual({
        status: "partially_cancelled",
      });
      expect(sim.current.state.esims.get(a)!.state).toBe("REVOKED");

      sim.current.state.setEsimUsage(c, { state: "ACTIVE", usedMb: 10 });
      await expect(provider.cancel({ providerOrderRef: placed.providerOrderRef, iccids: [b, c], allIccids: all })).rejects.toMatchObject({
        code: "NOT_CANCELLABLE",
      });
      expect(sim.current.state.esims.get(b)!.state).toBe("NOT_INSTALLED");

      // Already revoked counts as cancelled, without a second revoke.
      expect(await provider.cancel({ providerOrderRef: placed.providerOrderRef, iccids: [a, b], allIccids: [a, b] })).toEqual({
        status: "cancelled",
      });
      expect(calls(sim.current, "POST", "/api/v1/esim/revoke")).toBe(2);
    });

    it("has no renewals", async () => {
      const provider = providerFor();
      expect(await provider.listRenewalPlans("8985200000000000001")).toEqual([]);
      const err = await provider.renew({ iccid: "8985200000000000001", planRef: PLAN, otherOrderId: "SO-600" }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProviderError);
      expect(err).toMatchObject({ code: "UNSUPPORTED" });
    });
  });
});
