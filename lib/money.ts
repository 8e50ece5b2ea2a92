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
  const cleaned = text
    .trim()
    .replace(/^[$€£]/, "")
    .replace(/,(?=\d{3}(\D|$))/g, "");
  const match = /^(\d{1,9})(?:\.(\d*))?$/.exec(cleaned);
  if (!match) return null;
  const [, whole = "0", frac = ""] = match;
  if (frac.length > digits) return null;
  return Number(whole) * 10 ** digits + Number(frac.padEnd(digits, "0") || "0");
}
