/**
 * Retail price from the wholesale cost: markup applied, then rounded up to the
 * next price ending in .99 (4.49 at 35% → 6.07 → 6.99). Integer cents only.
 */
export function retailPriceMinor(wholesaleMinor: number, markupPercent: number): number {
  if (!Number.isInteger(wholesaleMinor) || wholesaleMinor < 0)
    throw new RangeError(`wholesale must be whole cents ≥ 0, got ${wholesaleMinor}`);
  // Basis points keep a fractional markup (33.3 %) in integers: no float can round a cent up.
  const markupBasisPoints = Math.round(markupPercent * 100);
  const scaled = wholesaleMinor * (10_000 + markupBasisPoints);
  const marked = Math.floor((scaled + 9_999) / 10_000);
  const dollars = Math.floor(marked / 100);
  const candidate = dollars * 100 + 99;
  return candidate >= marked ? candidate : candidate + 100;
}
