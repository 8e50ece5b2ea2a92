/**
 * What a mobile top-up costs. MeiSIM charges the dealer wallet (USD) for
 * the face value (in the network's currency) at its rate plus the dealer
 * markup its wallet reports; the store's price is that expected charge with
 * the top-up markup, by the catalog's rule (up to the next .99). Integers
 * only: rates are held in millionths and the products in BigInt.
 */
import { retailPriceMinor } from "../catalog/pricing";
import { minorPerUnit } from "./input";

/** USD per unit of each currency, read from "GBP=1.27,EUR=1.08" (TOPUP_USD_RATES). */
export function parseUsdRates(text: string): ReadonlyMap<string, string> {
  return new Map(
    text
      .split(",")
      .map((pair) => pair.trim().split("="))
      .map(([code, rate]) => [code!.trim().toUpperCase(), rate!.trim()] as const),
  );
}

/** A decimal rate ("1.27") in millionths (1_270_000), without floating point. */
function rateInMillionths(rate: string): bigint {
  const [whole = "0", frac = ""] = rate.split(".");
  return BigInt(whole) * 1_000_000n + BigInt(frac.slice(0, 6).padEnd(6, "0"));
}

export interface TopupCostInput {
  faceValueMinor: number;
  faceCurrency: string;
  /** USD per unit of faceCurrency, as configured ("1.27"). */
  usdRate: string;
  /** The dealer markup MeiSIM's wallet reports (15 for 15 %). */
  dealerMarkupPercent: number;
}

/** What MeiSIM is expected to take from the dealer wallet, in US cents, rounded up. */
export function expectedChargeUsdMinor(input: TopupCostInput): number {
  const markupBasisPoints = BigInt(Math.round(input.dealerMarkupPercent * 100));
  // face (minor) / minorPerUnit × rate × 100 cents × (1 + markup)
  const numerator = BigInt(input.faceValueMinor) * rateInMillionths(input.usdRate) * 100n * (10_000n + markupBasisPoints);
  const denominator = BigInt(minorPerUnit(input.faceCurrency)) * 1_000_000n * 10_000n;
  return Number((numerator + denominator - 1n) / denominator);
}

export interface TopupQuote {
  costEstimateMinor: number;
  /** What the customer pays, in the store currency (USD: MeiSIM charges in USD). */
  amountMinor: number;
}

export function quoteTopup(input: TopupCostInput, markupPercent: number): TopupQuote {
  const costEstimateMinor = expectedChargeUsdMinor(input);
  return { costEstimateMinor, amountMinor: retailPriceMinor(costEstimateMinor, markupPercent) };
}
