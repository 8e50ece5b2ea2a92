import { describe, expect, it } from "vitest";
import {
  floorPriceMinor,
  grossMarginMinor,
  parsePercentInput,
  paymentFeeMinor,
  retailPriceMinor,
  roundUpToStep,
  storePriceMinor,
} from "@/lib/catalog/pricing";

const STRIPE = { basisPoints: 290, fixedMinor: 30 };

describe("rounding steps", () => {
  it.each([
    [607, 100, 699],
    [699, 100, 699],
    [700, 100, 799],
    [607, 50, 649],
    [651, 50, 699],
    [607, 10, 609],
    [610, 10, 619],
    [607, 1, 607],
    [0, 100, 99],
    [1207, 500, 1499],
  ])("rounds %i up with a step of %i to %i", (amount, step, rounded) => {
    expect(roundUpToStep(amount, step)).toBe(rounded);
  });

  it("gives the .99 price of retailPriceMinor with the default step", () => {
    expect(retailPriceMinor(449, 35)).toBe(699);
    expect(retailPriceMinor(449, 35, 50)).toBe(649);
    expect(retailPriceMinor(449, 35, 1)).toBe(607);
  });

  it("refuses a step below one cent", () => {
    expect(() => roundUpToStep(100, 0)).toThrow(RangeError);
  });
});

describe("the floor: wholesale plus the payment fee", () => {
  it("is the lowest price whose fee still leaves the wholesale cost, for every cent up to $50", () => {
    const wrong: number[] = [];
    for (let wholesale = 0; wholesale <= 5_000; wholesale++) {
      const floor = floorPriceMinor(wholesale, STRIPE);
      if (floor - paymentFeeMinor(floor, STRIPE) < wholesale || floor - 1 - paymentFeeMinor(floor - 1, STRIPE) >= wholesale)
        wrong.push(wholesale);
    }
    expect(wrong).toEqual([]);
  });

  it("sets the price when the markup would sell at a loss, and is marked", () => {
    // $1.00 at 0 %: the fee alone (2.9 % + 30¢) needs $1.34; rounded to the cent.
    expect(storePriceMinor(100, 0, { roundingStepMinor: 1, fee: STRIPE })).toEqual({ priceMinor: 134, floored: true });
    expect(grossMarginMinor(134, 100, STRIPE)).toBe(0);
    // At 35 % and .99 rounding the markup price is above the floor.
    expect(storePriceMinor(1000, 3500, { roundingStepMinor: 100, fee: STRIPE })).toEqual({ priceMinor: 1399, floored: false });
  });

  it("never prices below the floor, whatever the markup and step", () => {
    for (const step of [1, 10, 50, 100, 500])
      for (const markup of [0, 500, 3500])
        for (let wholesale = 0; wholesale <= 3_000; wholesale += 7) {
          const { priceMinor } = storePriceMinor(wholesale, markup, { roundingStepMinor: step, fee: STRIPE });
          expect(grossMarginMinor(priceMinor, wholesale, STRIPE)).toBeGreaterThanOrEqual(0);
        }
  });
});

describe("parsePercentInput", () => {
  it.each([
    ["35", 3500],
    ["33.3", 3330],
    ["12.50 %", 1250],
    ["0", 0],
    ["1000", 100_000],
  ])("reads %s as %i basis points", (text, basisPoints) => {
    expect(parsePercentInput(text)).toBe(basisPoints);
  });

  it.each(["", "-5", "1000.01", "3.333", "abc", "1e3"])("refuses %j", (text) => {
    expect(parsePercentInput(text)).toBeNull();
  });
});
