import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { safeRedirectPath } from "@/lib/security/redirect-target";

const STORE = "https://store.example";
const FALLBACK = "/account";

/** Where a browser ends up: WHATWG URL parsing (which reads `\` as `/` and drops tab and newline), against the store. */
const browserHost = (target: string) => new URL(target, STORE).host;

/** The target decoded once more and once more again, as a careless page or proxy further on might, then parsed. */
function decodedHosts(target: string): string[] {
  const hosts: string[] = [];
  let current = target;
  for (let round = 0; round < 6; round++) {
    hosts.push(browserHost(current));
    try {
      current = decodeURIComponent(current);
    } catch {
      break;
    }
  }
  return hosts;
}

const ATTACKS = [
  "//evil.example",
  "/\\evil.example",
  "\\/evil.example",
  "\\\\evil.example",
  "/%09/evil.example",
  "/\t/evil.example",
  "/\n/evil.example",
  "/\r\n/evil.example",
  "/%0a/evil.example",
  "/%0d%0a/evil.example",
  "/%2F%2Fevil.example",
  "/%2f/evil.example",
  "%2F%2Fevil.example",
  "/%5Cevil.example",
  "/%5C%5Cevil.example",
  "/%252F%252Fevil.example",
  "/%25252F%25252Fevil.example",
  "%252F%252Fevil.example",
  "/%E3%80%80/evil.example",
  "/ /evil.example",
  "https://evil.example",
  "https:evil.example",
  "http://store.example@evil.example",
  "HTTPS://evil.example/account",
  "javascript:alert(1)",
  "%6A%61vascript:alert(1)",
  "data:text/html,<script>alert(1)</script>",
  "///evil.example",
  "/%%32%46/evil.example",
  "/%",
  "",
];

describe("safeRedirectPath", () => {
  it.each(ATTACKS)("refuses %j", (attack) => {
    expect(safeRedirectPath(attack, FALLBACK)).toBe(FALLBACK);
  });

  it.each(["/account", "/orders/abc123", "/checkout?plan=p1&quantity=2", "/destinations/japan#plans", "/search?q=a%2Fb"])(
    "keeps the path %j as given",
    (path) => {
      expect(safeRedirectPath(path, FALLBACK)).toBe(path);
    },
  );

  it("refuses what is not a string", () => {
    for (const value of [null, undefined, 42, ["/account"], { toString: () => "/account" }])
      expect(safeRedirectPath(value, FALLBACK)).toBe(FALLBACK);
  });

  /** Strings built from the pieces redirect attacks are made of, so the generator reaches them often. */
  const pieces = fc.constantFrom(
    "/",
    "//",
    "\\",
    "%2F",
    "%2f",
    "%5C",
    "%25",
    "%09",
    "%0A",
    "%0D",
    "%00",
    "\t",
    "\n",
    "\r",
    " ",
    "\u3000",
    "\u00a0",
    ":",
    "@",
    "?",
    "#",
    ".",
    "..",
    "https:",
    "javascript:",
    "evil.example",
    "store.example",
    "%",
    "2F",
    "5C",
    "a",
  );
  const attackLike = fc.array(pieces, { maxLength: 12 }).map((parts) => parts.join(""));
  const anyString = fc.oneof(attackLike, fc.string({ unit: "binary", maxLength: 40 }), fc.webUrl(), fc.webPath());

  it("answers the fallback or a path that stays on the store, read as given or decoded any number of times", () => {
    fc.assert(
      fc.property(anyString, (input) => {
        const out = safeRedirectPath(input, FALLBACK);
        if (out === FALLBACK) return;
        expect(out).toBe(input);
        for (const host of decodedHosts(out)) expect(host).toBe("store.example");
        // Against a store served under a path prefix too: the target is a path, never a scheme or an authority.
        expect(new URL(out, `${STORE}/shop/`).host).toBe("store.example");
      }),
      { numRuns: 20_000 },
    );
  });
});
