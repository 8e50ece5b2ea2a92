import { describe, expect, it } from "vitest";
import { parseFaceValue, parsePhoneNumber, parseSimSerial } from "@/lib/topup/input";
import { expectedChargeUsdMinor, parseUsdRates, quoteTopup } from "@/lib/topup/pricing";

describe("mobile top-up input", () => {
  it("reads phone numbers as E.164, as MeiSIM's contactNumber example", () => {
    expect(parsePhoneNumber(" +44 (7700) 900-000 ")).toEqual({ ok: true, value: "+447700900000" });
    expect(parsePhoneNumber("0044 7700 900000")).toEqual({ ok: true, value: "+447700900000" });
    for (const bad of ["07700900000", "+0447700900000", "+44", "+44 7700 900000 1234 5", "+44abc", ""]) {
      expect(parsePhoneNumber(bad).ok, bad).toBe(false);
    }
  });

  it("reads SIM serials as ICCIDs: 18 to 22 digits from 89", () => {
    expect(parseSimSerial("8944 0000 0000 0000 001f")).toEqual({ ok: true, value: "8944000000000000001F" });
    for (const bad of ["1234", "8944000000000000", "7944000000000000000", "89440000000000000000000", ""]) {
      expect(parseSimSerial(bad).ok, bad).toBe(false);
    }
  });

  it("takes whole face values within the network's limits, in minor units", () => {
    const limits = { currency: "GBP", min: 5, max: 50 };
    expect(parseFaceValue("20", limits)).toEqual({ ok: true, value: 2000 });
    expect(parseFaceValue("500", { currency: "JPY", min: 100, max: 5000 })).toEqual({ ok: true, value: 500 });
    for (const bad of ["4", "51", "20.5", "-5", "", "1e3"]) expect(parseFaceValue(bad, limits).ok, bad).toBe(false);
  });
});

describe("mobile top-up pricing", () => {
  it("expects MeiSIM's charge from the rate and the dealer markup, in whole cents rounded up, without floating point", () => {
    // £20 × 1.27 × 1.15 = $29.21 exactly.
    expect(expectedChargeUsdMinor({ faceValueMinor: 2000, faceCurrency: "GBP", usdRate: "1.27", dealerMarkupPercent: 15 })).toBe(2921);
    // 100 MXN × 0.058 = $5.80; × 1.15 = 6.67 exactly.
    expect(expectedChargeUsdMinor({ faceValueMinor: 10000, faceCurrency: "MXN", usdRate: "0.058", dealerMarkupPercent: 15 })).toBe(667);
    // ¥1000 × 0.0067 = $6.70 (JPY has no minor unit); a fraction of a cent rounds up.
    expect(expectedChargeUsdMinor({ faceValueMinor: 1001, faceCurrency: "JPY", usdRate: "0.0067", dealerMarkupPercent: 0 })).toBe(671);
  });

  it("prices with the catalog's rule: markup, then up to the next .99", () => {
    expect(quoteTopup({ faceValueMinor: 2000, faceCurrency: "GBP", usdRate: "1.27", dealerMarkupPercent: 15 }, 10)).toEqual({
      costEstimateMinor: 2921,
      amountMinor: 3299,
    });
  });

  it("reads the configured rates", () => {
    expect([...parseUsdRates("usd=1, GBP=1.27,EUR=1.08")]).toEqual([
      ["USD", "1"],
      ["GBP", "1.27"],
      ["EUR", "1.08"],
    ]);
  });
});
