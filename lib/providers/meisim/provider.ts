import { log as rootLog, type Logger } from "../../log";
import { ProviderError } from "../errors";
import type { CancelResult, EsimProvider, EsimUsage, PlaceOrderInput, ProgressFn, ProviderDestination, ProviderOrder, ProviderOrderStatus, ProviderPlan, RenewInput } from "../types";
import type { MeisimOrderRecord } from "./account-api";
import type { MeisimClient } from "./client";
import { MeisimNotFoundError } from "./errors";
import type { MeisimBundle, MeisimEsimOrder } from "./esim-api";
import { checkIntegerRange, checkNonEmpty } from "./input";

/** Most eSIMs one storefront order may ask for (the dealer wallet order's own cap). */
const MAX_ORDER_COUNT = 20;

function destinationOf(bundle: MeisimBundle): ProviderDestination {
  const codes = bundle.countries.map((c) => c.iso);
  const [only] = bundle.countries;
  if (only && codes.length === 1) return { providerRef: only.iso, name: only.name, kind: "country", countryCodes: codes };
  const region = bundle.region ?? "Global";
  return { providerRef: region, name: region, kind: "region", countryCodes: codes };
}

export function bundleToPlan(bundle: MeisimBundle): ProviderPlan {
  return {
    provider: "meisim",
    planRef: bundle.name,
    name: bundle.description ?? bundle.name,
    destination: destinationOf(bundle),
    dataMb: bundle.dataMb,
    days: bundle.validityDays,
    wholesale: bundle.price,
    // MeiSIM has no way to add a bundle to an existing eSIM (top-ups are for physical SIM networks).
    renewable: false,
    dayPass: bundle.dayPass,
    // Revoke exists, but MeiSIM documents no refund for it, so nothing is sold as cancellable.
    cancellable: false,
    cancellationPolicy: null,
  };
}

/** The order's status from its eSIMs' history statuses. */
function orderStatus(statuses: readonly string[]): ProviderOrderStatus {
  const revoked = statuses.filter((s) => s === "revoked").length;
  if (statuses.length === 0 || statuses.every((s) => s === "failed")) return "void";
  if (statuses.some((s) => s === "pending" || s === "processing")) return "pending";
  if (revoked === statuses.length) return "cancelled";
  if (revoked > 0) return "partially_cancelled";
  return "active";
}

function toProviderOrder(otherOrderId: string, placed: readonly { order: MeisimEsimOrder; status: string }[]): ProviderOrder {
  const charges = placed.map((p) => p.order.charged);
  const allCharged = charges.every((c) => c !== null);
  return {
    provider: "meisim",
    providerOrderRef: placed[0]?.order.orderId ?? "",
    otherOrderId,
    status: orderStatus(placed.map((p) => p.status)),
    esims: placed.map((p) => p.order.install),
    charged: allCharged && charges.length > 0 ? { amountMinor: charges.reduce((sum, c) => sum + c!.amountMinor, 0), currency: "USD" } : null,
  };
}

/**
 * MeiSIM behind the storefront's provider contract. One MeiSIM order is one
 * eSIM, so an order of N eSIMs is N MeiSIM orders sharing our reference as
 * `customerReference`; that reference also makes `placeOrder` resumable.
 */
export class MeisimProvider implements EsimProvider {
  readonly id = "meisim" as const;
  readonly displayName = "MeiSIM";
  private readonly log: Logger;
  private readonly catalogTtlMs: number;
  private catalog: { fetchedAt: number; plans: Map<string, ProviderPlan> } | null = null;

  constructor(
    readonly client: MeisimClient,
    options: { catalogTtlMs?: number; logger?: Logger } = {},
  ) {
    this.catalogTtlMs = options.catalogTtlMs ?? 15 * 60_000;
    this.log = options.logger ?? rootLog.child({ provider: "meisim" });
  }

  async listPlans(options: { onProgress?: ProgressFn } = {}): Promise<ProviderPlan[]> {
    const plans = (await this.client.esim.allBundles({}, options)).map(bundleToPlan);
    this.catalog = { fetchedAt: Date.now(), plans: new Map(plans.map((p) => [p.planRef, p])) };
    return plans;
  }

  /** The plan exists, the account may order, and the wallet covers `count` of it. */
  async checkAvailability(planRef: string, count: number): Promise<boolean> {
    if (!Number.isInteger(count) || count < 1 || count > MAX_ORDER_COUNT) return false;
    const plan = await this.findPlan(planRef);
    if (!plan) return false;
    const [me, wallet] = await Promise.all([this.client.account.me(), this.client.wallet.wallet()]);
    return me.status === "approved" && wallet.balance.amountMinor >= plan.wholesale.amountMinor * count;
  }

  async placeOrder(input: PlaceOrderInput): Promise<ProviderOrder> {
    const count = input.count ?? 1;
    checkNonEmpty(input.otherOrderId, "otherOrderId");
    checkIntegerRange(count, "count", 1, MAX_ORDER_COUNT);
    const prior = (await this.client.account.esimOrdersByReference(input.otherOrderId)).filter((o) => o.status !== "failed");
    const conflicting = prior.find((o) => o.bundleName !== null && o.bundleName !== input.planRef);
    if (conflicting) {
      throw new ProviderError("meisim", `Reference ${input.otherOrderId} is already used by MeiSIM order ${conflicting.id} for ${conflicting.bundleName}`, {
        code: "REFERENCE_CONFLICT",
        hint: "Each storefront order must use its own reference.",
      });
    }
    if (prior.length > 0) this.log.info("meisim: resuming order", { otherOrderId: input.otherOrderId, alreadyPlaced: prior.length, count });
    const placed = await this.withInstalls(prior.slice(0, count));
    const known = new Set(prior.map((o) => o.id));
    while (placed.length < count) {
      const order = await this.client.esim.order(
        { bundleName: input.planRef, customerReference: input.otherOrderId, emailAddress: input.customerEmail },
        { knownOrderIds: known },
      );
      known.add(order.orderId);
      placed.push({ order, status: "completed" });
    }
    return toProviderOrder(input.otherOrderId, placed);
  }

  async findOrder(otherOrderId: string): Promise<ProviderOrder | null> {
    const records = await this.client.account.esimOrdersByReference(otherOrderId);
    if (records.length === 0) return null;
    const live = records.filter((r) => r.status !== "failed");
    if (live.length === 0) return { provider: "meisim", providerOrderRef: records[0]!.id, otherOrderId, status: "void", esims: [], charged: null };
    return toProviderOrder(otherOrderId, await this.withInstalls(live));
  }

  async getUsage(iccids: string[], options: { onProgress?: ProgressFn } = {}): Promise<EsimUsage[]> {
    const usage: EsimUsage[] = [];
    // One details call per ICCID; the client's limiter paces them under the read limit.
    for (const iccid of iccids) {
      usage.push(await this.usageOf(iccid));
      options.onProgress?.({ done: usage.length, total: iccids.length, note: iccid });
    }
    this.log.info("meisim: usage fetched", { esims: iccids.length });
    return usage;
  }

  async listRenewalPlans(_iccid: string): Promise<ProviderPlan[]> {
    return [];
  }

  async renew(input: RenewInput): Promise<ProviderOrder> {
    throw new ProviderError("meisim", `MeiSIM cannot renew eSIM ${input.iccid}: its API has no bundle top-up for eSIMs`, {
      code: "UNSUPPORTED",
      hint: "Sell a new eSIM instead; MeiSIM plans are not renewable.",
    });
  }

  /** Revokes an eSIM that was never installed; an already revoked one counts as cancelled. */
  async cancel(order: { providerOrderRef: string; iccid: string }): Promise<CancelResult> {
    const esim = await this.client.esim.details(order.iccid);
    if (esim.state === "disabled" || esim.state === "deleted") return { status: "cancelled" };
    if (esim.state !== "not_installed") {
      throw new ProviderError("meisim", `eSIM ${order.iccid} is ${esim.rawState}; only eSIMs not yet installed can be cancelled`, {
        code: "NOT_CANCELLABLE",
        hint: "The customer has installed or used this eSIM.",
      });
    }
    await this.client.esim.revoke(order.iccid);
    this.log.info("meisim: eSIM revoked", { iccid: order.iccid, providerOrderRef: order.providerOrderRef });
    return { status: "cancelled" };
  }

  private async usageOf(iccid: string): Promise<EsimUsage> {
    try {
      const d = await this.client.esim.details(iccid);
      return { iccid, state: d.state, usedMb: d.usedMb, totalMb: d.totalMb, startedAt: d.activatedAt, expiresAt: d.expiresAt };
    } catch (err) {
      if (!(err instanceof MeisimNotFoundError)) throw err;
      this.log.warn("meisim: eSIM unknown upstream", { iccid });
      return { iccid, state: "unknown", usedMb: 0, totalMb: null, startedAt: null, expiresAt: null };
    }
  }

  /** History rows (newest first) as orders with install details, oldest first. */
  private async withInstalls(records: readonly MeisimOrderRecord[]): Promise<{ order: MeisimEsimOrder; status: string }[]> {
    const out: { order: MeisimEsimOrder; status: string }[] = [];
    for (const record of [...records].reverse()) out.push({ order: await this.client.esim.fromRecord(record, false), status: record.status });
    return out;
  }

  private async findPlan(planRef: string): Promise<ProviderPlan | undefined> {
    if (!this.catalog || Date.now() - this.catalog.fetchedAt > this.catalogTtlMs) await this.listPlans();
    return this.catalog!.plans.get(planRef);
  }
}
