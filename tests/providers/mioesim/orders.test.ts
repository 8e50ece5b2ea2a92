/**
 * The client's order and refund calls against the friendly simulator (the
 * one that also serves the undocumented getOrderInfo, used here to check
 * what MIOeSIM holds). Writes are sent once and never settled by a look-up.
 */
import { describe, expect, it } from "vitest";
import { OrderOutcomeUnknownError, ProviderNetworkError } from "@/lib/providers/errors";
import {
  MioesimDpIdRequiredError,
  MioesimMissingParameterError,
  MioesimNonPersonalOrderError,
  MioesimNotFoundError,
  MioesimOperationFailedError,
  MioesimOrderStateError,
  MioesimPdfError,
} from "@/lib/providers/mioesim";
import { JAPAN, losingFirstRequestTo, startFixture } from "./fixtures";

const ORDER = "/api_esim/addEsimOrder";
const japanOneGb = (otherOrderId: string, count = 1) => ({ skuId: JAPAN.skuId, priceId: JAPAN.oneGb, count, otherOrderId });

describe("MIOeSIM addEsimOrder", () => {
  it("places an order and returns its cards at once (backInfo=1)", async () => {
    const { client } = await startFixture();
    const order = await client.addEsimOrder({ ...japanOneGb("SO-1", 2), otherItemId: "LINE-7" });
    expect(order).toMatchObject({
      status: 0,
      count: 2,
      priceMinor: 898,
      otherOrderId: "SO-1",
      otherItemId: "LINE-7",
      isRenewal: false,
      priceId: 261,
    });
    expect(order.orderNum).toMatch(/^EP\d{14}$/);
    expect(order.cards).toHaveLength(2);
    const [first, second] = order.cards;
    expect(first!.iccid).toMatch(/^\d{18,20}$/);
    expect(first!.iccid).not.toBe(second!.iccid);
    expect(first).toMatchObject({
      lpa: `LPA:1$${first!.smdpAddress}$${first!.activationCode}`,
      apn: "mioesim",
      otherItemId: "LINE-7",
      dpStatus: null,
      usedMb: 0,
    });
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
    expect((await client.getOrderInfo({ otherOrderId: "SO-2" })).orderNum).toBe(placed.orderNum);
    await expect(client.getOrderInfo({ otherOrderId: "SO-unknown" })).rejects.toBeInstanceOf(MioesimNotFoundError);
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
    await expect(client.getOrderInfo({ otherOrderId: "THEIRS-1" })).rejects.toBeInstanceOf(MioesimNotFoundError);
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
    // The card table: dpId and dpStatus are "present on physical SIM orders"; a plastic card has no LPA.
    expect(order.cards[0]).toMatchObject({ dpId: "DP-TYO-01", dpStatus: "Enable", lpa: null, smdpAddress: null });
    await expect(client.addEsimOrder({ ...physical, otherOrderId: "PHYS-2", dpId: "DP-NOWHERE" })).rejects.toBeInstanceOf(
      MioesimNotFoundError,
    );
  });

  it("throws OrderOutcomeUnknownError for an order whose answer timed out, with no look-up and no resend", async () => {
    const { client, sim, state, calls } = await startFixture({ client: { timeoutMs: 300 } });
    await client.ensureSession();
    sim.faults.hangAfterProcessing = 1;
    const error = await client.addEsimOrder(japanOneGb("SO-LOST")).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(OrderOutcomeUnknownError);
    expect((error as Error).message).toMatch(/SO-LOST.*answer was lost/);
    expect(calls(ORDER)).toBe(1);
    expect(calls("/api_esim/getOrderInfo")).toBe(0);
    expect(state.orderCount()).toBe(1);
  });

  it("cannot tell an order that timed out before processing from one that was made: both are outcome unknown", async () => {
    const { client, sim, state, calls } = await startFixture({ client: { timeoutMs: 300 } });
    await client.ensureSession();
    sim.faults.hangBeforeProcessing = 1;
    await expect(client.addEsimOrder(japanOneGb("SO-NEVER"))).rejects.toBeInstanceOf(OrderOutcomeUnknownError);
    expect(calls(ORDER)).toBe(1);
    expect(state.orderCount()).toBe(0);
  });

  it("does not resend an order after an HTTP 500", async () => {
    const { client, sim, state, calls } = await startFixture();
    await client.ensureSession();
    sim.faults.http500 = 1;
    await expect(client.addEsimOrder(japanOneGb("SO-500"))).rejects.toBeInstanceOf(OrderOutcomeUnknownError);
    expect(calls(ORDER)).toBe(1);
    expect(state.orderCount()).toBe(0);
  });

  it("reports a 99 on an order (PDF failed after the order was made) as outcome unknown", async () => {
    const { client, sim, state } = await startFixture();
    await client.ensureSession();
    sim.faults.forced.pdfError = 1;
    const error = await client.addEsimOrder(japanOneGb("SO-99")).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(OrderOutcomeUnknownError);
    expect((error as OrderOutcomeUnknownError).cause).toBeInstanceOf(MioesimPdfError);
    expect(state.orderCount()).toBe(1);
  });

  it("treats a refused connection as nothing sent", async () => {
    const { client, state } = await startFixture({ client: { fetchImpl: losingFirstRequestTo("addEsimOrder", "before sending") } });
    const error = await client.addEsimOrder(japanOneGb("SO-REFUSED")).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ProviderNetworkError);
    expect(error).not.toBeInstanceOf(OrderOutcomeUnknownError);
    expect(state.orderCount()).toBe(0);
  });

  it("places an unpaid order (status -1) with no cards yet, and delivers its cards later", async () => {
    const { client, sim, state } = await startFixture();
    sim.faults.forced.pendingOrder = 1;
    const unpaid = await client.addEsimOrder(japanOneGb("SO-UNPAID", 2));
    expect(unpaid).toMatchObject({ status: -1, cards: [], count: 2 });
    state.deliverPendingOrders();
    const paid = await client.getOrderInfo({ orderNum: unpaid.orderNum });
    expect(paid.status).toBe(0);
    expect(paid.cards).toHaveLength(2);
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
    await expect(client.addEsimOrder({ skuId: 26, priceId: JAPAN.trial, count: 1, otherOrderId: "R-1", iccid })).rejects.toBeInstanceOf(
      MioesimOperationFailedError,
    );
    await client.refundOrder({ orderNum: main.orderNum });
    state.settleRefunds();
    await expect(client.addEsimOrder({ skuId: 26, priceId: 261, count: 1, otherOrderId: "R-2", iccid })).rejects.toBeInstanceOf(
      MioesimOrderStateError,
    );
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

  it("cancels some cards (iccids): 7 (partial in process), then 4; the simulator treats naming every remaining card as full", async () => {
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

  it("reports a refund whose answer was lost as outcome unknown, without reading the order", async () => {
    const { client, calls } = await startFixture({
      client: { timeoutMs: 300, fetchImpl: losingFirstRequestTo("refundOrder", "after processing") },
    });
    const order = await client.addEsimOrder(japanOneGb("SO-R7"));
    await expect(client.refundOrder({ orderNum: order.orderNum })).rejects.toBeInstanceOf(OrderOutcomeUnknownError);
    expect(calls("/api_esim/refundOrder")).toBe(1);
    expect(calls("/api_esim/getOrderInfo")).toBe(0);
    expect((await client.getOrderInfo({ orderNum: order.orderNum })).status).toBe(6);
  });

  it("reports a refund whose connection was refused as not sent", async () => {
    const { client } = await startFixture({ client: { fetchImpl: losingFirstRequestTo("refundOrder", "before sending") } });
    const order = await client.addEsimOrder(japanOneGb("SO-R8"));
    await expect(client.refundOrder({ orderNum: order.orderNum })).rejects.toBeInstanceOf(ProviderNetworkError);
    expect((await client.getOrderInfo({ orderNum: order.orderNum })).status).toBe(0);
  });
});
