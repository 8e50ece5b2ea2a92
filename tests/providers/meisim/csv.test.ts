import { describe, expect, it } from "vitest";
import { parseCsv, toCsv } from "@/lib/providers/meisim";
import { SlidingWindow } from "@/lib/providers/meisim/sliding-window";

describe("parseCsv", () => {
  it("splits plain records and skips blank lines", () => {
    expect(parseCsv("a,b,c\n1,2,3\n\n4,,6\n")).toEqual([
      ["a", "b", "c"],
      ["1", "2", "3"],
      ["4", "", "6"],
    ]);
  });

  it("keeps commas, doubled quotes and line breaks inside quoted fields", () => {
    const text = 'name,note\n"Doe, Jane","said ""hi""\nthen left"\n"",x';
    expect(parseCsv(text)).toEqual([
      ["name", "note"],
      ["Doe, Jane", 'said "hi"\nthen left'],
      ["", "x"],
    ]);
  });

  it("accepts CRLF line ends, a byte-order mark and a missing final newline", () => {
    expect(parseCsv('\uFEFFa,b\r\n"1",2\r\n3,"4"')).toEqual([
      ["a", "b"],
      ["1", "2"],
      ["3", "4"],
    ]);
  });

  it("keeps a trailing empty field", () => {
    expect(parseCsv("a,b,\n")).toEqual([["a", "b", ""]]);
  });

  it("rejects a quote that never closes or text glued after a closing quote", () => {
    expect(() => parseCsv('a,"open\nstill open')).toThrow(/never closes/);
    expect(() => parseCsv('"closed"junk,b')).toThrow(/after a closing quote/);
  });

  it("round-trips awkward values through toCsv", () => {
    const records = [
      ["plain", 'with "quotes"', "comma, inside", "line\nbreak", " padded ", ""],
      ["LPA:1$smdp.example$CODE", "-6.50", "", "x", "y", "z"],
    ];
    expect(parseCsv(toCsv(records))).toEqual(records);
  });
});

describe("SlidingWindow", () => {
  it("allows `limit` events per window and says how long until the next slot", () => {
    let now = 1_000;
    const window = new SlidingWindow({ limit: 2, windowMs: 1_000 }, () => now);
    expect(window.tryTake()).toBe(0);
    now = 1_400;
    expect(window.tryTake()).toBe(0);
    expect(window.tryTake()).toBe(600);
    now = 2_000;
    expect(window.tryTake()).toBe(0);
    expect(window.tryTake()).toBe(400);
  });

  it("refuses everything while held", () => {
    let now = 0;
    const window = new SlidingWindow({ limit: 10, windowMs: 1_000 }, () => now);
    window.holdFor(250);
    expect(window.tryTake()).toBe(250);
    now = 250;
    expect(window.tryTake()).toBe(0);
  });
});
