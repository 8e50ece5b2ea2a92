/**
 * The one check for every redirect target a visitor can name: sign-in's
 * `callbackUrl`, the buy form's `returnTo`, Auth.js's redirect callback.
 * Pure, so it runs anywhere and is property-tested (tests/unit/redirect-target.test.ts).
 */

/** Percent-decoding rounds before a target counts as undecodable: more than any honest link needs. */
const MAX_DECODE_ROUNDS = 5;
const MAX_LENGTH = 2048;
/** Control characters, any whitespace (browsers strip tab and newline inside URLs) and backslashes (read as `/`). */
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\s\\]/u;
const BASE = "https://redirect-target.invalid";

/** `input` percent-decoded until it no longer changes; null when it never settles or is not valid percent-encoding. */
function fullyDecoded(input: string): string | null {
  let current = input;
  for (let round = 0; round < MAX_DECODE_ROUNDS; round++) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      return null;
    }
    if (next === current) return current;
    current = next;
  }
  return null;
}

/**
 * `input` when it is a path on this site, else `fallback`. The check is made
 * on the target fully decoded, because a page or proxy further on may decode
 * it again: it must start with one `/` (never `//`, so no other host, and no
 * scheme), and hold no control character, whitespace or backslash, which
 * browsers drop or read as `/` (`/%09/host` and `/\host` are `//host` to them).
 * What passes is returned as given.
 */
export function safeRedirectPath(input: unknown, fallback: string): string {
  if (typeof input !== "string" || input.length === 0 || input.length > MAX_LENGTH) return fallback;
  const decoded = fullyDecoded(input);
  if (decoded === null || !decoded.startsWith("/") || decoded.startsWith("//") || FORBIDDEN.test(decoded)) return fallback;
  // Belt and braces: however the checks above could be wrong, a URL parser must agree that it stays here.
  return new URL(input, BASE).origin === BASE && new URL(decoded, BASE).origin === BASE ? input : fallback;
}
