import "server-only";
import { recordAudit, type RequestOrigin } from "../audit";
import { db } from "../db/client";
import type { User } from "../generated/prisma/client";
import { burnPasswordCheck, verifyPassword } from "./password";
import { reserveAuthAttempt } from "./rate-limit";
import { reserveSignInAttempt } from "./sign-in-backoff";

export type PasswordSignIn =
  | { outcome: "signed_in"; user: User }
  | { outcome: "invalid_credentials" }
  | { outcome: "rate_limited"; retryAfterMs: number }
  /** The password is right, but the address was never confirmed. */
  | { outcome: "email_unconfirmed" };

/**
 * One guess at `email`'s password from `address`, counted before the password
 * is checked: against the limits of AUTH_LIMITS.passwordSignIn and the growing
 * waits per email and client (sign-in-backoff.ts). Every place that checks a
 * password someone typed (sign-in, a password change) spends from it; a right
 * password gives the guess back.
 */
export async function reservePasswordGuess(
  email: string,
  address: string | null,
): Promise<{ allowed: false; retryAfterMs: number } | { allowed: true; succeeded: () => Promise<void> }> {
  const attempt = await reserveAuthAttempt("passwordSignIn", email, address);
  const backoff = attempt.allowed ? await reserveSignInAttempt(email, address) : null;
  if (!backoff?.allowed) {
    if (attempt.allowed) await attempt.release();
    return { allowed: false, retryAfterMs: backoff?.retryAfterMs ?? attempt.retryAfterMs };
  }
  return { allowed: true, succeeded: async () => void (await Promise.all([attempt.release(), backoff.succeeded()])) };
}

/**
 * Checks an email (already normalised by EmailSchema) and password. The
 * attempt is counted before the password is checked, so parallel guesses
 * cannot all pass a check made before any of them was counted: against the
 * email and the client together, with growing waits (sign-in-backoff.ts);
 * against the client across emails; and against the email across clients,
 * a ceiling far above what one client may try, which only brakes guessing
 * spread over many clients. Guesses from other clients never hold up the
 * account's owner on theirs, and an email link is never held up by any of
 * this. A right password gives the attempt back.
 */
export async function signInWithPassword(email: string, password: string, origin: RequestOrigin | null): Promise<PasswordSignIn> {
  const guess = await reservePasswordGuess(email, origin?.ip ?? null);
  if (!guess.allowed) {
    await recordAudit({ actorId: null, action: "auth.sign_in_rate_limited", entityType: "User", details: { email }, origin });
    return { outcome: "rate_limited", retryAfterMs: guess.retryAfterMs };
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
  await guess.succeeded();
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
