import { createHash, randomUUID } from "node:crypto";

/**
 * LPA checks as the worker pool would run them: rows finish one after the
 * other, `msPerRow` apart, so a batch moves from pending through
 * in_progress to its verdicts as simulator time passes.
 */

export type Verdict = "available" | "used" | "invalid" | "error" | "unknown";

export interface CheckRow {
  /** As submitted; null when only the LPA was given. */
  iccid: string | null;
  /** What the check reads off the profile. */
  checkedIccid: string;
  lpa: string;
  verdict: Verdict;
  reason: string;
  startAt: number;
  readyAt: number;
  refunded: boolean;
}

export interface CheckBatch {
  id: string;
  dealerId: string;
  label: string;
  createdAt: number;
  perRowCents: number;
  paidCents: number;
  rows: CheckRow[];
}

const LPA = /^LPA:1\$[^$\s]+\$[^$\s]+/;

const REASONS: Record<Verdict, string> = {
  available: "Profile downloadable",
  used: "Profile already installed on a device",
  invalid: "Activation code rejected by SM-DP+",
  error: "Device timed out during check",
  unknown: "SM-DP+ gave no definite answer",
};

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

/** A stable fake ICCID for an LPA the caller gave none for. */
export function iccidFor(lpa: string): string {
  const n = digest(lpa).readBigUInt64BE(0) % 10n ** 12n;
  return `8901410${n.toString().padStart(12, "0")}`;
}

export class CheckEngine {
  readonly batches = new Map<string, CheckBatch>();
  /** Verdicts tests pin by LPA or ICCID. */
  readonly forced = new Map<string, Verdict>();

  constructor(private readonly msPerRow: number) {}

  verdictFor(lpa: string, iccid?: string): Verdict {
    const forced = this.forced.get(lpa) ?? (iccid === undefined ? undefined : this.forced.get(iccid));
    if (forced) return forced;
    if (!LPA.test(lpa)) return "invalid";
    const roll = digest(lpa)[0]! % 100;
    if (roll < 5) return "error";
    if (roll < 10) return "invalid";
    if (roll < 13) return "unknown";
    if (roll < 55) return "used";
    return "available";
  }

  /** Queues a batch whose first row starts now. */
  create(input: {
    dealerId: string;
    label: string;
    perRowCents: number;
    rows: { iccid?: string; lpa: string }[];
    now: number;
  }): CheckBatch {
    const batch: CheckBatch = {
      id: randomUUID(),
      dealerId: input.dealerId,
      label: input.label,
      createdAt: input.now,
      perRowCents: input.perRowCents,
      paidCents: input.perRowCents * input.rows.length,
      rows: input.rows.map((row, i) => {
        const verdict = this.verdictFor(row.lpa, row.iccid);
        const startAt = input.now + i * this.msPerRow;
        return {
          iccid: row.iccid || null,
          checkedIccid: row.iccid || iccidFor(row.lpa),
          lpa: row.lpa,
          verdict,
          reason: LPA.test(row.lpa) ? REASONS[verdict] : "Malformed LPA",
          startAt,
          readyAt: startAt + this.msPerRow,
          refunded: false,
        };
      }),
    };
    this.batches.set(batch.id, batch);
    return batch;
  }

  rowStatus(row: CheckRow, now: number): Verdict | "pending" | "in_progress" {
    if (now >= row.readyAt) return row.verdict;
    return now >= row.startAt ? "in_progress" : "pending";
  }

  /** Error rows that have finished and were not refunded yet; marks them refunded. */
  takeRefundable(batch: CheckBatch, now: number): CheckRow[] {
    const rows = batch.rows.filter((r) => !r.refunded && r.verdict === "error" && now >= r.readyAt);
    for (const row of rows) row.refunded = true;
    return rows;
  }

  /** The documented `{ batch, progress }` poll body. */
  describe(batch: CheckBatch, now: number) {
    const progress = {
      total: batch.rows.length,
      pending: 0,
      in_progress: 0,
      used: 0,
      available: 0,
      invalid: 0,
      error_count: 0,
      unknown: 0,
    };
    for (const row of batch.rows) {
      const status = this.rowStatus(row, now);
      progress[status === "error" ? "error_count" : status]++;
    }
    const finishedAt = batch.rows.at(-1)?.readyAt ?? batch.createdAt;
    const refundedCents = batch.rows.filter((r) => r.refunded).length * batch.perRowCents;
    return {
      batch: {
        id: batch.id,
        label: batch.label,
        total_rows: batch.rows.length,
        started_at: new Date(batch.createdAt).toISOString(),
        completed_at: now >= finishedAt ? new Date(finishedAt).toISOString() : null,
        paid_total_usd: (batch.paidCents - refundedCents) / 100,
      },
      progress,
    };
  }

  /** The results CSV rows; unfinished ones read "pending", with only the ICCID the caller gave. */
  results(batch: CheckBatch, now: number): (string | null)[][] {
    return batch.rows.map((row) => {
      const status = this.rowStatus(row, now);
      const done = status !== "pending" && status !== "in_progress";
      return [
        done ? row.checkedIccid : row.iccid,
        row.lpa,
        status === "in_progress" ? "pending" : status,
        done ? row.reason : "",
        done ? new Date(row.readyAt).toISOString() : "",
      ];
    });
  }
}
