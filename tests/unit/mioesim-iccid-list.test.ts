/** Reading the ICCID list an admin pastes or uploads for a batch status query. */
import { describe, expect, it } from "vitest";
import { ICCID_BATCH_MAX, iccidListProblem, parseIccidList } from "@/lib/admin/mioesim-tools";

const A = "934801019851134300"; // the documents' example, 18 digits
const B = "8985202123456000001";
const C = "89852021234560000012";

describe("parseIccidList", () => {
  it("reads lines, commas, semicolons, tabs and spaces, drops repeats and keeps the order given", () => {
    expect(parseIccidList(`${B}\n${A}, ${C}\r\n\n${B};${A}\t${C}`)).toEqual({
      iccids: [B, A, C],
      duplicates: 3,
      invalid: [],
      invalidCount: 0,
    });
  });

  it("reads only the iccid column of a CSV file with a header, quotes stripped", () => {
    const list = parseIccidList(`"note","ICCID"\n"first card","${A}"\n,"${B}"\n`);
    expect(list.iccids).toEqual([A, B]);
    expect(list.invalidCount).toBe(0);
  });

  it("reports what is not an ICCID, with its line, and refuses the list", () => {
    const list = parseIccidList(`${A}\n8985-2021\n${B}x\n12345678901234567890123\nabc`);
    expect(list.invalid).toEqual(['line 2: "8985-2021"', `line 3: "${B}x"`, 'line 4: "12345678901234567890123"', 'line 5: "abc"']);
    expect(iccidListProblem(list)).toMatch(/^Not ICCIDs \(18 to 20 digits\): line 2/);
  });

  it("lists the first five bad entries and counts the rest", () => {
    const list = parseIccidList(Array.from({ length: 8 }, (_, i) => `bad${i}`).join("\n"));
    expect(list.invalid).toHaveLength(5);
    expect(iccidListProblem(list)).toMatch(/and 3 more\./);
  });

  it("refuses an empty list and one larger than a batch", () => {
    expect(iccidListProblem(parseIccidList("\n iccid \n"))).toMatch(/at least one ICCID/);
    const many = Array.from({ length: ICCID_BATCH_MAX + 1 }, (_, i) => `89852${String(i).padStart(14, "0")}`).join("\n");
    expect(iccidListProblem(parseIccidList(many))).toMatch(/more than one batch takes/);
    expect(iccidListProblem(parseIccidList(A))).toBeNull();
  });
});
