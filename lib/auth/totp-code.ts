/**
 * TOTP codes (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps) through the
 * otpauth library. The pure part of the second factor, apart from the
 * database: which time step a code belongs to, and whether it may still be
 * used after the last accepted one.
 */
import * as OTPAuth from "otpauth";

export const TOTP_PERIOD_S = 30;
/** Steps either side of now a code is accepted from: the phone's clock may be 30 s off (RFC 6238 §5.2). */
export const TOTP_WINDOW = 1;
const ISSUER = "RoamSIM";

export function newTotpSecret(): string {
  return new OTPAuth.Secret({ size: 20 }).base32;
}

export function totpFor(secretBase32: string, accountName: string): OTPAuth.TOTP {
  return new OTPAuth.TOTP({
    issuer: ISSUER,
    label: accountName,
    algorithm: "SHA1",
    digits: 6,
    period: TOTP_PERIOD_S,
    secret: OTPAuth.Secret.fromBase32(secretBase32),
  });
}

/**
 * The time step of `token` if it is a right code for now (within the window)
 * and later than `lastUsedStep`; null otherwise. A code accepted once is
 * refused for the rest of its window, and so is any earlier one: whoever saw
 * it over the admin's shoulder or in a proxy's log cannot replay it.
 */
export function acceptedStep(secretBase32: string, token: string, lastUsedStep: number | null, now = Date.now()): number | null {
  if (!/^\d{6}$/.test(token)) return null;
  const delta = totpFor(secretBase32, "check").validate({ token, timestamp: now, window: TOTP_WINDOW });
  if (delta === null) return null;
  const step = Math.floor(now / 1000 / TOTP_PERIOD_S) + delta;
  return lastUsedStep !== null && step <= lastUsedStep ? null : step;
}
