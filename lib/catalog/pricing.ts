/**
 * Retail price from the wholesale cost: markup applied, then rounded up to the
 * next price ending in .99 (4.49 at 35% → 6.07 → 6.99). Integer cents only.
 */
export function retailPriceMinor(wholesaleMinor: number, markupPercent: number): number {
  if (!Number.isInteger(wholesaleMinor) || wholesaleMinor < 0) throw new RangeError(`wholesale must be whole cents ≥ 0, got ${wholesaleMinor}`);
  const marked = Math.ceil((wholesaleMinor * (100 + markupPercent)) / 100);
  const dollars = Math.floor(marked / 100);
  const candidate = dollars * 100 + 99;
  return candidate >= marked ? candidate : candidate + 100;
}
