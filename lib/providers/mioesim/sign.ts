import "server-only";
import { createHash } from "node:crypto";

/**
 * The MIOeSIM request signature: parameters sorted ascending by key, `sign`
 * itself and empty/null values left out, `key=value` pairs joined with no
 * separator, the secret key appended, MD5 of the UTF-8 string in lower-case hex.
 *
 * Keys sort by UTF-16 code unit (plain `<`), not by locale: the docs say
 * "ascending", and a locale collation would order "priceId" and "priceid"
 * differently on different servers.
 */
export function signParams(params: Record<string, unknown>, secretKey: string): string {
  const signed = Object.keys(params)
    .filter((key) => key !== "sign")
    .map((key) => [key, signableValue(key, params[key])] as const)
    .filter((entry): entry is readonly [string, string] => entry[1] !== null)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const text = signed.map(([key, value]) => `${key}=${value}`).join("") + secretKey;
  return createHash("md5").update(text, "utf8").digest("hex");
}

/** The text a value contributes, or null when the docs say to leave it out. */
function signableValue(key: string, value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === "string") return value === "" ? null : value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  // Objects have no documented text form; signing "[object Object]" would only fail later as -30.
  throw new TypeError(`Cannot sign parameter "${key}": ${typeof value} values have no text form`);
}
