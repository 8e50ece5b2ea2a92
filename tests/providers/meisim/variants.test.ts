/**
 * The MeiSIM client against every dialect of the simulator: the catalog
 * and the checks before payment read the same in all of them, and under each
 * variant (strict but for one loose point the document leaves open) a write
 * whose answer does not prove what happened is an unknown outcome: never
 * success, never "nothing placed", never resent.
 */
import { describe, expect, it } from "vitest";
import { OrderOutcomeUnknownError } from "@/lib/providers/errors";
import { MeisimProvider, type MeisimClientConfig } from "@/lib/providers/meisim";
import { MEISIM_DIALECTS, type MeisimDialect, type MeisimSimulator, type VariantSettings } from "@/simulators/meisim";
import { BUNDLES } from "@/simulators/meisim/catalog";
import { calls, clientFor, silentLogger, useSimulator } from "./harness";

const PLAN = "esim_3gb_15days_fr";
const ORDER = "/api/v1/esim/order";
const RECHARGE = "/api/v1/topup/recharge";
const UK_SIM = { networkName: "Vodafone-UK", contactNumber: "+447700900000" };
/** Settings that keep the variants inside a test's time: a slow answer outlasts the 300 ms timeout, a huge body is 2 MB. */
const SETTINGS: VariantSettings = { slowAnswerMs: 1_000, hugeBodyBytes: 2_000_000, lateHistoryMs: 1_500 };

function providerFor(sim: MeisimSimulator, overrides: Partial<MeisimClientConfig> = {}) {
  return new MeisimProvider(clientFor(sim.url, { rateLimits: { read: null }, timeoutMs: 300, ...overrides }), { logger: silentLogger });
}

describe.each(MEISIM_DIALECTS)("MeiSIM reads, %s dialect", (dialect) => {
  const sim = useSimulator({ dialect, rateLimits: { read: null } });

  it("lists every bundle of the catalog and clears an order for payment", async () => {
    const provider = providerFor(sim.current, { timeoutMs: 10_000 });
    const plans = await provider.listPlans();
    expect(plans.map((plan) => plan.planRef).sort()).toEqual(BUNDLES.map((bundle) => bundle.name).sort());
    expect(await provider.checkAvailability(PLAN, 2)).toEqual({ available: true });
  });
});

/** Each variant whose eSIM-order answer cannot prove what was placed, and how the simulator's answer reads. */
const UNPROVEN_ORDER_ANSWERS: [MeisimDialect, string][] = [
  ["lost-answer", "no answer within the timeout"],
  ["slow-answer", "an answer after the timeout"],
  ["malformed-json", "JSON cut off half-way"],
  ["html-error", "a 502 HTML page"],
  ["huge-body", "a 2 MB HTML page"],
  ["late-history", "no answer, and the order not yet in the history"],
  ["missing-fields", "Success without Iccid or QrCode"],
];

describe.each(UNPROVEN_ORDER_ANSWERS)("MeiSIM eSIM order, %s dialect (%s)", (dialect) => {
  const sim = useSimulator({ dialect, variantSettings: SETTINGS });

  it("is an unknown outcome, with one upstream order and nothing resent", async () => {
    const error = await providerFor(sim.current)
      .placeOrder({ planRef: PLAN, otherOrderId: `V-${dialect}`, itemIds: [`V-${dialect}-1`] })
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(OrderOutcomeUnknownError);
    expect(error).toMatchObject({ lostItemId: `V-${dialect}-1` });
    expect(sim.current.state.orders).toHaveLength(1);
    expect(calls(sim.current, "POST", ORDER)).toBe(1);
  });
});

describe.each(["lost-answer", "slow-answer", "malformed-json", "html-error", "huge-body"] as const)(
  "MeiSIM recharge, %s dialect",
  (dialect) => {
    const sim = useSimulator({ dialect, variantSettings: SETTINGS });

    it("is an unknown outcome, recharged once upstream and never resent", async () => {
      const client = clientFor(sim.current.url, { timeoutMs: 300 });
      const confirmation = await client.topup.confirm(UK_SIM);
      await expect(client.topup.recharge(confirmation, { topUpMinor: 2000 })).rejects.toBeInstanceOf(OrderOutcomeUnknownError);
      expect(sim.current.state.orders.filter((order) => order.type === "topup")).toHaveLength(1);
      expect(calls(sim.current, "POST", RECHARGE)).toBe(1);
    });
  },
);

describe("MeiSIM history, late-history dialect", () => {
  const sim = useSimulator({ dialect: "late-history", variantSettings: { lateHistoryMs: 800 } });

  it("shows an order only once it is lateHistoryMs old, and then the look-up finds it", async () => {
    const provider = providerFor(sim.current);
    const attemptedAt = new Date();
    await expect(provider.placeOrder({ planRef: PLAN, otherOrderId: "V-LATE", itemIds: ["V-LATE-1"] })).rejects.toBeInstanceOf(
      OrderOutcomeUnknownError,
    );
    const client = clientFor(sim.current.url, { rateLimits: { read: null } });
    expect(await client.account.orders()).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect((await client.account.orders()).map((order) => order.customerReference)).toEqual(["V-LATE-1"]);
    // Strict words: the history proves the order exists, but the documented API returns no activation code to deliver.
    const placed = sim.current.state.orders[0]!;
    const lookup = await provider.findOrder({ otherOrderId: "V-LATE", itemIds: ["V-LATE-1"], attemptedAt });
    expect(lookup).toMatchObject({ outcome: "unknown", reason: expect.stringContaining(placed.id) });
  });
});

describe("MeiSIM dialect switch", () => {
  const sim = useSimulator({ dialect: "strict" });

  it("switches at run time through POST /__sim/dialect and refuses an unknown dialect or setting", async () => {
    const post = (body: object) =>
      fetch(`${sim.current.url}/__sim/dialect`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    expect(await (await post({ dialect: "unlisted-code" })).json()).toMatchObject({ current: "unlisted-code" });
    expect(sim.current.dialect).toBe("unlisted-code");
    const answer = await fetch(`${sim.current.url}${ORDER}`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-dealer-key": sim.current.state.dealers[0]!.apiKey },
      body: JSON.stringify({ bundleName: PLAN, customerReference: "V-SWITCH-1" }),
    });
    expect(answer.status).toBe(409);
    expect(sim.current.state.orders).toHaveLength(1);
    expect((await post({ dialect: "lenient" })).status).toBe(400);
    expect((await post({ dialect: "slow-answer", slowAnswerMs: -1 })).status).toBe(400);
    expect(sim.current.dialect).toBe("unlisted-code");
    sim.current.setDialect("strict");
    expect(sim.current.dialect).toBe("strict");
  });
});
