import { z } from "zod";
import type { Money } from "../types";
import { CheckBatchReader } from "./batches";
import { toCsv } from "./csv";
import { check, checkIccid, checkLpa, checkNonEmpty } from "./input";
import { executeSchema, readSkus, type MeisimSku } from "./portal";
import { usdMinor } from "./response";
import { describeEndpoint, type MeisimTransport } from "./transport";
import { MAX_VERIFY_LPAS } from "./verification-api";

const PREFIX = "/api/portal/v1";
const skus = { method: "GET", path: `${PREFIX}/services/esim_validate/skus`, auth: "portal", idempotent: true } as const;
const submit = { method: "POST", path: `${PREFIX}/services/esim_validate/execute`, auth: "portal", idempotent: false } as const;
const endpoints = {
  batch: { method: "GET", path: `${PREFIX}/esim-check/customer/batches/:batchId`, auth: "portal", idempotent: true },
  results: { method: "GET", path: `${PREFIX}/esim-check/customer/batches/:batchId/results.csv`, auth: "portal", idempotent: true },
} as const;

const submitSchema = executeSchema(
  z.object({
    batch_id: z.string().min(1),
    total_rows: z.number().int().nonnegative(),
    cost_usd: usdMinor,
    per_row_usd: usdMinor,
    message: z.string().nullish(),
  }),
);

export interface ValidationRow {
  iccid?: string;
  lpa: string;
}

export interface ValidationSubmitted {
  usageId: number;
  batchId: string;
  totalRows: number;
  /** Debited up front; rows that error are refunded. */
  cost: Money;
  perRow: Money;
  /** "executing" until the workers finish. */
  status: string;
}

/** The eSIM Validator (portal API): LPAs checked on real devices. */
export class MeisimValidatorApi extends CheckBatchReader {
  constructor(http: MeisimTransport) {
    super(http, endpoints);
  }

  async skus(): Promise<MeisimSku[]> {
    return readSkus(await this.http.body(skus), describeEndpoint(skus));
  }

  /** Submits rows as the CSV the service takes ("iccid,lpa"). */
  async submit(input: { skuId: string; label?: string; rows: readonly ValidationRow[] }): Promise<ValidationSubmitted> {
    checkNonEmpty(input.skuId, "skuId");
    check(input.rows.length > 0, "rows", "no LPAs provided");
    check(input.rows.length <= MAX_VERIFY_LPAS, "rows", `at most ${MAX_VERIFY_LPAS} per batch, got ${input.rows.length}`);
    input.rows.forEach((row, i) => {
      checkLpa(row.lpa, `rows[${i}].lpa`);
      if (row.iccid !== undefined) checkIccid(row.iccid, `rows[${i}].iccid`);
    });
    const csv = toCsv([["iccid", "lpa"], ...input.rows.map((r) => [r.iccid ?? "", r.lpa])]);
    const b = await this.http.json(submit, submitSchema, { body: { sku_id: input.skuId, label: input.label, csv } });
    this.http.log.info("meisim: validator batch submitted", { batchId: b.result.batch_id, rows: b.result.total_rows });
    return {
      usageId: b.usage_id,
      batchId: b.result.batch_id,
      totalRows: b.result.total_rows,
      cost: { amountMinor: b.cost_usd, currency: "USD" },
      perRow: { amountMinor: b.result.per_row_usd, currency: "USD" },
      status: b.status,
    };
  }
}
