/**
 * MIOeSIM's HTTP surface over MioesimSimState: the envelope, login, token
 * and signature checks, parameter validation (-2 / -8 / -10) and the forced
 * faults `tokenExpired` (-1) and `badSign` (-30).
 */
import { createHash } from "node:crypto";
import type { SimRequest, SimResponse, SimServer } from "../shared/server";
import { textPdf } from "./pdf";
import { SimApiError, type MioesimForcedFault, type MioesimSimState, type SimAccount } from "./state";

/** Parameters as received, with the lookups that turn absence into -2 and bad numbers into -8. */
class Fields {
  constructor(readonly raw: Record<string, string>) {}

  static of(req: SimRequest): Fields {
    const source = req.method === "GET" ? Object.fromEntries(req.query) : req.body;
    const raw: Record<string, string> = {};
    for (const [key, value] of Object.entries(source)) raw[key] = value === null || value === undefined ? "" : String(value);
    return new Fields(raw);
  }

  optional(name: string): string | undefined {
    return this.raw[name] || undefined;
  }

  text(name: string): string {
    const value = this.optional(name);
    if (value === undefined) throw new SimApiError(-2, `Required parameter ${name} is null or empty`);
    return value;
  }

  int(name: string): number {
    const value = this.text(name);
    if (!/^-?\d+$/.test(value)) throw new SimApiError(-8, `Query failed: ${name} must be an integer, got "${value}"`);
    return Number(value);
  }

  list(name: string): string[] {
    return this.text(name)
      .split(",")
      .map((item) => item.trim())
      .filter(Boolean);
  }
}

/** Written apart from the client's signParams on purpose, so a shared mistake cannot pass the contract tests. */
function expectedSign(raw: Record<string, string>, secret: string): string {
  const keys = Object.keys(raw)
    .filter((key) => key !== "sign" && raw[key] !== "")
    .sort();
  return createHash("md5")
    .update(keys.map((key) => `${key}=${raw[key]}`).join("") + secret, "utf8")
    .digest("hex");
}

function answer(run: () => { code: number | string; message: string; data: unknown }): SimResponse {
  try {
    return { body: run() };
  } catch (err) {
    if (!(err instanceof SimApiError)) throw err;
    return { body: { code: err.code, message: err.message, data: null } };
  }
}

export function registerMioesimRoutes(sim: SimServer, state: MioesimSimState): void {
  const forced = (name: MioesimForcedFault) => sim.takeForced(name);
  const checkSign = (fields: Fields, secret: string) => {
    if (forced("badSign") || fields.raw.sign !== expectedSign(fields.raw, secret)) throw new SimApiError(-30, "Signature is wrong");
  };

  sim.route("POST", "/api_order/login", (req) =>
    answer(() => {
      const fields = Fields.of(req);
      const account = state.account(fields.text("phonenumber"));
      const password = fields.text("password");
      if (!account) throw new SimApiError(-3, "Login failed: wrong phone number or password");
      checkSign(fields, account.secret);
      if (account.password !== password) throw new SimApiError(-3, "Login failed: wrong phone number or password");
      return { code: 1, message: "Successful", data: { token: state.issueToken(account) } };
    }),
  );

  const api = (method: "GET" | "POST", name: string, handle: (account: SimAccount, fields: Fields) => unknown) =>
    sim.route(method, `/api_esim/${name}`, (req) =>
      answer(() => {
        const fields = Fields.of(req);
        const token = fields.text("token");
        const account = forced("tokenExpired") ? undefined : state.accountForToken(token);
        if (!account) throw new SimApiError(-1, "Token expired, please log in again");
        checkSign(fields, account.secret);
        // The docs show success codes as the string "0".
        return { code: "0", message: "success", data: handle(account, fields) };
      }),
    );

  api("GET", "getSkus", () => state.listSkus());
  api("GET", "getSkuByGroup", () => state.listSkuGroups());
  api("GET", "getPackages", (_account, f) => state.packagesOf(f.int("skuId")));
  api("GET", "verifyResource", (_account, f) => state.verifyResource(f.int("skuId"), f.int("priceId"), f.int("count")));
  api("GET", "getDpSupportSkuInfo", (account, f) => {
    const dpId = f.optional("dpId");
    if (!dpId) throw new SimApiError(-10, "dpId is null");
    return state.dpSkus(account, dpId);
  });
  api("POST", "addEsimOrder", (account, f) =>
    state.placeOrder(account, {
      skuId: f.int("skuId"),
      priceId: f.int("priceId"),
      count: f.int("count"),
      withCards: f.optional("backInfo") === "1",
      otherOrderId: f.optional("otherOrderId"),
      otherItemId: f.optional("otherItemId"),
      dpId: f.optional("dpId"),
      iccid: f.optional("iccid"),
    }),
  );
  api("GET", "getOrderInfo", (account, f) => {
    const lookup = { orderNum: f.optional("orderNum"), otherOrderId: f.optional("otherOrderId") };
    if (!lookup.orderNum && !lookup.otherOrderId) throw new SimApiError(-2, "Required parameter orderNum or otherOrderId is null or empty");
    return state.orderInfo(account, lookup);
  });
  api("POST", "refundOrder", (account, f) => state.refundOrder(account, f.text("orderNum"), f.optional("iccids") ? f.list("iccids") : undefined));
  api("GET", "getIccidSupportSku", (account, f) => state.iccidSupportSkus(account, f.text("iccid")));
  api("GET", "getIccidSupportPackageInfo", (account, f) => state.iccidSupportPackages(account, f.text("iccid"), f.int("skuId")));
  api("GET", "getESIMDetail", (account, f) => state.esimDetail(account, f.text("iccid")));
  api("GET", "queryIccidInformation", (account, f) => state.queryIccids(account, f.list("iccids")));
  api("GET", "getHistoryDetail", (account, f) => state.historyOf(account, f.text("iccid")));

  sim.route("GET", "/pdf/:file", (req) => {
    const iccid = req.params.file?.replace(/\.pdf$/, "") ?? "";
    const lpa = state.installText(iccid);
    if (!lpa) return { status: 404, body: { error: "Not found", message: `No eSIM ${iccid}` } };
    return { headers: { "content-type": "application/pdf" }, body: textPdf(["MIOeSIM simulator eSIM", `ICCID ${iccid}`, lpa]) };
  });
}
