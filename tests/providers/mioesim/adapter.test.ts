import { describe, expect, it } from "vitest";
import { ProviderError } from "@/lib/providers/errors";
import { gmt8ToIso } from "@/lib/providers/mioesim/adapter";
import { MioesimNotAppliedError, parsePlanRef } from "@/lib/providers/mioesim";
import type { EsimProvider, ProviderOrderStatus } from "@/lib/providers/types";
import { losingFirstRequestTo, startFixture } from "./fixtures";

const MINUTE = 60_000;

describe("MioesimProvider catalog", () => {
  it("lists every plan of every SKU, reporting progress per SKU", async () => {
    const { provider, calls } = await startFixture();
    const progress: Array<{ done: number; total: number }> = [];
    const plans = await provider.listPlans({ onProgress: ({ done, total }) => progress.push({ done, total }) });
    expect(progress).toHaveLength(49);
    expect(progress.at(-1)).toEqual({ done: 49, total: 49 });
    expect(calls("/api_esim/getPackages")).toBe(49);
    expect(plans).toHaveLength(49 * 6);
    expect(new Set(plans.map((plan) => plan.planRef)).size).toBe(plans.length);
  });

  it("maps a country plan", async () => {
    const { provider } = await startFixture();
    const plans = await provider.listPlans();
    expect(plans.find((plan) => plan.planRef === "26:261")).toEqual({
      provider: "mioesim",
      planRef: "26:261",
      name: "Japan 1GB 7 days",
      destination: { providerRef: "26", name: "Japan", kind: "country", countryCodes: ["JP"] },
      dataMb: 1024,
      days: 7,
      wholesale: { amountMinor: 449, currency: "USD" },
      renewable: true,
      dayPass: false,
      cancellable: true,
      cancellationPolicy: "Cancellable with a full refund until the eSIM is activated on a device.",
    });
    expect(plans.find((plan) => plan.planRef === "26:264")).toMatchObject({ cancellable: false });
    expect(plans.find((plan) => plan.planRef === "26:265")).toMatchObject({ renewable: false, dataMb: 500, name: "Japan 500MB 1 day" });
    expect(plans.find((plan) => plan.planRef === "26:266")).toMatchObject({ dayPass: true, name: "Japan 1GB/day 5 days" });
    expect(plans.find((plan) => plan.planRef === "48:481")?.destination.countryCodes).toEqual(["AT"]);
  });

  it("maps regions with the countries they cover", async () => {
    const { provider } = await startFixture();
    const plans = await provider.listPlans();
    const africa = plans.find((plan) => plan.planRef === "156:1561")!.destination;
    expect(africa).toEqual({ providerRef: "156", name: "Africa", kind: "region", countryCodes: ["EG", "KE", "MA", "NG", "ZA"] });
    const global = plans.find((plan) => plan.planRef === "199:1991")!.destination;
    expect(global.kind).toBe("region");
    expect(global.countryCodes).toHaveLength(40);
  });

  it("checks availability against stock", async () => {
    const { provider, state } = await startFixture();
    expect(await provider.checkAvailability("26:262", 20)).toBe(true);
    expect(await provider.checkAvailability("26:262", 21)).toBe(false);
    state.setStock(261, 0);
    expect(await provider.checkAvailability("26:261", 1)).toBe(false);
  });

  it("rejects a plan reference that is not <skuId>:<priceId>", async () => {
    const { provider } = await startFixture();
    const error = await provider.checkAvailability("japan-1gb", 1).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: "INVALID_PLAN_REF" });
    expect(parsePlanRef("26:441")).toEqual({ skuId: 26, priceId: 441 });
  });
});

describe("MioesimProvider orders", () => {
  it("places an order and returns install details", async () => {
    const { provider } = await startFixture();
    const order = await provider.placeOrder({ planRef: "26:261", otherOrderId: "ORD-1", count: 2 });
    expect(order).toMatchObject({ provider: "mioesim", otherOrderId: "ORD-1", status: "active", charged: { amountMinor: 898, currency: "USD" } });
    expect(order.esims).toHaveLength(2);
    const esim = order.esims[0]!;
    expect(esim.lpa).toBe(`LPA:1$${esim.smdpAddress}$${esim.activationCode}`);
    expect(esim.pdfUrl).toContain(esim.iccid);
    // "YYYY-MM-DD(GMT+8)" becomes the end of that day in GMT+8.
    expect(esim.activateBefore).toMatch(/^\d{4}-\d{2}-\d{2}T15:59:59\.000Z$/);
  });

  it("returns the existing order when the same otherOrderId is placed again", async () => {
    const { provider, state, calls } = await startFixture();
    const first = await provider.placeOrder({ planRef: "26:261", otherOrderId: "ORD-2" });
    const again = await provider.placeOrder({ planRef: "26:261", otherOrderId: "ORD-2" });
    expect(again).toEqual(first);
    expect(calls("/api_esim/addEsimOrder")).toBe(1);
    expect(state.orderCount()).toBe(1);
    await expect(provider.placeOrder({ planRef: "26:263", otherOrderId: "ORD-2" })).rejects.toMatchObject({ code: "OTHER_ORDER_ID_REUSED" });
  });

  it("places an order once more only after MIOeSIM confirmed the lost one does not exist", async () => {
    const { provider, state } = await startFixture({ client: { fetchImpl: losingFirstRequestTo("addEsimOrder", "before sending") } });
    await expect(provider.placeOrder({ planRef: "26:261", otherOrderId: "ORD-3" })).rejects.toBeInstanceOf(MioesimNotAppliedError);
    expect(state.orderCount()).toBe(0);
    const order = await provider.placeOrder({ planRef: "26:261", otherOrderId: "ORD-3" });
    expect(order.otherOrderId).toBe("ORD-3");
    expect(state.orderCount()).toBe(1);
  });

  it("finds orders by our reference", async () => {
    const { provider } = await startFixture();
    expect(await provider.findOrder("ORD-none")).toBeNull();
    const placed = await provider.placeOrder({ planRef: "120:1201", otherOrderId: "ORD-4" });
    expect(await provider.findOrder("ORD-4")).toEqual(placed);
  });

  it("maps every documented order status", async () => {
    const { provider, state } = await startFixture();
    const placed = await provider.placeOrder({ planRef: "26:261", otherOrderId: "ORD-5" });
    const expected: Array<[number, ProviderOrderStatus]> = [[-1, "pending"], [0, "active"], [2, "cancelled"], [3, "void"], [4, "partially_cancelled"], [5, "ended"], [6, "cancelling"], [7, "cancelling"]];
    for (const [code, status] of expected) {
      state.setOrderStatus(placed.providerOrderRef, code);
      expect((await provider.findOrder("ORD-5"))?.status).toBe(status);
    }
  });

  it("cancels an unactivated order and reports it cancelling", async () => {
    const { provider, state } = await startFixture();
    const order = await provider.placeOrder({ planRef: "26:261", otherOrderId: "ORD-6" });
    expect(await provider.cancel({ providerOrderRef: order.providerOrderRef, iccid: order.esims[0]!.iccid })).toEqual({ status: "cancelling" });
    state.settleRefunds();
    expect((await provider.findOrder("ORD-6"))?.status).toBe("cancelled");
  });

  it("cancels one eSIM of a larger order as a partial cancellation", async () => {
    const { provider, state } = await startFixture();
    const order = await provider.placeOrder({ planRef: "26:261", otherOrderId: "ORD-7", count: 2 });
    expect(await provider.cancel({ providerOrderRef: order.providerOrderRef, iccid: order.esims[1]!.iccid })).toEqual({ status: "cancelling" });
    state.settleRefunds();
    expect((await provider.findOrder("ORD-7"))?.status).toBe("partially_cancelled");
  });
});

describe("MioesimProvider usage and renewals", () => {
  it("maps card status and usage, one entry per requested ICCID", async () => {
    const { provider, state } = await startFixture({ sim: { usageMbPerMinute: 5 } });
    const order = await provider.placeOrder({ planRef: "26:261", otherOrderId: "U-1", count: 6 });
    const [fresh, installed, active, depleted, disabled, deleted] = order.esims.map((esim) => esim.iccid) as [string, string, string, string, string, string];
    state.installCard(installed);
    state.activateCard(active, Date.now() - 10 * MINUTE);
    state.activateCard(depleted);
    state.addUsage(depleted, 5_000);
    state.setCardStatus(disabled, "Disable");
    state.setCardStatus(deleted, "Delete");
    const progress: number[] = [];
    const usage = await provider.getUsage([fresh, installed, active, depleted, disabled, deleted, "8985200999999999999"], { onProgress: ({ done }) => progress.push(done) });
    expect(usage.map((entry) => entry.state)).toEqual(["not_installed", "installed", "active", "depleted", "disabled", "deleted", "unknown"]);
    expect(usage[2]).toMatchObject({ usedMb: 50, totalMb: 1024 });
    expect(Date.parse(usage[2]!.expiresAt!) - Date.parse(usage[2]!.startedAt!)).toBe(7 * 24 * 60 * MINUTE);
    expect(usage[3]).toMatchObject({ usedMb: 1024, totalMb: 1024 });
    expect(usage[6]).toEqual({ iccid: "8985200999999999999", state: "unknown", usedMb: 0, totalMb: null, startedAt: null, expiresAt: null });
    expect(progress).toEqual([7]);
  });

  it("reports a plan past its end date as expired", async () => {
    const { provider, state } = await startFixture({ sim: { usageMbPerMinute: 0 } });
    const order = await provider.placeOrder({ planRef: "26:261", otherOrderId: "U-2" });
    const iccid = order.esims[0]!.iccid;
    state.activateCard(iccid, Date.now() - 8 * 24 * 60 * MINUTE);
    expect((await provider.getUsage([iccid]))[0]?.state).toBe("expired");
    expect((await provider.findOrder("U-2"))?.status).toBe("ended");
  });

  it("offers renewable plans for a card and renews it", async () => {
    const { provider, client } = await startFixture();
    const order = await provider.placeOrder({ planRef: "26:261", otherOrderId: "N-1" });
    const iccid = order.esims[0]!.iccid;
    const plans = await provider.listRenewalPlans(iccid);
    expect(plans.map((plan) => plan.planRef)).toEqual(["26:261", "26:262", "26:263", "26:264", "26:266"]);
    const renewal = await provider.renew({ iccid, planRef: "26:263", otherOrderId: "N-2" });
    expect(renewal.esims.map((esim) => esim.iccid)).toEqual([iccid]);
    const raw = await client.getOrderInfo({ orderNum: renewal.providerOrderRef });
    expect(raw).toMatchObject({ isRenewal: true, mainOrderNum: order.providerOrderRef });
  });

  it("offers no renewal for a card on a non-renewable plan", async () => {
    const { provider } = await startFixture();
    const order = await provider.placeOrder({ planRef: "26:265", otherOrderId: "N-3" });
    expect(await provider.listRenewalPlans(order.esims[0]!.iccid)).toEqual([]);
  });

  it("satisfies the EsimProvider contract", async () => {
    const { provider } = await startFixture();
    const contract: EsimProvider = provider;
    expect(contract).toMatchObject({ id: "mioesim", displayName: "MIOeSIM" });
  });
});

describe("gmt8ToIso", () => {
  it("reads MIOeSIM's GMT+8 times", () => {
    expect(gmt8ToIso("2024-02-24(GMT+8)", "end")).toBe("2024-02-24T15:59:59.000Z");
    expect(gmt8ToIso("2024-02-24", "start")).toBe("2024-02-23T16:00:00.000Z");
    expect(gmt8ToIso("2024-01-24 10:20:30", "start")).toBe("2024-01-24T02:20:30.000Z");
    expect(gmt8ToIso("2024-01-24 10:20", "end")).toBe("2024-01-24T02:20:00.000Z");
    expect(gmt8ToIso("next tuesday", "end")).toBeNull();
    expect(gmt8ToIso(null, "end")).toBeNull();
  });
});
