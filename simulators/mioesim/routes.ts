/**
 * MIOeSIM's HTTP surface over MioesimSimState: the envelope, login, token
 * and signature checks, parameter validation (-2 / -8 / -10), the answers
 * in the chosen dialect (dialects.ts) and the forced faults `tokenExpired`
 * (-1), `badSign` (-30), `answerLost`, `answerLostUnplaced` (the next write
 * is never processed nor answered: the client times out with nothing placed)
 * and `answerGarbled`.
 */
import { createHash } from "node:crypto";
import type { SimRequest, SimResponse, SimServer } from "../shared/server";
import { dialectSetting, type DialectSetting } from "../shared/dialect-control";
import { faultedAnswer, GATEWAY_ERROR_PAGE } from "../shared/wire-faults";
import { DIALECT_FORMS, UNLISTED_CODE, type MioesimDialect } from "./dialects";
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

/** The dialect the simulator answers in now (switchable at run time), and the variants' settings. */
export type MioesimDialectSetting = DialectSetting<MioesimDialect>;

export function registerMioesimRoutes(
  sim: SimServer,
  state: MioesimSimState,
  setting: MioesimDialectSetting = dialectSetting("friendly"),
): void {
  const forms = () => DIALECT_FORMS[setting.current];
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

  /**
   * One signed endpoint. A write (addEsimOrder, refundOrder) that got past
   * the token and signature checks is where `answerLost` / `answerGarbled`
   * strike: it has been processed, whatever it answered. A write that was
   * made is where a variant dialect's fault strikes.
   */
  const api = (
    method: "GET" | "POST",
    name: string,
    handle: (account: SimAccount, fields: Fields) => unknown,
    options: { write?: boolean; exists?: () => boolean } = {},
  ) =>
    sim.route(method, `/api_esim/${name}`, (req) => {
      if (options.write && forced("answerLostUnplaced")) return new Promise<SimResponse>(() => {});
      if (options.exists && !options.exists()) return { status: 404, body: { error: "Not found", message: `${method} ${req.path}` } };
      let processed = false;
      let made = false;
      const dialect = forms();
      const response = answer(() => {
        const fields = Fields.of(req);
        const token = fields.text("token");
        const account = forced("tokenExpired") ? undefined : state.accountForToken(token);
        if (!account) throw new SimApiError(-1, "Token expired, please log in again");
        checkSign(fields, account.secret);
        processed = true;
        const data = handle(account, fields);
        made = true;
        return { code: dialect.successCode, message: "success", data };
      });
      if (options.write && processed) {
        if (forced("answerLost")) sim.faults.hangAfterProcessing += 1;
        else if (forced("answerGarbled")) return { status: 200, headers: { "content-type": "text/html" }, body: GATEWAY_ERROR_PAGE };
      }
      if (options.write && made) {
        if (dialect.unlistedWriteCode) return { body: { code: UNLISTED_CODE, message: "System busy, please try again later", data: null } };
        if (dialect.writeFault) return faultedAnswer(dialect.writeFault, response, setting);
      }
      return response;
    });

  api("GET", "getSkus", () => forms().skus(state.listSkus()));
  api("GET", "getSkuByGroup", () => forms().skuGroups(state.listSkuGroups()));
  api("GET", "getPackages", (_account, f) => forms().packages(state.packagesOf(f.int("skuId"))));
  api("GET", "verifyResource", (_account, f) => forms().stock(state.verifyResource(f.int("skuId"), f.int("priceId"), f.int("count"))));
  api("GET", "getDpSupportSkuInfo", (account, f) => {
    const dpId = f.optional("dpId");
    if (!dpId) throw new SimApiError(-10, "dpId is null");
    return forms().dpSkus(state.dpSkus(account, dpId));
  });
  api(
    "POST",
    "addEsimOrder",
    (account, f) =>
      forms().order(
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
      ),
    { write: true },
  );
  // Not a documented endpoint: dialects without it (strict) answer HTTP 404, as for any unknown path.
  api(
    "GET",
    "getOrderInfo",
    (account, f) => {
      const lookup = { orderNum: f.optional("orderNum"), otherOrderId: f.optional("otherOrderId") };
      if (!lookup.orderNum && !lookup.otherOrderId)
        throw new SimApiError(-2, "Required parameter orderNum or otherOrderId is null or empty");
      return forms().lookup(state.lookupOrder(account, lookup, forms().lateHistory ? setting.lateHistoryMs : 0));
    },
    { exists: () => forms().orderLookup },
  );
  api(
    "POST",
    "refundOrder",
    (account, f) => {
      const iccids = f.optional("iccids") ? f.list("iccids") : undefined;
      // A forced acknowledgement: the cancellation is processed (6/7, settling later) but answered with data null.
      if (forced("refundAcknowledged")) return (void state.refundOrder(account, f.text("orderNum"), iccids, false), null);
      return forms().refund(state.refundOrder(account, f.text("orderNum"), iccids, forms().refundSettlesAtOnce));
    },
    { write: true },
  );
  api("GET", "getIccidSupportSku", (account, f) => forms().iccidSkus(state.iccidSupportSkus(account, f.text("iccid"))));
  api("GET", "getIccidSupportPackageInfo", (account, f) =>
    forms().iccidPackages(state.iccidSupportPackages(account, f.text("iccid"), f.int("skuId"))),
  );
  api("GET", "getESIMDetail", (account, f) => forms().esimDetail(state.esimDetail(account, f.text("iccid"))));
  api("GET", "queryIccidInformation", (account, f) => forms().iccidStatuses(state.queryIccids(account, f.list("iccids"))));
  api("GET", "getHistoryDetail", (account, f) => forms().history(state.historyOf(account, f.text("iccid"))));

  // Test and demo controls (never faulted): simulator time, and a card's data use.
  sim.route("POST", "/__sim/advance", (req) => {
    const ms = Number(req.body.ms);
    if (!Number.isFinite(ms) || ms < 0)
      return { status: 400, body: { error: "Invalid request", message: "ms must be a non-negative number" } };
    state.advance(ms);
    return { body: { now: new Date(state.now()).toISOString() } };
  });
  sim.route("POST", "/__sim/cards/:iccid/usage", (req) => {
    const usedMb = Number(req.body.usedMb);
    if (!Number.isInteger(usedMb) || usedMb < 0)
      return { status: 400, body: { error: "Invalid request", message: "usedMb must be a non-negative integer" } };
    if (!state.installText(req.params.iccid!)) return { status: 404, body: { error: "Not found", message: `No eSIM ${req.params.iccid}` } };
    state.setUsage(req.params.iccid!, usedMb);
    return { body: { ok: true } };
  });

  sim.route("GET", "/pdf/:file", (req) => {
    const iccid = req.params.file?.replace(/\.pdf$/, "") ?? "";
    const lpa = state.installText(iccid);
    if (!lpa) return { status: 404, body: { error: "Not found", message: `No eSIM ${iccid}` } };
    return { headers: { "content-type": "application/pdf" }, body: textPdf(["MIOeSIM simulator eSIM", `ICCID ${iccid}`, lpa]) };
  });
}
