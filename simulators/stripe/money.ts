/** Stripe amounts are integers in the currency's minor unit (cents, or whole yen). */
export function formatAmount(minorUnits: number, currency: string): string {
  const format = new Intl.NumberFormat("en-US", { style: "currency", currency: currency.toUpperCase() });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minorUnits / 10 ** digits);
}

export function isSupportedCurrency(currency: string): boolean {
  return /^[a-z]{3}$/.test(currency) && Intl.supportedValuesOf("currency").includes(currency.toUpperCase());
}
