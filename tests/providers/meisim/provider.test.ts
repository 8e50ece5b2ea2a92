import { describe, expect, it } from "vitest";
import type { EsimProvider } from "@/lib/providers/types";
import { MeisimProvider } from "@/lib/providers/meisim";
import { calls, clientFor, DEMO, faultOn, silentLogger, useSimulator } from "./harness";
import type { MeisimClientConfig } from "@/lib/providers/meisim";

const PLAN = "esim_3gb_15days_fr";
const ORDER = "/api/v1/esim/order";

describe("MeisimProvider (EsimProvider contract)", () => {
  const sim = useSimulator();
  const providerFor = (overrides: Partial<MeisimClientConfig> = {}) => new MeisimProvider(clientFor(sim.current.url, overrides), { logger: silentLogger });

  it("lists the whole catalog as plans with minor-unit prices and destinations", async () => {
    const provider: EsimProvider = providerFor();
    const progress: number[] = [];
    const plans = await provider.listPlans({ onProgress: (p) => progress.push(p.done) });
    expect(plans.length).toBeGreaterThan(300);
    expect(progress.length).toBeGreaterThan(1);

    expect(plans.find((p) => p.planRef === "esim_5gb_30days_jp")).toMatchObject({
      provider: "meisim",
      dataMb: 5120,
      days: 30,
      renewable: false,
      cancellable: false,
      destination: { providerRef: "JP", name: "Japan", kind: "country", countryCodes: ["JP"] },
    });
    const europe = plans.find((p) => p.planRef === "esim_10gb_30days_europe")!;
    expect(europe.destination).toMatchObject({ providerRef: "Europe", kind: "region" });
    expect(europe.destination.countryCodes).toContain("FR");
    expect(plans.find((p) => p.planRef === "esim_unlimited_7days_us")!.dataMb).toBeNull();
    expect(plans.find((p) => p.planRef === "esim_1gb_1days_us")!.dayPass).toBe(true);
    expect(plans.every((p) => Number.isInteger(p.wholesale.amountMinor) && p.wholesale.currency === "USD")).toBe(true);
  });

  it("says a plan is available when it exists and the wallet covers the count", async () => {
    const provider = providerFor();
    expect(await provider.checkAvailability(PLAN, 1)).toBe(true);
    expect(await provider.checkAvailability("esim_20gb_30days_global", 20)).toBe(false);
    expect(await provider.checkAvailability("esim_nope", 1)).toBe(false);
    // The catalog is cached between checks.
    expect(calls(sim.current, "POST", "/api/v1/esim/bundles")).toBe(4);
  });

  it("places a multi-eSIM order under one reference, and placing it again adds nothing", async () => {
    const provider = providerFor();
    const order = await provider.placeOrder({ planRef: PLAN, otherOrderId: "SO-100", count: 2, customerEmail: "buyer@test.example" });
    expect(order).toMatchObject({ provider: "meisim", otherOrderId: "SO-100", status: "active" });
    expect(order.esims).toHaveLength(2);
    expect(order.esims[0]!.lpa).toMatch(/^LPA:1\$/);
    const unit = sim.current.state.orders[0]!.amountCents;
    expect(order.charged).toEqual({ amountMinor: 2 * unit, currency: "USD" });

    const again = await provider.placeOrder({ planRef: PLAN, otherOrderId: "SO-100", count: 2 });
    expect(again.esims.map((e) => e.iccid)).toEqual(order.esims.map((e) => e.iccid));
    expect(again.providerOrderRef).toBe(order.providerOrderRef);
    expect(calls(sim.current, "POST", ORDER)).toBe(2);

    await expect(provider.placeOrder({ planRef: "esim_1gb_7days_fr", otherOrderId: "SO-100" })).rejects.toMatchObject({ code: "REFERENCE_CONFLICT" });
  });

  it("recovers a lost order answer without a second order", async () => {
    const provider = providerFor({ timeoutMs: 300, fetchImpl: faultOn(sim.current, ORDER, "hangAfterProcessing") });
    const order = await provider.placeOrder({ planRef: PLAN, otherOrderId: "SO-200" });
    expect(order.esims).toHaveLength(1);
    expect(sim.current.state.orders).toHaveLength(1);
    expect(order.providerOrderRef).toBe(sim.current.state.orders[0]!.id);
    expect(calls(sim.current, "POST", ORDER)).toBe(1);
    const balance = sim.current.state.dealerByEmail(DEMO.email)!.balanceCents;
    expect(balance).toBe(500_00 - sim.current.state.orders[0]!.amountCents);
  });

  it("finds orders by our reference and follows cancellations", async () => {
    const provider = providerFor();
    expect(await provider.findOrder("SO-404")).toBeNull();
    const placed = await provider.placeOrder({ planRef: PLAN, otherOrderId: "SO-300", count: 2 });
    expect(await provider.findOrder("SO-300")).toEqual(placed);

    const first = placed.esims[0]!.iccid;
    expect(await provider.cancel({ providerOrderRef: placed.providerOrderRef, iccid: first })).toEqual({ status: "cancelled" });
    expect(sim.current.state.esims.get(first)!.state).toBe("REVOKED");
    expect((await provider.findOrder("SO-300"))!.status).toBe("partially_cancelled");

    // Cancelling again is a no-op, not a second revoke.
    await provider.cancel({ providerOrderRef: placed.providerOrderRef, iccid: first });
    expect(calls(sim.current, "POST", "/api/v1/esim/revoke")).toBe(1);

    const second = placed.esims[1]!.iccid;
    sim.current.state.setEsimUsage(second, { state: "ACTIVE", usedMb: 10 });
    await expect(provider.cancel({ providerOrderRef: placed.providerOrderRef, iccid: second })).rejects.toMatchObject({ code: "NOT_CANCELLABLE" });
  });

  it("reports usage for many eSIMs with progress, unknown ones included", async () => {
    const provider = providerFor();
    const { esims } = await provider.placeOrder({ planRef: PLAN, otherOrderId: "SO-400", count: 2 });
    sim.current.state.setEsimUsage(esims[1]!.iccid, { state: "DEPLETED", usedMb: 3072 });
    const progress: number[] = [];
    const usage = await provider.getUsage([esims[0]!.iccid, esims[1]!.iccid, "8985200099999999999"], { onProgress: (p) => progress.push(p.done) });
    expect(usage.map((u) => u.state)).toEqual(["not_installed", "depleted", "unknown"]);
    expect(usage[1]).toMatchObject({ usedMb: 3072, totalMb: 3072 });
    expect(usage[1]!.startedAt).not.toBeNull();
    expect(progress).toEqual([1, 2, 3]);
  });

  it("has no renewals", async () => {
    const provider = providerFor();
    expect(await provider.listRenewalPlans("8985200000000000001")).toEqual([]);
    await expect(provider.renew({ iccid: "8985200000000000001", planRef: PLAN, otherOrderId: "SO-500" })).rejects.toMatchObject({ code: "UNSUPPORTED" });
  });
});
