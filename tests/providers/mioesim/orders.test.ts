import { describe, expect, it } from "vitest";
import {
  MioesimDpIdRequiredError,
  MioesimMissingParameterError,
  MioesimNonPersonalOrderError,
  MioesimNotAppliedError,
  MioesimNotFoundError,
  MioesimOperationFailedError,
  MioesimOrderStateError,
  MioesimOutcomeUnknownError,
  MioesimPdfError,
} from "@/lib/providers/mioesim";
import { JAPAN, losingFirstRequestTo, startFixture } from "./fixtures";

const ORDER = "/api_esim/addEsimOrder";
const japanOneGb = (otherOrderId: string, count = 1) => ({ skuId: JAPAN.skuId, priceId: JAPAN.oneGb, count, otherOrderId });

describe("MIOeSIM addEsimOrder", () => {
  it("places an order and returns its cards at once (backInfo=1)", async () => {
    const { client } = await startFixture();
    const order = await client.addEsimOrder({ ...japanOneGb("SO-1", 2), otherItemId: "LINE-7" });
    expect(order).toMatchObject({ status: 0, count: 2, price: { amountMinor: 898, currency: "USD" }, otherOrderId: "SO-1", otherItemId: "LINE-7", isRenewal: false, priceId: 261 });
    expect(order.orderNum).toMatch(/^EP\d{14}$/);
    expect(order.cards).toHaveLength(2);
    const [first, second] = order.cards;
    expect(first!.iccid).toMatch(/^\d{18,20}$/);
    expect(first!.iccid).not.toBe(second!.iccid);
    expect(first).toMatchObject({ lpa: `LPA:1$${first!.smdpAddress}$${first!.activationCode}`, apn: "mioesim", otherItemId: "LINE-7", dpStatus: null, usedMb: 0 });
    expect(first!.activateBefore).toMatch(/^\d{4}-\d{2}-\d{2}\(GMT\+8\)$/);
    expect(first!.pdfUrl).toMatch(/\/pdf\/\d+\.pdf$/);
  });

  it("serves the card PDF the order links to", async () => {
    const { client } = await startFixture();
    const [card] = (await client.addEsimOrder(japanOneGb("SO-PDF"))).cards;
    const response = await fetch(card!.pdfUrl!);
    expect(response.headers.get("content-type")).toBe("application/pdf");
    expect(await response.text()).toMatch(/^%PDF-1\.4[\s\S]*%%EOF\n$/);
  });

  it("stores otherOrderId so the order can be found by it or by its number", async () => {
    const { client } = await startFixture();
    const placed = await client.addEsimOrder(japanOneGb("SO-2"));
    expect(await client.getOrderInfo({ orderNum: placed.orderNum })).toEqual(placed);
    expect((await client.findOrderByOtherOrderId("SO-2"))?.orderNum).toBe(placed.orderNum);
    expect(await client.findOrderByOtherOrderId("SO-unknown")).toBeNull();
  });

  it("answers 3 for an unknown order number and -2 for a lookup without either key", async () => {
    const { client } = await startFixture();
    await expect(client.getOrderInfo({ orderNum: "EP00000000000000" })).rejects.toBeInstanceOf(MioesimNotFoundError);
    const error = await client.getOrderInfo({ otherOrderId: "" }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(MioesimMissingParameterError);
    expect((error as Error).message).toMatch(/orderNum or otherOrderId/);
  });

  it("answers 22 when another account's order is queried", async () => {
    const other = { phone: "13900000000", password: "other-password", secret: "other-secret" };
    const { client, newClient } = await startFixture({ sim: { accounts: [other] } });
    const theirs = await newClient(other).addEsimOrder(japanOneGb("THEIRS-1"));
    const error = await client.getOrderInfo({ orderNum: theirs.orderNum }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(MioesimNonPersonalOrderError);
    expect(error).toMatchObject({ code: 22 });
    await expect(client.refundOrder({ orderNum: theirs.orderNum })).rejects.toBeInstanceOf(MioesimNonPersonalOrderError);
    // otherOrderId is scoped to the account that set it.
    expect(await client.findOrderByOtherOrderId("THEIRS-1")).toBeNull();
  });

  it("answers -3 when stock runs out, and under the forced fault", async () => {
    const { client, sim, state } = await startFixture();
    state.setStock(JAPAN.oneGb, 1);
    await expect(client.addEsimOrder(japanOneGb("SO-3", 2))).rejects.toBeInstanceOf(MioesimOperationFailedError);
    sim.faults.forced.outOfStock = 1;
    const error = await client.addEsimOrder(japanOneGb("SO-4")).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(MioesimOperationFailedError);
    expect((error as Error).message).toMatch(/inventory/);
    expect(state.orderCount()).toBe(0);
  });

  it("needs a dpId for a physical SIM (-10) and accepts one the partner carries", async () => {
    const { client } = await startFixture();
    const physical = { skuId: 9001, priceId: 90011, count: 1, otherOrderId: "PHYS-1" };
    await expect(client.addEsimOrder(physical)).rejects.toBeInstanceOf(MioesimDpIdRequiredError);
    const order = await client.addEsimOrder({ ...physical, dpId: "DP-TYO-01" });
    expect(order.cards[0]).toMatchObject({ dpId: "DP-TYO-01", lpa: null, smdpAddress: null });
    await expect(client.addEsimOrder({ ...physical, otherOrderId: "PHYS-2", dpId: "DP-NOWHERE" })).rejects.toBeInstanceOf(MioesimNotFoundError);
  });

  it("recovers an order whose answer timed out by its otherOrderId, without a second order", async () => {
    const { client, sim, state, calls } = await startFixture({ client: { timeoutMs: 300 } });
    await client.getSkus();
    sim.faults.hangAfterProcessing = 1;
    const order = await client.addEsimOrder(japanOneGb("SO-LOST"));
    expect(order).toMatchObject({ otherOrderId: "SO-LOST", status: 0 });
    expect(order.cards).toHaveLength(1);
    expect(calls(ORDER)).toBe(1);
    expect(calls("/api_esim/getOrderInfo")).toBe(1);
    expect(state.orderCount()).toBe(1);
  });

  it("reports an order that timed out before it was processed as not applied, and never resends it", async () => {
    const { client, sim, state, calls } = await startFixture({ client: { timeoutMs: 300 } });
    await client.getSkus();
    sim.faults.hangBeforeProcessing = 1;
    const error = await client.addEsimOrder(japanOneGb("SO-NEVER")).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(MioesimNotAppliedError);
    expect(error).toMatchObject({ retryable: true, code: "NOT_APPLIED" });
    expect(calls(ORDER)).toBe(1);
    expect(state.orderCount()).toBe(0);
  });

  it("settles an HTTP 500 on an order by lookup, not by resending", async () => {
    const { client, sim, state, calls } = await startFixture();
    await client.getSkus();
    sim.faults.http500 = 1;
    await expect(client.addEsimOrder(japanOneGb("SO-500"))).rejects.toBeInstanceOf(MioesimNotAppliedError);
    expect(calls(ORDER)).toBe(1);
    expect(state.orderCount()).toBe(0);
  });

  it("recovers the order behind a 99 (PDF failed after the order was made)", async () => {
    const { client, sim, state } = await startFixture();
    await client.getSkus();
    sim.faults.forced.pdfError = 1;
    const order = await client.addEsimOrder(japanOneGb("SO-99"));
    expect(order.otherOrderId).toBe("SO-99");
    expect(state.orderCount()).toBe(1);
  });

  it("reports an unknown outcome when the settling lookup fails too", async () => {
    const { client, sim, state } = await startFixture({ client: { timeoutMs: 300, retry: { attempts: 1, baseDelayMs: 0 } } });
    await client.getSkus();
    sim.faults.hangAfterProcessing = 2;
    await expect(client.addEsimOrder(japanOneGb("SO-DARK"))).rejects.toBeInstanceOf(MioesimOutcomeUnknownError);
    expect(state.orderCount()).toBe(1);
  });

  it("retries a read that answers 99, and surfaces 99 when it persists", async () => {
    const { client, sim } = await startFixture();
    const placed = await client.addEsimOrder(japanOneGb("SO-R99"));
    sim.faults.forced.pdfError = 1;
    expect((await client.getOrderInfo({ orderNum: placed.orderNum })).orderNum).toBe(placed.orderNum);
    sim.faults.forced.pdfError = 3;
    const error = await client.getOrderInfo({ orderNum: placed.orderNum }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(MioesimPdfError);
    expect(error).toMatchObject({ code: 99 });
  });
});

describe("MIOeSIM renewals", () => {
  it("links a renewal to its main order both ways", async () => {
    const { client } = await startFixture();
    const main = await client.addEsimOrder(japanOneGb("SO-MAIN"));
    const iccid = main.cards[0]!.iccid;
    const renewal = await client.addEsimOrder({ skuId: 26, priceId: 263, count: 1, otherOrderId: "SO-RENEW", iccid });
    expect(renewal).toMatchObject({ isRenewal: true, mainOrderNum: main.orderNum, priceId: 263 });
    expect(renewal.cards.map((card) => card.iccid)).toEqual([iccid]);
    const mainAgain = await client.getOrderInfo({ orderNum: main.orderNum });
    expect(mainAgain.renewOrderNums).toEqual([renewal.orderNum]);
    expect(mainAgain.isRenewal).toBe(false);
    // A renewal of the renewal still points at the original order.
    const third = await client.addEsimOrder({ skuId: 26, priceId: 261, count: 1, otherOrderId: "SO-RENEW-2", iccid });
    expect(third.mainOrderNum).toBe(main.orderNum);
    expect((await client.getOrderInfo({ orderNum: main.orderNum })).renewOrderNums).toEqual([renewal.orderNum, third.orderNum]);
  });

  it("refuses a non-renewable package (-3) and a cancelled card (4)", async () => {
    const { client, state } = await startFixture({ sim: { refundSettleMs: 0 } });
    const main = await client.addEsimOrder(japanOneGb("SO-M2"));
    const iccid = main.cards[0]!.iccid;
    await expect(client.addEsimOrder({ skuId: 26, priceId: JAPAN.trial, count: 1, otherOrderId: "R-1", iccid })).rejects.toBeInstanceOf(MioesimOperationFailedError);
    await client.refundOrder({ orderNum: main.orderNum });
    state.settleRefunds();
    await expect(client.addEsimOrder({ skuId: 26, priceId: 261, count: 1, otherOrderId: "R-2", iccid })).rejects.toBeInstanceOf(MioesimOrderStateError);
  });
});

describe("MIOeSIM refunds", () => {
  it("cancels a whole order: 6 (unsubscribing), then 2", async () => {
    const { client, state } = await startFixture({ sim: { refundSettleMs: 60_000 } });
    const order = await client.addEsimOrder(japanOneGb("SO-R1"));
    expect((await client.refundOrder({ orderNum: order.orderNum })).status).toBe(6);
    expect((await client.getOrderInfo({ orderNum: order.orderNum })).status).toBe(6);
    state.settleRefunds();
    expect((await client.getOrderInfo({ orderNum: order.orderNum })).status).toBe(2);
  });

  it("settles on its own after the processing time", async () => {
    const { client } = await startFixture({ sim: { refundSettleMs: 100 } });
    const order = await client.addEsimOrder(japanOneGb("SO-R1b"));
    await client.refundOrder({ orderNum: order.orderNum });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect((await client.getOrderInfo({ orderNum: order.orderNum })).status).toBe(2);
  });

  it("cancels some cards: 7 (partial in process), then 4; naming every card is a full refund", async () => {
    const { client, state } = await startFixture();
    const order = await client.addEsimOrder(japanOneGb("SO-R2", 3));
    const [a, b, c] = order.cards.map((card) => card.iccid);
    expect((await client.refundOrder({ orderNum: order.orderNum, iccids: [a!] })).status).toBe(7);
    state.settleRefunds();
    expect((await client.getOrderInfo({ orderNum: order.orderNum })).status).toBe(4);
    expect((await client.refundOrder({ orderNum: order.orderNum, iccids: [b!, c!] })).status).toBe(6);
    const all = await client.addEsimOrder(japanOneGb("SO-R3", 2));
    expect((await client.refundOrder({ orderNum: all.orderNum, iccids: all.cards.map((card) => card.iccid) })).status).toBe(6);
  });

  it("refuses activated cards (4), non-refundable packages (-3) and orders already cancelling (4)", async () => {
    const { client, state } = await startFixture();
    const active = await client.addEsimOrder(japanOneGb("SO-R4"));
    state.activateCard(active.cards[0]!.iccid);
    const error = await client.refundOrder({ orderNum: active.orderNum }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(MioesimOrderStateError);
    expect(error).toMatchObject({ code: 4 });
    const locked = await client.addEsimOrder({ skuId: 26, priceId: JAPAN.nonRefundable, count: 1, otherOrderId: "SO-R5" });
    await expect(client.refundOrder({ orderNum: locked.orderNum })).rejects.toThrow(/non-refundable/);
    const once = await client.addEsimOrder(japanOneGb("SO-R6"));
    await client.refundOrder({ orderNum: once.orderNum });
    await expect(client.refundOrder({ orderNum: once.orderNum })).rejects.toBeInstanceOf(MioesimOrderStateError);
  });

  it("settles a refund whose answer was lost by re-reading the order", async () => {
    const { client, calls } = await startFixture({ client: { timeoutMs: 300, fetchImpl: losingFirstRequestTo("refundOrder", "after processing") } });
    const order = await client.addEsimOrder(japanOneGb("SO-R7"));
    const refunded = await client.refundOrder({ orderNum: order.orderNum });
    expect(refunded.status).toBe(6);
    expect(calls("/api_esim/refundOrder")).toBe(1);
  });

  it("reports a refund lost before processing as not applied", async () => {
    const { client } = await startFixture({ client: { fetchImpl: losingFirstRequestTo("refundOrder", "before sending") } });
    const order = await client.addEsimOrder(japanOneGb("SO-R8"));
    await expect(client.refundOrder({ orderNum: order.orderNum })).rejects.toBeInstanceOf(MioesimNotAppliedError);
    expect((await client.getOrderInfo({ orderNum: order.orderNum })).status).toBe(0);
  });
});
