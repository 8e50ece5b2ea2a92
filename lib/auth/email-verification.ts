/**
 * Proof that an account's owner holds its mailbox. A password sign-up gets a
 * confirmation link, and password sign-in waits for it; a magic link or a
 * password reset is proof too, and it wins over a password that someone else
 * may have set.
 *
 * The link opens a page whose button confirms (a server action, which
 * Next.js refuses from other origins): mail scanners fetch links, and a
 * fetch must neither confirm the address nor use the link up.
 */
import "server-only";
import { recordAudit, type RequestOrigin } from "../audit";
import { env } from "../config/env";
import { db, type Prisma } from "../db/client";
import { confirmEmailAddressEmail } from "../email/auth-emails";
import { sendEmail } from "../email/send";
import { reserveAuthAttempt } from "./rate-limit";
import { endAllSessions } from "./session-store";
import { hashLinkToken, newLinkToken } from "./tokens";

const LINK_VALID_MS = 24 * 3600_000;

// Auth.js keeps its magic-link tokens in the same table under the bare email; the prefix keeps the two apart.
const identifierFor = (email: string) => `email-confirmation:${email}`;

/** Emails `email` a link that confirms it; the link comes back to `returnTo` after sign-in. */
export async function sendEmailConfirmation(email: string, returnTo: string, now = new Date()): Promise<void> {
  const token = newLinkToken();
  const identifier = identifierFor(email);
  await db().$transaction([
    db().verificationToken.deleteMany({ where: { identifier, expires: { lt: now } } }),
    db().verificationToken.create({ data: { identifier, token: hashLinkToken(token), expires: new Date(now.getTime() + LINK_VALID_MS) } }),
  ]);
  const link = new URL("/verify-email", env().APP_URL);
  link.search = new URLSearchParams({ email, token, callbackUrl: returnTo }).toString();
  await sendEmail({ to: email, ...(await confirmEmailAddressEmail(link.href)) });
}

/** Uses up a confirmation link. False when it is unknown, expired or already used. */
export async function confirmEmail(email: string, token: string, origin: RequestOrigin | null): Promise<boolean> {
  const used = await db().verificationToken.deleteMany({
    where: { identifier: identifierFor(email), token: hashLinkToken(token), expires: { gt: new Date() } },
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
 * The holder of `email`'s mailbox proved it (`by` a magic link followed, or a
 * password reset), so they own the account. If the address had never been
 * confirmed, whoever registered it cannot be told apart from someone who
 * registered another person's address: the password and name they chose are
 * removed, their confirmation links are voided, and every session of the
 * account is ended before the new one starts. Runs in `tx` when given.
 */
export async function claimUnconfirmedAccount(
  email: string,
  origin: RequestOrigin | null,
  by: "email_link" | "password_reset" = "email_link",
  tx?: Prisma.TransactionClient,
): Promise<void> {
  if (!tx) return db().$transaction((client) => claimUnconfirmedAccount(email, origin, by, client));
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
      action: `user.claimed_by_${by}`,
      entityType: "User",
      entityId: user.id,
      details: { passwordRemoved: user.passwordHash !== null, sessionsEnded },
      origin,
    },
    tx,
  );
}
