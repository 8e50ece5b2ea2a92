/**
 * The client against canned responses, for what the simulator never sends:
 * malformed bodies, undocumented codes, every error code in one sweep, and
 * the exact bytes of each request.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ProviderError, ProviderResponseError } from "@/lib/providers/errors";
import * as mioesim from "@/lib/providers/mioesim";
import { MioesimApiError, MioesimClient, MioesimHttpError } from "@/lib/providers/mioesim";
import { quietLogger } from "./fixtures";

interface Captured {
  method: string;
  url: URL;
  contentType: string | null;
  body: string;
}

const LOGIN_OK = { code: 1, message: "Successful", data: { token: "29281-TOKEN" } };

/** A fetch that answers by path from `answers` and records what was sent. */
function cannedClient(answers: Record<string, unknown | ((n: number) => { status?: number; body: unknown })>) {
  const sent: Captured[] = [];
  const counts = new Map<string, number>();
  const fetchImpl: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    const headers = new Headers(init?.headers);
    sent.push({ method: init?.method ?? "GET", url, contentType: headers.get("content-type"), body: String(init?.body ?? "") });
    const n = (counts.get(url.pathname) ?? 0) + 1;
    counts.set(url.pathname, n);
    const answer = url.pathname === "/api_order/login" && !("/api_order/login" in answers) ? LOGIN_OK : answers[url.pathname];
    const { status = 200, body } = typeof answer === "function" ? answer(n) : { body: answer };
    return new Response(typeof body === "string" ? body : JSON.stringify(body), { status });
  };
  const client = new MioesimClient({
    baseUrl: "https://bpm.example.test/",
    phone: "13800000000",
    password: "mypassword",
    secret: "s3cret",
    fetchImpl,
    retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
    recoveryDelayMs: 0,
    logger: quietLogger,
  });
  return { client, sent };
}

const md5 = (text: string) => createHash("md5").update(text, "utf8").digest("hex");
const ok = (data: unknown) => ({ code: "0", message: "success", data });
const ORDER = { orderNum: "EP20240124000013", display: "Japan", status: 0, cardApiDtoList: [{ iccid: "934801019851134300", code: "LPA:1$smdp.test$AC1", sm_dp_address: "smdp.test", activationCode: "AC1" }] };

describe("MIOeSIM requests on the wire", () => {
  it("logs in with a signed JSON body", async () => {
    const { client, sent } = cannedClient({ "/api_esim/getSkus": ok([]) });
    await client.getSkus();
    const login = sent[0]!;
    expect(login.method).toBe("POST");
    expect(login.url.href).toBe("https://bpm.example.test/api_order/login");
    expect(login.contentType).toBe("application/json");
    expect(JSON.parse(login.body)).toEqual({ phonenumber: "13800000000", password: "mypassword", sign: md5("password=mypasswordphonenumber=13800000000s3cret") });
  });

  it("sends GET parameters, the token and a sign covering both in the query", async () => {
    const { client, sent } = cannedClient({ "/api_esim/getPackages": ok({ skuid: 26, displayEn: "Japan", esimPackageDtoList: [] }) });
    await client.getPackages(26);
    const query = sent[1]!;
    expect(query.method).toBe("GET");
    expect(query.url.pathname).toBe("/api_esim/getPackages");
    expect(Object.fromEntries(query.url.searchParams)).toEqual({ skuId: "26", token: "29281-TOKEN", sign: md5("skuId=26token=29281-TOKENs3cret") });
  });

  it("sends orders form-encoded with backInfo=1, leaving out what the caller did not set", async () => {
    const { client, sent } = cannedClient({ "/api_esim/addEsimOrder": ok(ORDER) });
    await client.addEsimOrder({ skuId: 26, priceId: 441, count: 1, otherOrderId: "SO-1" });
    const order = sent[1]!;
    expect(order.method).toBe("POST");
    expect(order.contentType).toBe("application/x-www-form-urlencoded");
    const fields = Object.fromEntries(new URLSearchParams(order.body));
    expect(fields).toEqual({
      skuId: "26",
      priceId: "441",
      count: "1",
      otherOrderId: "SO-1",
      backInfo: "1",
      token: "29281-TOKEN",
      sign: md5("backInfo=1count=1otherOrderId=SO-1priceId=441skuId=26token=29281-TOKENs3cret"),
    });
  });

  it("joins a batch of ICCIDs with commas", async () => {
    const { client, sent } = cannedClient({ "/api_esim/queryIccidInformation": ok([]) });
    await client.queryIccidInformation(["111111111111111111", "222222222222222222"]);
    expect(sent[1]!.url.searchParams.get("iccids")).toBe("111111111111111111,222222222222222222");
  });
});

describe("MIOeSIM response envelope", () => {
  it("accepts success as the number 0 or the string \"0\"", async () => {
    const sku = { skuid: 26, display: "Japan", countryCode: "392" };
    const numeric = cannedClient({ "/api_esim/getSkus": { code: 0, message: "success", data: [sku] } });
    const text = cannedClient({ "/api_esim/getSkus": ok([sku]) });
    expect(await numeric.client.getSkus()).toEqual(await text.client.getSkus());
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
    const { client } = cannedClient({ "/api_esim/getSkus": { code: String(code), message: `upstream says ${code}`, data: null } });
    const error = await client.getSkus().catch((err: unknown) => err);
    const type = (mioesim as unknown as Record<string, new (...args: never[]) => MioesimApiError>)[className]!;
    expect(error).toBeInstanceOf(type);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ name: className, code, apiCode: code, provider: "mioesim" });
    expect((error as Error).message).toContain(`upstream says ${code}`);
    expect((error as MioesimApiError).hint?.length).toBeGreaterThan(20);
  });

  it("keeps an undocumented code as a generic MioesimApiError", async () => {
    const { client } = cannedClient({ "/api_esim/getSkus": { code: 777, message: "new", data: null } });
    const error = await client.getSkus().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(MioesimApiError);
    expect(error).toMatchObject({ name: "MioesimApiError", code: 777 });
  });

  it("treats a login answer other than 1 as a failure", async () => {
    const { client } = cannedClient({ "/api_order/login": { code: 0, message: "success", data: { token: "x" } }, "/api_esim/getSkus": ok([]) });
    await expect(client.getSkus()).rejects.toBeInstanceOf(MioesimApiError);
  });

  it("rejects a body that is not an envelope", async () => {
    const { client } = cannedClient({ "/api_esim/getSkus": "<html>gateway</html>" });
    const error = await client.getSkus().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ProviderResponseError);
    expect((error as Error).message).toContain("<html>gateway</html>");
  });

  it("does not retry an HTTP 404", async () => {
    const { client, sent } = cannedClient({ "/api_esim/getSkus": () => ({ status: 404, body: "no such path" }) });
    const error = await client.getSkus().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(MioesimHttpError);
    expect(error).toMatchObject({ status: 404, retryable: false });
    expect(sent.filter((request) => request.url.pathname === "/api_esim/getSkus")).toHaveLength(1);
  });
});

describe("MIOeSIM response validation", () => {
  const japanPackage = { flows: 1, days: 3, unit: "GB", price: 4.49, priceid: 441, flowType: 0, supportDaypass: 0, apiCode: "392-0-3-1-G" };
  const packagesOf = (pkg: object) => ok({ skuid: 26, displayEn: "Japan", esimPackageDtoList: [pkg], supportCountry: ["Japan"] });

  it("tolerates unknown fields and numbers sent as strings", async () => {
    const { client } = cannedClient({ "/api_esim/getPackages": packagesOf({ ...japanPackage, price: "4.49", days: "3", brandNew: { nested: true } }) });
    const { packages } = await client.getPackages(26);
    expect(packages[0]).toMatchObject({ priceId: 441, days: 3, price: { amountMinor: 449, currency: "USD" } });
  });

  it("converts prices to minor units without float drift", async () => {
    const { client } = cannedClient({ "/api_esim/getPackages": packagesOf({ ...japanPackage, price: 19.99 * 3 }) });
    expect((await client.getPackages(26)).packages[0]!.price.amountMinor).toBe(5997);
  });

  it("names a missing required field", async () => {
    const { priceid: _dropped, ...withoutPriceId } = japanPackage;
    const { client } = cannedClient({ "/api_esim/getPackages": packagesOf(withoutPriceId) });
    const error = await client.getPackages(26).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ProviderResponseError);
    expect((error as Error).message).toContain("data.esimPackageDtoList.0.priceid is missing");
  });

  it("names a card without an ICCID", async () => {
    const { client } = cannedClient({ "/api_esim/getOrderInfo": ok({ ...ORDER, cardApiDtoList: [{ code: "LPA:1$a$b" }] }) });
    await expect(client.getOrderInfo({ orderNum: ORDER.orderNum })).rejects.toThrow("data.cardApiDtoList.0.iccid is missing");
  });

  it("rejects an undocumented order status", async () => {
    const { client } = cannedClient({ "/api_esim/getOrderInfo": ok({ ...ORDER, status: 9 }) });
    await expect(client.getOrderInfo({ orderNum: ORDER.orderNum })).rejects.toThrow(/data\.status is invalid/);
  });

  it("rejects an unknown data unit", async () => {
    const { client } = cannedClient({ "/api_esim/getPackages": packagesOf({ ...japanPackage, unit: "PB" }) });
    await expect(client.getPackages(26)).rejects.toThrow(/data\.esimPackageDtoList\.0\.unit is invalid/);
  });

  it("parses the documented order example", async () => {
    const { client } = cannedClient({ "/api_esim/getOrderInfo": ok({ ...ORDER, renewOrderNum: "EP2,EP3", renew: "1", mainOrderNum: "EP1", price: "8.98" }) });
    const order = await client.getOrderInfo({ orderNum: ORDER.orderNum });
    expect(order).toMatchObject({ orderNum: "EP20240124000013", status: 0, isRenewal: true, mainOrderNum: "EP1", renewOrderNums: ["EP2", "EP3"], price: { amountMinor: 898 } });
    expect(order.cards[0]).toMatchObject({ iccid: "934801019851134300", lpa: "LPA:1$smdp.test$AC1", pdfUrl: null });
  });

  it("treats an order answer it cannot read as lost, and settles it by lookup", async () => {
    const { client, sent } = cannedClient({ "/api_esim/addEsimOrder": "<html>502</html>", "/api_esim/getOrderInfo": ok({ ...ORDER, otherOrderId: "SO-9" }) });
    const order = await client.addEsimOrder({ skuId: 26, priceId: 441, count: 1, otherOrderId: "SO-9" });
    expect(order.orderNum).toBe(ORDER.orderNum);
    expect(sent.find((request) => request.url.pathname === "/api_esim/getOrderInfo")?.url.searchParams.get("otherOrderId")).toBe("SO-9");
  });
});

describe("MIOeSIM client configuration", () => {
  it("requires every credential", () => {
    expect(() => new MioesimClient({ baseUrl: "https://bpm.mioesim.com", phone: "1", password: "", secret: "s" })).toThrow(/password/);
  });
});
