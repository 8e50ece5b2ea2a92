/**
 * Retail prices from wholesale costs, in integer cents only. Pure: the rules
 * (markup, rounding step, payment fee) come from lib/catalog/settings.ts,
 * which reads what the admin saved, so the pricing page's preview, the
 * catalog sync and the saved prices all compute the same numbers.
 */

/** What the card processor keeps of each payment: a share in basis points plus a fixed amount (Stripe: 2.9 % + 30¢). */
export interface PaymentFee {
  basisPoints: number;
  fixedMinor: number;
}

export interface PricingRules {
  /** Markup on wholesale in basis points (3500 = 35 %). */
  markupBasisPoints: number;
  /** Prices round up to the next multiple of this less one cent: 100 gives x.99, 50 gives x.49 or x.99, 1 leaves the cent. */
  roundingStepMinor: number;
  fee: PaymentFee;
}

/** The rounding steps an admin can choose from, with what prices then end in. */
export const ROUNDING_STEPS = [
  { value: 1, label: "the cent (no rounding)" },
  { value: 10, label: "…9 cents (12.39)" },
  { value: 50, label: ".49 or .99" },
  { value: 100, label: ".99" },
  { value: 500, label: "4.99 or 9.99" },
] as const;

function checkWholesale(wholesaleMinor: number): void {
  if (!Number.isInteger(wholesaleMinor) || wholesaleMinor < 0)
    throw new RangeError(`wholesale must be whole cents ≥ 0, got ${wholesaleMinor}`);
}

/** The smallest amount ≥ `amountMinor` that ends one cent below a multiple of `stepMinor` (the amount itself for a step of 1). */
export function roundUpToStep(amountMinor: number, stepMinor: number): number {
  if (!Number.isInteger(stepMinor) || stepMinor < 1) throw new RangeError(`a rounding step is whole cents ≥ 1, got ${stepMinor}`);
  return Math.ceil((amountMinor + 1) / stepMinor) * stepMinor - 1;
}

/** Wholesale with the markup, rounded up to a whole cent. Basis points keep a fractional markup (33.3 %) in integers. */
function markedUpMinor(wholesaleMinor: number, markupBasisPoints: number): number {
  return Math.floor((wholesaleMinor * (10_000 + markupBasisPoints) + 9_999) / 10_000);
}

/**
 * Retail price from the wholesale cost: markup applied, then rounded up to the
 * step (by default the next price ending in .99: 4.49 at 35% → 6.07 → 6.99).
 */
export function retailPriceMinor(wholesaleMinor: number, markupPercent: number, roundingStepMinor = 100): number {
  checkWholesale(wholesaleMinor);
  return roundUpToStep(markedUpMinor(wholesaleMinor, Math.round(markupPercent * 100)), roundingStepMinor);
}

/** What the processor keeps of a payment of `priceMinor`, rounded up to the cent (the store's side of caution). */
export function paymentFeeMinor(priceMinor: number, fee: PaymentFee): number {
  return Math.ceil((priceMinor * fee.basisPoints) / 10_000) + fee.fixedMinor;
}

/** The lowest price that still covers wholesale plus the payment fee taken from that price. */
export function floorPriceMinor(wholesaleMinor: number, fee: PaymentFee): number {
  checkWholesale(wholesaleMinor);
  // price − ⌈price × bp / 10 000⌉ − fixed ≥ wholesale; solve, then step up past any rounding of the fee.
  let price = Math.ceil(((wholesaleMinor + fee.fixedMinor) * 10_000) / (10_000 - fee.basisPoints));
  while (price - paymentFeeMinor(price, fee) < wholesaleMinor) price++;
  return price;
}

export interface PriceQuote {
  priceMinor: number;
  /** True when the markup alone would have sold below wholesale plus the fee, so the floor set the price. */
  floored: boolean;
}

/** The store's price for a plan under these rules: the marked-up price, never below the floor, rounded to the step. */
export function storePriceMinor(
  wholesaleMinor: number,
  markupBasisPoints: number,
  rules: Omit<PricingRules, "markupBasisPoints">,
): PriceQuote {
  checkWholesale(wholesaleMinor);
  const marked = roundUpToStep(markedUpMinor(wholesaleMinor, markupBasisPoints), rules.roundingStepMinor);
  const floor = roundUpToStep(floorPriceMinor(wholesaleMinor, rules.fee), rules.roundingStepMinor);
  return { priceMinor: Math.max(marked, floor), floored: floor > marked };
}

/** What the store keeps of a sale: the price less wholesale and the payment fee. */
export function grossMarginMinor(priceMinor: number, wholesaleMinor: number, fee: PaymentFee): number {
  return priceMinor - wholesaleMinor - paymentFeeMinor(priceMinor, fee);
}

/** Most markup an admin may set: 1000 %, as CATALOG_MARKUP_PERCENT allows. */
export const MAX_MARKUP_BASIS_POINTS = 100_000;

/** "35", "33.3", "12.50 %" → basis points (3500, 3330, 1250); null for anything else or above the maximum. No floating point. */
export function parsePercentInput(text: string): number | null {
  const match = /^\s*(\d{1,4})(?:\.(\d{1,2}))?\s*%?\s*$/.exec(text);
  if (!match) return null;
  const basisPoints = Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0"));
  return basisPoints <= MAX_MARKUP_BASIS_POINTS ? basisPoints : null;
}

/** 3500 → "35", 3330 → "33.3". */
export function formatPercent(basisPoints: number): string {
  return String(basisPoints / 100);
}
