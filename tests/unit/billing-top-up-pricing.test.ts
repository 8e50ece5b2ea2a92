import { describe, expect, it } from "vitest";
import { hasFee, parseTopUpAmount, quoteTopUp, topUpLimitError } from "@/lib/billing/top-up-pricing";

const limits = { minMinor: 1000, maxMinor: 100_000, currency: "USD" };

describe("quoteTopUp", () => {
  it("adds no fee when none is configured", () => {
    expect(quoteTopUp(2500, { percent: 0, fixedMinor: 0 })).toEqual({ creditMinor: 2500, feeMinor: 0, totalMinor: 2500 });
  });

  it("puts percent plus fixed on top of the credit", () => {
    expect(quoteTopUp(2500, { percent: 2.9, fixedMinor: 30 })).toEqual({ creditMinor: 2500, feeMinor: 103, totalMinor: 2603 });
  });

  it("rounds the percentage half up to the cent", () => {
    expect(quoteTopUp(1050, { percent: 1, fixedMinor: 0 }).feeMinor).toBe(11); // 10.5
    expect(quoteTopUp(1049, { percent: 1, fixedMinor: 0 }).feeMinor).toBe(10); // 10.49
    expect(quoteTopUp(1234, { percent: 2.5, fixedMinor: 0 }).feeMinor).toBe(31); // 30.85
  });

  it("does not inherit floating-point error from the percentage", () => {
    // 1000 * 2.9 / 100 is 29.000000000000004 in floating point.
    expect(quoteTopUp(1000, { percent: 2.9, fixedMinor: 0 }).feeMinor).toBe(29);
    expect(quoteTopUp(100_000, { percent: 0.1, fixedMinor: 0 }).feeMinor).toBe(100);
  });

  it("charges a fixed-only fee as is", () => {
    expect(quoteTopUp(5000, { percent: 0, fixedMinor: 50 })).toEqual({ creditMinor: 5000, feeMinor: 50, totalMinor: 5050 });
  });

  it("says whether any fee applies", () => {
    expect(hasFee({ percent: 0, fixedMinor: 0 })).toBe(false);
    expect(hasFee({ percent: 0.5, fixedMinor: 0 })).toBe(true);
    expect(hasFee({ percent: 0, fixedMinor: 1 })).toBe(true);
  });
});

describe("parseTopUpAmount", () => {
  it.each([
    ["25", 2500],
    ["25.5", 2550],
    ["$1,000.00", 100_000],
    [" 10 ", 1000],
  ])("reads %j as %i cents", (text, creditMinor) => {
    expect(parseTopUpAmount(text, limits)).toEqual({ ok: true, creditMinor });
  });

  it.each([
    ["", "Enter an amount between $10.00 and $1,000.00."],
    ["9.99", "Top-ups must be between $10.00 and $1,000.00."],
    ["1000.01", "Top-ups must be between $10.00 and $1,000.00."],
    ["-25", "“-25” is not an amount. Enter something like 25 or 25.50."],
    ["25.001", "“25.001” is not an amount. Enter something like 25 or 25.50."],
    ["ten", "“ten” is not an amount. Enter something like 25 or 25.50."],
    ["1e3", "“1e3” is not an amount. Enter something like 25 or 25.50."],
  ])("refuses %j: %s", (text, error) => {
    expect(parseTopUpAmount(text, limits)).toEqual({ ok: false, error });
  });

  it("follows the configured limits", () => {
    expect(parseTopUpAmount("5", { ...limits, minMinor: 500 })).toEqual({ ok: true, creditMinor: 500 });
    expect(parseTopUpAmount("50", { ...limits, maxMinor: 2000 })).toEqual({
      ok: false,
      error: "Top-ups must be between $10.00 and $20.00.",
    });
  });
});

describe("topUpLimitError", () => {
  it("accepts whole cents inside the limits, the limits included", () => {
    expect([1000, 2500, 100_000].map((n) => topUpLimitError(n, limits))).toEqual([null, null, null]);
  });

  it("refuses fractions of a cent and amounts outside the limits", () => {
    for (const n of [999, 100_001, 2500.5, Number.NaN]) expect(topUpLimitError(n, limits)).toMatch(/^Top-ups must be between/);
  });
});
