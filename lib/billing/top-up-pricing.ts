/**
 * What a wallet top-up costs. Pure, so the top-up form previews exactly the
 * figures the server charges.
 */
import { formatMoney, parseMoneyInput } from "../money";

export interface TopUpFee {
  /** Percent of the credit, e.g. 2.9; at most two decimals count. */
  percent: number;
  fixedMinor: number;
}

export interface TopUpLimits {
  minMinor: number;
  maxMinor: number;
  currency: string;
}

export interface TopUpQuote {
  /** What lands in the wallet. */
  creditMinor: number;
  feeMinor: number;
  /** What the card is charged. */
  totalMinor: number;
}

/**
 * The fee goes on top of the credit, so the customer's wallet gets exactly
 * the amount they typed. Percent is taken in basis points and rounded half
 * up to the minor unit, in integers: 2.9% of $10.00 is 29 cents, not the
 * 30 that floating point (1000 * 2.9 / 100 = 29.000000000000004) would round up to.
 */
export function quoteTopUp(creditMinor: number, fee: TopUpFee): TopUpQuote {
  const basisPoints = Math.round(fee.percent * 100);
  const percentFee = Math.floor((creditMinor * basisPoints + 5_000) / 10_000);
  const feeMinor = percentFee + fee.fixedMinor;
  return { creditMinor, feeMinor, totalMinor: creditMinor + feeMinor };
}

export function hasFee(fee: TopUpFee): boolean {
  return fee.percent > 0 || fee.fixedMinor > 0;
}

export type TopUpAmountResult = { ok: true; creditMinor: number } | { ok: false; error: string };

const rangeText = (limits: TopUpLimits) =>
  `between ${formatMoney(limits.minMinor, limits.currency)} and ${formatMoney(limits.maxMinor, limits.currency)}`;

/** Why an amount in minor units is not an allowed top-up, or null when it is. */
export function topUpLimitError(creditMinor: number, limits: TopUpLimits): string | null {
  if (Number.isSafeInteger(creditMinor) && creditMinor >= limits.minMinor && creditMinor <= limits.maxMinor) return null;
  return `Top-ups must be ${rangeText(limits)}.`;
}

/** Reads the amount a customer typed and holds it to the configured limits. */
export function parseTopUpAmount(text: string, limits: TopUpLimits): TopUpAmountResult {
  if (text.trim() === "") return { ok: false, error: `Enter an amount ${rangeText(limits)}.` };
  const creditMinor = parseMoneyInput(text, limits.currency);
  if (creditMinor === null) return { ok: false, error: `“${text.trim()}” is not an amount. Enter something like 25 or 25.50.` };
  const error = topUpLimitError(creditMinor, limits);
  return error ? { ok: false, error } : { ok: true, creditMinor };
}
