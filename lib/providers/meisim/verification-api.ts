import { z } from "zod";
import type { Money } from "../types";
import { CheckBatchReader } from "./batches";
import { check, checkEmail, checkLpa } from "./input";
import { usdMinor } from "./response";
import type { MeisimTransport } from "./transport";

const submit = { method: "POST", path: "/dealer/esim-verify", auth: "dealer", idempotent: false } as const;
const endpoints = {
  batch: { method: "GET", path: "/dealer/esim-verify/:batchId", auth: "dealer", idempotent: true },
  results: { method: "GET", path: "/dealer/esim-verify/:batchId/results.csv", auth: "dealer", idempotent: true },
} as const;

export const MAX_VERIFY_LPAS = 50_000;

const submitSchema = z.object({
  ok: z.literal(true),
  batch_id: z.string().min(1),
  total_rows: z.number().int().nonnegative(),
  charged_usd: usdMinor,
  wallet_balance_usd: usdMinor,
});

export interface VerificationSubmitted {
  batchId: string;
  totalRows: number;
  /** $1 per LPA; rows that end in error are refunded later. */
  charged: Money;
  walletBalance: Money;
}

/** Dealer eSIM verification: read-only LPA checks paid from the wallet. */
export class MeisimVerificationApi extends CheckBatchReader {
  constructor(http: MeisimTransport) {
    super(http, endpoints);
  }

  async submit(input: { lpas: readonly string[]; notifyEmail?: string }): Promise<VerificationSubmitted> {
    check(input.lpas.length > 0, "lpas", "no LPAs provided");
    check(input.lpas.length <= MAX_VERIFY_LPAS, "lpas", `at most ${MAX_VERIFY_LPAS} per batch, got ${input.lpas.length}`);
    input.lpas.forEach((lpa, i) => checkLpa(lpa, `lpas[${i}]`));
    checkEmail(input.notifyEmail, "notifyEmail");
    const b = await this.http.json(submit, submitSchema, { body: { lpas: input.lpas, notify_email: input.notifyEmail } });
    this.http.log.info("meisim: verification batch submitted", { batchId: b.batch_id, rows: b.total_rows });
    return {
      batchId: b.batch_id,
      totalRows: b.total_rows,
      charged: { amountMinor: b.charged_usd, currency: "USD" },
      walletBalance: { amountMinor: b.wallet_balance_usd, currency: "USD" },
    };
  }
}
