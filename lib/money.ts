/** Money is integer minor units everywhere; these are the only conversions to and from text. */

const fractionDigitsOf = (currency: string) =>
  new Intl.NumberFormat("en-US", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;

export function formatMoney(amountMinor: number, currency: string): string {
  const digits = fractionDigitsOf(currency);
  return new Intl.NumberFormat("en-US", { style: "currency", currency }).format(amountMinor / 10 ** digits);
}

/**
 * Parses what a person typed ("25", "25.5", "1,000.00", "$25") into minor
 * units, or null when it is not a plain non-negative amount with at most the
 * currency's decimals. No floating point is involved.
 */
export function parseMoneyInput(text: string, currency: string): number | null {
  const digits = fractionDigitsOf(currency);
  const cleaned = text.trim().replace(/^[$€£]/, "").replace(/,(?=\d{3}(\D|$))/g, "");
  const match = /^(\d{1,9})(?:\.(\d*))?$/.exec(cleaned);
  if (!match) return null;
  const [, whole = "0", frac = ""] = match;
  if (frac.length > digits) return null;
  return Number(whole) * 10 ** digits + Number(frac.padEnd(digits, "0") || "0");
}

/** Formats a data allowance in MB for people: 500 MB, 1 GB, 2.5 GB, Unlimited. */
export function formatData(dataMb: number | null): string {
  if (dataMb === null) return "Unlimited";
  if (dataMb < 1024) return `${dataMb} MB`;
  const gb = dataMb / 1024;
  return `${Number.isInteger(gb) ? gb : gb.toFixed(1)} GB`;
}
