/**
 * The admin second factor: TOTP (see totp-code.ts) with single-use recovery
 * codes. The TOTP secret is kept sealed (AES-256-GCM, the key derived from
 * AUTH_SECRET, as the MeiSIM dealer key is); recovery codes are kept as
 * SHA-256 hashes (each carries 50 random bits, so a fast hash is not the weak
 * point; guessing is limited per account). ASVS 2.8 (time-based OTP), 2.6
 * (look-up secrets).
 */
import "server-only";
import { createHash, randomInt } from "node:crypto";
import QRCode from "qrcode";
import { recordAudit, type RequestOrigin } from "../audit";
import { db } from "../db/client";
import { openSecret, sealSecret } from "../providers/credential-store";
import { reserveAttempt } from "./rate-limit";
import { recordSecondFactor } from "./session-store";
import { acceptedStep, newTotpSecret, totpFor } from "./totp-code";

export const RECOVERY_CODE_COUNT = 10;
/** Wrong codes per account before the prompt waits; with 3 codes right per window, 5 guesses in 15 minutes leave a guess far out of reach. */
const SECOND_FACTOR_ATTEMPTS = { limit: 5, windowMs: 15 * 60_000 };
/** Crockford-style: no 0/O, 1/I/L confusion when typed from paper. */
const RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";

export async function totpEnabled(userId: string): Promise<boolean> {
  return !!(await db().totpCredential.findUnique({ where: { userId }, select: { enabledAt: true } }))?.enabledAt;
}

/** A new secret for `userId` (replacing an unfinished one), with the QR code an authenticator app scans. Refused while one is enabled. */
export async function startTotpEnrolment(user: { id: string; email: string }): Promise<{ qrDataUrl: string; secret: string } | null> {
  const existing = await db().totpCredential.findUnique({ where: { userId: user.id } });
  if (existing?.enabledAt) return null;
  const secret = newTotpSecret();
  await db().totpCredential.upsert({
    where: { userId: user.id },
    create: { userId: user.id, sealedSecret: sealSecret(secret) },
    update: { sealedSecret: sealSecret(secret), lastUsedStep: null },
  });
  const uri = totpFor(secret, user.email).toString();
  return { qrDataUrl: await QRCode.toDataURL(uri, { errorCorrectionLevel: "M", margin: 1, width: 240 }), secret };
}

/** The unfinished enrolment's secret for the page to show again (a reload must not change the secret the app has). */
export async function pendingEnrolment(user: { id: string; email: string }): Promise<{ qrDataUrl: string; secret: string } | null> {
  const row = await db().totpCredential.findUnique({ where: { userId: user.id } });
  if (!row || row.enabledAt) return null;
  const secret = openSecret(row.sealedSecret);
  const uri = totpFor(secret, user.email).toString();
  return { qrDataUrl: await QRCode.toDataURL(uri, { errorCorrectionLevel: "M", margin: 1, width: 240 }), secret };
}

function recoveryHash(userId: string, code: string): string {
  return createHash("sha256")
    .update(`${userId}:${code.toLowerCase().replace(/[^a-z0-9]/g, "")}`)
    .digest("hex");
}

function newRecoveryCode(): string {
  const chars = Array.from({ length: 10 }, () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)]);
  return `${chars.slice(0, 5).join("")}-${chars.slice(5).join("")}`;
}

export type EnrolmentResult = { ok: true; recoveryCodes: string[] } | { ok: false; error: string };

/**
 * Finishes an enrolment with a first code from the app: TOTP is then on for
 * the account, this session counts as having given it, and the recovery
 * codes (shown once, stored hashed) replace any earlier ones.
 */
export async function confirmTotpEnrolment(
  userId: string,
  code: string,
  sessionToken: string,
  origin: RequestOrigin | null,
  now = new Date(),
): Promise<EnrolmentResult> {
  const row = await db().totpCredential.findUnique({ where: { userId } });
  if (!row || row.enabledAt) return { ok: false, error: "Start the set-up again: there is no set-up under way." };
  const attempt = await reserveAttempt(
    [{ key: `second-factor:${userId}`, limit: SECOND_FACTOR_ATTEMPTS.limit }],
    SECOND_FACTOR_ATTEMPTS.windowMs,
    now.getTime(),
  );
  if (!attempt.allowed) return { ok: false, error: "Too many wrong codes; wait a few minutes and try again." };
  const step = acceptedStep(openSecret(row.sealedSecret), code.trim(), null, now.getTime());
  if (step === null) return { ok: false, error: "That code is not right. Check the phone's clock and enter the code the app shows now." };
  await attempt.release();
  const recoveryCodes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  const enabled = await db().$transaction(async (tx) => {
    const done = await tx.totpCredential.updateMany({ where: { userId, enabledAt: null }, data: { enabledAt: now, lastUsedStep: step } });
    if (done.count !== 1) return false;
    await tx.recoveryCode.deleteMany({ where: { userId } });
    await tx.recoveryCode.createMany({ data: recoveryCodes.map((c) => ({ userId, codeHash: recoveryHash(userId, c) })) });
    await recordSecondFactor(sessionToken, now, tx);
    await recordAudit({ actorId: userId, action: "auth.totp_enrolled", entityType: "User", entityId: userId, origin }, tx);
    return true;
  });
  return enabled ? { ok: true, recoveryCodes } : { ok: false, error: "Two-step sign-in is already on for this account." };
}

export type SecondFactorResult = { ok: true; method: "totp" | "recovery_code" } | { ok: false; error: string };

/**
 * Checks a code at sign-in: a TOTP code not used before (by step), or an
 * unused recovery code, which is then spent. On success the session counts
 * as fully signed in. Each wrong code is audited and counted.
 */
export async function verifySecondFactor(
  userId: string,
  code: string,
  sessionToken: string,
  origin: RequestOrigin | null,
  now = new Date(),
): Promise<SecondFactorResult> {
  const row = await db().totpCredential.findUnique({ where: { userId } });
  if (!row?.enabledAt) return { ok: false, error: "Two-step sign-in is not on for this account." };
  const attempt = await reserveAttempt(
    [{ key: `second-factor:${userId}`, limit: SECOND_FACTOR_ATTEMPTS.limit }],
    SECOND_FACTOR_ATTEMPTS.windowMs,
    now.getTime(),
  );
  const audit = (action: string, details: Record<string, string>) =>
    recordAudit({ actorId: userId, action, entityType: "User", entityId: userId, details, origin });
  if (!attempt.allowed) {
    await audit("auth.second_factor_failed", { reason: "rate_limited" });
    return { ok: false, error: `Too many wrong codes; try again in ${Math.ceil(attempt.retryAfterMs / 60_000)} min.` };
  }
  const typed = code.trim();
  let method: "totp" | "recovery_code" | null = null;
  if (/^\d{6}$/.test(typed)) {
    const step = acceptedStep(openSecret(row.sealedSecret), typed, row.lastUsedStep, now.getTime());
    // The step moves forward only: of two requests with the same code, one wins.
    if (step !== null) {
      const taken = await db().totpCredential.updateMany({
        where: { userId, OR: [{ lastUsedStep: null }, { lastUsedStep: { lt: step } }] },
        data: { lastUsedStep: step },
      });
      if (taken.count === 1) method = "totp";
    }
  } else {
    const spent = await db().recoveryCode.updateMany({
      where: { userId, codeHash: recoveryHash(userId, typed), usedAt: null },
      data: { usedAt: now },
    });
    if (spent.count === 1) method = "recovery_code";
  }
  if (!method) {
    await audit("auth.second_factor_failed", { reason: "wrong_code" });
    return { ok: false, error: "That code is not right, or was used already." };
  }
  await attempt.release();
  await recordSecondFactor(sessionToken, now);
  await audit("auth.second_factor", { method });
  return { ok: true, method };
}

export async function recoveryCodesLeft(userId: string): Promise<number> {
  return db().recoveryCode.count({ where: { userId, usedAt: null } });
}

/** Turns TOTP off for the account (the caller checked the step-up and the store's requirement). */
export async function removeTotp(userId: string, origin: RequestOrigin | null): Promise<void> {
  await db().$transaction(async (tx) => {
    await tx.totpCredential.deleteMany({ where: { userId } });
    await tx.recoveryCode.deleteMany({ where: { userId } });
    await recordAudit({ actorId: userId, action: "auth.totp_removed", entityType: "User", entityId: userId, origin }, tx);
  });
}

/** Whether every admin must use TOTP (SecuritySettings.adminTotpRequired). */
export async function setAdminTotpRequired(required: boolean, actorId: string, origin: RequestOrigin | null): Promise<void> {
  await db().$transaction(async (tx) => {
    await tx.securitySettings.upsert({
      where: { id: 1 },
      create: { id: 1, adminTotpRequired: required, updatedById: actorId },
      update: { adminTotpRequired: required, updatedById: actorId },
    });
    await recordAudit(
      { actorId, action: "security.admin_totp_required", entityType: "SecuritySettings", entityId: "1", details: { required }, origin },
      tx,
    );
  });
}
