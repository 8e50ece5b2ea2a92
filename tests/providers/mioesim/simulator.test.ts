/**
 * The simulator's dialects on the wire, request by request: strict serves
 * only the documented endpoints in the docs' example shapes; alternative
 * answers the undocumented ones in another form; friendly is as it was.
 */
import { describe, expect, it } from "vitest";
import { signParams } from "@/lib/providers/mioesim/sign";
import {
  MIOESIM_DEMO_ACCOUNT,
  MIOESIM_DIALECTS,
  parseDialect,
  UNKNOWN_STATUS,
  UNLISTED_CODE,
  type MioesimDialect,
  type StartMioesimOptions,
} from "@/simulators/mioesim";
import { startFixture } from "./fixtures";

/** Signed raw requests as the docs describe them, to see exactly what a dialect answers. */
async function rawSession(dialect: MioesimDialect, variantSettings: StartMioesimOptions["variantSettings"] = {}) {
  const fixture = await startFixture({ dialect, sim: { variantSettings } });
  const { secret, phone, password } = MIOESIM_DEMO_ACCOUNT;
  const login = await fetch(`${fixture.url}/api_order/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ phonenumber: phone, password, sign: signParams({ phonenumber: phone, password }, secret) }),
  });
  const token = ((await login.json()) as { data: { token: string } }).data.token;
  const call = async (method: "GET" | "POST", endpoint: string, params: Record<string, string | number> = {}, signal?: AbortSignal) => {
    const fields = Object.fromEntries(Object.entries({ ...params, token }).map(([key, value]) => [key, String(value)]));
    const signed = new URLSearchParams({ ...fields, sign: signParams(fields, secret) });
    const url = `${fixture.url}/api_esim/${endpoint}`;
    const response =
      method === "GET"
        ? await fetch(`${url}?${signed}`, { signal })
        : await fetch(url, {
            method: "POST",
            headers: { "content-type": "application/x-www-form-urlencoded" },
            body: signed.toString(),
            signal,
          });
    const text = await response.text();
    let json: { code: unknown; message: unknown; data: any } | undefined;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, text, json };
  };
  const order = async (otherOrderId: string, count = 1, priceId = 261) =>
    (await call("POST", "addEsimOrder", { skuId: 26, priceId, count, backInfo: 1, otherOrderId })).json!;
  return { fixture, call, order };
}

describe("MIOESIM_SIM_DIALECT", () => {
  it("defaults to friendly, accepts the three dialects and the variants, and refuses anything else", () => {
    expect(parseDialect(undefined)).toBe("friendly");
    expect(parseDialect("")).toBe("friendly");
    expect(parseDialect(" strict ")).toBe("strict");
    expect(parseDialect("alternative")).toBe("alternative");
    expect(parseDialect("late-history")).toBe("late-history");
    expect(() => parseDialect("lenient")).toThrow(/friendly, strict, alternative, stock-code/);
  });
});

describe("strict dialect", () => {
  it("has no order look-up: getOrderInfo is HTTP 404", async () => {
    const { call, order } = await rawSession("strict");
    const placed = await order("RAW-1");
    const answer = await call("GET", "getOrderInfo", { orderNum: placed.data.orderNum });
    expect(answer.status).toBe(404);
  });

  it("answers addEsimOrder and getPackages with exactly the fields of the docs' examples", async () => {
    const { call, order } = await rawSession("strict");
    const placed = await order("RAW-2", 2);
    expect(placed.code).toBe("0");
    expect(Object.keys(placed.data).sort()).toEqual(["cardApiDtoList", "display", "orderNum", "status"]);
    expect(Object.keys(placed.data.cardApiDtoList[0]).sort()).toEqual([
      "activateBefore",
      "activationCode",
      "apn",
      "code",
      "data",
      "iccid",
      "pdfUrl",
      "sm_dp_address",
      "validity",
    ]);
    const packages = (await call("GET", "getPackages", { skuId: 26 })).json!;
    expect(Object.keys(packages.data).sort()).toEqual(["displayEn", "esimPackageDtoList", "skuid", "supportCountry"]);
    expect(Object.keys(packages.data.esimPackageDtoList[0]).sort()).toEqual([
      "apiCode",
      "days",
      "flowType",
      "flows",
      "premark",
      "price",
      "priceid",
      "supportDaypass",
      "unit",
    ]);
  });

  it("adds nothing the docs do not show: verifyResource is the bare success envelope whatever the stock; a shortage fails the order with -3", async () => {
    const { call, order, fixture } = await rawSession("strict");
    const bare = { code: "0", message: "success", data: null };
    expect((await call("GET", "verifyResource", { skuId: 26, priceId: 261, count: 1 })).json).toEqual(bare);
    fixture.state.setStock(261, 0);
    expect((await call("GET", "verifyResource", { skuId: 26, priceId: 261, count: 1 })).json).toEqual(bare);
    expect(await order("RAW-EMPTY")).toMatchObject({ code: -3, data: null });
  });

  it("answers refundOrder with the order, in the example's fields, cancelled (2) or partly cancelled (4) at once", async () => {
    const { call, order } = await rawSession("strict");
    const whole = await order("RAW-3");
    const cancelled = (await call("POST", "refundOrder", { orderNum: whole.data.orderNum })).json!;
    expect(cancelled).toMatchObject({ code: "0", data: { orderNum: whole.data.orderNum, status: 2 } });
    expect(Object.keys(cancelled.data).sort()).toEqual(["cardApiDtoList", "display", "orderNum", "status"]);
    const two = await order("RAW-3B", 2);
    const partly = (await call("POST", "refundOrder", { orderNum: two.data.orderNum, iccids: two.data.cardApiDtoList[0].iccid })).json!;
    expect(partly.data).toMatchObject({ status: 4 });
  });

  it("answers a pending order as status -1 with an empty card list", async () => {
    const { order, fixture } = await rawSession("strict");
    fixture.sim.faults.forced.pendingOrder = 1;
    const placed = await order("RAW-4", 2);
    expect(placed.data).toMatchObject({ status: -1, cardApiDtoList: [] });
    fixture.state.deliverPendingOrders();
    expect(fixture.upstream("RAW-4")).toMatchObject({ status: 0, cardApiDtoList: [expect.anything(), expect.anything()] });
  });
});

describe("alternative dialect", () => {
  it("answers success as the integer 0 and keeps the documented shapes documented", async () => {
    const { call, order } = await rawSession("alternative");
    const skus = (await call("GET", "getSkus")).json!;
    expect(skus.code).toBe(0);
    expect(skus.data[0]).toEqual({ skuid: 26, display: "Japan", countryCode: "392" });
    const placed = await order("ALT-1");
    expect(placed.data).toMatchObject({
      status: 0,
      cardApiDtoList: [expect.objectContaining({ sm_dp_address: expect.any(String), code: expect.stringMatching(/^LPA:1\$/) })],
    });
  });

  it("answers the undocumented endpoints with PascalCase keys, string numbers and wrapped lists", async () => {
    const { call, order, fixture } = await rawSession("alternative");
    fixture.state.setStock(262, 12);
    expect((await call("GET", "verifyResource", { skuId: 26, priceId: 262, count: 1 })).json!.data).toEqual({ Stock: "12" });
    const placed = await order("ALT-2");
    const iccid = placed.data.cardApiDtoList[0].iccid;
    const lookedUp = (await call("GET", "getOrderInfo", { otherOrderId: "ALT-2" })).json!.data;
    expect(lookedUp.Records[0]).toMatchObject({ OrderNum: placed.data.orderNum, Status: "0", OtherOrderId: "ALT-2" });
    expect(lookedUp.Records[0].CardApiDtoList[0]).toMatchObject({ Iccid: iccid, SmDpAddress: expect.any(String) });
    expect((await call("POST", "refundOrder", { orderNum: placed.data.orderNum })).json!.data).toMatchObject({
      OrderNum: placed.data.orderNum,
      Status: "6",
    });
    expect((await call("GET", "queryIccidInformation", { iccids: iccid })).json!.data.Rows[0]).toMatchObject({ Iccid: iccid, UsedMB: "0" });
    expect((await call("GET", "getSkuByGroup")).json!.data.Groups[0]).toMatchObject({
      GroupName: expect.any(String),
      SkuList: expect.any(Array),
    });
    expect((await call("GET", "getHistoryDetail", { iccid })).json!.data.Items[0]).toMatchObject({ Days: "7", Unit: "GB" });
  });
});

describe("friendly dialect", () => {
  it("is the simulator as it was: string code, {available}, getOrderInfo, refund answering the order", async () => {
    const { call, order } = await rawSession("friendly");
    expect((await call("GET", "verifyResource", { skuId: 26, priceId: 261, count: 1 })).json).toEqual({
      code: "0",
      message: "success",
      data: { available: true },
    });
    const placed = await order("FR-1");
    expect((await call("GET", "getOrderInfo", { otherOrderId: "FR-1" })).json!.data).toMatchObject({
      orderNum: placed.data.orderNum,
      otherOrderId: "FR-1",
    });
    expect((await call("POST", "refundOrder", { orderNum: placed.data.orderNum })).json!.data).toMatchObject({ status: 6 });
  });

  it("loses or garbles the next write's answer on request, after processing it", async () => {
    const { call, order, fixture } = await rawSession("friendly");
    fixture.sim.faults.forced.answerGarbled = 1;
    const garbled = await call("POST", "addEsimOrder", { skuId: 26, priceId: 261, count: 1, backInfo: 1, otherOrderId: "FR-2" });
    expect(garbled).toMatchObject({ status: 200, json: undefined });
    expect(garbled.text).toMatch(/502 Bad Gateway/);
    expect(fixture.state.orderCount()).toBe(1);
    // A read does not consume the write faults.
    fixture.sim.faults.forced.answerLost = 1;
    expect((await call("GET", "getSkus")).status).toBe(200);
    expect(fixture.sim.faults.forced.answerLost).toBe(1);
    const lost = call(
      "POST",
      "addEsimOrder",
      { skuId: 26, priceId: 261, count: 1, backInfo: 1, otherOrderId: "FR-3" },
      AbortSignal.timeout(300),
    );
    await expect(lost).rejects.toThrow();
    expect(fixture.state.orderCount()).toBe(2);
    expect((await order("FR-4")).code).toBe("0");
  });
});

describe("variant dialects: strict but for one loose point", () => {
  const orderParams = (otherOrderId: string) => ({ skuId: 26, priceId: 261, count: 1, backInfo: 1, otherOrderId });

  it("stock-code says a shortage with -3; refund-ack acknowledges a refund with data null; refund-in-process answers 6 until it settles", async () => {
    const stock = await rawSession("stock-code");
    expect((await stock.call("GET", "verifyResource", { skuId: 26, priceId: 261, count: 1 })).json).toEqual({
      code: "0",
      message: "success",
      data: null,
    });
    stock.fixture.state.setStock(261, 0);
    expect((await stock.call("GET", "verifyResource", { skuId: 26, priceId: 261, count: 1 })).json).toMatchObject({ code: -3 });

    const ack = await rawSession("refund-ack");
    const acked = await ack.order("V-ACK");
    expect((await ack.call("POST", "refundOrder", { orderNum: acked.data.orderNum })).json).toEqual({
      code: "0",
      message: "success",
      data: null,
    });

    const slow = await rawSession("refund-in-process");
    const placed = await slow.order("V-SLOW");
    expect((await slow.call("POST", "refundOrder", { orderNum: placed.data.orderNum })).json!.data).toMatchObject({ status: 6 });
    slow.fixture.state.settleRefunds();
    expect(slow.fixture.upstream("V-SLOW").status).toBe(2);
  });

  it("stock-unlisted-code answers verifyResource with a code the docs do not list", async () => {
    const { call } = await rawSession("stock-unlisted-code");
    expect((await call("GET", "verifyResource", { skuId: 26, priceId: 261, count: 1 })).json).toMatchObject({
      code: UNLISTED_CODE,
      data: null,
    });
  });

  it("unlisted-code makes the order and the refund, then answers a code the docs do not list", async () => {
    const { call, fixture } = await rawSession("unlisted-code");
    const placed = await call("POST", "addEsimOrder", orderParams("V-CODE"));
    expect(placed.json).toMatchObject({ code: UNLISTED_CODE, data: null });
    expect(fixture.state.ordersTagged("V-CODE")).toBe(1);
    expect((await call("GET", "verifyResource", { skuId: 26, priceId: 261, count: 1 })).json).toMatchObject({ code: "0" });
    const refunded = await call("POST", "refundOrder", { orderNum: fixture.upstream("V-CODE").orderNum });
    expect(refunded.json).toMatchObject({ code: UNLISTED_CODE });
    expect(fixture.upstream("V-CODE").status).toBe(2);
  });

  it("unknown-status answers a status the lifecycle does not list; missing-fields an order without orderNum, status or cards", async () => {
    const unknown = await rawSession("unknown-status");
    expect((await unknown.order("V-STATUS")).data).toMatchObject({ status: UNKNOWN_STATUS, orderNum: expect.stringMatching(/^EP/) });
    const missing = await rawSession("missing-fields");
    const placed = await missing.order("V-MISSING");
    expect(placed).toMatchObject({ code: "0" });
    expect(Object.keys(placed.data)).toEqual(["display"]);
    expect(missing.fixture.state.ordersTagged("V-MISSING")).toBe(1);
  });

  it("wire faults strike a write after it is made: cut JSON, a 502 page, a huge page, a late answer, no answer", async () => {
    const cut = await rawSession("malformed-json");
    const malformed = await cut.call("POST", "addEsimOrder", orderParams("V-CUT"));
    expect(malformed.json).toBeUndefined();
    expect(malformed.text).toMatch(/^\{"code":"0"/);
    expect(cut.fixture.state.ordersTagged("V-CUT")).toBe(1);
    // Reads are not faulted.
    expect((await cut.call("GET", "getSkus")).json).toMatchObject({ code: "0" });

    const html = await rawSession("html-error");
    expect(await html.call("POST", "addEsimOrder", orderParams("V-HTML"))).toMatchObject({ status: 502, json: undefined });

    const huge = await rawSession("huge-body", { hugeBodyBytes: 1_000_000 });
    const big = await huge.call("POST", "addEsimOrder", orderParams("V-HUGE"));
    expect(big.text.length).toBeGreaterThan(1_000_000);
    expect(big.json).toBeUndefined();

    const late = await rawSession("slow-answer", { slowAnswerMs: 400 });
    const startedAt = Date.now();
    expect((await late.call("POST", "addEsimOrder", orderParams("V-LATE"))).json).toMatchObject({ code: "0" });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(380);

    const lost = await rawSession("lost-answer");
    await expect(lost.call("POST", "addEsimOrder", orderParams("V-LOST"), AbortSignal.timeout(300))).rejects.toThrow();
    expect(lost.fixture.state.ordersTagged("V-LOST")).toBe(1);
  });

  it("late-history loses the answer, and getOrderInfo says 'does not exist' (3) until the order is lateHistoryMs old", async () => {
    const { call, fixture } = await rawSession("late-history", { lateHistoryMs: 400 });
    await expect(call("POST", "addEsimOrder", orderParams("V-HIST"), AbortSignal.timeout(200))).rejects.toThrow();
    expect((await call("GET", "getOrderInfo", { otherOrderId: "V-HIST" })).json).toMatchObject({ code: 3, data: null });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await call("GET", "getOrderInfo", { otherOrderId: "V-HIST" })).json!.data).toMatchObject({
      orderNum: fixture.upstream("V-HIST").orderNum,
    });
  });

  it("switches dialect at run time through POST /__sim/dialect, refusing an unknown one", async () => {
    const { call, fixture } = await rawSession("strict");
    expect((await call("GET", "getOrderInfo", { otherOrderId: "X" })).status).toBe(404);
    const switched = await fetch(`${fixture.url}/__sim/dialect`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ dialect: "friendly" }),
    });
    expect(await switched.json()).toMatchObject({ current: "friendly" });
    expect(fixture.dialect).toBe("friendly");
    expect((await call("GET", "getOrderInfo", { otherOrderId: "X" })).json).toMatchObject({ code: 3 });
    const refused = await fetch(`${fixture.url}/__sim/dialect`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ dialect: "lenient" }),
    });
    expect(refused.status).toBe(400);
    expect(fixture.dialect).toBe("friendly");
    expect(MIOESIM_DIALECTS).toContain("huge-body");
  });
});
