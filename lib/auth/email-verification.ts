/**
 * Proof that an account's owner holds its mailbox. A password sign-up gets a
 * confirmation link, and password sign-in waits for it; a magic link is proof
 * too, and it wins over a password that someone else may have set.
 */
import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { recordAudit, type RequestOrigin } from "../audit";
import { env } from "../config/env";
import { db } from "../db/client";
import { confirmEmailAddressEmail } from "../email/auth-emails";
import { sendEmail } from "../email/send";
import { reserveAuthAttempt } from "./rate-limit";
import { endAllSessions } from "./session-store";

const LINK_VALID_MS = 24 * 3600_000;

// Auth.js keeps its magic-link tokens in the same table under the bare email; the prefix keeps the two apart.
const identifierFor = (email: string) => `email-confirmation:${email}`;
const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

/** Emails `email` a link that confirms it; the link comes back to `returnTo` after sign-in. */
export async function sendEmailConfirmation(email: string, returnTo: string, now = new Date()): Promise<void> {
  const token = randomBytes(32).toString("base64url");
  const identifier = identifierFor(email);
  await db().$transaction([
    db().verificationToken.deleteMany({ where: { identifier, expires: { lt: now } } }),
    db().verificationToken.create({ data: { identifier, token: hashToken(token), expires: new Date(now.getTime() + LINK_VALID_MS) } }),
  ]);
  const link = new URL("/verify-email", env().APP_URL);
  link.search = new URLSearchParams({ email, token, callbackUrl: returnTo }).toString();
  await sendEmail({ to: email, ...(await confirmEmailAddressEmail(link.href)) });
}

/** Uses up a confirmation link. False when it is unknown, expired or already used. */
export async function confirmEmail(email: string, token: string, origin: RequestOrigin | null): Promise<boolean> {
  const used = await db().verificationToken.deleteMany({
    where: { identifier: identifierFor(email), token: hashToken(token), expires: { gt: new Date() } },
  });
  if (used.count === 0) return false;
  const user = await db().user.findUnique({ where: { email }, select: { id: true, emailVerified: true } });
  if (user && !user.emailVerified) {
    await db().user.update({ where: { id: user.id }, data: { emailVerified: new Date() } });
    await recordAudit({ actorId: user.id, action: "user.email_confirmed", entityType: "User", entityId: user.id, origin });
  }
  return true;
}

/**
 * Sends a fresh confirmation link, if `email` belongs to a password account
 * still waiting for one. Every other email gets the same answer, so the
 * answer says nothing about which accounts exist.
 */
export async function resendEmailConfirmation(
  email: string,
  origin: RequestOrigin | null,
  returnTo: string,
): Promise<"sent" | "rate_limited"> {
  const attempt = await reserveAuthAttempt("verificationResend", email, origin?.ip ?? null);
  if (!attempt.allowed) return "rate_limited";
  const user = await db().user.findUnique({ where: { email }, select: { passwordHash: true, emailVerified: true, disabledAt: true } });
  if (user?.passwordHash && !user.emailVerified && !user.disabledAt) await sendEmailConfirmation(email, returnTo);
  return "sent";
}

/**
 * A magic link to `email` was followed, so its holder owns the account. If
 * the address had never been confirmed, whoever registered it cannot be
 * told apart from someone who registered another person's address: the
 * password and name they chose are removed, their confirmation links are
 * voided, and every session of the account is ended before the new one starts.
 */
export async function claimUnconfirmedAccount(email: string, origin: RequestOrigin | null): Promise<void> {
  await db().$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { email }, select: { id: true, emailVerified: true, passwordHash: true } });
    if (!user || user.emailVerified) return;
    // Only the first of two racing claims finds the address unconfirmed.
    const claimed = await tx.user.updateMany({
      where: { id: user.id, emailVerified: null },
      data: { emailVerified: new Date(), passwordHash: null, name: null },
    });
    if (claimed.count === 0) return;
    await tx.verificationToken.deleteMany({ where: { identifier: identifierFor(email) } });
    const sessionsEnded = await endAllSessions(user.id, tx);
    await recordAudit(
      {
        actorId: user.id,
        action: "user.claimed_by_email_link",
        entityType: "User",
        entityId: user.id,
        details: { passwordRemoved: user.passwordHash !== null, sessionsEnded },
        origin,
      },
      tx,
    );
  });
}
