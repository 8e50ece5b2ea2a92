import { describe, expect, it } from "vitest";
import { formatData, formatDate, formatDays } from "@/lib/format";
import { formatMoney, parseMoneyInput } from "@/lib/money";

describe("parseMoneyInput", () => {
  it.each([
    ["25", "USD", 2500],
    ["25.5", "USD", 2550],
    ["25.50", "USD", 2550],
    ["0.05", "USD", 5],
    ["0", "USD", 0],
    ["7.", "USD", 700],
    ["  12.34  ", "USD", 1234],
    ["$25", "USD", 2500],
    ["€9.99", "EUR", 999],
    ["£1,000", "GBP", 100_000],
    ["1,000.00", "USD", 100_000],
    ["12,345,678.90", "USD", 1_234_567_890],
    ["999999999", "USD", 99_999_999_900],
    // Zero-decimal and three-decimal currencies scale by their own minor unit.
    ["500", "JPY", 500],
    ["1,000", "JPY", 1000],
    ["1.5", "BHD", 1500],
    ["1.234", "BHD", 1234],
  ])("reads %j in %s as %i minor units", (text, currency, minor) => {
    expect(parseMoneyInput(text, currency)).toBe(minor);
  });

  it.each([
    ["", "USD"],
    ["   ", "USD"],
    ["abc", "USD"],
    ["12a", "USD"],
    ["1e3", "USD"],
    ["-5", "USD"],
    ["+5", "USD"],
    ["-$5", "USD"],
    ["25.505", "USD"],
    [".5", "USD"],
    ["1.2.3", "USD"],
    // A decimal comma must not be read as a thousands separator (25,5 is not 255.00).
    ["25,5", "USD"],
    ["1,00", "USD"],
    ["1,0000", "USD"],
    ["1000000000", "USD"],
    ["500.5", "JPY"],
    ["500.00", "JPY"],
    ["1.2345", "BHD"],
  ])("refuses %j in %s", (text, currency) => {
    expect(parseMoneyInput(text, currency)).toBeNull();
  });
});

describe("formatMoney", () => {
  it.each([
    [2500, "USD", "$25.00"],
    [1, "USD", "$0.01"],
    [0, "GBP", "£0.00"],
    [123_456_789, "USD", "$1,234,567.89"],
    [-250, "USD", "-$2.50"],
    [999, "EUR", "€9.99"],
    [500, "JPY", "¥500"],
  ])("shows %i %s as %j", (minor, currency, text) => {
    expect(formatMoney(minor, currency)).toBe(text);
  });

  it("shows a three-decimal currency's minor units (ICU separates the code with a no-break space)", () => {
    expect(formatMoney(1500, "BHD")).toMatch(/^BHD\s1\.500$/);
  });

  it.each(["USD", "EUR", "GBP"])("reads back what it wrote in %s", (currency) => {
    for (const minor of [0, 1, 99, 100, 12_345, 100_000_00]) expect(parseMoneyInput(formatMoney(minor, currency), currency)).toBe(minor);
  });
});

describe("plan facts", () => {
  it.each([
    [null, "Unlimited"],
    [0, "0 MB"],
    [500, "500 MB"],
    [1023, "1023 MB"],
    [1024, "1 GB"],
    [1536, "1.5 GB"],
    [2560, "2.5 GB"],
    [20 * 1024, "20 GB"],
  ])("formatData(%j) is %j", (mb, text) => {
    expect(formatData(mb)).toBe(text);
  });

  it("counts days in words", () => {
    expect([formatDays(1), formatDays(7), formatDays(30)]).toEqual(["1 day", "7 days", "30 days"]);
  });

  it.each([
    ["2024-02-24", "24 Feb 2024"],
    ["2024-02-24(GMT+8)", "24 Feb 2024"],
    ["2024-02-24T15:59:59.000Z", "24 Feb 2024"],
    ["within 30 days", "within 30 days"],
  ])("formatDate(%j) is %j", (value, text) => {
    expect(formatDate(value)).toBe(text);
  });
});
