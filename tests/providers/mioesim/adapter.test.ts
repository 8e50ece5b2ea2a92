/**
 * Adapter behaviour that needs the order look-up (GET /api_esim/getOrderInfo,
 * not a documented endpoint): run against the friendly and alternative
 * dialects, which serve it. The documented-only contract is in contract.test.ts.
 */
import { describe, expect, it } from "vitest";
import { OrderOutcomeUnknownError, ProviderError } from "@/lib/providers/errors";
import { gmt8ToIso } from "@/lib/providers/mioesim/adapter";
import {
  MIOESIM_MAX_QUANTITY,
  MioesimProvider,
  parsePlanRef,
  premarkAllowsCancellation,
  type MioesimClient,
} from "@/lib/providers/mioesim";
import type { EsimProvider, OrderLookupInput, ProviderOrderStatus } from "@/lib/providers/types";
import { JAPAN, itemIdsFor, quietLogger, startFixture } from "./fixtures";

const LOOKUP = "/api_esim/getOrderInfo";
const lookupOf = (otherOrderId: string, count = 1, providerOrderRef?: string): OrderLookupInput => ({
  otherOrderId,
  itemIds: itemIdsFor(otherOrderId, count),
  providerOrderRef: providerOrderRef ?? null,
  attemptedAt: new Date(),
});

describe("card PDF links MIOeSIM hands over", () => {
  it("are kept on the base URL's host (the default allow-list) and dropped, logged, on any other", async () => {
    const kept = await startFixture();
    const placed = await kept.provider.placeOrder({ planRef: "26:261", otherOrderId: "U-1", itemIds: itemIdsFor("U-1") });
    expect(new URL(placed.esims[0]!.pdfUrl!).host).toBe(new URL(kept.url).host);

    const warnings: Record<string, unknown>[] = [];
    const logger = { ...quietLogger, warn: (_msg: string, fields?: Record<string, unknown>) => void warnings.push(fields ?? {}) };
    // A list without the simulator's host stands for an answer that points somewhere else.
    const refused = await startFixture({ client: { urlHosts: "cdn.mioesim.example" }, logger });
    const other = await refused.provider.placeOrder({ planRef: "26:261", otherOrderId: "U-2", itemIds: itemIdsFor("U-2") });
    expect(other.esims[0]).toMatchObject({ pdfUrl: null, lpa: expect.stringMatching(/^LPA:1\$/) });
    expect(warnings).toContainEqual(expect.objectContaining({ provider: "mioesim", what: "card pdfUrl" }));
  });
});

describe.each(["friendly", "alternative"] as const)("MioesimProvider look-ups, %s dialect", (dialect) => {
  it("finds an order by our reference and by its number, and cannot tell (never absent) for a reference MIOeSIM does not know", async () => {
    const { provider } = await startFixture({ dialect });
    const placed = await provider.placeOrder({ planRef: "120:1201", otherOrderId: "F-1", itemIds: itemIdsFor("F-1", 2) });
    const byOurs = await provider.findOrder(lookupOf("F-1", 2));
    expect(byOurs).toMatchObject({ outcome: "found", order: { ...placed, charged: placed.charged } });
    expect((byOurs as { raw: unknown }).raw).toBeTruthy();
    const byTheirs = await provider.findOrder(lookupOf("F-1", 2, placed.providerOrderRef));
    expect(byTheirs).toMatchObject({ outcome: "found", order: { providerOrderRef: placed.providerOrderRef, esims: placed.esims } });
    // Code 3 from getOrderInfo, an endpoint the documents do not list, proves nothing: a person checks.
    expect(await provider.findOrder(lookupOf("F-none"))).toMatchObject({ outcome: "unknown", reason: expect.stringMatching(/code 3/) });
    expect(await provider.findOrder(lookupOf("F-none", 1, "EP00000000000000"))).toMatchObject({ outcome: "unknown" });
  });

  it("polls a pending order (status -1, no cards) until it is delivered, matching cards to our items", async () => {
    const { provider, sim, calls } = await startFixture({ dialect, sim: { pendingLookups: 1 } });
    sim.faults.forced.pendingOrder = 1;
    const placed = await provider.placeOrder({ planRef: "26:261", otherOrderId: "P-1", itemIds: itemIdsFor("P-1", 2) });
    expect(placed).toMatchObject({ status: "pending", esims: [] });
    expect(calls(LOOKUP)).toBe(0);
    const first = await provider.findOrder(lookupOf("P-1", 2, placed.providerOrderRef));
    expect(first).toMatchObject({ outcome: "found", order: { status: "pending", esims: [] } });
    const second = await provider.findOrder(lookupOf("P-1", 2, placed.providerOrderRef));
    expect(second).toMatchObject({ outcome: "found", order: { status: "active", providerOrderRef: placed.providerOrderRef } });
    const esims = (second as { order: { esims: Array<{ otherItemId: string | null; lpa: string }> } }).order.esims;
    expect(esims.map((esim) => esim.otherItemId)).toEqual(["P-1-1", "P-1-2"]);
    expect(esims.every((esim) => esim.lpa.startsWith("LPA:1$"))).toBe(true);
    expect(calls(LOOKUP)).toBe(2);
  });

  it("maps every documented order status", async () => {
    const { provider, state } = await startFixture({ dialect });
    const placed = await provider.placeOrder({ planRef: "26:261", otherOrderId: "S-1", itemIds: itemIdsFor("S-1") });
    const expected: Array<[number, ProviderOrderStatus]> = [
      [-1, "pending"],
      [0, "active"],
      [2, "cancelled"],
      [3, "void"],
      [4, "partially_cancelled"],
      [5, "ended"],
      [6, "cancelling"],
      [7, "cancelling"],
    ];
    for (const [code, status] of expected) {
      state.setOrderStatus(placed.providerOrderRef, code);
      const found = await provider.findOrder(lookupOf("S-1"));
      expect(found.outcome === "found" && found.order.status).toBe(status);
    }
  });

  it("follows a cancellation through to cancelled and partially cancelled", async () => {
    const { provider, state } = await startFixture({ dialect });
    const whole = await provider.placeOrder({ planRef: "26:261", otherOrderId: "C-1", itemIds: itemIdsFor("C-1") });
    await provider.cancel({
      providerOrderRef: whole.providerOrderRef,
      iccids: [whole.esims[0]!.iccid],
      allIccids: [whole.esims[0]!.iccid],
    });
    const some = await provider.placeOrder({ planRef: "26:261", otherOrderId: "C-2", itemIds: itemIdsFor("C-2", 2) });
    const all = some.esims.map((esim) => esim.iccid);
    // Both dialects answer the refund with the order, still in process (6/7).
    expect(await provider.cancel({ providerOrderRef: some.providerOrderRef, iccids: [all[0]!], allIccids: all })).toEqual({
      status: "cancelling",
    });
    expect(await provider.findOrder(lookupOf("C-1"))).toMatchObject({ order: { status: "cancelling" } });
    state.settleRefunds();
    expect(await provider.findOrder(lookupOf("C-1"))).toMatchObject({ order: { status: "cancelled" } });
    expect(await provider.findOrder(lookupOf("C-2", 2))).toMatchObject({ order: { status: "partially_cancelled" } });
  });

  it("reports a plan past its end date as expired and its order as ended", async () => {
    const { provider, state } = await startFixture({ dialect, sim: { usageMbPerMinute: 0 } });
    const order = await provider.placeOrder({ planRef: "26:261", otherOrderId: "E-1", itemIds: itemIdsFor("E-1") });
    const iccid = order.esims[0]!.iccid;
    state.activateCard(iccid, Date.now() - 8 * 24 * 60 * 60_000);
    expect((await provider.getUsage([iccid]))[0]?.state).toBe("expired");
    expect(await provider.findOrder(lookupOf("E-1"))).toMatchObject({ outcome: "found", order: { status: "ended" } });
  });
});

describe("MioesimProvider reading a refundOrder answer", () => {
  /** A provider whose refundOrder answers `status` (null: an acknowledgement without one). */
  const answering = (status: number | null) =>
    new MioesimProvider({ refundOrder: async () => ({ status }) } as unknown as MioesimClient, quietLogger);
  const whole = { providerOrderRef: "EP1", iccids: ["8985200000000000001"], allIccids: ["8985200000000000001"] };
  const oneOfTwo = { providerOrderRef: "EP1", iccids: ["8985200000000000001"], allIccids: ["8985200000000000001", "8985200000000000002"] };

  it.each([
    [null, "cancelling"],
    [0, "cancelling"],
    [6, "cancelling"],
    [7, "cancelling"],
    [2, "cancelled"],
  ] as const)("full cancellation answered with status %s → %s", async (status, expected) => {
    expect(await answering(status).cancel(whole)).toEqual({ status: expected });
  });

  it("confirms a partial unsubscribe only with 4 or 2", async () => {
    expect(await answering(4).cancel(oneOfTwo)).toEqual({ status: "partially_cancelled" });
    expect(await answering(2).cancel(oneOfTwo)).toEqual({ status: "cancelled" });
    expect(await answering(null).cancel(oneOfTwo)).toEqual({ status: "cancelling" });
  });

  it.each([-1, 3, 5])("reads status %s, no documented outcome of a cancellation, as unknown", async (status) => {
    await expect(answering(status).cancel(whole)).rejects.toBeInstanceOf(OrderOutcomeUnknownError);
  });

  it("reads a partial unsubscribe (4) after a full cancellation as unknown, not as cancelled", async () => {
    await expect(answering(4).cancel(whole)).rejects.toBeInstanceOf(OrderOutcomeUnknownError);
  });
});

describe("MioesimProvider, friendly dialect", () => {
  it("maps depleted, disabled and deleted cards", async () => {
    const { provider, state } = await startFixture({ sim: { usageMbPerMinute: 0 } });
    const order = await provider.placeOrder({ planRef: "26:261", otherOrderId: "U-1", itemIds: itemIdsFor("U-1", 3) });
    const [depleted, disabled, deleted] = order.esims.map((esim) => esim.iccid) as [string, string, string];
    state.activateCard(depleted);
    state.addUsage(depleted, 5_000);
    state.setCardStatus(disabled, "Disable");
    state.setCardStatus(deleted, "Delete");
    const usage = await provider.getUsage([depleted, disabled, deleted]);
    expect(usage.map((entry) => entry.state)).toEqual(["depleted", "disabled", "deleted"]);
    expect(usage[0]).toMatchObject({ usedMb: 1024, totalMb: 1024 });
  });

  it("batches usage for many ICCIDs and reports progress", async () => {
    const { provider, calls } = await startFixture();
    const iccids: string[] = [];
    for (let i = 0; i < 11; i++) {
      const order = await provider.placeOrder({ planRef: "26:263", otherOrderId: `B-${i}`, itemIds: itemIdsFor(`B-${i}`, 10) });
      iccids.push(...order.esims.map((esim) => esim.iccid));
    }
    const progress: number[] = [];
    const usage = await provider.getUsage(iccids, { onProgress: ({ done }) => progress.push(done) });
    expect(usage.map((entry) => entry.iccid)).toEqual(iccids);
    expect(calls("/api_esim/queryIccidInformation")).toBe(2);
    expect(progress).toEqual([100, 110]);
  });

  it("offers no renewal for a card on a non-renewable plan", async () => {
    const { provider } = await startFixture();
    const order = await provider.placeOrder({ planRef: `26:${JAPAN.trial}`, otherOrderId: "N-1", itemIds: itemIdsFor("N-1") });
    expect(await provider.listRenewalPlans(order.esims[0]!.iccid)).toEqual([]);
  });

  it("reads the friendly premark as cancellable only where it permits", async () => {
    const { provider } = await startFixture();
    const plans = await provider.listPlans();
    expect(plans.find((plan) => plan.planRef === "26:261")).toMatchObject({
      cancellable: true,
      cancellationPolicy: "Cancellable with a full refund until the eSIM is activated on a device.",
    });
    expect(plans.find((plan) => plan.planRef === "26:264")).toMatchObject({
      cancellable: false,
      cancellationPolicy: "Non-refundable once purchased.",
    });
  });

  it("satisfies the EsimProvider contract", async () => {
    const { provider } = await startFixture();
    const contract: EsimProvider = provider;
    expect(contract).toMatchObject({ id: "mioesim", displayName: "MIOeSIM", maxQuantity: MIOESIM_MAX_QUANTITY });
    expect(provider).toBeInstanceOf(MioesimProvider);
  });

  it("rejects a plan reference that is not <skuId>:<priceId> when placing", async () => {
    const { provider, calls } = await startFixture();
    const error = await provider.placeOrder({ planRef: "japan-1gb", otherOrderId: "X", itemIds: ["X-1"] }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: "INVALID_PLAN_REF" });
    expect(calls("/api_esim/addEsimOrder")).toBe(0);
    expect(parsePlanRef("26:441")).toEqual({ skuId: 26, priceId: 441 });
  });
});

describe("premark", () => {
  it.each([
    [null, false],
    [undefined, false],
    ["", false],
    ["   ", false],
    ["Please read the terms.", false],
    ["Valid for 30 days after activation.", false],
    ["Non-refundable once purchased.", false],
    ["non refundable", false],
    ["No refunds after purchase.", false],
    ["No refund once purchased.", false],
    ["This plan cannot be cancelled.", false],
    ["Can't be refunded.", false],
    ["Refunds are not supported for this plan.", false],
    ["Not refundable. Cancellable never.", false],
    ["Refundable if not activated", true],
    ["Refundable if not activated.", true],
    ["Can be cancelled before activation.", true],
    ["Unused plans can be refunded.", true],
    ["Cancellable with a full refund until the eSIM is activated on a device.", true],
    ["Cancellation is allowed before the eSIM is installed.", true],
  ] as const)("%j → cancellable %s", (text, expected) => {
    expect(premarkAllowsCancellation(text)).toBe(expected);
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
