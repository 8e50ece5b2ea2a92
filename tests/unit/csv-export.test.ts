/**
 * Every CSV the app hands people goes through exportCsv: whatever text a
 * customer, a provider or an admin put in a cell, a spreadsheet opening the
 * file reads text, never a formula.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseCsv } from "@/lib/providers/meisim/csv";
import { exportCsv, neutraliseFormula } from "@/lib/security/csv-export";

const FORMULA_STARTS = ["=", "+", "-", "@", "\t", "\r", "\uFF1D", "\uFF0B", "\uFF0D", "\uFF20"];
const signedDecimal = (s: string) => /^[+-]?\d+(\.\d+)?$/.test(s);

/** Text biased towards the characters that matter: formula starts, quotes, separators, line breaks. */
const cell = fc.oneof(
  fc.string(),
  fc.tuple(fc.constantFrom(...FORMULA_STARTS), fc.string()).map(([start, rest]) => start + rest),
  fc.stringMatching(/^[=+\-@"\t\r\n,;A-Z0-9()]{0,12}$/),
);

describe("exportCsv", () => {
  it("gives back every cell as it was, except that a would-be formula starts with an apostrophe", () => {
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 2, maxLength: 4 }), { minLength: 1, maxLength: 5 }), (rows) => {
        const read = parseCsv(exportCsv(rows));
        expect(read).toHaveLength(rows.length);
        read.forEach((row, r) =>
          row.forEach((value, c) => {
            const written = rows[r]![c]!;
            const dangerous = FORMULA_STARTS.some((start) => written.startsWith(start)) && !signedDecimal(written);
            expect(value).toBe(dangerous ? `'${written}` : written);
            // What a spreadsheet sees first in the cell is never the start of a formula, unless it is a plain number.
            if (!signedDecimal(value)) expect(FORMULA_STARTS.some((start) => value.startsWith(start))).toBe(false);
          }),
        );
      }),
      { numRuns: 500 },
    );
  });

  it("neutralises the known injection payloads and leaves amounts as numbers", () => {
    expect(neutraliseFormula('=HYPERLINK("http://evil.example","x")')).toBe(`'=HYPERLINK("http://evil.example","x")`);
    expect(neutraliseFormula("@SUM(1+1)*cmd|' /C calc'!A0")).toBe("'@SUM(1+1)*cmd|' /C calc'!A0");
    expect(neutraliseFormula("-2+3+cmd|' /C calc'!A0")).toBe("'-2+3+cmd|' /C calc'!A0");
    expect(neutraliseFormula("\t=1")).toBe("'\t=1");
    expect(neutraliseFormula("-12.50")).toBe("-12.50");
    expect(neutraliseFormula("Jane =1")).toBe("Jane =1");
    expect(exportCsv([["a", -5, 3]], {})).toBe("a,-5,3\n");
  });
});
