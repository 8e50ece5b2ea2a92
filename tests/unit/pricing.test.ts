import { describe, expect, it } from "vitest";
import { retailPriceMinor } from "@/lib/catalog/pricing";

describe("retailPriceMinor", () => {
  it.each([
    // [wholesale, markup %, retail]: markup, then up to the next price ending in .99.
    [449, 35, 699], // 6.0615 → 6.07 → 6.99 (the module's own example)
    [0, 35, 99],
    [99, 0, 99], // already ends in .99
    [100, 0, 199], // 1.00 is past 0.99, so 1.99
    [199, 0, 199],
    [200, 0, 299],
    [1000, 12.5, 1199], // fractional markups are allowed by CATALOG_MARKUP_PERCENT
    [1480, 35, 1999], // 19.98 → 19.99
    [1481, 35, 2099], // 19.9935 → 20.00 → 20.99
  ])("prices %i at %d%% markup as %i", (wholesale, markup, retail) => {
    expect(retailPriceMinor(wholesale, markup)).toBe(retail);
  });

  it("is the smallest price ending in .99 that covers the marked-up cost, for every cent up to $100", () => {
    const wrong: string[] = [];
    for (const markup of [0, 10, 35, 100]) {
      for (let wholesale = 0; wholesale <= 10_000; wholesale++) {
        // The marked-up cost rounded up to a cent, in integer arithmetic (whole-percent markups).
        const product = wholesale * (100 + markup);
        const marked = (product - (product % 100)) / 100 + (product % 100 === 0 ? 0 : 1);
        const retail = retailPriceMinor(wholesale, markup);
        if (retail % 100 !== 99 || retail < marked || retail - marked >= 100) wrong.push(`${wholesale} at ${markup}% → ${retail}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("rounds exactly with a fractional markup (no floating-point cent)", () => {
    // $30.00 at 33.3% is exactly $39.99; 3000 × 133.3 / 100 in floating point is 3999.0000000000005, which must not round up to $40.
    expect(retailPriceMinor(3000, 33.3)).toBe(3999);
  });

  it.each([4.5, -1, Number.NaN, Number.POSITIVE_INFINITY])("refuses a wholesale of %d", (wholesale) => {
    expect(() => retailPriceMinor(wholesale, 35)).toThrow(RangeError);
  });
});
