/**
 * The storefront's view of MIOeSIM: the EsimProvider contract on top of
 * MioesimClient. Everything MIOeSIM-specific that the storefront does not
 * need stays on `provider.client`.
 */
import { log as rootLog, type Logger } from "../../log";
import { ProviderError, ProviderResponseError } from "../errors";
import type {
  CancelResult,
  EsimInstall,
  EsimProvider,
  EsimState,
  EsimUsage,
  PlaceOrderInput,
  ProgressFn,
  ProviderDestination,
  ProviderOrder,
  ProviderOrderStatus,
  ProviderPlan,
  RenewInput,
} from "../types";
import type { MioesimClient } from "./client";
import { alpha2FromName, alpha2FromNumeric, isCountryCode } from "./countries";
import type { MioesimCard, MioesimCardStatus, MioesimOrder, MioesimOrderStatus, MioesimPackage, MioesimSku, MioesimSkuPackages } from "./schemas";

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

  constructor(
    readonly client: MioesimClient,
    private readonly log: Logger = rootLog.child({ provider: "mioesim" }),
  ) {}

  /** One getPackages call per SKU, one after the other, so a large catalog never bursts the API. */
  async listPlans(options: { onProgress?: ProgressFn } = {}): Promise<ProviderPlan[]> {
    const skus = await this.client.getSkus();
    const plans: ProviderPlan[] = [];
    for (const [index, sku] of skus.entries()) {
      const detail = await this.client.getPackages(sku.skuId);
      plans.push(...plansOf(sku, detail));
      options.onProgress?.({ done: index + 1, total: skus.length, note: sku.display });
      this.log.debug("MIOeSIM SKU listed", { skuId: sku.skuId, packages: detail.packages.length });
    }
    this.log.info("MIOeSIM catalog listed", { skus: skus.length, plans: plans.length });
    return plans;
  }

  async checkAvailability(planRef: string, count: number): Promise<boolean> {
    return this.client.verifyResource({ ...parsePlanRef(planRef), count });
  }

  async placeOrder(input: PlaceOrderInput): Promise<ProviderOrder> {
    return this.orderOnce(input.otherOrderId, input.planRef, { count: input.count ?? 1 });
  }

  async renew(input: RenewInput): Promise<ProviderOrder> {
    return this.orderOnce(input.otherOrderId, input.planRef, { count: 1, iccid: input.iccid });
  }

  async findOrder(otherOrderId: string): Promise<ProviderOrder | null> {
    const order = await this.client.findOrderByOtherOrderId(otherOrderId);
    return order && toProviderOrder(order, otherOrderId);
  }

  /** One entry per requested ICCID, in order; "unknown" for cards MIOeSIM does not report. */
  async getUsage(iccids: string[], options: { onProgress?: ProgressFn } = {}): Promise<EsimUsage[]> {
    const statuses = await this.client.queryIccidInformation(iccids, options);
    const byIccid = new Map(statuses.map((status) => [status.iccid, status]));
    this.log.info("MIOeSIM usage queried", { requested: iccids.length, reported: byIccid.size });
    return iccids.map((iccid) => {
      const status = byIccid.get(iccid);
      return status ? toUsage(status) : { iccid, state: "unknown", usedMb: 0, totalMb: null, startedAt: null, expiresAt: null };
    });
  }

  async listRenewalPlans(iccid: string): Promise<ProviderPlan[]> {
    const plans: ProviderPlan[] = [];
    for (const sku of await this.client.getIccidSupportSku(iccid)) {
      const detail = await this.client.getIccidSupportPackageInfo(iccid, sku.skuId);
      plans.push(...plansOf(sku, detail).filter((plan) => plan.renewable));
    }
    return plans;
  }

  async cancel(order: { providerOrderRef: string; iccid: string }): Promise<CancelResult> {
    const refunded = await this.client.refundOrder({ orderNum: order.providerOrderRef, iccids: [order.iccid] });
    return { status: orderStatusOf(refunded.status) };
  }

  /**
   * `otherOrderId` is the idempotency key: an order MIOeSIM already holds
   * under it (say, from an earlier attempt whose answer was lost) is
   * returned instead of placing a second one.
   */
  private async orderOnce(otherOrderId: string, planRef: string, extra: { count: number; iccid?: string }): Promise<ProviderOrder> {
    const { skuId, priceId } = parsePlanRef(planRef);
    const existing = await this.client.findOrderByOtherOrderId(otherOrderId);
    if (existing) {
      if (existing.priceId !== null && existing.priceId !== priceId) {
        throw new ProviderError("mioesim", `otherOrderId ${otherOrderId} is already used by order ${existing.orderNum} for another plan`, {
          code: "OTHER_ORDER_ID_REUSED",
          hint: "Each storefront order must use its own otherOrderId.",
        });
      }
      this.log.info("MIOeSIM order already placed; returning it", { otherOrderId, orderNum: existing.orderNum });
      return toProviderOrder(existing, otherOrderId);
    }
    const order = await this.client.addEsimOrder({ skuId, priceId, otherOrderId, ...extra });
    this.log.info("MIOeSIM order placed", { otherOrderId, orderNum: order.orderNum, status: order.status });
    return toProviderOrder(order, otherOrderId);
  }
}

function plansOf(sku: MioesimSku, detail: MioesimSkuPackages): ProviderPlan[] {
  const destination = destinationOf(sku, detail.supportCountries);
  return detail.packages.map((pkg) => toPlan(sku, destination, pkg));
}

function destinationOf(sku: MioesimSku, supportCountries: string[]): ProviderDestination {
  const base = { providerRef: String(sku.skuId), name: sku.display };
  if (isCountryCode(sku.countryCode)) {
    const alpha2 = alpha2FromNumeric(sku.countryCode);
    return { ...base, kind: "country", countryCodes: alpha2 ? [alpha2] : [] };
  }
  const covered = supportCountries.map(alpha2FromName).filter((code): code is string => code !== null);
  return { ...base, kind: "region", countryCodes: [...new Set(covered)].sort() };
}

function toPlan(sku: MioesimSku, destination: ProviderDestination, pkg: MioesimPackage): ProviderPlan {
  const allowance = `${pkg.flows}${pkg.unit}${pkg.dayPass ? "/day" : ""}`;
  return {
    provider: "mioesim",
    planRef: planRefOf(sku.skuId, pkg.priceId),
    name: `${sku.display} ${allowance} ${pkg.days} ${pkg.days === 1 ? "day" : "days"}`,
    destination,
    dataMb: pkg.dataMb,
    days: pkg.days,
    wholesale: pkg.price,
    renewable: pkg.renewable,
    dayPass: pkg.dayPass,
    cancellable: pkg.cancellable,
    cancellationPolicy: pkg.cancellationPolicy,
  };
}

function toProviderOrder(order: MioesimOrder, otherOrderId: string): ProviderOrder {
  return {
    provider: "mioesim",
    providerOrderRef: order.orderNum,
    otherOrderId: order.otherOrderId ?? otherOrderId,
    status: orderStatusOf(order.status),
    esims: order.cards.map((card) => toInstall(card, order.orderNum)),
    charged: order.price,
  };
}

function toInstall(card: MioesimCard, orderNum: string): EsimInstall {
  const fromLpa = card.lpa?.split("$");
  const smdpAddress = card.smdpAddress ?? fromLpa?.[1] ?? null;
  const activationCode = card.activationCode ?? fromLpa?.[2] ?? null;
  if (!smdpAddress || !activationCode) {
    throw new ProviderResponseError("mioesim", `MIOeSIM order ${orderNum}: card ${card.iccid} has no code, sm_dp_address or activationCode to install it with`);
  }
  return {
    iccid: card.iccid,
    lpa: card.lpa ?? `LPA:1$${smdpAddress}$${activationCode}`,
    smdpAddress,
    activationCode,
    apn: card.apn,
    pdfUrl: card.pdfUrl,
    activateBefore: gmt8ToIso(card.activateBefore, "end"),
  };
}

function toUsage(status: MioesimCardStatus): EsimUsage {
  const totalMb = status.remainingMb === null ? null : status.usedMb + status.remainingMb;
  const expiresAt = gmt8ToIso(status.endDate, "end");
  return {
    iccid: status.iccid,
    state: usageState(status, expiresAt),
    usedMb: status.usedMb,
    totalMb,
    startedAt: gmt8ToIso(status.startDate, "start"),
    expiresAt,
  };
}

/** dpStatus per the docs; a running plan is further split by data left and end date. */
function usageState(status: MioesimCardStatus, expiresAt: string | null): EsimState {
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
      if (status.remainingMb !== null && status.remainingMb <= 0) return "depleted";
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
