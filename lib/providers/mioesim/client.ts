/**
 * Complete client for the MIOeSIM reseller API (https://bpm.mioesim.com).
 * Signs every request, keeps one process-wide session token, retries only
 * what is safe to repeat, and settles lost order/refund answers by looking
 * them up instead of resending them.
 *
 * The adapter (adapter.ts) exposes the storefront's EsimProvider view; the
 * MIOeSIM-only operations (physical SIMs, history, raw order queries) are
 * used from here directly by the admin area.
 *
 * Where the docs name an endpoint but not its parameters or answer, we
 * assume (and the simulator implements): verifyResource(skuId, priceId,
 * count) → { available }; getSkuByGroup → [{ groupName, skuList }];
 * getIccidSupportPackageInfo(iccid, skuId) → the getPackages shape;
 * getESIMDetail / queryIccidInformation(iccids) → card records with usedMB
 * and remainingMB; getHistoryDetail(iccid) → [{ orderNum, flows, unit,
 * days, usedMB, startDate, endDate, status }]. See also OrderLookup and
 * RefundOrderInput.
 */
import type { z } from "zod";
import { log as rootLog, type Logger } from "../../log";
import { ProviderError, ProviderNetworkError, ProviderResponseError, ProviderTimeoutError } from "../errors";
import { chunk, httpRequest, sleep, withRetry, type HttpRequest, type RetryPolicy } from "../http";
import type { ProgressFn } from "../types";
import {
  MioesimHttpError,
  MioesimNotAppliedError,
  MioesimNotFoundError,
  MioesimOperationFailedError,
  MioesimOutcomeUnknownError,
  MioesimPdfError,
  MioesimTokenExpiredError,
  apiErrorFor,
} from "./errors";
import {
  cardStatusListSchema,
  cardStatusSchema,
  envelopeSchema,
  historyListSchema,
  loginSchema,
  orderSchema,
  parseData,
  skuGroupListSchema,
  skuListSchema,
  skuPackagesSchema,
  verifyResourceSchema,
  type MioesimCardStatus,
  type MioesimOrder,
} from "./schemas";
import { TokenSession } from "./session";
import { signParams } from "./sign";

export interface MioesimConfig {
  /** e.g. https://bpm.mioesim.com */
  baseUrl: string;
  /** The account phone number (login user name). */
  phone: string;
  password: string;
  /** The secret key every request is signed with. */
  secret: string;
  /** Per HTTP exchange. Default 15 s. */
  timeoutMs?: number;
  /** How long a token is trusted. MIOeSIM tokens last 2 hours (the default). */
  tokenTtlMs?: number;
  fetchImpl?: typeof fetch;
  /** Retries of requests that are safe to repeat (reads, login). */
  retry?: RetryPolicy;
  /**
   * Wait before looking up an order or refund whose answer was lost, so a
   * request still being processed upstream has landed. Default 1 s.
   */
  recoveryDelayMs?: number;
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
  /** Our order reference; required because a lost answer is settled by looking it up. */
  otherOrderId: string;
  otherItemId?: string;
  /** Distribution partner, required for physical SIM products. */
  dpId?: string;
  /** An existing card to renew / top up instead of issuing a new one. */
  iccid?: string;
}

export interface RefundOrderInput {
  orderNum: string;
  /**
   * Cancel only these cards (partial unsubscribe); all cards when omitted.
   * ASSUMPTION: the docs describe partial cancellation but not its
   * parameter; we send the ICCIDs comma-separated as `iccids`.
   */
  iccids?: readonly string[];
}

/**
 * How an order is looked up. ASSUMPTION: the docs name neither the order
 * query path nor a lookup by otherOrderId; we use
 * `GET /api_esim/getOrderInfo?orderNum=…` or `?otherOrderId=…`, answering
 * the order object (code 3 when none exists).
 */
export type OrderLookup = { orderNum: string } | { otherOrderId: string };

export class MioesimClient {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly retry: RetryPolicy;
  private readonly recoveryDelayMs: number;
  private readonly fetchImpl: typeof fetch;
  private readonly log: Logger;
  private readonly session: TokenSession;

  constructor(private readonly config: MioesimConfig) {
    for (const key of ["baseUrl", "phone", "password", "secret"] as const) {
      if (!config[key]) throw new Error(`MIOeSIM client: config.${key} is required`);
    }
    this.baseUrl = config.baseUrl.replace(/\/+$/, "");
    this.timeoutMs = config.timeoutMs ?? 15_000;
    this.retry = config.retry ?? { attempts: 3, baseDelayMs: 300, maxDelayMs: 3_000 };
    this.recoveryDelayMs = config.recoveryDelayMs ?? 1_000;
    this.fetchImpl = config.fetchImpl ?? fetch;
    this.log = config.logger ?? rootLog.child({ provider: "mioesim" });
    this.session = new TokenSession(() => this.login(), config.tokenTtlMs ?? TWO_HOURS_MS);
  }

  getSkus() {
    return this.read("getSkus", {}, skuListSchema);
  }

  getSkuByGroup() {
    return this.read("getSkuByGroup", {}, skuGroupListSchema);
  }

  getPackages(skuId: number) {
    return this.read("getPackages", { skuId }, skuPackagesSchema);
  }

  /** True when MIOeSIM holds enough cards of this package for `count`. */
  async verifyResource(input: { skuId: number; priceId: number; count: number }): Promise<boolean> {
    return (await this.read("verifyResource", input, verifyResourceSchema)).available;
  }

  /** Physical SIM products a distribution partner may order. */
  getDpSupportSkuInfo(dpId: string) {
    return this.read("getDpSupportSkuInfo", { dpId }, skuListSchema);
  }

  /** SKUs that can renew this card. */
  getIccidSupportSku(iccid: string) {
    return this.read("getIccidSupportSku", { iccid }, skuListSchema);
  }

  /** Packages of `skuId` that can renew this card. */
  getIccidSupportPackageInfo(iccid: string, skuId: number) {
    return this.read("getIccidSupportPackageInfo", { iccid, skuId }, skuPackagesSchema);
  }

  /** Full usage and status of one card; needs a whitelisted IP (400108/400109 otherwise). */
  getESIMDetail(iccid: string) {
    return this.read("getESIMDetail", { iccid }, cardStatusSchema);
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
      results.push(...(await this.read("queryIccidInformation", { iccids: batch.join(",") }, cardStatusListSchema)));
      done += batch.length;
      options.onProgress?.({ done, total: unique.length, note: "MIOeSIM ICCID query" });
    }
    return results;
  }

  /** Every plan this card has had. */
  getHistoryDetail(iccid: string) {
    return this.read("getHistoryDetail", { iccid }, historyListSchema);
  }

  getOrderInfo(lookup: OrderLookup) {
    return this.read("getOrderInfo", lookup, orderSchema);
  }

  /** The order tagged with our reference, or null when MIOeSIM has none. */
  async findOrderByOtherOrderId(otherOrderId: string): Promise<MioesimOrder | null> {
    try {
      return await this.getOrderInfo({ otherOrderId });
    } catch (err) {
      // Both "not found" codes are documented; which one this lookup uses is not.
      if (err instanceof MioesimNotFoundError || err instanceof MioesimOperationFailedError) return null;
      throw err;
    }
  }

  /**
   * Places an order (backInfo=1, so cards come back at once). Never sent
   * twice: when the answer is lost (timeout, network, HTTP 5xx, unreadable
   * body, or 99 — the order exists but its PDF failed), the order is looked
   * up by `otherOrderId`. Found → returned. Not found → MioesimNotAppliedError,
   * and the caller may place it again; we do not, because only the caller
   * knows whether it still wants the order.
   */
  async addEsimOrder(input: AddEsimOrderInput): Promise<MioesimOrder> {
    if (!input.otherOrderId) throw new Error("MIOeSIM addEsimOrder: otherOrderId is required to settle lost answers");
    const params: Params = { ...input, backInfo: 1 };
    // A failed login sends no order, so its errors must not lead to a lookup.
    await this.session.token();
    let data: unknown;
    try {
      data = await this.authenticated("form", "addEsimOrder", params);
    } catch (err) {
      if (!isOutcomeUnknown(err)) throw err;
      return this.settleLostWrite(`Order ${input.otherOrderId}`, err, () => this.findOrderByOtherOrderId(input.otherOrderId));
    }
    return parseData(orderSchema, data, "addEsimOrder");
  }

  /**
   * Cancels an order, or only some of its cards. The order is read first so
   * a lost answer can be settled by comparing its status afterwards: a
   * changed status means the refund took effect.
   */
  async refundOrder(input: RefundOrderInput): Promise<MioesimOrder> {
    const before = await this.getOrderInfo({ orderNum: input.orderNum });
    // Naming every card is a full refund: send it as one, the documented form.
    const partial = input.iccids !== undefined && !before.cards.every((card) => input.iccids?.includes(card.iccid));
    let data: unknown;
    try {
      data = await this.authenticated("form", "refundOrder", { orderNum: input.orderNum, iccids: partial ? input.iccids?.join(",") : undefined });
    } catch (err) {
      if (!isOutcomeUnknown(err)) throw err;
      return this.settleLostWrite(`Refund of ${input.orderNum}`, err, async () => {
        const after = await this.getOrderInfo({ orderNum: input.orderNum });
        return after.status === before.status ? null : after;
      });
    }
    return parseData(orderSchema, data, "refundOrder");
  }

  private async settleLostWrite(what: string, cause: unknown, lookup: () => Promise<MioesimOrder | null>): Promise<MioesimOrder> {
    this.log.warn("MIOeSIM write lost its answer; looking it up", { what, error: cause });
    await sleep(this.recoveryDelayMs);
    let outcome: MioesimOrder | null;
    try {
      outcome = await lookup();
    } catch (lookupError) {
      this.log.error("MIOeSIM write outcome unknown", { what, error: lookupError });
      throw new MioesimOutcomeUnknownError(what, lookupError);
    }
    if (!outcome) throw new MioesimNotAppliedError(what, cause);
    this.log.info("MIOeSIM write settled by lookup", { what, orderNum: outcome.orderNum, status: outcome.status });
    return outcome;
  }

  private async read<S extends z.ZodType>(endpoint: string, params: Params, schema: S): Promise<z.output<S>> {
    // Log in before the retry loop: login retries on its own, and nesting the loops would multiply attempts.
    await this.session.token();
    const data = await withRetry(this.retry, () => this.authenticated("query", endpoint, params), isRetryable);
    return parseData(schema, data, endpoint);
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

  private async login(): Promise<string> {
    const credentials = { phonenumber: this.config.phone, password: this.config.password };
    const data = await withRetry(this.retry, () => this.exchange("json", "/api_order/login", credentials, LOGIN_SUCCESS), isRetryable);
    const { token } = parseData(loginSchema, data, "login");
    this.log.info("MIOeSIM login succeeded");
    return token;
  }

  /** One signed HTTP exchange; returns `data` of a successful envelope or throws the typed error. */
  private async exchange(encoding: Encoding, path: string, params: Params, successCode: number): Promise<unknown> {
    const fields = withoutEmpty(params);
    const signed = { ...fields, sign: signParams(fields, this.config.secret) };
    const url = `${this.baseUrl}${path}`;
    const request: HttpRequest =
      encoding === "query"
        ? { method: "GET", url: `${url}?${new URLSearchParams(signed)}`, timeoutMs: this.timeoutMs }
        : encoding === "form"
          ? { method: "POST", url, body: new URLSearchParams(signed).toString(), headers: { "content-type": "application/x-www-form-urlencoded" }, timeoutMs: this.timeoutMs }
          : { method: "POST", url, body: signed, timeoutMs: this.timeoutMs };
    let response;
    try {
      response = await httpRequest("mioesim", request, this.fetchImpl);
    } catch (err) {
      // The query string carries the session token and sign: keep them out of messages and logs.
      if (err instanceof ProviderTimeoutError) throw new ProviderTimeoutError("mioesim", url, this.timeoutMs);
      if (err instanceof ProviderNetworkError) throw new ProviderNetworkError("mioesim", url, err.cause);
      throw err;
    }
    if (response.status < 200 || response.status >= 300) throw new MioesimHttpError(response.status, url, response.text);
    const envelope = envelopeSchema.safeParse(response.json);
    if (!envelope.success) {
      throw new ProviderResponseError("mioesim", `MIOeSIM ${path}: the response is not a code/message/data envelope: ${response.text.slice(0, 200)}`, envelope.error);
    }
    const { code, message, data } = envelope.data;
    if (code !== successCode) throw apiErrorFor(code, message || "(no message)");
    return data;
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

/** The request may or may not have taken effect upstream. */
function isOutcomeUnknown(err: unknown): boolean {
  return (
    err instanceof ProviderTimeoutError ||
    err instanceof ProviderNetworkError ||
    (err instanceof MioesimHttpError && err.status >= 500) ||
    err instanceof MioesimPdfError ||
    err instanceof ProviderResponseError
  );
}
