/**
 * Complete client for the MIOeSIM reseller API (https://bpm.mioesim.com).
 * Signs every request, keeps one process-wide session token (one login in
 * flight at a time, a new login and one resend on -1), retries only reads,
 * and never settles a lost write itself: an order or refund whose answer is
 * lost throws OrderOutcomeUnknownError and the caller decides what to look up.
 *
 * The adapter (adapter.ts) exposes the storefront's EsimProvider view; the
 * MIOeSIM-only operations (physical SIMs, history, raw order queries) are
 * used from here directly by the admin area. Answers are read in read.ts.
 *
 * The provider documents (mioesim-quickstart, -orders, -response-codes,
 * -sim-types-and-iccid) are the contract. Where they are silent, this is
 * the reading we chose; each is ours, not MIOeSIM's:
 *
 * ASSUMPTIONS
 * 1. Paths. Documented: POST /api_order/login, GET /api_esim/getSkus,
 *    getPackages, verifyResource, getSkuByGroup, getDpSupportSkuInfo,
 *    getIccidSupportSku, getIccidSupportPackageInfo, getESIMDetail,
 *    queryIccidInformation, getHistoryDetail; POST /api_esim/addEsimOrder.
 *    The docs name "the refundOrder endpoint" without path or method: we use
 *    POST /api_esim/refundOrder, form-encoded like addEsimOrder.
 * 2. Transport. GET parameters travel in the query string, POST ones
 *    form-encoded (addEsimOrder's curl example); login is JSON (its example).
 *    The session token travels as the parameter `token` and is signed with
 *    the others (the examples show `token` beside `sign`; the sign rules say
 *    every parameter but `sign`).
 * 3. Order look-up. The docs name NO order-query endpoint (they say
 *    otherOrderId is "returned in subsequent queries"). We use
 *    GET /api_esim/getOrderInfo with `orderNum` or `otherOrderId`, answering
 *    the order object (also accepted: wrapped, or a list to pick ours from),
 *    which must echo the otherOrderId (or orderNum) asked for. Since the
 *    endpoint is not documented, nothing it says proves an order absent:
 *    code 3 (documented "data does not exist" elsewhere) and any other answer (HTTP 404 or another HTTP error, -3 — documented as "not
 *    found / operation failed", so ambiguous —, an unknown code, an
 *    unreadable body, an order tagged with another reference) means the
 *    look-up cannot tell; a timeout or refused connection is thrown as such.
 *    Used only after a lost answer or to poll a pending order, never before
 *    placing one.
 * 4. verifyResource parameters `skuId`, `priceId`, `count` (the addEsimOrder
 *    names; the docs name the endpoint only). Its answer is not shown, so
 *    it is read fail-closed: code 0 with no payload (data null/absent, or
 *    true) is the documented "request succeeded" of a check, so enough;
 *    data that clearly says short (false, a false
 *    available/enough/sufficient/isEnough/hasStock flag, or a
 *    stock/inventory/quantity/count number below `count`) is out of stock;
 *    any other shape cannot be read either way and nothing is sold on it. A
 *    non-success code (-3 "not found / operation failed", or any other) is
 *    not read as out of stock: the check could not tell (-1 and -30 are the
 *    account's credentials).
 * 5. addEsimOrder: `otherOrderId` and `otherItemId` (documented names) are
 *    sent as parameters; the docs give ONE otherItemId per request, so it is
 *    sent only for a one-card order. Cards are matched to our line items by
 *    an echoed `otherItemId` when a card carries one, else by position in
 *    cardApiDtoList. The order answer is read by the documented order and
 *    card tables; only orderNum, status and each card's iccid are required.
 * 6. Lost answers. Code 99 ("PDF / email error … check that your order is in
 *    status 0") on addEsimOrder or refundOrder means the write may have taken
 *    effect; so do a timeout, a dropped connection after sending, HTTP 5xx,
 *    a body that is not the documented envelope, an undocumented code, and a
 *    success whose data cannot be read. All of them are "outcome unknown".
 *    A refused connection or unknown host means nothing was sent. -1 is a
 *    definite refusal: we log in again and resend once; the other documented
 *    error codes are definite refusals too (nothing was placed or changed).
 * 7. Renewal. The docs describe renewal orders (renew=1, mainOrderNum) but
 *    not how to place one: we send addEsimOrder with the card's `iccid`
 *    (count 1) and the renewal package's skuId/priceId.
 * 8. refundOrder parameters: `orderNum`; for a partial cancellation
 *    (documented: status 4/7) the cards as `iccids`, comma-separated, sent
 *    only when they are a strict subset of the order's cards. Its answer is
 *    not shown: data null/absent/true (or an object without a status) is an
 *    acknowledgement only, never a confirmation; an order object reports its
 *    status. The adapter reads only the documented end state (2, or 4 for a
 *    partial unsubscribe) as cancelled; 6/7 (documented "in process"), 0 and
 *    a bare acknowledgement as still processing; anything else as unknown.
 * 9. getSkuByGroup answers groups of SKU records ({groupName, skuList} or
 *    similar); getDpSupportSkuInfo(`dpId`, documented) and
 *    getIccidSupportSku(`iccid`) answer SKU lists like getSkus.
 * 10. getIccidSupportPackageInfo takes `iccid` and `skuId` and answers the
 *    getPackages shape (or a bare package list); its packages renew the card.
 * 11. getESIMDetail and queryIccidInformation. Documented: one ICCID, and a
 *    comma-separated list of at most 100. Chosen: the parameter names
 *    `iccid` and `iccids` (also `iccid` for every other ICCID endpoint).
 *    They answer card records (bare, wrapped, or a list) read by the card
 *    table's names (iccid, dpStatus, usedMB, startDate, endDate) and the
 *    remaining/total data under names we guess (remainingMB, totalMB or
 *    similar). ICCIDs missing from the answer are reported "unknown".
 * 12. getHistoryDetail(`iccid`) answers a list of plan records (orderNum,
 *    flows, unit, days, usedMB, startDate, endDate, status), all optional.
 * 13. Undocumented answers (4, 8-12 and getOrderInfo) are read tolerantly:
 *    camelCase/PascalCase/snake_case keys, numbers as strings, lists bare or
 *    under list/records/rows/items/data, extra fields, missing optional ones.
 * 14. `premark` (the package's cancellation policy, not in the getPackages
 *    example) is optional free text; a plan is cancellable only when it
 *    positively permits cancelling/refunding and nothing in it refuses.
 * 15. Prices are US dollars; data units MB/GB/TB with 1 GB = 1024 MB; times
 *    are GMT+8 text ("2024-02-24(GMT+8)", "2024-01-24 10:20:30").
 * 16. The docs give no per-order quantity limit: the adapter allows 10
 *    eSIMs per order (maxQuantity).
 * 17. Physical SIMs. Documented: the same addEsimOrder with `dpId`
 *    (omitted: code -10), SKUs from getDpSupportSkuInfo, and the card
 *    fields `dpId` and `dpStatus` "present on physical SIM orders". Chosen:
 *    a dp SKU's packages come from getPackages; a physical order's card is
 *    delivered once its ICCID is named, with no install data (none exists
 *    for a plastic card); its `dpStatus` (ACTIVE/Enable/Disable/Delete, read
 *    case-insensitively, absent = not reported yet) is the distribution
 *    status the pages show. The docs describe no shipping state.
 */
import "server-only";
import { log as rootLog, type Logger } from "../../log";
import { OrderOutcomeUnknownError, ProviderError, ProviderNetworkError, ProviderResponseError, ProviderTimeoutError } from "../errors";
import { chunk, httpRequest, recordProviderOutcome, withRetry, type HttpRequest, type RetryPolicy } from "../http";
import type { ProgressFn } from "../types";
import { MioesimApiError, MioesimHttpError, MioesimTokenExpiredError, apiErrorFor, isDocumentedCode } from "./errors";
import {
  readCardStatuses,
  readEnvelope,
  readEsimDetail,
  readHistory,
  readLogin,
  readLooseSkus,
  readLoosePackages,
  readOrder,
  readOrderLookup,
  readPackages,
  readRefund,
  readSkuGroups,
  readSkus,
  readStock,
  type MioesimCardStatus,
  type MioesimOrder,
  type MioesimOrderStatus,
  type OrderLookupKey,
  type Skipped,
  type StockAnswer,
} from "./read";
import { TokenSession } from "./session";
import { signParams } from "./sign";
import { urlAllowList, type UrlAllowList } from "../urls";

export interface MioesimConfig {
  /** e.g. https://bpm.mioesim.com */
  baseUrl: string;
  /** The account phone number (login user name). */
  phone: string;
  password: string;
  /** The secret key every request is signed with. */
  secret: string;
  /**
   * The currency the account is billed in (MIOESIM_CURRENCY). The documents
   * give every price as a bare number and name no currency; default USD.
   */
  currency?: string;
  /** Per HTTP exchange. Default 15 s. */
  timeoutMs?: number;
  /** Hosts whose addresses in answers (a card's pdfUrl) may be shown; default: the base URL's host. */
  urlHosts?: string;
  /** How long a token is trusted. MIOeSIM tokens last 2 hours (the default). */
  tokenTtlMs?: number;
  fetchImpl?: typeof fetch;
  /** Retries of requests that are safe to repeat (reads, login). */
  retry?: RetryPolicy;
  logger?: Logger;
}

/** The most ICCIDs queryIccidInformation accepts in one call. */
export const MIOESIM_ICCID_BATCH_SIZE = 100;

const TWO_HOURS_MS = 2 * 60 * 60_000;
const LOGIN_SUCCESS = 1;
const API_SUCCESS = 0;

type Params = Record<string, string | number | null | undefined>;
/** How parameters travel: GET query string, form-encoded POST, or JSON POST (login only). */
type Encoding = "query" | "form" | "json";

export interface AddEsimOrderInput {
  skuId: number;
  priceId: number;
  count: number;
  /** Our order reference, stored with the order (ASSUMPTION 5). */
  otherOrderId: string;
  /** Our line-item reference; the docs give one per request, so only for a one-card order. */
  otherItemId?: string;
  /** Distribution partner, required for physical SIM products. */
  dpId?: string;
  /** An existing card to renew / top up instead of issuing a new one (ASSUMPTION 7). */
  iccid?: string;
}

export interface RefundOrderInput {
  orderNum: string;
  /** Cancel only these cards (partial unsubscribe, ASSUMPTION 8); the whole order when omitted. */
  iccids?: readonly string[];
}

/** What refundOrder said: the order status it reports, or null when it only acknowledged. */
export interface MioesimRefund {
  status: MioesimOrderStatus | null;
}

/** How an order is looked up (ASSUMPTION 3). */
export type OrderLookup = OrderLookupKey;

export class MioesimClient {
  /** The account's currency, every price's (see MioesimConfig.currency). */
  readonly currency: string;
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly retry: RetryPolicy;
  private readonly fetchImpl: typeof fetch;
  private readonly log: Logger;
  private readonly session: TokenSession;

  /** Where addresses in MIOeSIM's answers may point (lib/providers/urls.ts). */
  readonly urlAllowList: UrlAllowList;

  constructor(private readonly config: MioesimConfig) {
    this.urlAllowList = urlAllowList("mioesim", config.urlHosts, config.baseUrl);
    for (const key of ["baseUrl", "phone", "password", "secret"] as const) {
      if (!config[key]) throw new Error(`MIOeSIM client: config.${key} is required`);
    }
    this.baseUrl = config.baseUrl.replace(/\/+$/, "");
    this.currency = (config.currency ?? "USD").toUpperCase();
    this.timeoutMs = config.timeoutMs ?? 15_000;
    this.retry = config.retry ?? { attempts: 3, baseDelayMs: 300, maxDelayMs: 3_000 };
    this.fetchImpl = config.fetchImpl ?? fetch;
    this.log = config.logger ?? rootLog.child({ provider: "mioesim" });
    this.session = new TokenSession(() => this.login(), config.tokenTtlMs ?? TWO_HOURS_MS);
  }

  /** When the cached session token stops being used (refreshed a little before MIOeSIM's 2 hours); null before the first login. */
  tokenRefreshAt(): Date | null {
    return this.session.refreshAt();
  }

  /** Logs in unless a live token is cached; callers use it to tell a login failure from the call after it. */
  async ensureSession(): Promise<void> {
    await this.session.token();
  }

  /** Every eSIM SKU. A row that cannot be read is left out (and logged), not fatal. */
  async getSkus() {
    const { skus, skipped } = await this.read("getSkus", {}, (data) => readSkus(data));
    this.warnSkipped("getSkus", skipped);
    return skus;
  }

  async getSkuByGroup() {
    const { groups, skipped } = await this.read("getSkuByGroup", {}, readSkuGroups);
    this.warnSkipped("getSkuByGroup", skipped);
    return groups;
  }

  /** The SKU's packages; `skipped` lists the packages that could not be read (left out, for the caller to count). */
  getPackages(skuId: number) {
    return this.read("getPackages", { skuId }, readPackages);
  }

  /** Whether MIOeSIM holds enough cards of this package for `count` (ASSUMPTION 4). API errors are thrown as such. */
  verifyResource(input: { skuId: number; priceId: number; count: number }): Promise<StockAnswer> {
    return this.read("verifyResource", input, (data) => readStock(data, input.count));
  }

  /** Physical SIM products a distribution partner may order. */
  async getDpSupportSkuInfo(dpId: string) {
    const { skus, skipped } = await this.read("getDpSupportSkuInfo", { dpId }, (data) => readLooseSkus(data, "getDpSupportSkuInfo"));
    this.warnSkipped("getDpSupportSkuInfo", skipped);
    return skus;
  }

  /** SKUs that can renew this card. */
  async getIccidSupportSku(iccid: string) {
    const { skus, skipped } = await this.read("getIccidSupportSku", { iccid }, (data) => readLooseSkus(data, "getIccidSupportSku"));
    this.warnSkipped("getIccidSupportSku", skipped);
    return skus;
  }

  /** Packages of `skuId` that can renew this card. */
  async getIccidSupportPackageInfo(iccid: string, skuId: number) {
    const packages = await this.read("getIccidSupportPackageInfo", { iccid, skuId }, (data) =>
      readLoosePackages(data, "getIccidSupportPackageInfo", { skuId }),
    );
    this.warnSkipped("getIccidSupportPackageInfo", packages.skipped);
    return packages;
  }

  /** Full usage and status of one card; needs a whitelisted IP (400108/400109 otherwise). */
  getESIMDetail(iccid: string) {
    return this.read("getESIMDetail", { iccid }, readEsimDetail);
  }

  /**
   * Status and usage of any number of cards, sent in batches of at most 100
   * comma-separated ICCIDs. ICCIDs MIOeSIM does not know are absent from the result.
   */
  async queryIccidInformation(iccids: readonly string[], options: { onProgress?: ProgressFn } = {}): Promise<MioesimCardStatus[]> {
    const unique = [...new Set(iccids)];
    const results: MioesimCardStatus[] = [];
    let done = 0;
    for (const batch of chunk(unique, MIOESIM_ICCID_BATCH_SIZE)) {
      const { cards, skipped } = await this.read("queryIccidInformation", { iccids: batch.join(",") }, readCardStatuses);
      this.warnSkipped("queryIccidInformation", skipped);
      results.push(...cards);
      done += batch.length;
      options.onProgress?.({ done, total: unique.length, note: "MIOeSIM ICCID query" });
    }
    return results;
  }

  /** Every plan this card has had. */
  getHistoryDetail(iccid: string) {
    return this.read("getHistoryDetail", { iccid }, readHistory);
  }

  /**
   * The order by its number or our reference (ASSUMPTION 3: not a
   * documented endpoint). Throws MioesimNotFoundError (3) when MIOeSIM says
   * there is none, and a ProviderResponseError when the answer names no
   * order matching the key. `raw` is the answer's data as received.
   */
  async queryOrder(lookup: OrderLookup): Promise<{ order: MioesimOrder; raw: unknown }> {
    let raw: unknown;
    const order = await this.read("getOrderInfo", lookup, (data) => {
      raw = data;
      return readOrderLookup(data, lookup);
    });
    if (!order) {
      throw new ProviderResponseError(
        "mioesim",
        `MIOeSIM getOrderInfo response: no order matching ${JSON.stringify(lookup)} in the answer`,
        { body: raw },
      );
    }
    return { order, raw };
  }

  async getOrderInfo(lookup: OrderLookup): Promise<MioesimOrder> {
    return (await this.queryOrder(lookup)).order;
  }

  /**
   * Places an order (backInfo=1, so cards come back at once when MIOeSIM
   * has them). Sent once, never looked up first or after: a lost answer
   * (ASSUMPTION 6) throws OrderOutcomeUnknownError; any other error means
   * nothing was placed.
   */
  async addEsimOrder(input: AddEsimOrderInput): Promise<MioesimOrder> {
    if (!input.otherOrderId) throw new Error("MIOeSIM addEsimOrder: otherOrderId is required, so the order can be reconciled");
    const what = `MIOeSIM ${input.iccid ? `renewal of ${input.iccid}` : "order"} ${input.otherOrderId}`;
    const data = await this.write("addEsimOrder", { ...input, backInfo: 1 }, what);
    try {
      return readOrder(data, "addEsimOrder");
    } catch (err) {
      // MIOeSIM said yes (code 0) but we cannot read what it made: the order exists, we just cannot tell what it is.
      throw this.lost(what, err);
    }
  }

  /**
   * Cancels an order, or only the given cards of it (ASSUMPTION 8). Not
   * read first. A lost answer throws OrderOutcomeUnknownError; code 4
   * (state does not allow it) and other refusals are thrown as API errors.
   */
  async refundOrder(input: RefundOrderInput): Promise<MioesimRefund> {
    const what = `MIOeSIM refund of ${input.orderNum}${input.iccids ? ` (${input.iccids.length} card(s))` : ""}`;
    const data = await this.write("refundOrder", { orderNum: input.orderNum, iccids: input.iccids?.join(",") }, what);
    try {
      return readRefund(data);
    } catch (err) {
      throw this.lost(what, err);
    }
  }

  /** A read: logs in first (login retries on its own), then retries what is safe to repeat, then reads the data. */
  private async read<T>(endpoint: string, params: Params, reader: (data: unknown) => T): Promise<T> {
    await this.session.token();
    const data = await withRetry(this.retry, () => this.authenticated("query", endpoint, params), isRetryable);
    return reader(data);
  }

  /** Sends with the session token; on -1 logs in again once and resends. */
  private async authenticated(encoding: Encoding, endpoint: string, params: Params): Promise<unknown> {
    const path = `/api_esim/${endpoint}`;
    const token = await this.session.token();
    try {
      return await this.exchange(encoding, path, { ...params, token }, API_SUCCESS);
    } catch (err) {
      if (!(err instanceof MioesimTokenExpiredError)) throw err;
      this.log.warn("MIOeSIM token rejected (-1); logging in again", { endpoint });
      this.session.invalidate(token);
      return this.exchange(encoding, path, { ...params, token: await this.session.token() }, API_SUCCESS);
    }
  }

  /**
   * A write, sent once. Logging in happens before anything is sent, so its
   * failures are plain errors (nothing was placed). -1 is a definite refusal:
   * log in again (again before sending) and resend once. Every other failure
   * after sending that leaves the outcome open becomes OrderOutcomeUnknownError.
   */
  private async write(endpoint: string, params: Params, what: string): Promise<unknown> {
    const path = `/api_esim/${endpoint}`;
    const token = await this.session.token();
    try {
      return await this.exchange("form", path, { ...params, token }, API_SUCCESS);
    } catch (err) {
      if (!(err instanceof MioesimTokenExpiredError)) throw this.lost(what, err);
      this.log.warn("MIOeSIM token rejected (-1) on a write; logging in again and resending once", { endpoint });
      this.session.invalidate(token);
    }
    const fresh = await this.session.token();
    try {
      return await this.exchange("form", path, { ...params, token: fresh }, API_SUCCESS);
    } catch (err) {
      throw this.lost(what, err);
    }
  }

  /** `err` as thrown, or as OrderOutcomeUnknownError when the write it interrupted may have taken effect. */
  private lost(what: string, err: unknown): unknown {
    if (!outcomeUnknown(err)) return err;
    this.log.error("MIOeSIM write lost its answer; outcome unknown", { what, error: err });
    return new OrderOutcomeUnknownError("mioesim", what, err);
  }

  private async login(): Promise<string> {
    const credentials = { phonenumber: this.config.phone, password: this.config.password };
    const data = await withRetry(this.retry, () => this.exchange("json", "/api_order/login", credentials, LOGIN_SUCCESS), isRetryable);
    const { token } = readLogin(data);
    this.log.info("MIOeSIM login succeeded");
    return token;
  }

  /** One signed HTTP exchange; returns `data` of a successful envelope or throws the typed error. */
  private async exchange(encoding: Encoding, path: string, params: Params, successCode: number): Promise<unknown> {
    const fields = withoutEmpty(params);
    const signed = { ...fields, sign: signParams(fields, this.config.secret) };
    const url = `${this.baseUrl}${path}`;
    // Errors come inside HTTP 200 (the envelope's code), so the outcome is recorded below, once read.
    const request: HttpRequest =
      encoding === "query"
        ? { method: "GET", url: `${url}?${new URLSearchParams(signed)}`, timeoutMs: this.timeoutMs, callerJudgesOutcome: true }
        : encoding === "form"
          ? {
              method: "POST",
              url,
              body: new URLSearchParams(signed).toString(),
              headers: { "content-type": "application/x-www-form-urlencoded" },
              timeoutMs: this.timeoutMs,
              callerJudgesOutcome: true,
            }
          : { method: "POST", url, body: signed, timeoutMs: this.timeoutMs, callerJudgesOutcome: true };
    let response;
    try {
      response = await httpRequest("mioesim", request, this.fetchImpl);
    } catch (err) {
      // The query string carries the session token and sign: keep them out of messages and logs.
      if (err instanceof ProviderTimeoutError) throw new ProviderTimeoutError("mioesim", url, this.timeoutMs);
      if (err instanceof ProviderNetworkError) throw new ProviderNetworkError("mioesim", url, err.cause);
      throw err;
    }
    if (response.status < 200 || response.status >= 300) {
      recordProviderOutcome("mioesim", `HTTP ${response.status} from ${path}`);
      throw new MioesimHttpError(response.status, url, response.text);
    }
    const envelope = readEnvelope(response.json);
    recordProviderOutcome(
      "mioesim",
      !envelope
        ? `${path}: not a code/message/data envelope`
        : envelope.code !== successCode
          ? `${path}: code ${envelope.code} ${envelope.message}`
          : null,
    );
    if (!envelope) {
      throw new ProviderResponseError(
        "mioesim",
        `MIOeSIM ${path}: the response is not a code/message/data envelope: ${response.text.slice(0, 200)}`,
        { body: response.text },
      );
    }
    if (envelope.code !== successCode) throw apiErrorFor(envelope.code, envelope.message || "(no message)");
    return envelope.data;
  }

  private warnSkipped(endpoint: string, skipped: readonly Skipped[]): void {
    for (const entry of skipped)
      this.log.warn("MIOeSIM record skipped: it could not be read", { endpoint, at: entry.at, problem: entry.problem });
  }
}

/** Parameters as sent: empty and null values are neither sent nor signed. */
function withoutEmpty(params: Params): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") out[key] = String(value);
  }
  return out;
}

function isRetryable(err: unknown): boolean {
  return err instanceof ProviderError && err.retryable;
}

/** Connection failures that happen before a request leaves (refused, no route, no such host): nothing was sent. */
const NOT_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH", "UND_ERR_CONNECT_TIMEOUT"]);

function causeCodes(err: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = err;
  for (let depth = 0; depth < 6 && current && typeof current === "object"; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") codes.push(code);
    current = (current as { cause?: unknown }).cause;
  }
  return codes;
}

/** After sending a write: may it have taken effect upstream? (ASSUMPTION 6) */
function outcomeUnknown(err: unknown): boolean {
  if (err instanceof ProviderTimeoutError) return true;
  if (err instanceof ProviderNetworkError) return !causeCodes(err.cause).some((code) => NOT_SENT.has(code));
  if (err instanceof MioesimHttpError) return err.status >= 500;
  if (err instanceof MioesimApiError) return err.apiCode === 99 || !isDocumentedCode(err.apiCode);
  return err instanceof ProviderResponseError;
}
