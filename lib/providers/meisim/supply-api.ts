import { z } from "zod";
import type { Money, ProgressFn } from "../types";
import { pollUntil, type PollOptions } from "./batches";
import { checkIccid, checkIntegerRange, checkNonEmpty } from "./input";
import { executeSchema, readSkus, type MeisimSku } from "./portal";
import { isoDateTime } from "./response";
import { describeEndpoint, type MeisimTransport } from "./transport";

const PREFIX = "/api/portal/v1";
const skus = { method: "GET", path: `${PREFIX}/services/esim_supply_att/skus`, auth: "portal", idempotent: true } as const;
const buy = { method: "POST", path: `${PREFIX}/services/esim_supply_att/execute`, auth: "portal", idempotent: false } as const;
const stock = { method: "GET", path: `${PREFIX}/esim-supply/stock`, auth: "portal", idempotent: true } as const;
const my = { method: "GET", path: `${PREFIX}/esim-supply/my`, auth: "portal", idempotent: true } as const;
const replace = { method: "POST", path: `${PREFIX}/esim-supply/replace`, auth: "portal", idempotent: false } as const;
const replaceStatus = { method: "GET", path: `${PREFIX}/esim-supply/replace/status/:checkId`, auth: "portal", idempotent: true } as const;

/** Largest page of "my eSIMs" we ask for (the documented example). */
export const MY_ESIMS_PAGE_MAX = 100;

const purchaseSchema = executeSchema(
  z.object({
    carrier: z.string(),
    plan_type: z.string(),
    quantity_ordered: z.number().int(),
    quantity_filled: z.number().int(),
    partial: z.boolean(),
    esims: z.array(z.object({ iccid: z.string(), lpa: z.string(), inventory_id: z.string(), assigned_at: isoDateTime })),
  }),
);

const stockSchema = z.object({ stats: z.record(z.string(), z.number()) });

const myEsimsSchema = z.object({
  esims: z.array(
    z.object({
      id: z.string(),
      iccid: z.string(),
      lpa: z.string(),
      carrier: z.string(),
      plan_type: z.string(),
      status: z.string(),
      assigned_at: isoDateTime,
      sold_via_usage_id: z.number().int().nullish(),
    }),
  ),
  total: z.number().int().nonnegative(),
  limit: z.number().int().positive(),
  offset: z.number().int().nonnegative(),
});

const replaceSchema = z.object({ ok: z.literal(true), decision: z.string(), check_id: z.string().min(1), message: z.string().nullish() });

const replaceStatusSchema = z.object({
  decision: z.enum(["pending", "install_again", "replaced", "awaiting_restock", "admin_review"]),
  validator_status: z.string().nullish(),
  message: z.string().nullish(),
  replacement: z.object({ iccid: z.string(), lpa: z.string(), inventory_id: z.string() }).nullish(),
});

export interface SupplyEsim {
  iccid: string;
  lpa: string;
  inventoryId: string;
  assignedAt: string;
}

export interface SupplyPurchase {
  usageId: number;
  vendorOrderRef: string;
  /** After the automatic credit for any shortfall. */
  cost: Money;
  status: string;
  carrier: string;
  planType: string;
  quantityOrdered: number;
  quantityFilled: number;
  /** Fewer filled than ordered; the shortfall was credited back. */
  partial: boolean;
  esims: SupplyEsim[];
}

export interface MySupplyEsim {
  id: string;
  iccid: string;
  lpa: string;
  carrier: string;
  planType: string;
  status: string;
  assignedAt: string;
  soldViaUsageId: number | null;
}

export interface MySupplyEsimPage {
  esims: MySupplyEsim[];
  total: number;
  limit: number;
  offset: number;
}

export type ReplacementDecision = z.output<typeof replaceStatusSchema>["decision"];

export interface ReplacementStatus {
  decision: ReplacementDecision;
  /** The validator's verdict on the LPA ("in_progress", "available", "used", "error"…). */
  validatorStatus: string | null;
  message: string | null;
  /** Set when decision is "replaced". */
  replacement: { iccid: string; lpa: string; inventoryId: string } | null;
}

/** eSIM Supply (portal API): pre-validated AT&T eSIM stock. */
export class MeisimSupplyApi {
  constructor(private readonly http: MeisimTransport) {}

  async skus(): Promise<MeisimSku[]> {
    return readSkus(await this.http.body(skus), describeEndpoint(skus));
  }

  /**
   * Claims `quantity` eSIMs. A short fill comes back `partial` (shortfall
   * credited); zero stock fails with MeisimVendorError (debit refunded).
   */
  async buy(input: { skuId: string; quantity: number }): Promise<SupplyPurchase> {
    checkNonEmpty(input.skuId, "skuId");
    checkIntegerRange(input.quantity, "quantity", 1, 10_000);
    const b = await this.http.json(buy, purchaseSchema, { body: { sku_id: input.skuId, quantity: input.quantity } });
    const r = b.result;
    if (r.partial)
      this.http.log.warn("meisim: supply purchase partially filled", {
        ordered: r.quantity_ordered,
        filled: r.quantity_filled,
        usageId: b.usage_id,
      });
    return {
      usageId: b.usage_id,
      vendorOrderRef: b.vendor_order_ref,
      cost: { amountMinor: b.cost_usd, currency: "USD" },
      status: b.status,
      carrier: r.carrier,
      planType: r.plan_type,
      quantityOrdered: r.quantity_ordered,
      quantityFilled: r.quantity_filled,
      partial: r.partial,
      esims: r.esims.map((e) => ({ iccid: e.iccid, lpa: e.lpa, inventoryId: e.inventory_id, assignedAt: e.assigned_at })),
    };
  }

  /** Counts keyed "<carrier>.<plan>.<state>", e.g. "att.qr.available". */
  async stock(): Promise<Record<string, number>> {
    return (await this.http.json(stock, stockSchema)).stats;
  }

  /** One page of our eSIMs, newest first. */
  async myEsims(page: { limit?: number; offset?: number } = {}): Promise<MySupplyEsimPage> {
    const limit = page.limit ?? MY_ESIMS_PAGE_MAX;
    const offset = page.offset ?? 0;
    checkIntegerRange(limit, "limit", 1, MY_ESIMS_PAGE_MAX);
    checkIntegerRange(offset, "offset", 0, Number.MAX_SAFE_INTEGER);
    const b = await this.http.json(my, myEsimsSchema, { query: { limit, offset } });
    return {
      esims: b.esims.map((e) => ({
        id: e.id,
        iccid: e.iccid,
        lpa: e.lpa,
        carrier: e.carrier,
        planType: e.plan_type,
        status: e.status,
        assignedAt: e.assigned_at,
        soldViaUsageId: e.sold_via_usage_id ?? null,
      })),
      total: b.total,
      limit: b.limit,
      offset: b.offset,
    };
  }

  /** Every page of our eSIMs. */
  async allMyEsims(options: { onProgress?: ProgressFn } = {}): Promise<MySupplyEsim[]> {
    const all: MySupplyEsim[] = [];
    for (;;) {
      const page = await this.myEsims({ offset: all.length });
      all.push(...page.esims);
      options.onProgress?.({ done: all.length, total: page.total, note: "supply eSIMs" });
      if (page.esims.length === 0 || all.length >= page.total) return all;
    }
  }

  /** Asks for a replacement of a broken eSIM; poll `replacementStatus` with the check id. */
  async requestReplacement(iccid: string): Promise<{ checkId: string; message: string | null }> {
    checkIccid(iccid, "iccid");
    const b = await this.http.json(replace, replaceSchema, { body: { iccid } });
    return { checkId: b.check_id, message: b.message ?? null };
  }

  async replacementStatus(checkId: string): Promise<ReplacementStatus> {
    checkNonEmpty(checkId, "checkId");
    const b = await this.http.json(replaceStatus, replaceStatusSchema, { params: { checkId } });
    const r = b.replacement;
    return {
      decision: b.decision,
      validatorStatus: b.validator_status ?? null,
      message: b.message ?? null,
      replacement: r ? { iccid: r.iccid, lpa: r.lpa, inventoryId: r.inventory_id } : null,
    };
  }

  /** Polls until the replacement check has decided. */
  waitForReplacement(checkId: string, options?: PollOptions): Promise<ReplacementStatus> {
    return pollUntil(
      `replacement check ${checkId}`,
      () => this.replacementStatus(checkId),
      (s) => s.decision !== "pending",
      (s) => ({ done: s.decision === "pending" ? 0 : 1, total: 1 }),
      options,
    );
  }
}
