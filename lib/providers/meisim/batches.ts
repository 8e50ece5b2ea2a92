import { z } from "zod";
import { ProviderError, ProviderResponseError } from "../errors";
import { sleep } from "../http";
import type { Money, ProgressFn } from "../types";
import { isoDateTime, parseCsvRecords, usdMinor } from "./response";
import { describeEndpoint, type Endpoint, type MeisimTransport } from "./transport";

/**
 * LPA check batches, shared by the dealer eSIM verification and the portal
 * validator: same batch/progress shape, same results CSV.
 */

const count = z.number().int().nonnegative();

const checkBatchSchema = z.object({
  batch: z.object({
    id: z.string(),
    label: z.string().nullish(),
    total_rows: count,
    started_at: isoDateTime.nullish(),
    completed_at: isoDateTime.nullish(),
    paid_total_usd: usdMinor,
  }),
  progress: z.object({
    total: count,
    pending: count,
    in_progress: count,
    used: count,
    available: count,
    invalid: count,
    error_count: count,
    unknown: count,
  }),
});

export type CheckStatus = "pending" | "in_progress" | "available" | "used" | "invalid" | "error" | "unknown";
const CHECK_STATUSES: readonly string[] = [
  "pending",
  "in_progress",
  "available",
  "used",
  "invalid",
  "error",
  "unknown",
] satisfies CheckStatus[];

export interface CheckBatch {
  id: string;
  label: string | null;
  totalRows: number;
  startedAt: string | null;
  completedAt: string | null;
  paidTotal: Money;
  progress: {
    total: number;
    pending: number;
    inProgress: number;
    used: number;
    available: number;
    invalid: number;
    error: number;
    unknown: number;
  };
  /** Every row has a verdict. */
  done: boolean;
}

export interface CheckResultRow {
  iccid: string | null;
  lpa: string;
  status: CheckStatus;
  reason: string | null;
  checkedAt: string | null;
}

export interface PollOptions {
  intervalMs?: number;
  timeoutMs?: number;
  onProgress?: ProgressFn;
}

function toCheckBatch(body: z.output<typeof checkBatchSchema>): CheckBatch {
  const { batch, progress: p } = body;
  return {
    id: batch.id,
    label: batch.label ?? null,
    totalRows: batch.total_rows,
    startedAt: batch.started_at ?? null,
    completedAt: batch.completed_at ?? null,
    paidTotal: { amountMinor: batch.paid_total_usd, currency: "USD" },
    progress: {
      total: p.total,
      pending: p.pending,
      inProgress: p.in_progress,
      used: p.used,
      available: p.available,
      invalid: p.invalid,
      error: p.error_count,
      unknown: p.unknown,
    },
    done: Boolean(batch.completed_at) || p.pending + p.in_progress === 0,
  };
}

function parseCheckResults(csv: string, where: string): CheckResultRow[] {
  return parseCsvRecords(csv, ["iccid", "lpa", "status", "reason", "checked_at"], where).map((r) => {
    if (!CHECK_STATUSES.includes(r.status))
      throw new ProviderResponseError("meisim", `${where}: CSV column "status" holds "${r.status}", not a known verdict`);
    return {
      iccid: r.iccid || null,
      lpa: r.lpa,
      status: r.status as CheckStatus,
      reason: r.reason || null,
      checkedAt: r.checked_at || null,
    };
  });
}

/** Polls `read` until `isDone`, reporting progress; gives up after `timeoutMs`. */
export async function pollUntil<T>(
  what: string,
  read: () => Promise<T>,
  isDone: (value: T) => boolean,
  progressOf: (value: T) => { done: number; total: number },
  options: PollOptions = {},
): Promise<T> {
  const intervalMs = options.intervalMs ?? 5_000;
  const deadline = Date.now() + (options.timeoutMs ?? 30 * 60_000);
  for (;;) {
    const value = await read();
    options.onProgress?.({ ...progressOf(value), note: what });
    if (isDone(value)) return value;
    if (Date.now() + intervalMs > deadline) {
      throw new ProviderError("meisim", `${what} still running after ${options.timeoutMs ?? 30 * 60_000} ms`, {
        code: "POLL_TIMEOUT",
        hint: "MeiSIM has not finished yet; poll again later.",
        retryable: true,
      });
    }
    await sleep(intervalMs);
  }
}

/** Reading a check batch and its results; the two batch services differ only in paths. */
export abstract class CheckBatchReader {
  constructor(
    protected readonly http: MeisimTransport,
    private readonly endpoints: { batch: Endpoint; results: Endpoint },
  ) {}

  async batch(batchId: string): Promise<CheckBatch> {
    return toCheckBatch(await this.http.json(this.endpoints.batch, checkBatchSchema, { params: { batchId } }));
  }

  /** Results so far; rows still running show status "pending". */
  async results(batchId: string): Promise<CheckResultRow[]> {
    const csv = await this.http.text(this.endpoints.results, { params: { batchId } });
    return parseCheckResults(csv, describeEndpoint(this.endpoints.results));
  }

  /** Polls until every row has a verdict. */
  waitForCompletion(batchId: string, options?: PollOptions): Promise<CheckBatch> {
    return pollUntil(
      `check batch ${batchId}`,
      () => this.batch(batchId),
      (b) => b.done,
      (b) => ({ done: b.progress.total - b.progress.pending - b.progress.inProgress, total: b.progress.total }),
      options,
    );
  }
}
