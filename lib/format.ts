/** How plan facts read to people. Money has its own module (lib/money.ts). */

/** Formats a data allowance in MB for people: 500 MB, 1 GB, 2.5 GB, Unlimited. */
export function formatData(dataMb: number | null): string {
  if (dataMb === null) return "Unlimited";
  if (dataMb < 1024) return `${dataMb} MB`;
  const gb = dataMb / 1024;
  return `${Number.isInteger(gb) ? gb : gb.toFixed(1)} GB`;
}

export function formatDays(days: number): string {
  return `${days} ${days === 1 ? "day" : "days"}`;
}

/**
 * A provider's date (ISO date-time, or a bare YYYY-MM-DD, or free text such
 * as "2024-02-24(GMT+8)") as "24 Feb 2024"; text that is no date is shown as is.
 */
export function formatDate(value: string): string {
  const iso = /^\d{4}-\d{2}-\d{2}/.exec(value)?.[0];
  const date = iso ? new Date(`${iso}T00:00:00Z`) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" }).format(date);
}
