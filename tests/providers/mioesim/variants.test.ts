/**
 * The MIOeSIM client against every dialect of the simulator: the catalog
 * reads the same in all of them, and under each variant (strict but for one
 * loose point the documents leave open) an order or a refund whose answer
 * does not prove what happened is an unknown outcome: never success, never
 * "nothing placed", never resent.
 */
import { describe, expect, it } from "vitest";
import { OrderOutcomeUnknownError } from "@/lib/providers/errors";
import { MIOESIM_DIALECTS, type MioesimDialect, type VariantSettings } from "@/simulators/mioesim";
import { itemIdsFor, startFixture } from "./fixtures";

const ORDER = "/api_esim/addEsimOrder";
const REFUND = "/api_esim/refundOrder";
/** Settings that keep the variants inside a test's time: a slow answer outlasts the 300 ms timeout, a huge body is 2 MB. */
const SETTINGS: VariantSettings = { slowAnswerMs: 1_000, hugeBodyBytes: 2_000_000, lateHistoryMs: 600 };
const japan = (otherOrderId: string) => ({ planRef: "26:261", otherOrderId, itemIds: itemIdsFor(otherOrderId) });

describe.each(MIOESIM_DIALECTS)("MIOeSIM reads, %s dialect", (dialect) => {
  it("lists every package of every SKU", async () => {
    const { provider } = await startFixture({ dialect });
    const plans = await provider.listPlans();
    expect(plans).toHaveLength(49 * 6);
    expect(plans.find((plan) => plan.planRef === "26:261")).toMatchObject({ dataMb: 1024, days: 7, wholesale: { amountMinor: 449 } });
  });
});

/** Each variant whose addEsimOrder answer cannot prove what was made. */
const UNPROVEN_ORDER_ANSWERS: [MioesimDialect, string][] = [
  ["lost-answer", "no answer within the timeout"],
  ["slow-answer", "an answer after the timeout"],
  ["malformed-json", "JSON cut off half-way"],
  ["html-error", "a 502 HTML page"],
  ["huge-body", "a 2 MB HTML page"],
  ["late-history", "no answer"],
  ["unlisted-code", "code 1001"],
  ["unknown-status", "status 9"],
  ["missing-fields", "code 0 with no orderNum, status or cards"],
];

describe.each(UNPROVEN_ORDER_ANSWERS)("MIOeSIM order and refund, %s dialect (%s)", (dialect) => {
  it("places: an unknown outcome, one upstream order, nothing resent", async () => {
    const { provider, state, calls } = await startFixture({ dialect, sim: { variantSettings: SETTINGS }, client: { timeoutMs: 300 } });
    const error = await provider.placeOrder(japan(`V-${dialect}`)).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(OrderOutcomeUnknownError);
    expect(state.ordersTagged(`V-${dialect}`)).toBe(1);
    expect(calls(ORDER)).toBe(1);
  });
});

describe.each(["lost-answer", "slow-answer", "malformed-json", "html-error", "huge-body", "unlisted-code", "unknown-status"] as const)(
  "MIOeSIM refund, %s dialect",
  (dialect) => {
    it("is an unknown outcome, sent once", async () => {
      const { provider, state, calls, upstream, setDialect } = await startFixture({ dialect: "strict", client: { timeoutMs: 300 } });
      const order = await provider.placeOrder(japan(`VR-${dialect}`));
      const iccids = order.esims.map((esim) => esim.iccid);
      setDialect(dialect, SETTINGS);
      const error = await provider
        .cancel({ providerOrderRef: order.providerOrderRef, iccids, allIccids: iccids })
        .catch((err: unknown) => err);
      expect(error).toBeInstanceOf(OrderOutcomeUnknownError);
      expect(calls(REFUND)).toBe(1);
      // MIOeSIM did cancel it.
      state.settleRefunds();
      expect(upstream(`VR-${dialect}`).status).toBe(2);
    });
  },
);

describe("MIOeSIM refund, refund-in-process dialect", () => {
  it("is still cancelling (6) until MIOeSIM settles it", async () => {
    const { provider, upstream } = await startFixture({ dialect: "refund-in-process", sim: { refundSettleMs: 60_000 } });
    const order = await provider.placeOrder(japan("VR-SLOW"));
    const iccids = order.esims.map((esim) => esim.iccid);
    expect(await provider.cancel({ providerOrderRef: order.providerOrderRef, iccids, allIccids: iccids })).toEqual({
      status: "cancelling",
    });
    expect(upstream("VR-SLOW").status).toBe(6);
  });
});

describe("MIOeSIM stock, stock-code dialect", () => {
  it("reads -3 from verifyResource as unavailable (the documents' 'not found / operation failed', not sold out), and the bare success as enough", async () => {
    const { provider, state } = await startFixture({ dialect: "stock-code" });
    state.setStock(262, 5);
    expect(await provider.checkAvailability("26:262", 5)).toEqual({ available: true });
    expect(await provider.checkAvailability("26:262", 6)).toMatchObject({
      available: false,
      reason: "unavailable",
      detail: expect.stringMatching(/code -3/),
    });
  });
});

describe("MIOeSIM look-up, late-history dialect", () => {
  it("finds the order once it reaches MIOeSIM's records", async () => {
    const { provider } = await startFixture({ dialect: "late-history", sim: { variantSettings: SETTINGS }, client: { timeoutMs: 300 } });
    await expect(provider.placeOrder(japan("VL-1"))).rejects.toBeInstanceOf(OrderOutcomeUnknownError);
    await new Promise((resolve) => setTimeout(resolve, 600));
    const lookup = await provider.findOrder({ otherOrderId: "VL-1", itemIds: itemIdsFor("VL-1"), attemptedAt: new Date() });
    expect(lookup).toMatchObject({ outcome: "found", order: { otherOrderId: "VL-1", status: "active" } });
  });
});
