import { describe, expect, it } from "vitest";
import { isCleanText, isDecodablePath, RecordId, recordIdFrom, SEARCH_MAX_LENGTH, searchFrom, textField } from "@/lib/validation";

describe("text from a request", () => {
  it("refuses NUL and other control characters, and unpaired surrogates", () => {
    for (const bad of ["a\u0000b", "\u0000", "tab\there", "line\nbreak", "\u001b[31m", "del\u007f", "half \ud800 pair"])
      expect(isCleanText(bad), JSON.stringify(bad)).toBe(false);
    for (const good of ["Japan", "日本 🇯🇵", "O'Brien <b>", ""]) expect(isCleanText(good), good).toBe(true);
  });

  it("lets a multi-line field keep tabs and line breaks, never NUL", () => {
    expect(isCleanText("one\r\ntwo\tthree", { multiline: true })).toBe(true);
    expect(isCleanText("one\u0000two", { multiline: true })).toBe(false);
  });

  it("checks a text field's characters before its length, with a message for each", () => {
    const reason = textField({ min: 3, max: 10, label: "The reason" });
    expect(reason.safeParse("  fine  ").data).toBe("fine");
    expect(reason.safeParse("a\u0000bcdef").error?.issues.map((i) => i.message)).toEqual([
      "The reason contains characters we can’t accept.",
    ]);
    expect(reason.safeParse("ab").error?.issues[0]?.message).toBe("The reason needs at least 3 characters.");
    expect(reason.safeParse("x".repeat(11)).error?.issues[0]?.message).toBe("The reason can be at most 10 characters.");
    expect(reason.safeParse(null).error?.issues[0]?.message).toBe("The reason is missing.");
  });

  it("takes only what can name a record as an id", () => {
    for (const id of ["cmx3v3i7d001b7f7db6jnh3u0", "RS20261130-0A1B2C3D4E", "8988247000000000001", "united-arab-emirates"])
      expect(recordIdFrom(id)).toBe(id);
    for (const bad of ["", "a\u0000", "../admin", "a b", "x".repeat(65), ["RS1"], null, 42])
      expect(recordIdFrom(bad), JSON.stringify(bad)).toBeNull();
    expect(RecordId.safeParse(" padded ").data).toBe("padded");
  });

  it("reads a search: the first of repeated values, cut by code point, never one with control characters", () => {
    expect(searchFrom(undefined)).toEqual({});
    expect(searchFrom("   ")).toEqual({});
    expect(searchFrom([" japan ", "korea"])).toEqual({ query: "japan" });
    expect(searchFrom("a\u0000b")).toEqual({ error: expect.stringContaining("control characters") });
    const cut = searchFrom(`${"a".repeat(SEARCH_MAX_LENGTH - 1)}🇯🇵`).query!;
    expect(cut.isWellFormed()).toBe(true);
    expect(Array.from(cut)).toHaveLength(SEARCH_MAX_LENGTH);
  });

  it("tells which request paths decode", () => {
    for (const ok of ["/", "/orders/RS1", "/destinations/%E6%97%A5%E6%9C%AC", "/a%2Fb"]) expect(isDecodablePath(ok), ok).toBe(true);
    for (const bad of ["/orders/%ff", "/destinations/%c0%af", "/esims/%ff/renew", "/x/%", "/x/%zz", "/x/%ed%a0%80", "/x/%00", "/x/a%00b"])
      expect(isDecodablePath(bad), bad).toBe(false);
  });
});
