/**
 * Fail-closed readings of the MIOeSIM client, written from the documents'
 * rules against the variant dialects: an answer the documents do not list
 * is never read as "out of stock" or "cancelled", a refund counts as done
 * only when MIOeSIM shows the order cancelled (2 or 4; 6 and 7 are still in
 * process), and a look-up through getOrderInfo (not a documented endpoint)
 * never proves an order absent.
 */
import { describe, expect, it } from "vitest";
import { OrderOutcomeUnknownError } from "@/lib/providers/errors";
import { itemIdsFor, startFixture } from "./fixtures";

const japan = (otherOrderId: string) => ({ planRef: "26:261", otherOrderId, itemIds: itemIdsFor(otherOrderId) });

describe("MIOeSIM stock, stock-unlisted-code dialect", () => {
  it("reads a code the documents do not list as unavailable, not as out of stock", async () => {
    const { provider } = await startFixture({ dialect: "stock-unlisted-code" });
    expect(await provider.checkAvailability("26:261", 1)).toMatchObject({ available: false, reason: "unavailable" });
  });
});

describe.each([
  ["refund-ack", "data null"],
  ["missing-fields", "an empty object"],
] as const)("MIOeSIM refund, %s dialect (%s)", (dialect, _answer) => {
  it("is not read as cancelled: the documents show a cancellation by the order's status", async () => {
    const { provider, setDialect } = await startFixture({ dialect: "strict", client: { timeoutMs: 300 } });
    const order = await provider.placeOrder(japan(`FC-${dialect}`));
    const iccids = order.esims.map((esim) => esim.iccid);
    setDialect(dialect);
    const outcome = await provider
      .cancel({ providerOrderRef: order.providerOrderRef, iccids, allIccids: iccids })
      .catch((err: unknown) => (err instanceof OrderOutcomeUnknownError ? { status: "unknown" } : err));
    expect(outcome).toEqual(expect.objectContaining({ status: expect.stringMatching(/^(cancelling|unknown)$/) }));
  });
});

describe("MIOeSIM look-up, late-history dialect", () => {
  it("does not call an order absent on getOrderInfo's word (code 3), since the endpoint is not documented", async () => {
    const { provider, state } = await startFixture({
      dialect: "late-history",
      sim: { variantSettings: { lateHistoryMs: 60_000 } },
      client: { timeoutMs: 300 },
    });
    await expect(provider.placeOrder(japan("FC-LATE"))).rejects.toBeInstanceOf(OrderOutcomeUnknownError);
    const lookup = await provider.findOrder({ otherOrderId: "FC-LATE", itemIds: itemIdsFor("FC-LATE"), attemptedAt: new Date() });
    expect(lookup.outcome).not.toBe("absent");
    expect(state.ordersTagged("FC-LATE")).toBe(1);
  });
});
