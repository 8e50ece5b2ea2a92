/**
 * The bearer token of the storefront's internal endpoints, which only its
 * own processes call (the launcher, workers): derived from AUTH_SECRET, so
 * every process of one deployment knows it and nobody else does.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export function internalToken(authSecret: string): string {
  return createHmac("sha256", authSecret).update("roamsim:internal-endpoints").digest("base64url");
}

/** Whether an Authorization header carries the internal token; compared in constant time. */
export function isInternalRequest(authorization: string | null, authSecret: string): boolean {
  const expected = Buffer.from(`Bearer ${internalToken(authSecret)}`);
  const given = Buffer.from(authorization ?? "");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
