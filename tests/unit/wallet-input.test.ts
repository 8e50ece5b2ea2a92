import { describe, expect, it } from "vitest";
import { AdjustmentSchema, parseSignedMoneyInput } from "@/lib/wallet/adjustments";
import { StatementRangeSchema, toCsv } from "@/lib/wallet/statement";

describe("parseSignedMoneyInput", () => {
  it.each([
    ["25", 2500],
    ["+25", 2500],
    ["-12.50", -1250],
    ["− 3", -300],
    ["-$1,000", -100_000],
  ])("reads %j as %i", (text, minor) => {
    expect(parseSignedMoneyInput(text, "USD")).toBe(minor);
  });

  it.each(["", "-", "--5", "5-", "abc", "1.005"])("refuses %j", (text) => {
    expect(parseSignedMoneyInput(text, "USD")).toBeNull();
  });
});

describe("AdjustmentSchema", () => {
  const valid = { userId: "user_1", amountMinor: -500, reason: "Reversing a duplicate credit" };

  it("accepts a signed amount with a reason, trimming the reason", () => {
    expect(AdjustmentSchema.parse({ ...valid, reason: "  Goodwill credit  " }).reason).toBe("Goodwill credit");
  });

  it.each([
    [{ reason: "" }, "reason", "Say why you are adjusting this wallet (at least 5 characters)."],
    [{ reason: "x".repeat(501) }, "reason", "Keep the reason under 500 characters."],
    [{ amountMinor: 0 }, "amountMinor", "An adjustment cannot be zero."],
    [{ amountMinor: 10_000_001 }, "amountMinor", "That adjustment is larger than an admin may make at once."],
    [{ amountMinor: 1.5 }, "amountMinor", undefined],
    [{ userId: " " }, "userId", "Choose a customer."],
  ])("refuses %j", (change, field, message) => {
    const result = AdjustmentSchema.safeParse({ ...valid, ...change });
    expect(result.success).toBe(false);
    const issue = result.error!.issues.find((i) => i.path[0] === field);
    expect(issue).toBeDefined();
    if (message) expect(issue!.message).toBe(message);
  });
});

describe("StatementRangeSchema", () => {
  it("accepts a range of real days, a single day included", () => {
    expect(StatementRangeSchema.parse({ from: "2026-03-01", to: "2026-03-31" })).toEqual({ from: "2026-03-01", to: "2026-03-31" });
    expect(StatementRangeSchema.safeParse({ from: "2024-02-29", to: "2024-02-29" }).success).toBe(true);
  });

  it.each([
    [{ from: "2026-3-1", to: "2026-03-31" }, "The start date must look like 2026-01-31."],
    [{ from: "2026-02-30", to: "2026-03-31" }, "The start date is not a real date."],
    [{ from: "2026-03-01", to: "2026-13-01" }, "The end date is not a real date."],
    [{ from: "2026-03-31", to: "2026-03-01" }, "The start date must be on or before the end date."],
    [{ from: "2025-01-01", to: "2026-01-02" }, "A statement covers at most 366 days."],
    [{ to: "2026-03-01" }, "Choose a start date."],
  ])("refuses %j", (input, message) => {
    const result = StatementRangeSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.message)).toContain(message);
  });

  it("allows a full leap year", () => {
    expect(StatementRangeSchema.safeParse({ from: "2024-01-01", to: "2024-12-31" }).success).toBe(true);
  });
});

describe("toCsv", () => {
  it("quotes only what needs it and doubles quotes", () => {
    expect(toCsv([["plain", "with, comma", 'say "hi"', "two\nlines", "cr\rhere"]])).toBe(
      'plain,"with, comma","say ""hi""","two\nlines","cr\rhere"\r\n',
    );
  });

  it("defuses spreadsheet formulas in text but keeps signed numbers as numbers", () => {
    expect(toCsv([["=1+1", "+cmd", "@SUM(A1)", "-x", "-12.50", "+3", "\tTab"]])).toBe("'=1+1,'+cmd,'@SUM(A1),'-x,-12.50,+3,'\tTab\r\n");
  });
});
