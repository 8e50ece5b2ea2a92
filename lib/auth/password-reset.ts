/**
 * "Forgot password?": a link emailed to the address, which works once and
 * for 30 minutes, and is kept only as its SHA-256 (see tokens.ts). Opening it
 * shows a form and changes nothing; submitting the form sets the password.
 * Asking answers alike whether or not the address has an account, and a
 * refused request (past its limit) stores no token and sends nothing.
 */
import "server-only";
import { recordAudit, type RequestOrigin } from "../audit";
import { env } from "../config/env";
import { db } from "../db/client";
import { passwordResetEmail } from "../email/auth-emails";
import { sendEmail } from "../email/send";
import { claimUnconfirmedAccount } from "./email-verification";
import { hashPassword } from "./password";
import { afterPasswordStored, sendPasswordChangedNotice } from "./password-change";
import { reserveAuthAttempt } from "./rate-limit";
import { hashLinkToken, newLinkToken } from "./tokens";

export const RESET_LINK_VALID_MS = 30 * 60_000;

// In Auth.js's token table beside the magic links (kept under the bare email) and the confirmation links.
export const resetIdentifierFor = (email: string) => `password-reset:${email}`;

/** Emails `email` a reset link if it has an account that may sign in; the answer is the same either way. */
export async function requestPasswordReset(
  email: string,
  origin: RequestOrigin | null,
  now = new Date(),
): Promise<"sent" | "rate_limited"> {
  const attempt = await reserveAuthAttempt("passwordReset", email, origin?.ip ?? null, now.getTime());
  if (!attempt.allowed) return "rate_limited";
  const user = await db().user.findUnique({ where: { email }, select: { id: true, disabledAt: true } });
  if (!user || user.disabledAt) return "sent";
  const token = newLinkToken();
  const identifier = resetIdentifierFor(email);
  await db().$transaction([
    db().verificationToken.deleteMany({ where: { identifier, expires: { lt: now } } }),
    db().verificationToken.create({
      data: { identifier, token: hashLinkToken(token), expires: new Date(now.getTime() + RESET_LINK_VALID_MS) },
    }),
  ]);
  const link = new URL("/reset-password", env().APP_URL);
  link.search = new URLSearchParams({ email, token }).toString();
  await sendEmail({ to: email, ...(await passwordResetEmail(link.href)) });
  await recordAudit({ actorId: null, action: "user.password_reset_requested", entityType: "User", entityId: user.id, origin });
  return "sent";
}

/**
 * Uses up a reset link and sets `password`. Every other reset link of the
 * address is voided and every session of the account but `keepSession` (the
 * one this request came in, if it is the same account's) ends. Following the
 * link proves the mailbox: an address never confirmed is confirmed, after the
 * account is claimed from whoever registered it (see claimUnconfirmedAccount).
 * False when the link is unknown, expired or used, or the account disabled.
 */
export async function resetPassword(
  input: { email: string; token: string; password: string },
  origin: RequestOrigin | null,
  keepSession: string | null,
  now = new Date(),
): Promise<boolean> {
  const identifier = resetIdentifierFor(input.email);
  const link = { identifier, token: hashLinkToken(input.token), expires: { gt: now } };
  // A bad link costs no bcrypt hash; the new password is hashed before the transaction, which should not wait on it.
  if ((await db().verificationToken.count({ where: link })) === 0) return false;
  const passwordHash = await hashPassword(input.password);
  const done = await db().$transaction(async (tx) => {
    // Of two posts of one link, only the first finds it still there.
    const used = await tx.verificationToken.deleteMany({ where: link });
    if (used.count === 0) return false;
    const user = await tx.user.findUnique({ where: { email: input.email }, select: { id: true, disabledAt: true } });
    if (!user || user.disabledAt) return false;
    await tx.verificationToken.deleteMany({ where: { identifier } });
    await claimUnconfirmedAccount(input.email, origin, "password_reset", tx);
    await tx.user.update({ where: { id: user.id }, data: { passwordHash } });
    await afterPasswordStored(tx, { userId: user.id, keepSession, action: "user.password_reset", origin });
    return true;
  });
  if (done) await sendPasswordChangedNotice(input.email);
  return done;
}
