/**
 * The storefront's view of MIOeSIM: the EsimProvider contract on top of
 * MioesimClient. Everything MIOeSIM-specific that the storefront does not
 * need stays on `provider.client`. The readings the docs leave open are
 * listed once, as ASSUMPTIONS, at the top of client.ts.
 */
import "server-only";
import { log as rootLog, type Logger } from "../../log";
import { alpha2FromName, alpha2FromNumeric, isNumericCountryCode } from "../../geo/countries";
import { allowedProviderUrl } from "../urls";
import {
  OrderOutcomeUnknownError,
  ProviderError,
  ProviderNetworkError,
  ProviderResponseError,
  ProviderTimeoutError,
  describeProviderFailure,
} from "../errors";
import type {
  Availability,
  CancelResult,
  DeliveredEsim,
  EsimProvider,
  EsimState,
  EsimUsage,
  OrderLookup,
  OrderLookupInput,
  OtherItemId,
  PlaceOrderInput,
  ProgressFn,
  ProviderDestination,
  ProviderOrder,
  ProviderOrderStatus,
  ProviderPlan,
  RenewInput,
} from "../types";
import type { MioesimClient, OrderLookup as MioesimOrderKey } from "./client";
import {
  MioesimApiError,
  MioesimDetailAccessError,
  MioesimHttpError,
  MioesimIpNotWhitelistedError,
  MioesimNotFoundError,
  MioesimSignatureError,
  MioesimTokenExpiredError,
} from "./errors";
import type {
  MioesimCard,
  MioesimCardStatus,
  MioesimOrder,
  MioesimOrderStatus,
  MioesimPackage,
  MioesimSku,
  MioesimSkuPackages,
} from "./read";

/**
 * The docs give no limit on `count` per addEsimOrder. We choose 10: enough
 * for a family or a small group, small enough that one order's cards come
 * back in one answer and a lost answer never leaves many cards in doubt.
 */
export const MIOESIM_MAX_QUANTITY = 10;

const ORDER_STATUS: Record<MioesimOrderStatus, ProviderOrderStatus> = {
  [-1]: "pending",
  0: "active",
  2: "cancelled",
  3: "void",
  4: "partially_cancelled",
  5: "ended",
  6: "cancelling",
  7: "cancelling",
};

export function orderStatusOf(status: MioesimOrderStatus): ProviderOrderStatus {
  return ORDER_STATUS[status];
}

/** planRef is "<skuId>:<priceId>". */
export function planRefOf(skuId: number, priceId: number): string {
  return `${skuId}:${priceId}`;
}

export function parsePlanRef(planRef: string): { skuId: number; priceId: number } {
  const match = /^(\d+):(\d+)$/.exec(planRef);
  if (!match) {
    throw new ProviderError("mioesim", `Not a MIOeSIM plan reference: "${planRef}"`, {
      code: "INVALID_PLAN_REF",
      hint: 'MIOeSIM plan references look like "<skuId>:<priceId>", e.g. "26:441"; re-sync the catalog.',
    });
  }
  return { skuId: Number(match[1]), priceId: Number(match[2]) };
}

export class MioesimProvider implements EsimProvider {
  readonly id = "mioesim" as const;
  readonly displayName = "MIOeSIM";
  readonly maxQuantity = MIOESIM_MAX_QUANTITY;

  /** getESIMDetail answered 400108/400109: this account may not use it. */
  private detailDenied = false;

  constructor(
    readonly client: MioesimClient,
    private readonly log: Logger = rootLog.child({ provider: "mioesim" }),
  ) {}

  /**
   * One getPackages call per SKU, one after the other, so a large catalog
   * never bursts the API. A package (or a SKU's whole answer) that cannot be
   * read is skipped with a warning and counted; it never takes the rest of
   * the catalog off sale. Transport and API failures still fail the listing,
   * so a sync never mistakes an outage for an empty catalog.
   */
  async listPlans(options: { onProgress?: ProgressFn } = {}): Promise<ProviderPlan[]> {
    const skus = await this.client.getSkus();
    const plans: ProviderPlan[] = [];
    let skipped = 0;
    for (const [index, sku] of skus.entries()) {
      let detail: MioesimSkuPackages | null = null;
      try {
        detail = await this.client.getPackages(sku.skuId);
      } catch (err) {
        if (!(err instanceof ProviderResponseError)) throw err;
        skipped += 1;
        this.log.warn("MIOeSIM SKU skipped: its packages could not be read", { skuId: sku.skuId, problem: err.message });
      }
      if (detail) {
        for (const entry of detail.skipped)
          this.log.warn("MIOeSIM package skipped: it could not be read", { skuId: sku.skuId, at: entry.at, problem: entry.problem });
        skipped += detail.skipped.length;
        plans.push(...plansOf(sku, detail, this.client.currency));
        this.log.debug("MIOeSIM SKU listed", { skuId: sku.skuId, packages: detail.packages.length, skipped: detail.skipped.length });
      }
      options.onProgress?.({ done: index + 1, total: skus.length, note: sku.display });
    }
    this.log[skipped > 0 ? "warn" : "info"]("MIOeSIM catalog listed", { skus: skus.length, plans: plans.length, skipped });
    return plans;
  }

  /** Quantity, plan reference, then verifyResource (ASSUMPTION 4). Never throws. */
  async checkAvailability(planRef: string, count: number): Promise<Availability> {
    if (!Number.isInteger(count) || count < 1 || count > this.maxQuantity) {
      return { available: false, reason: "quantity", detail: `MIOeSIM orders take 1 to ${this.maxQuantity} eSIMs; ${count} asked` };
    }
    let plan: { skuId: number; priceId: number };
    try {
      plan = parsePlanRef(planRef);
    } catch (err) {
      return { available: false, reason: "unknown_plan", detail: describeProviderFailure(err) };
    }
    try {
      await this.client.ensureSession();
    } catch (err) {
      return {
        available: false,
        reason: err instanceof MioesimApiError ? "provider_account" : "unavailable",
        detail: `MIOeSIM login failed: ${describeProviderFailure(err)}`,
      };
    }
    try {
      const { stock, detail } = await this.client.verifyResource({ ...plan, count });
      if (stock === "enough") return { available: true };
      // An answer whose shape says neither way is not "enough": nothing is sold on it.
      return { available: false, reason: stock === "short" ? "out_of_stock" : "unavailable", detail };
    } catch (err) {
      if (err instanceof MioesimTokenExpiredError || err instanceof MioesimSignatureError) {
        return { available: false, reason: "provider_account", detail: describeProviderFailure(err) };
      }
      // No error code is documented as "out of stock" (-3 is "not found / operation failed"): the check could not tell, so nothing is sold.
      return { available: false, reason: "unavailable", detail: describeProviderFailure(err) };
    }
  }

  /**
   * One addEsimOrder for all the eSIMs, no look-up before or after. A lost
   * answer throws OrderOutcomeUnknownError (from the client). The order may
   * come back "pending" (status -1, or fewer installable cards than asked):
   * the caller polls findOrder with its providerOrderRef.
   */
  async placeOrder(input: PlaceOrderInput): Promise<ProviderOrder> {
    const count = input.itemIds.length;
    if (count < 1 || count > this.maxQuantity) {
      throw new ProviderError("mioesim", `A MIOeSIM order takes 1 to ${this.maxQuantity} eSIMs; ${count} item reference(s) given`, {
        code: "INVALID_QUANTITY",
        hint: "Check availability (maxQuantity) before taking payment.",
      });
    }
    const { skuId, priceId } = parsePlanRef(input.planRef);
    const order = await this.client.addEsimOrder({
      skuId,
      priceId,
      count,
      otherOrderId: input.otherOrderId,
      // The docs give one otherItemId per request: it can only name the card of a one-card order.
      otherItemId: count === 1 ? input.itemIds[0] : undefined,
      // Documented: a physical SIM order must carry the distribution partner's dpId (else code -10).
      dpId: input.dpId ?? undefined,
    });
    const placed = this.toProviderOrder(order, input.otherOrderId, input.itemIds, { renewal: false, physical: Boolean(input.dpId) });
    this.log.info("MIOeSIM order placed", {
      otherOrderId: input.otherOrderId,
      orderNum: order.orderNum,
      status: order.status,
      delivered: placed.esims.length,
      asked: count,
    });
    return placed;
  }

  /** A renewal of one card (ASSUMPTION 7); same lost-answer contract as placeOrder. */
  async renew(input: RenewInput): Promise<ProviderOrder> {
    const { skuId, priceId } = parsePlanRef(input.planRef);
    const order = await this.client.addEsimOrder({ skuId, priceId, count: 1, otherOrderId: input.otherOrderId, iccid: input.iccid });
    this.log.info("MIOeSIM renewal placed", { otherOrderId: input.otherOrderId, orderNum: order.orderNum, status: order.status });
    // A renewal adds a plan to a card the customer already installed: no new install data is owed.
    return this.toProviderOrder(order, input.otherOrderId, [], { renewal: true, physical: false });
  }

  /**
   * ASSUMPTION 3: MIOeSIM documents no order query, so nothing it answers
   * proves that no order exists: never "absent". An order tagged with our
   * reference (or the number we asked for), read by the documented order
   * table → found; anything else, code 3 included → unknown, with a reason
   * for the operator. Only transport failures (timeout, connection) and
   * login failures are thrown: they say nothing about the order.
   */
  async findOrder(input: OrderLookupInput): Promise<OrderLookup> {
    const key: MioesimOrderKey = input.providerOrderRef ? { orderNum: input.providerOrderRef } : { otherOrderId: input.otherOrderId };
    const asked = "orderNum" in key ? `order ${key.orderNum}` : `otherOrderId ${key.otherOrderId}`;
    const unknown = (answered: string): OrderLookup => {
      const reason =
        `Cannot tell whether MIOeSIM holds ${asked}: an order look-up is not part of MIOeSIM's documented API ` +
        `(the store tries GET /api_esim/getOrderInfo), and it answered ${answered}. Check the order in MIOeSIM's portal.`;
      this.log.warn("MIOeSIM order look-up inconclusive", {
        otherOrderId: input.otherOrderId,
        providerOrderRef: input.providerOrderRef ?? null,
        answered,
      });
      return { outcome: "unknown", reason };
    };
    await this.client.ensureSession();
    let found: { order: MioesimOrder; raw: unknown };
    try {
      found = await this.client.queryOrder(key);
    } catch (err) {
      // Code 3 ("data does not exist") from an undocumented endpoint does not prove the order was never made.
      if (err instanceof MioesimNotFoundError) return unknown(`code 3 (${err.message}), which from an undocumented look-up proves nothing`);
      // A failure that may pass (timeout, connection, 5xx, 429, 99, -1) is not an answer: the caller asks again later.
      if (err instanceof ProviderTimeoutError || err instanceof ProviderNetworkError || (err instanceof ProviderError && err.retryable))
        throw err;
      if (err instanceof MioesimHttpError) return unknown(`HTTP ${err.status}${err.status === 404 ? " (no such endpoint)" : ""}`);
      if (err instanceof MioesimApiError) return unknown(`code ${err.apiCode} (${err.message})`);
      if (err instanceof ProviderResponseError) return unknown(`something it could not read (${err.message})`);
      throw err;
    }
    const { order, raw } = found;
    if ("otherOrderId" in key && order.otherOrderId !== key.otherOrderId) {
      return unknown(`order ${order.orderNum}, which is tagged ${order.otherOrderId ?? "with no otherOrderId"}, not ${key.otherOrderId}`);
    }
    if ("orderNum" in key && order.orderNum !== key.orderNum) return unknown(`order ${order.orderNum} instead`);
    const physical = Boolean(input.dpId);
    return { outcome: "found", order: this.toProviderOrder(order, input.otherOrderId, input.itemIds, { renewal: false, physical }), raw };
  }

  /**
   * One entry per requested ICCID, in order; "unknown" for cards MIOeSIM
   * does not report. A single card (the eSIM page) is read live with
   * getESIMDetail, documented as the full usage and current status of one
   * ICCID; where the account may not use it (400108 IP not whitelisted,
   * 400109 not enabled, both documented) or it gives no readable answer, the
   * batch query answers instead, as it does for many cards.
   */
  async getUsage(iccids: string[], options: { onProgress?: ProgressFn } = {}): Promise<EsimUsage[]> {
    if (iccids.length === 1 && !this.detailDenied) {
      const live = await this.liveUsage(iccids[0]!);
      if (live) return [live];
    }
    const statuses = await this.client.queryIccidInformation(iccids, options);
    const byIccid = new Map(statuses.map((status) => [status.iccid, status]));
    this.log.info("MIOeSIM usage queried", { requested: iccids.length, reported: byIccid.size });
    return iccids.map((iccid) => {
      const status = byIccid.get(iccid);
      return status ? toUsage(status) : { iccid, state: "unknown", usedMb: 0, totalMb: null, startedAt: null, expiresAt: null };
    });
  }

  /** getESIMDetail's reading of one card; null when the batch query should answer instead. */
  private async liveUsage(iccid: string): Promise<EsimUsage | null> {
    try {
      return toUsage({ ...(await this.client.getESIMDetail(iccid)), iccid });
    } catch (err) {
      if (err instanceof MioesimIpNotWhitelistedError || err instanceof MioesimDetailAccessError) {
        // The account's access, not this card's: asked again only after a restart.
        this.detailDenied = true;
        this.log.warn("MIOeSIM getESIMDetail not available to this account; usage comes from queryIccidInformation", {
          code: err.code,
        });
        return null;
      }
      if (!(err instanceof ProviderError)) throw err;
      this.log.warn("MIOeSIM getESIMDetail gave no usage; asking queryIccidInformation", { iccid, problem: err.message });
      return null;
    }
  }

  async listRenewalPlans(iccid: string): Promise<ProviderPlan[]> {
    const plans: ProviderPlan[] = [];
    for (const sku of await this.client.getIccidSupportSku(iccid)) {
      const detail = await this.client.getIccidSupportPackageInfo(iccid, sku.skuId);
      plans.push(...plansOf(sku, detail, this.client.currency).filter((plan) => plan.renewable));
    }
    return plans;
  }

  /**
   * refundOrder (ASSUMPTION 8), not read first. The cards go along only when
   * they are a strict subset of the order's (a partial unsubscribe); naming
   * every card is the documented full cancellation. Only the documented end
   * states confirm: 2 (cancelled) for a full cancellation, 4 (partial
   * unsubscribe) or 2 for a partial one. An acknowledgement without a status
   * (data null, true, an object without one), 0, 6 and 7 are a cancellation
   * still being processed; any other status (-1, 3, 5, or 4 after a full
   * cancellation) says nothing documented about this cancellation, so its
   * outcome is unknown: OrderOutcomeUnknownError, never "cancelled".
   */
  async cancel(order: { providerOrderRef: string; iccids: string[]; allIccids: string[] }): Promise<CancelResult> {
    const all = new Set(order.allIccids);
    const chosen = [...new Set(order.iccids)];
    const stranger = chosen.find((iccid) => !all.has(iccid));
    if (stranger !== undefined || (chosen.length === 0 && all.size > 0)) {
      throw new ProviderError(
        "mioesim",
        `Cannot cancel ${stranger === undefined ? "no cards" : `card ${stranger}, which is not one`} of MIOeSIM order ${order.providerOrderRef}`,
        {
          code: "INVALID_CANCEL",
          hint: "Pass the cards to cancel and every card of the order.",
        },
      );
    }
    const partial = chosen.length > 0 && chosen.length < all.size;
    const refund = await this.client.refundOrder({ orderNum: order.providerOrderRef, iccids: partial ? chosen : undefined });
    const status = cancelStatusOf(refund.status, partial);
    this.log.info("MIOeSIM cancellation sent", { orderNum: order.providerOrderRef, partial, reported: refund.status, status });
    if (status === null)
      throw new OrderOutcomeUnknownError(
        "mioesim",
        `MIOeSIM refund of ${order.providerOrderRef}`,
        new Error(
          `refundOrder answered order status ${refund.status}, which is not a documented outcome of a ${partial ? "partial" : "full"} cancellation`,
        ),
      );
    return { status };
  }

  /**
   * A MIOeSIM order is delivered only when it is paid (not -1) and carries
   * as many cards with complete install data as it owes (one per item
   * reference, at least its `count`, at least one); until then it is
   * "pending" and `esims` holds the cards complete so far. A renewal owes no
   * new install data: the card is already on the customer's device. A
   * physical SIM has none to give: its card is delivered once MIOeSIM names
   * its ICCID, with its dpStatus.
   */
  private toProviderOrder(
    order: MioesimOrder,
    otherOrderId: string,
    itemIds: readonly OtherItemId[],
    options: { renewal: boolean; physical: boolean },
  ): ProviderOrder {
    const matched = matchItems(order.cards, itemIds);
    const esims: DeliveredEsim[] = [];
    for (const [index, card] of order.cards.entries()) {
      const install = options.physical
        ? toPhysicalCard(card)
        : toInstall({ ...card, pdfUrl: allowedProviderUrl(this.client.urlAllowList, card.pdfUrl, "card pdfUrl", this.log) });
      if (install) esims.push({ ...install, otherItemId: matched[index] ?? null });
      else if (!options.renewal) this.log.warn("MIOeSIM card without install data yet", { orderNum: order.orderNum, iccid: card.iccid });
    }
    const owed = options.renewal || order.isRenewal ? 0 : Math.max(itemIds.length, order.count ?? 0, 1);
    const undelivered = order.status === -1 || (order.status === 0 && esims.length < owed);
    return {
      provider: "mioesim",
      providerOrderRef: order.orderNum,
      otherOrderId: order.otherOrderId ?? otherOrderId,
      status: undelivered ? "pending" : orderStatusOf(order.status),
      esims,
      charged: order.priceMinor === null ? null : { amountMinor: order.priceMinor, currency: this.client.currency },
    };
  }
}

/**
 * What a refund answer means for the storefront: "cancelled" or
 * "partially_cancelled" only from the documented end state of the
 * cancellation asked for; "cancelling" while it is documented as in process
 * (6/7), accepted without a status, or still 0; null when the status says
 * nothing documented about this cancellation.
 */
function cancelStatusOf(status: MioesimOrderStatus | null, partial: boolean): CancelResult["status"] | null {
  if (status === null || status === 0 || status === 6 || status === 7) return "cancelling";
  if (status === 2) return "cancelled";
  if (status === 4 && partial) return "partially_cancelled";
  return null;
}

/**
 * Our line item for each card (same index): a card that echoes one of our
 * otherItemIds gets it; the others take the remaining ones in order.
 */
function matchItems(cards: readonly MioesimCard[], itemIds: readonly OtherItemId[]): Array<OtherItemId | null> {
  const free = new Set(itemIds);
  const out: Array<OtherItemId | null> = cards.map((card) => {
    if (card.otherItemId !== null && free.has(card.otherItemId)) {
      free.delete(card.otherItemId);
      return card.otherItemId;
    }
    return null;
  });
  const rest = itemIds.filter((id) => free.has(id));
  return out.map((id) => id ?? rest.shift() ?? null);
}

/** `currency`: the account's (the client's), as the documents name none. */
function plansOf(sku: MioesimSku, detail: MioesimSkuPackages, currency: string): ProviderPlan[] {
  const destination = destinationOf(sku, detail);
  return detail.packages.map((pkg) => toPlan(sku, destination, pkg, currency));
}

/**
 * The physical SIM plans a distribution partner may order: its SKUs from
 * getDpSupportSkuInfo, each SKU's packages from getPackages (the docs name
 * no other package list for a SKU). Read failures are thrown.
 */
export async function physicalPlans(client: MioesimClient, dpId: string): Promise<ProviderPlan[]> {
  const plans: ProviderPlan[] = [];
  for (const sku of await client.getDpSupportSkuInfo(dpId))
    plans.push(...plansOf(sku, await client.getPackages(sku.skuId), client.currency));
  return plans;
}

/** Countries by ISO numeric code; anything else (99xxx, or no code) is a region, covering its supportCountry names. */
function destinationOf(sku: MioesimSku, detail: MioesimSkuPackages): ProviderDestination {
  const base = { providerRef: String(sku.skuId), name: sku.display };
  if (sku.countryCode !== null && isNumericCountryCode(sku.countryCode)) {
    const alpha2 = alpha2FromNumeric(sku.countryCode);
    return { ...base, kind: "country", countryCodes: alpha2 ? [alpha2] : [] };
  }
  const covered = detail.supportCountries.map(alpha2FromName).filter((code): code is string => code !== null);
  return { ...base, kind: "region", countryCodes: [...new Set(covered)].sort() };
}

function toPlan(sku: MioesimSku, destination: ProviderDestination, pkg: MioesimPackage, currency: string): ProviderPlan {
  const allowance = `${pkg.flows}${pkg.unit}${pkg.dayPass ? "/day" : ""}`;
  return {
    provider: "mioesim",
    planRef: planRefOf(sku.skuId, pkg.priceId),
    name: `${sku.display} ${allowance} ${pkg.days} ${pkg.days === 1 ? "day" : "days"}`,
    destination,
    dataMb: pkg.dataMb,
    days: pkg.days,
    wholesale: { amountMinor: pkg.priceMinor, currency },
    renewable: pkg.renewable,
    dayPass: pkg.dayPass,
    cancellable: pkg.cancellable,
    cancellationPolicy: pkg.cancellationPolicy,
  };
}

/** A plastic card: no QR code or LPA exists, so the install fields stay empty and the page shows its dpStatus instead. */
function toPhysicalCard(card: MioesimCard) {
  return {
    iccid: card.iccid,
    lpa: "",
    smdpAddress: "",
    activationCode: "",
    apn: card.apn,
    pdfUrl: null,
    activateBefore: gmt8ToIso(card.activateBefore, "end"),
    dpStatus: card.dpStatus,
  };
}

/** Install details from `code` (the LPA string) or sm_dp_address + activationCode; null when incomplete. */
function toInstall(card: MioesimCard) {
  const fromLpa = card.lpa && /^LPA:1\$[^$]+\$[^$]+/.test(card.lpa) ? card.lpa.split("$") : undefined;
  const smdpAddress = card.smdpAddress ?? fromLpa?.[1] ?? null;
  const activationCode = card.activationCode ?? fromLpa?.[2] ?? null;
  if (!smdpAddress || !activationCode) return null;
  return {
    iccid: card.iccid,
    lpa: fromLpa ? card.lpa! : `LPA:1$${smdpAddress}$${activationCode}`,
    smdpAddress,
    activationCode,
    apn: card.apn,
    pdfUrl: card.pdfUrl,
    activateBefore: gmt8ToIso(card.activateBefore, "end"),
  };
}

function toUsage(status: MioesimCardStatus): EsimUsage {
  const usedMb = status.usedMb ?? 0;
  const totalMb = status.totalMb ?? (status.remainingMb === null ? null : usedMb + status.remainingMb);
  const expiresAt = gmt8ToIso(status.endDate, "end");
  return {
    iccid: status.iccid,
    state: usageState(status, usedMb, totalMb, expiresAt),
    usedMb,
    totalMb,
    startedAt: gmt8ToIso(status.startDate, "start"),
    expiresAt,
  };
}

/** dpStatus per the docs; a running plan is further split by data left and end date. */
function usageState(status: MioesimCardStatus, usedMb: number, totalMb: number | null, expiresAt: string | null): EsimState {
  switch (status.dpStatus?.toUpperCase()) {
    case undefined:
      return "not_installed";
    case "ENABLE":
      return "installed";
    case "DISABLE":
      return "disabled";
    case "DELETE":
      return "deleted";
    case "ACTIVE":
      if (totalMb !== null && usedMb >= totalMb) return "depleted";
      if (expiresAt !== null && Date.parse(expiresAt) <= Date.now()) return "expired";
      return "active";
    default:
      return "unknown";
  }
}

/**
 * MIOeSIM writes times in GMT+8 as "YYYY-MM-DD[ HH:mm[:ss]]", sometimes
 * suffixed "(GMT+8)". A bare date means the start or the end of that day.
 */
export function gmt8ToIso(text: string | null, bareDate: "start" | "end"): string | null {
  const match = text && /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2})(:\d{2})?)?\s*(?:\(GMT\+8\))?$/.exec(text.trim());
  if (!match) return null;
  const time = match[2] ? `${match[2]}${match[3] ?? ":00"}` : bareDate === "start" ? "00:00:00" : "23:59:59";
  const ms = Date.parse(`${match[1]}T${time}+08:00`);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}
