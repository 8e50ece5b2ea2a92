import "server-only";
import { recordAudit, type RequestOrigin } from "../audit";
import { db } from "../db/client";
import type { User } from "../generated/prisma/client";
import { burnPasswordCheck, verifyPassword } from "./password";
import { reserveAuthAttempt } from "./rate-limit";

export type PasswordSignIn =
  | { outcome: "signed_in"; user: User }
  | { outcome: "invalid_credentials" }
  | { outcome: "rate_limited"; retryAfterMs: number }
  /** The password is right, but the address was never confirmed. */
  | { outcome: "email_unconfirmed" };

/**
 * Checks an email (already normalised by EmailSchema) and password. The
 * attempt is counted against the email and the client address before the
 * password is checked, so parallel guesses cannot all pass a check made
 * before any of them was counted; a right password gives the attempt back.
 */
export async function signInWithPassword(email: string, password: string, origin: RequestOrigin | null): Promise<PasswordSignIn> {
  const attempt = await reserveAuthAttempt("passwordSignIn", email, origin?.ip ?? null);
  if (!attempt.allowed) {
    await recordAudit({ actorId: null, action: "auth.sign_in_rate_limited", entityType: "User", details: { email }, origin });
    return { outcome: "rate_limited", retryAfterMs: attempt.retryAfterMs };
  }

  const user = await db().user.findUnique({ where: { email } });
  if (!user?.passwordHash || user.disabledAt) {
    await burnPasswordCheck(password);
    return { outcome: "invalid_credentials" };
  }
  if (!(await verifyPassword(password, user.passwordHash))) {
    await recordAudit({ actorId: user.id, action: "auth.sign_in_failed", entityType: "User", entityId: user.id, origin });
    return { outcome: "invalid_credentials" };
  }
  await attempt.release();
  if (!user.emailVerified) return { outcome: "email_unconfirmed" };
  await recordAudit({
    actorId: user.id,
    action: "auth.sign_in",
    entityType: "User",
    entityId: user.id,
    details: { method: "password" },
    origin,
  });
  return { outcome: "signed_in", user };
}
