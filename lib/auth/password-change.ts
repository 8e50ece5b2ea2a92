/**
 * A signed-in customer's own password: set one (an account made by an email
 * link, or a guest's, has none), or change it, which asks for the current
 * one. Either ends every other session of the account and emails the address,
 * so the owner hears of a change made from a stolen session.
 */
import "server-only";
import { recordAudit, type RequestOrigin } from "../audit";
import { db, type Prisma } from "../db/client";
import { passwordChangedEmail } from "../email/auth-emails";
import { sendEmail } from "../email/send";
import type { User } from "../generated/prisma/client";
import { hashPassword, verifyPassword } from "./password";
import { reservePasswordGuess } from "./password-sign-in";
import { endAllSessions } from "./session-store";

export type PasswordChange = "changed" | "wrong_password" | "rate_limited" | "has_password";

/** After a new password hash is written in `tx`: ends every session of the account but `keepSession`, and audits it as `action`. */
export async function afterPasswordStored(
  tx: Prisma.TransactionClient,
  change: { userId: string; keepSession: string | null; action: string; origin: RequestOrigin | null },
): Promise<void> {
  const sessionsEnded = await endAllSessions(change.userId, tx, change.keepSession);
  await recordAudit(
    {
      actorId: change.userId,
      action: change.action,
      entityType: "User",
      entityId: change.userId,
      details: { sessionsEnded },
      origin: change.origin,
    },
    tx,
  );
}

export async function sendPasswordChangedNotice(email: string): Promise<void> {
  await sendEmail({ to: email, ...(await passwordChangedEmail()) });
}

/**
 * Changes `user`'s password after checking `current`. Guesses at the current
 * password (from a session left open, say) count against the same limit as
 * password sign-in.
 */
export async function changePassword(
  user: Pick<User, "id" | "email">,
  input: { current: string; password: string },
  origin: RequestOrigin | null,
  keepSession: string | null,
): Promise<PasswordChange> {
  const guess = await reservePasswordGuess(user.email, origin?.ip ?? null);
  if (!guess.allowed) return "rate_limited";
  const stored = await db().user.findUniqueOrThrow({ where: { id: user.id }, select: { passwordHash: true } });
  if (!stored.passwordHash || !(await verifyPassword(input.current, stored.passwordHash))) {
    await recordAudit({ actorId: user.id, action: "auth.password_change_failed", entityType: "User", entityId: user.id, origin });
    return "wrong_password";
  }
  await guess.succeeded();
  const passwordHash = await hashPassword(input.password);
  await db().$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { passwordHash } });
    await afterPasswordStored(tx, { userId: user.id, keepSession, action: "user.password_changed", origin });
  });
  await sendPasswordChangedNotice(user.email);
  return "changed";
}

/** Gives a password to an account that has none; one that has a password must change it instead. */
export async function setFirstPassword(
  user: Pick<User, "id" | "email">,
  password: string,
  origin: RequestOrigin | null,
  keepSession: string | null,
): Promise<PasswordChange> {
  const passwordHash = await hashPassword(password);
  const set = await db().$transaction(async (tx) => {
    // Only while there is none: two racing requests, or a password set meanwhile, do not overwrite one.
    const claimed = await tx.user.updateMany({ where: { id: user.id, passwordHash: null }, data: { passwordHash } });
    if (claimed.count === 0) return false;
    await afterPasswordStored(tx, { userId: user.id, keepSession, action: "user.password_set", origin });
    return true;
  });
  if (!set) return "has_password";
  await sendPasswordChangedNotice(user.email);
  return "changed";
}
