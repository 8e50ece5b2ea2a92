/** TOTP codes: the window either side of now, and no replay of a code (or an older one) once accepted. */
import * as OTPAuth from "otpauth";
import { describe, expect, it } from "vitest";
import { acceptedStep, newTotpSecret, TOTP_PERIOD_S } from "@/lib/auth/totp-code";

const PERIOD_MS = TOTP_PERIOD_S * 1000;
/** The middle of a step, so ±1 step is unambiguous. */
const NOW = Math.floor(Date.UTC(2026, 11, 8, 1, 0, 0) / PERIOD_MS) * PERIOD_MS + PERIOD_MS / 2;
const STEP = NOW / PERIOD_MS - 0.5;

/** A code as an authenticator app computes it, independently of lib/auth (otpauth's static generator). */
const codeAt = (secret: string, timestamp: number) =>
  OTPAuth.TOTP.generate({ secret: OTPAuth.Secret.fromBase32(secret), algorithm: "SHA1", digits: 6, period: TOTP_PERIOD_S, timestamp });

describe("acceptedStep", () => {
  it("accepts the code of now and of one step either side, not two", () => {
    const secret = newTotpSecret();
    expect(acceptedStep(secret, codeAt(secret, NOW), null, NOW)).toBe(STEP);
    expect(acceptedStep(secret, codeAt(secret, NOW - PERIOD_MS), null, NOW)).toBe(STEP - 1);
    expect(acceptedStep(secret, codeAt(secret, NOW + PERIOD_MS), null, NOW)).toBe(STEP + 1);
    expect(acceptedStep(secret, codeAt(secret, NOW - 2 * PERIOD_MS), null, NOW)).toBeNull();
    expect(acceptedStep(secret, codeAt(secret, NOW + 2 * PERIOD_MS), null, NOW)).toBeNull();
  });

  it("refuses a code used once for the rest of its window, and any older code, but takes the next one", () => {
    const secret = newTotpSecret();
    const code = codeAt(secret, NOW);
    const used = acceptedStep(secret, code, null, NOW)!;
    // The same code, again now and 30 s later (it is still inside the window then).
    expect(acceptedStep(secret, code, used, NOW)).toBeNull();
    expect(acceptedStep(secret, code, used, NOW + PERIOD_MS)).toBeNull();
    expect(acceptedStep(secret, codeAt(secret, NOW - PERIOD_MS), used, NOW)).toBeNull();
    expect(acceptedStep(secret, codeAt(secret, NOW + PERIOD_MS), used, NOW + PERIOD_MS)).toBe(STEP + 1);
  });

  it("refuses another secret's code and anything that is not 6 digits", () => {
    const secret = newTotpSecret();
    const other = newTotpSecret();
    const right = codeAt(secret, NOW);
    const wrong = codeAt(other, NOW);
    if (wrong !== right) expect(acceptedStep(secret, wrong, null, NOW)).toBeNull();
    for (const token of ["", "12345", "1234567", `${right} `, "abcdef", right.replace(/./, "x")])
      expect(acceptedStep(secret, token, null, NOW)).toBeNull();
  });
});
