/**
 * The client and adapter against canned responses, for what no simulator
 * dialect sends: malformed bodies, undocumented codes, every error code in
 * one sweep, the many forms an undocumented answer may take, and the exact
 * bytes of each request.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { Logger } from "@/lib/log";
import { OrderOutcomeUnknownError, ProviderError, ProviderResponseError } from "@/lib/providers/errors";
import * as mioesim from "@/lib/providers/mioesim";
import {
  MioesimApiError,
  MioesimClient,
  MioesimHttpError,
  MioesimOperationFailedError,
  MioesimOrderStateError,
  MioesimProvider,
} from "@/lib/providers/mioesim";
import type { OrderLookupInput } from "@/lib/providers/types";
import { capturingLogger, quietLogger } from "./fixtures";

interface Captured {
  method: string;
  url: URL;
  contentType: string | null;
  body: string;
}

type Answer = { status?: number; body: unknown };
type AnswerFn = (n: number, request: Captured) => Answer;
/** A fixed body (JSON value or raw text), or a function of the call count and the request. */
type Canned = AnswerFn | Record<string, unknown> | unknown[] | string | null;

const LOGIN_OK = { code: 1, message: "Successful", data: { token: "29281-TOKEN" } };

/** A fetch that answers by path from `answers` and records what was sent. */
function canned(answers: Record<string, Canned>, logger: Logger = quietLogger) {
  const sent: Captured[] = [];
  const counts = new Map<string, number>();
  const fetchImpl: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    const headers = new Headers(init?.headers);
    const request = { method: init?.method ?? "GET", url, contentType: headers.get("content-type"), body: String(init?.body ?? "") };
    sent.push(request);
    const n = (counts.get(url.pathname) ?? 0) + 1;
    counts.set(url.pathname, n);
    const answer = url.pathname === "/api_order/login" && !("/api_order/login" in answers) ? LOGIN_OK : answers[url.pathname];
    if (answer === undefined) return new Response("no such path", { status: 404 });
    const { status = 200, body } = typeof answer === "function" ? answer(n, request) : { body: answer };
    return new Response(typeof body === "string" ? body : JSON.stringify(body), { status });
  };
  const client = new MioesimClient({
    baseUrl: "https://bpm.example.test/",
    phone: "13800000000",
    password: "mypassword",
    secret: "s3cret",
    fetchImpl,
    retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
    logger,
  });
  const to = (path: string) => sent.filter((request) => request.url.pathname === path);
  const form = (request: Captured) => Object.fromEntries(new URLSearchParams(request.body));
  return { client, provider: new MioesimProvider(client, logger), sent, to, form };
}

const md5 = (text: string) => createHash("md5").update(text, "utf8").digest("hex");
const ok = (data: unknown) => ({ code: "0", message: "success", data });
const failing = (code: number | string, message = "nope") => ({ code, message, data: null });
const ICCID = "934801019851134300";
const CARD = { iccid: ICCID, code: "LPA:1$smdp.test$AC1", sm_dp_address: "smdp.test", activationCode: "AC1" };
const ORDER = { orderNum: "EP20240124000013", display: "Japan", status: 0, cardApiDtoList: [CARD] };
const japanPackage = { flows: 1, days: 3, unit: "GB", price: 4.49, priceid: 441, flowType: 0, supportDaypass: 0, apiCode: "392-0-3-1-G" };
const packagesOf = (...packages: object[]) =>
  ok({ skuid: 26, displayEn: "Japan", esimPackageDtoList: packages, supportCountry: ["Japan"] });
const lookup = (otherOrderId: string, count = 1, providerOrderRef?: string): OrderLookupInput => ({
  otherOrderId,
  itemIds: Array.from({ length: count }, (_, i) => `${otherOrderId}-${i + 1}`),
  providerOrderRef: providerOrderRef ?? null,
  attemptedAt: new Date(),
});

describe("MIOeSIM requests on the wire", () => {
  it("logs in with a signed JSON body", async () => {
    const { client, sent } = canned({ "/api_esim/getSkus": ok([]) });
    await client.getSkus();
    const login = sent[0]!;
    expect(login.method).toBe("POST");
    expect(login.url.href).toBe("https://bpm.example.test/api_order/login");
    expect(login.contentType).toBe("application/json");
    expect(JSON.parse(login.body)).toEqual({
      phonenumber: "13800000000",
      password: "mypassword",
      sign: md5("password=mypasswordphonenumber=13800000000s3cret"),
    });
  });

  it("sends GET parameters, the token and a sign covering both in the query", async () => {
    const { client, sent } = canned({ "/api_esim/getPackages": ok({ skuid: 26, displayEn: "Japan", esimPackageDtoList: [] }) });
    await client.getPackages(26);
    const query = sent[1]!;
    expect(query.method).toBe("GET");
    expect(query.url.pathname).toBe("/api_esim/getPackages");
    expect(Object.fromEntries(query.url.searchParams)).toEqual({
      skuId: "26",
      token: "29281-TOKEN",
      sign: md5("skuId=26token=29281-TOKENs3cret"),
    });
  });

  it("sends one order form-encoded with backInfo=1, count = eSIMs wanted, otherItemId only for one card", async () => {
    const { provider, to, form } = canned({
      "/api_esim/addEsimOrder": ok({ ...ORDER, cardApiDtoList: [CARD, { ...CARD, iccid: "934801019851134301" }] }),
    });
    await provider.placeOrder({ planRef: "26:441", otherOrderId: "SO-1", itemIds: ["SO-1-1", "SO-1-2"] });
    await provider.placeOrder({ planRef: "26:441", otherOrderId: "SO-2", itemIds: ["SO-2-1"] });
    const [two, one] = to("/api_esim/addEsimOrder");
    expect(two!.method).toBe("POST");
    expect(two!.contentType).toBe("application/x-www-form-urlencoded");
    expect(form(two!)).toEqual({
      skuId: "26",
      priceId: "441",
      count: "2",
      otherOrderId: "SO-1",
      backInfo: "1",
      token: "29281-TOKEN",
      sign: md5("backInfo=1count=2otherOrderId=SO-1priceId=441skuId=26token=29281-TOKENs3cret"),
    });
    expect(form(one!)).toMatchObject({ count: "1", otherOrderId: "SO-2", otherItemId: "SO-2-1" });
  });

  it("sends a renewal as addEsimOrder with the card's iccid", async () => {
    const { provider, to, form } = canned({ "/api_esim/addEsimOrder": ok({ ...ORDER, renew: 1, mainOrderNum: "EP1" }) });
    await provider.renew({ iccid: ICCID, planRef: "26:441", otherOrderId: "SO-R" });
    expect(form(to("/api_esim/addEsimOrder")[0]!)).toMatchObject({
      iccid: ICCID,
      count: "1",
      skuId: "26",
      priceId: "441",
      otherOrderId: "SO-R",
      backInfo: "1",
    });
  });

  it("sends refundOrder as a form POST with orderNum, and iccids only for a strict subset", async () => {
    const { provider, to, form } = canned({ "/api_esim/refundOrder": ok(null) });
    const all = ["111111111111111111", "222222222222222222", "333333333333333333"];
    await provider.cancel({ providerOrderRef: "EP1", iccids: all, allIccids: all });
    await provider.cancel({ providerOrderRef: "EP1", iccids: [all[2]!, all[0]!], allIccids: all });
    const [full, partial] = to("/api_esim/refundOrder");
    expect(full!.method).toBe("POST");
    expect(full!.contentType).toBe("application/x-www-form-urlencoded");
    expect(form(full!)).toEqual({ orderNum: "EP1", token: "29281-TOKEN", sign: md5("orderNum=EP1token=29281-TOKENs3cret") });
    expect(form(partial!)).toMatchObject({ orderNum: "EP1", iccids: `${all[2]},${all[0]}` });
  });

  it("asks verifyResource with skuId, priceId and count", async () => {
    const { provider, to } = canned({ "/api_esim/verifyResource": ok(null) });
    await provider.checkAvailability("26:441", 3);
    const params = Object.fromEntries(to("/api_esim/verifyResource")[0]!.url.searchParams);
    expect(params).toMatchObject({ skuId: "26", priceId: "441", count: "3" });
  });

  it("looks an order up by orderNum when known, else by otherOrderId", async () => {
    const { provider, to } = canned({ "/api_esim/getOrderInfo": ok({ ...ORDER, otherOrderId: "SO-9" }) });
    await provider.findOrder(lookup("SO-9"));
    await provider.findOrder(lookup("SO-9", 1, ORDER.orderNum));
    const [byOurs, byTheirs] = to("/api_esim/getOrderInfo");
    expect(byOurs!.url.searchParams.get("otherOrderId")).toBe("SO-9");
    expect(byOurs!.url.searchParams.has("orderNum")).toBe(false);
    expect(byTheirs!.url.searchParams.get("orderNum")).toBe(ORDER.orderNum);
    expect(byTheirs!.url.searchParams.has("otherOrderId")).toBe(false);
  });

  it("joins a batch of ICCIDs with commas", async () => {
    const { client, sent } = canned({ "/api_esim/queryIccidInformation": ok([]) });
    await client.queryIccidInformation(["111111111111111111", "222222222222222222"]);
    expect(sent[1]!.url.searchParams.get("iccids")).toBe("111111111111111111,222222222222222222");
  });
});

describe("MIOeSIM response envelope (strict)", () => {
  it('accepts success as the number 0 or the string "0"', async () => {
    const sku = { skuid: 26, display: "Japan", countryCode: "392" };
    const numeric = canned({ "/api_esim/getSkus": { code: 0, message: "success", data: [sku] } });
    const text = canned({ "/api_esim/getSkus": ok([sku]) });
    expect(await numeric.client.getSkus()).toEqual([{ skuId: 26, display: "Japan", countryCode: "392" }]);
    expect(await text.client.getSkus()).toEqual(await numeric.client.getSkus());
  });

  const documented: Array<[number, string]> = [
    [-1, "MioesimTokenExpiredError"],
    [-2, "MioesimMissingParameterError"],
    [-3, "MioesimOperationFailedError"],
    [-8, "MioesimQueryFailedError"],
    [-10, "MioesimDpIdRequiredError"],
    [-30, "MioesimSignatureError"],
    [3, "MioesimNotFoundError"],
    [4, "MioesimOrderStateError"],
    [22, "MioesimNonPersonalOrderError"],
    [99, "MioesimPdfError"],
    [400108, "MioesimIpNotWhitelistedError"],
    [400109, "MioesimDetailAccessError"],
  ];

  it.each(documented)("turns code %i in an HTTP 200 into %s with message and hint", async (code, className) => {
    const { client } = canned({ "/api_esim/getSkus": failing(String(code), `upstream says ${code}`) });
    const error = await client.getSkus().catch((err: unknown) => err);
    const type = (mioesim as unknown as Record<string, new (...args: never[]) => MioesimApiError>)[className]!;
    expect(error).toBeInstanceOf(type);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ name: className, code, apiCode: code, provider: "mioesim" });
    expect((error as Error).message).toContain(`upstream says ${code}`);
    expect((error as MioesimApiError).hint?.length).toBeGreaterThan(20);
  });

  it("keeps an undocumented code as a generic MioesimApiError", async () => {
    const { client } = canned({ "/api_esim/getSkus": failing(777, "new") });
    const error = await client.getSkus().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(MioesimApiError);
    expect(error).toMatchObject({ name: "MioesimApiError", code: 777 });
  });

  it("treats a login answer other than 1 as a failure", async () => {
    const { client } = canned({ "/api_order/login": { code: 0, message: "success", data: { token: "x" } }, "/api_esim/getSkus": ok([]) });
    await expect(client.getSkus()).rejects.toBeInstanceOf(MioesimApiError);
  });

  it.each([
    ["an HTML page", "<html>gateway</html>"],
    ["JSON without a code", { message: "success", data: [] }],
    ["a code that is not a number", { code: "ok", message: "success", data: [] }],
    ["a fractional code", { code: 0.5, message: "success", data: [] }],
    ["a message that is not text", { code: 0, message: { text: "hi" }, data: [] }],
  ])("rejects %s as not an envelope", async (_case, body) => {
    const { client } = canned({ "/api_esim/getSkus": body });
    const error = await client.getSkus().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ProviderResponseError);
    expect((error as Error).message).toMatch(/not a code\/message\/data envelope/);
  });

  it("does not retry an HTTP 404", async () => {
    const { client, to } = canned({ "/api_esim/getSkus": () => ({ status: 404, body: "no such path" }) });
    const error = await client.getSkus().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(MioesimHttpError);
    expect(error).toMatchObject({ status: 404, retryable: false });
    expect(to("/api_esim/getSkus")).toHaveLength(1);
  });
});

describe("MIOeSIM documented answers", () => {
  it("tolerates unknown fields and numbers sent as strings", async () => {
    const { client } = canned({
      "/api_esim/getPackages": packagesOf({ ...japanPackage, price: "4.49", days: "3", brandNew: { nested: true } }),
    });
    const { packages } = await client.getPackages(26);
    expect(packages[0]).toMatchObject({ priceId: 441, days: 3, priceMinor: 449 });
  });

  it("converts prices to minor units without float drift", async () => {
    const { client } = canned({ "/api_esim/getPackages": packagesOf({ ...japanPackage, price: 19.99 * 3 }) });
    expect((await client.getPackages(26)).packages[0]!.priceMinor).toBe(5997);
  });

  it("skips a package it cannot read, naming the field, and keeps the others", async () => {
    const { priceid: _dropped, ...withoutPriceId } = japanPackage;
    const { client } = canned({
      "/api_esim/getPackages": packagesOf(withoutPriceId, { ...japanPackage, unit: "PB", priceid: 442 }, { ...japanPackage, priceid: 443 }),
    });
    const result = await client.getPackages(26);
    expect(result.packages.map((pkg) => pkg.priceId)).toEqual([443]);
    expect(result.skipped).toHaveLength(2);
    expect(result.skipped[0]!.problem).toContain("data.esimPackageDtoList[0].priceid is missing");
    expect(result.skipped[1]!.problem).toContain("data.esimPackageDtoList[1].unit is unreadable");
  });

  it("fails a getPackages answer without its documented package list, naming it", async () => {
    const { client } = canned({ "/api_esim/getPackages": ok({ skuid: 26, displayEn: "Japan", packages: [japanPackage] }) });
    await expect(client.getPackages(26)).rejects.toThrow("data.esimPackageDtoList is missing");
  });

  it("skips a getSkus row without its documented countryCode", async () => {
    const logger = capturingLogger();
    const { client } = canned(
      {
        "/api_esim/getSkus": ok([
          { skuid: 26, display: "Japan" },
          { skuid: 27, display: "Korea", countryCode: 410 },
        ]),
      },
      logger,
    );
    expect(await client.getSkus()).toEqual([{ skuId: 27, display: "Korea", countryCode: "410" }]);
    expect(logger.entries.find((entry) => entry.level === "warn")?.fields).toMatchObject({
      endpoint: "getSkus",
      problem: expect.stringContaining("data[0].countryCode is missing"),
    });
  });

  it("requires no field the docs do not show: no premark, price, count or purchaseDate is fine", async () => {
    const { client, provider } = canned({
      "/api_esim/getPackages": packagesOf(japanPackage),
      "/api_esim/addEsimOrder": ok(ORDER),
    });
    expect((await client.getPackages(26)).packages[0]).toMatchObject({ cancellable: false, cancellationPolicy: null });
    const order = await provider.placeOrder({ planRef: "26:441", otherOrderId: "SO-1", itemIds: ["SO-1-1"] });
    expect(order).toMatchObject({ status: "active", charged: null, providerOrderRef: ORDER.orderNum });
  });

  it("lets a catalog with unreadable packages and SKUs list the rest, warning and counting what it skipped", async () => {
    const logger = capturingLogger();
    const { provider } = canned(
      {
        "/api_esim/getSkus": ok([
          { skuid: 26, display: "Japan", countryCode: "392" },
          { skuid: 27, display: "South Korea", countryCode: "410" },
          { skuid: 156, display: "Africa", countryCode: "99918" },
        ]),
        "/api_esim/getPackages": (_n, request) => {
          const skuId = request.url.searchParams.get("skuId");
          if (skuId === "27") return { body: ok({ skuid: 27, displayEn: "South Korea" }) };
          if (skuId === "156")
            return {
              body: ok({
                skuid: 156,
                displayEn: "Africa",
                esimPackageDtoList: [{ ...japanPackage, priceid: 1561 }],
                supportCountry: ["Kenya", "Egypt", "Atlantis"],
              }),
            };
          return { body: packagesOf({ ...japanPackage, price: "free" }, japanPackage) };
        },
      },
      logger,
    );
    const plans = await provider.listPlans();
    expect(plans.map((plan) => plan.planRef)).toEqual(["26:441", "156:1561"]);
    expect(plans[1]!.destination).toEqual({ providerRef: "156", name: "Africa", kind: "region", countryCodes: ["EG", "KE"] });
    const warnings = logger.entries.filter((entry) => entry.level === "warn");
    expect(warnings.map((entry) => entry.message)).toEqual(
      expect.arrayContaining([
        "MIOeSIM package skipped: it could not be read",
        "MIOeSIM SKU skipped: its packages could not be read",
        "MIOeSIM catalog listed",
      ]),
    );
    expect(warnings.find((entry) => entry.message === "MIOeSIM catalog listed")?.fields).toMatchObject({ skus: 3, plans: 2, skipped: 2 });
  });

  it("still fails the catalog when MIOeSIM cannot be reached, so a sync never mistakes an outage for an empty catalog", async () => {
    const { provider } = canned({
      "/api_esim/getSkus": ok([{ skuid: 26, display: "Japan", countryCode: "392" }]),
      "/api_esim/getPackages": () => ({ status: 503, body: "down" }),
    });
    await expect(provider.listPlans()).rejects.toBeInstanceOf(MioesimHttpError);
  });

  it("parses the documented order example and the order table's optional fields", async () => {
    const { client } = canned({
      "/api_esim/addEsimOrder": ok({
        ...ORDER,
        renewOrderNum: "EP2,EP3",
        renew: "1",
        mainOrderNum: "EP1",
        price: "8.98",
        count: "1",
        purchaseDate: "2024-01-24 10:20:30",
      }),
    });
    const order = await client.addEsimOrder({ skuId: 26, priceId: 441, count: 1, otherOrderId: "SO-1" });
    expect(order).toMatchObject({
      orderNum: "EP20240124000013",
      status: 0,
      isRenewal: true,
      mainOrderNum: "EP1",
      renewOrderNums: ["EP2", "EP3"],
      priceMinor: 898,
      count: 1,
    });
    expect(order.cards[0]).toMatchObject({ iccid: ICCID, lpa: "LPA:1$smdp.test$AC1", pdfUrl: null });
  });
});

describe("MIOeSIM lost answers on writes", () => {
  const placing = (provider: MioesimProvider) => provider.placeOrder({ planRef: "26:441", otherOrderId: "SO-9", itemIds: ["SO-9-1"] });

  it.each([
    ["an HTML body", "<html>502</html>"],
    ["a card without an ICCID", ok({ ...ORDER, cardApiDtoList: [{ code: "LPA:1$a$b" }] })],
    ["an undocumented order status", ok({ ...ORDER, status: 9 })],
    ["success with no order at all", ok(null)],
    ["an undocumented code", failing(777)],
    ["code 99", failing(99, "PDF generation failed")],
  ])("reports %s from addEsimOrder as outcome unknown, and looks nothing up", async (_case, body) => {
    const { provider, to } = canned({ "/api_esim/addEsimOrder": body, "/api_esim/getOrderInfo": ok(ORDER) });
    const error = await placing(provider).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(OrderOutcomeUnknownError);
    expect(to("/api_esim/addEsimOrder")).toHaveLength(1);
    expect(to("/api_esim/getOrderInfo")).toHaveLength(0);
  });

  it("names the unreadable field in the cause", async () => {
    const { provider } = canned({ "/api_esim/addEsimOrder": ok({ ...ORDER, cardApiDtoList: [{ code: "LPA:1$a$b" }] }) });
    const error = (await placing(provider).catch((err: unknown) => err)) as OrderOutcomeUnknownError;
    expect(error.cause).toBeInstanceOf(ProviderResponseError);
    expect(error.message).toContain("data.cardApiDtoList[0].iccid is missing");
  });

  it.each([
    [-2, "MioesimMissingParameterError"],
    [-3, "MioesimOperationFailedError"],
    [-10, "MioesimDpIdRequiredError"],
    [-30, "MioesimSignatureError"],
    [3, "MioesimNotFoundError"],
    [4, "MioesimOrderStateError"],
    [22, "MioesimNonPersonalOrderError"],
  ])("passes documented refusal %i through as %s (nothing was placed)", async (code, className) => {
    const { provider } = canned({ "/api_esim/addEsimOrder": failing(code) });
    const error = await placing(provider).catch((err: unknown) => err);
    expect(error).not.toBeInstanceOf(OrderOutcomeUnknownError);
    expect((error as Error).name).toBe(className);
  });

  it("re-logs in and resends once on -1", async () => {
    const { provider, to } = canned({ "/api_esim/addEsimOrder": (n) => ({ body: n === 1 ? failing(-1, "Token expired") : ok(ORDER) }) });
    expect((await placing(provider)).status).toBe("active");
    expect(to("/api_order/login")).toHaveLength(2);
    expect(to("/api_esim/addEsimOrder")).toHaveLength(2);
  });

  it("reports a login that fails before sending (or before the resend) as that failure, not as outcome unknown", async () => {
    const down = canned({ "/api_order/login": () => ({ status: 503, body: "down" }), "/api_esim/addEsimOrder": ok(ORDER) });
    const first = await placing(down.provider).catch((err: unknown) => err);
    expect(first).toBeInstanceOf(MioesimHttpError);
    expect(down.to("/api_esim/addEsimOrder")).toHaveLength(0);
    const relogin = canned({
      "/api_order/login": (n) => (n === 1 ? { body: LOGIN_OK } : { body: failing(-3, "Login failed") }),
      "/api_esim/addEsimOrder": failing(-1, "Token expired"),
    });
    const second = await placing(relogin.provider).catch((err: unknown) => err);
    expect(second).toBeInstanceOf(MioesimOperationFailedError);
    expect(relogin.to("/api_esim/addEsimOrder")).toHaveLength(1);
  });

  it("reports a 99 or an HTTP 500 on refundOrder as outcome unknown", async () => {
    for (const answer of [failing(99), () => ({ status: 500, body: "oops" })]) {
      const { provider, to } = canned({ "/api_esim/refundOrder": answer });
      await expect(provider.cancel({ providerOrderRef: "EP1", iccids: [ICCID], allIccids: [ICCID] })).rejects.toBeInstanceOf(
        OrderOutcomeUnknownError,
      );
      expect(to("/api_esim/refundOrder")).toHaveLength(1);
    }
  });
});

describe("MIOeSIM undocumented answers, read tolerantly", () => {
  describe("verifyResource", () => {
    it.each([
      [null, 1, true],
      [undefined, 1, true],
      [true, 1, true],
      [{ available: true }, 1, true],
      [{ available: false }, 1, false],
      [{ Enough: "false" }, 1, false],
      [{ is_enough: 0 }, 1, false],
      [{ hasStock: false }, 1, false],
      [{ sufficient: "no" }, 1, false],
      [{ Stock: "8" }, 8, true],
      [{ Stock: "8" }, 9, false],
      [{ inventory: 3 }, 5, false],
      [{ quantity: "100", available: true }, 5, true],
      [7, 5, true],
      ["2", 5, false],
      [false, 1, false],
      ["false", 1, false],
    ])("data %j for %i eSIM(s) → available %s", async (data, count, available) => {
      const { provider } = canned({ "/api_esim/verifyResource": { code: 0, message: "success", data } });
      const answer = await provider.checkAvailability("26:441", count);
      expect(answer.available).toBe(available);
      if (!answer.available) expect(answer.reason).toBe("out_of_stock");
    });

    it.each([[{}], [{ message: "ok" }], [{ skuId: 26, priceId: 441 }], ["maybe"], [[1, 2]]])(
      "data %j says neither enough nor short: not sold on it (unavailable), never read as enough",
      async (data) => {
        const { provider } = canned({ "/api_esim/verifyResource": { code: 0, message: "success", data } });
        expect(await provider.checkAvailability("26:441", 1)).toMatchObject({
          available: false,
          reason: "unavailable",
          detail: expect.stringMatching(/neither enough nor short/),
        });
      },
    );

    it.each([
      // No error code is documented as out of stock: the check could not tell, so nothing is sold, but nothing is called sold out either.
      [failing(-3, "Insufficient inventory"), "unavailable"],
      [failing(-2, "count is null"), "unavailable"],
      [failing(777, "?"), "unavailable"],
      [failing(-30, "Signature is wrong"), "provider_account"],
      [() => ({ status: 502, body: "bad gateway" }), "unavailable"],
      ["<html>oops</html>", "unavailable"],
    ])("answer %j → %s, with a detail for the admin", async (answer, reason) => {
      const { provider } = canned({ "/api_esim/verifyResource": answer });
      const result = await provider.checkAvailability("26:441", 1);
      expect(result).toMatchObject({ available: false, reason, detail: expect.stringMatching(/\S{3,}/) });
    });

    it("reports a failed login as the provider account, or as unavailable when MIOeSIM cannot be reached", async () => {
      const refused = canned({ "/api_order/login": failing(-3, "Login failed") });
      expect(await refused.provider.checkAvailability("26:441", 1)).toMatchObject({ available: false, reason: "provider_account" });
      const down = canned({ "/api_order/login": () => ({ status: 503, body: "down" }) });
      expect(await down.provider.checkAvailability("26:441", 1)).toMatchObject({ available: false, reason: "unavailable" });
    });
  });

  describe("refundOrder", () => {
    const all = ["111111111111111111", "222222222222222222"];
    // An acknowledgement without a status is never a confirmation: only the documented end state (2, or 4 for a partial one) confirms.
    it.each([
      [null, false, "cancelling"],
      [null, true, "cancelling"],
      [undefined, false, "cancelling"],
      [true, false, "cancelling"],
      ["success", true, "cancelling"],
      [{ result: "ok" }, false, "cancelling"],
      [{ Status: "6" }, false, "cancelling"],
      [{ status: 7 }, true, "cancelling"],
      [{ orderNum: "EP1", status: 2 }, false, "cancelled"],
      [{ order: { OrderNum: "EP1", Status: "4" } }, true, "partially_cancelled"],
      [{ status: 0 }, false, "cancelling"],
    ])("data %j (partial: %s) → %s", async (data, partial, status) => {
      const { provider } = canned({ "/api_esim/refundOrder": { code: 0, message: "success", data } });
      expect(await provider.cancel({ providerOrderRef: "EP1", iccids: partial ? [all[0]!] : all, allIccids: all })).toEqual({ status });
    });

    it("reports an answer it cannot read, or a status that is no outcome of this cancellation, as outcome unknown, and code 4 as a definite refusal", async () => {
      const unreadable = canned({ "/api_esim/refundOrder": ok({ status: 9 }) });
      await expect(unreadable.provider.cancel({ providerOrderRef: "EP1", iccids: all, allIccids: all })).rejects.toBeInstanceOf(
        OrderOutcomeUnknownError,
      );
      for (const data of [{ status: 5 }, { status: 3 }, { status: -1 }, { status: 4 }]) {
        const undocumented = canned({ "/api_esim/refundOrder": ok(data) });
        await expect(undocumented.provider.cancel({ providerOrderRef: "EP1", iccids: all, allIccids: all })).rejects.toBeInstanceOf(
          OrderOutcomeUnknownError,
        );
      }
      const contradictory = canned({ "/api_esim/refundOrder": ok(false) });
      await expect(contradictory.provider.cancel({ providerOrderRef: "EP1", iccids: all, allIccids: all })).rejects.toBeInstanceOf(
        OrderOutcomeUnknownError,
      );
      const abnormal = canned({ "/api_esim/refundOrder": failing(4, "Order status abnormal") });
      const error = await abnormal.provider.cancel({ providerOrderRef: "EP1", iccids: all, allIccids: all }).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(MioesimOrderStateError);
      expect(error).not.toBeInstanceOf(OrderOutcomeUnknownError);
    });
  });

  describe("getOrderInfo", () => {
    const ours = { ...ORDER, otherOrderId: "SO-9" };
    const pascal = {
      OrderNum: ORDER.orderNum,
      Status: "0",
      OtherOrderId: "SO-9",
      CardApiDtoList: [{ Iccid: ICCID, Code: "LPA:1$smdp.test$AC1" }],
    };

    it.each([
      ["the order object", ok(ours)],
      ["the order with PascalCase keys and string numbers", { code: 0, message: "success", data: pascal }],
      ["the order under a wrapper", ok({ order: ours })],
      ["a list of one", ok([ours])],
      ["a wrapped list holding ours among others", ok({ Records: [{ ...ORDER, orderNum: "EP-OTHER", otherOrderId: "SO-8" }, pascal] })],
    ])("finds %s", async (_case, body) => {
      const { provider } = canned({ "/api_esim/getOrderInfo": body });
      const found = await provider.findOrder(lookup("SO-9"));
      expect(found).toMatchObject({
        outcome: "found",
        order: { providerOrderRef: ORDER.orderNum, status: "active", otherOrderId: "SO-9" },
      });
      expect(
        found.outcome === "found" && found.order.esims.map((esim) => [esim.iccid, esim.smdpAddress, esim.activationCode, esim.otherItemId]),
      ).toEqual([[ICCID, "smdp.test", "AC1", "SO-9-1"]]);
    });

    it.each([
      ["HTTP 404", () => ({ status: 404, body: "Not found" }), /HTTP 404/],
      ["code -3", failing(-3, "operation failed"), /code -3/],
      ["an undocumented code", failing(777, "what"), /code 777/],
      ["an HTML page", "<html>hi</html>", /could not read/],
      ["an undocumented order status", ok({ ...ours, status: 9 }), /status is unreadable/],
      ["an empty list", ok([]), /no order matching/],
      ["several orders none of which echoes our reference", ok([ORDER, { ...ORDER, orderNum: "EP2" }]), /no order matching/],
      ["an order tagged with someone else's reference", ok({ ...ORDER, otherOrderId: "SO-8" }), /tagged SO-8, not SO-9/],
      ["an order that does not echo our reference", ok(ORDER), /tagged with no otherOrderId, not SO-9/],
      ["a list of one order that does not echo our reference", ok({ rows: [ORDER] }), /no order matching/],
      ["the code 3 of an undocumented endpoint", failing(3, "Data does not exist"), /code 3/],
      ["something that is not an order", ok({ hello: "world" }), /neither an order nor a list/],
    ])("cannot tell from %s, and says why without throwing", async (_case, answer, why) => {
      const { provider } = canned({ "/api_esim/getOrderInfo": answer });
      const found = await provider.findOrder(lookup("SO-9"));
      expect(found.outcome).toBe("unknown");
      const { reason } = found as { reason: string };
      expect(reason).toMatch(/not part of MIOeSIM's documented API/);
      expect(reason).toMatch(why);
    });

    it.each([
      ["HTTP 500, after retries", () => ({ status: 500, body: "oops" }), /HTTP 500/],
      ["code 99 (the docs: retry the request)", failing(99, "pdf"), /code 99/],
    ])("throws on %s: a failure that may pass is not an answer, so the caller asks again later", async (_case, answer, why) => {
      const { provider } = canned({ "/api_esim/getOrderInfo": answer });
      await expect(provider.findOrder(lookup("SO-9"))).rejects.toThrow(why);
    });

    it("never says absent: no documented answer proves that MIOeSIM holds no such order", async () => {
      for (const answer of [failing(3, "Data does not exist"), failing(-3, "not found"), ok([]), ok(null)]) {
        const { provider } = canned({ "/api_esim/getOrderInfo": answer });
        expect((await provider.findOrder(lookup("SO-9"))).outcome).toBe("unknown");
      }
    });

    it.each([
      ["status -1 (unpaid)", { ...ours, status: -1, cardApiDtoList: [] }, 0],
      ["status 0 with no card list", { ...ours, cardApiDtoList: undefined }, 0],
      ["status 0 with an empty card list", { ...ours, cardApiDtoList: [] }, 0],
      ["status 0 with a card lacking install data", { ...ours, cardApiDtoList: [{ iccid: ICCID, sm_dp_address: "smdp.test" }] }, 0],
      ["status 0 with one complete card of two", { ...ours, count: 2, cardApiDtoList: [CARD, { iccid: "934801019851134301" }] }, 1],
    ])("reports %s as pending, with only the complete cards", async (_case, order, delivered) => {
      const { provider } = canned({ "/api_esim/getOrderInfo": ok(order) });
      const found = await provider.findOrder(lookup("SO-9", 2));
      expect(found).toMatchObject({ outcome: "found", order: { status: "pending" } });
      expect(found.outcome === "found" && found.order.esims).toHaveLength(delivered);
    });

    it("matches cards to our items by an echoed otherItemId first, then by position", async () => {
      const cards = [
        { iccid: "934801019851134301", code: "LPA:1$smdp.test$A", otherItemId: "SO-9-3" },
        { iccid: "934801019851134302", code: "LPA:1$smdp.test$B" },
        { iccid: "934801019851134303", code: "LPA:1$smdp.test$C", otherItemId: "SOMEONE-ELSE" },
      ];
      const { provider } = canned({ "/api_esim/getOrderInfo": ok({ ...ours, cardApiDtoList: cards }) });
      const found = await provider.findOrder(lookup("SO-9", 3));
      expect(found.outcome === "found" && found.order.esims.map((esim) => esim.otherItemId)).toEqual(["SO-9-3", "SO-9-1", "SO-9-2"]);
    });

    it("builds install details from the LPA string alone, or from sm_dp_address and activationCode alone", async () => {
      const cards = [
        { iccid: "934801019851134301", code: "LPA:1$rsp.example$XYZ" },
        {
          iccid: "934801019851134302",
          sm_dp_address: "rsp.example",
          activationCode: "ABC",
          apn: "internet",
          activateBefore: "2024-02-24(GMT+8)",
        },
      ];
      const { provider } = canned({ "/api_esim/getOrderInfo": ok({ ...ours, cardApiDtoList: cards }) });
      const found = await provider.findOrder(lookup("SO-9", 2));
      expect(found.outcome === "found" && found.order.esims).toEqual([
        {
          iccid: cards[0]!.iccid,
          lpa: "LPA:1$rsp.example$XYZ",
          smdpAddress: "rsp.example",
          activationCode: "XYZ",
          apn: null,
          pdfUrl: null,
          activateBefore: null,
          otherItemId: "SO-9-1",
        },
        {
          iccid: cards[1]!.iccid,
          lpa: "LPA:1$rsp.example$ABC",
          smdpAddress: "rsp.example",
          activationCode: "ABC",
          apn: "internet",
          pdfUrl: null,
          activateBefore: "2024-02-24T15:59:59.000Z",
          otherItemId: "SO-9-2",
        },
      ]);
    });
  });

  describe("catalog and card endpoints", () => {
    it("reads getSkuByGroup groups in PascalCase with wrapped lists", async () => {
      const { client } = canned({
        "/api_esim/getSkuByGroup": {
          code: 0,
          message: "",
          data: { Groups: [{ GroupName: "Asia", SkuList: [{ SkuId: "26", Display: "Japan", CountryCode: "392" }] }] },
        },
      });
      expect(await client.getSkuByGroup()).toEqual([{ name: "Asia", skus: [{ skuId: 26, display: "Japan", countryCode: "392" }] }]);
    });

    it("reads SKU lists that carry only an id", async () => {
      const { client } = canned({ "/api_esim/getIccidSupportSku": ok({ records: [{ sku_id: "26" }] }) });
      expect(await client.getIccidSupportSku(ICCID)).toEqual([{ skuId: 26, display: "SKU 26", countryCode: null }]);
    });

    it("reads renewal packages as a bare list with string numbers, as renewable", async () => {
      const { provider } = canned({
        "/api_esim/getIccidSupportSku": ok([{ skuid: 26, display: "Japan", countryCode: "392" }]),
        "/api_esim/getIccidSupportPackageInfo": ok([
          { PriceId: "261", Flows: "1", Unit: "gb", Days: "7", Price: "4.49" },
          { PriceId: "265", Flows: "500", Unit: "MB", Days: "1", Price: "1.80", FlowType: "1" },
        ]),
      });
      const plans = await provider.listRenewalPlans(ICCID);
      expect(plans).toHaveLength(1);
      expect(plans[0]).toMatchObject({
        planRef: "26:261",
        dataMb: 1024,
        days: 7,
        wholesale: { amountMinor: 449 },
        renewable: true,
        destination: { countryCodes: ["JP"] },
      });
    });

    it.each([
      ["a bare list", [{ iccid: ICCID, usedMB: 50, remainingMB: 974, dpStatus: "ACTIVE" }]],
      ["PascalCase rows with strings, wrapped", { Rows: [{ Iccid: ICCID, UsedMB: "50", RemainingMB: "974", DpStatus: "ACTIVE" }] }],
      ["snake_case under data.list", { data: { list: [{ iccid: ICCID, used_mb: "50", total_mb: "1024", dp_status: "ACTIVE" }] } }],
    ])("reads queryIccidInformation as %s", async (_case, data) => {
      const { provider } = canned({ "/api_esim/queryIccidInformation": ok(data) });
      const [usage] = await provider.getUsage([ICCID]);
      expect(usage).toMatchObject({ iccid: ICCID, state: "active", usedMb: 50, totalMb: 1024 });
    });

    it("reads a card record missing its usage as zero used, total unknown", async () => {
      const { provider } = canned({ "/api_esim/queryIccidInformation": ok([{ iccid: ICCID }, { noIccid: true }]) });
      expect(await provider.getUsage([ICCID])).toEqual([
        { iccid: ICCID, state: "not_installed", usedMb: 0, totalMb: null, startedAt: null, expiresAt: null },
      ]);
    });

    it("reads getESIMDetail bare or wrapped", async () => {
      for (const data of [{ ICCID, UsedMB: "5" }, { detail: { iccid: ICCID, usedMB: 5 } }, [{ iccid: ICCID, usedMB: 5 }]]) {
        const { client } = canned({ "/api_esim/getESIMDetail": ok(data) });
        expect(await client.getESIMDetail(ICCID)).toMatchObject({ iccid: ICCID, usedMb: 5 });
      }
    });

    it("reads getHistoryDetail wrapped, with every field optional", async () => {
      const { client } = canned({
        "/api_esim/getHistoryDetail": {
          code: 0,
          message: "",
          data: { Items: [{ OrderNum: "EP1", Flows: "3", Unit: "GB", Days: "15", Status: "5" }, {}] },
        },
      });
      expect(await client.getHistoryDetail(ICCID)).toEqual([
        {
          orderNum: "EP1",
          skuId: null,
          priceId: null,
          display: null,
          dataMb: 3072,
          days: 15,
          usedMb: null,
          startDate: null,
          endDate: null,
          status: 5,
        },
        {
          orderNum: null,
          skuId: null,
          priceId: null,
          display: null,
          dataMb: null,
          days: null,
          usedMb: null,
          startDate: null,
          endDate: null,
          status: null,
        },
      ]);
    });

    it("names what it looked for when an answer holds no list", async () => {
      const { client } = canned({ "/api_esim/queryIccidInformation": ok({ nothing: "here" }) });
      await expect(client.queryIccidInformation([ICCID])).rejects.toThrow(
        /queryIccidInformation response: data is not a list \(looked for a list or one under list, records/,
      );
    });
  });
});

describe("MIOeSIM client configuration", () => {
  it("requires every credential", () => {
    expect(() => new MioesimClient({ baseUrl: "https://bpm.mioesim.com", phone: "1", password: "", secret: "s" })).toThrow(/password/);
  });
});
