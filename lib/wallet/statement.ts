/** A customer's wallet statement for a date range, as CSV. */
import "server-only";
import { z } from "zod";
import { db } from "../db/client";
import type { WalletEntry } from "../generated/prisma/client";
import { exportCsv } from "../security/csv-export";

/** A year and a day covers any yearly statement, leap years included. */
export const STATEMENT_MAX_DAYS = 366;
const DAY_MS = 24 * 60 * 60 * 1000;

const isoDate = (label: string) =>
  z
    .string({ error: `Choose a ${label} date.` })
    .regex(/^\d{4}-\d{2}-\d{2}$/, { error: `The ${label} date must look like 2026-01-31.` })
    .refine(isCalendarDay, { error: `The ${label} date is not a real date.` });

/** Rejects 2026-02-30 whether the engine calls it invalid or rolls it over to March. */
function isCalendarDay(text: string): boolean {
  const day = dayStart(text);
  return !Number.isNaN(day.getTime()) && day.toISOString().startsWith(text);
}

/** Both dates inclusive, read as UTC days. */
export const StatementRangeSchema = z
  .object({ from: isoDate("start"), to: isoDate("end") })
  .refine(({ from, to }) => from <= to, { error: "The start date must be on or before the end date.", path: ["to"] })
  .refine(({ from, to }) => dayStart(to).getTime() - dayStart(from).getTime() < STATEMENT_MAX_DAYS * DAY_MS, {
    error: `A statement covers at most ${STATEMENT_MAX_DAYS} days.`,
    path: ["to"],
  });

export type StatementRange = z.infer<typeof StatementRangeSchema>;

function dayStart(isoDay: string): Date {
  return new Date(`${isoDay}T00:00:00Z`);
}

const HEADER = ["Date (UTC)", "Type", "Description", "Amount", "Balance after", "Currency", "Order", "Reason"];

export async function walletStatementCsv(userId: string, range: StatementRange): Promise<string> {
  const entries = await db().walletEntry.findMany({
    where: { userId, createdAt: { gte: dayStart(range.from), lt: new Date(dayStart(range.to).getTime() + DAY_MS) } },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  return toCsv([HEADER, ...entries.map(statementRow)]);
}

function statementRow(entry: WalletEntry): string[] {
  return [
    entry.createdAt.toISOString(),
    entry.kind,
    entry.description,
    decimal(entry.amountMinor, entry.currency),
    decimal(entry.balanceAfterMinor, entry.currency),
    entry.currency,
    entry.orderId ?? "",
    entry.reason ?? "",
  ];
}

/** A plain number a spreadsheet reads as one: -12.50, not ($12.50). */
function decimal(amountMinor: number, currency: string): string {
  const digits = new Intl.NumberFormat("en-US", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  const sign = amountMinor < 0 ? "-" : "";
  const units = Math.abs(amountMinor);
  if (digits === 0) return `${sign}${units}`;
  const scale = 10 ** digits;
  return `${sign}${Math.floor(units / scale)}.${String(units % scale).padStart(digits, "0")}`;
}

/** RFC 4180: CRLF line ends; fields quoted when they hold a quote, comma or line break; formulas neutralised (exportCsv). */
export function toCsv(rows: string[][]): string {
  return exportCsv(rows, { record_delimiter: "windows" });
}
