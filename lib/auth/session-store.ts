/**
 * Server-side records of signed-in sessions. Auth.js keeps the session in a
 * signed, encrypted cookie (the JWT strategy, which its credentials provider
 * requires); the cookie also carries the id of a row here, and a session
 * counts only while that row exists. Deleting rows is how a session is
 * ended before its cookie expires: on sign-out, or for every session of an
 * account that was claimed or disabled.
 */
import "server-only";
import { randomBytes } from "node:crypto";
import type { Db } from "../db/client";
import { db } from "../db/client";

/** How long a session lasts from sign-in, however active. */
export const SESSION_MAX_AGE_S = 30 * 24 * 3600;

/** Records a new session for `userId`; the returned id goes into its cookie. */
export async function openSession(userId: string, now = new Date()): Promise<string> {
  const sessionToken = randomBytes(32).toString("base64url");
  await db().$transaction([
    db().session.deleteMany({ where: { userId, expires: { lt: now } } }),
    db().session.create({ data: { sessionToken, userId, expires: new Date(now.getTime() + SESSION_MAX_AGE_S * 1000) } }),
  ]);
  return sessionToken;
}

/** Whether the session still stands: not ended, not expired, and its account not disabled. */
export async function sessionIsLive(sessionToken: string, userId: string, now = new Date()): Promise<boolean> {
  const session = await db().session.findUnique({
    where: { sessionToken },
    select: { userId: true, expires: true, user: { select: { disabledAt: true } } },
  });
  return !!session && session.userId === userId && session.expires > now && !session.user.disabledAt;
}

export async function endSession(sessionToken: string): Promise<void> {
  await db().session.deleteMany({ where: { sessionToken } });
}

/** Signs an account out everywhere, except in the session `keep` (when given); returns how many sessions ended. */
export async function endAllSessions(userId: string, client: Pick<Db, "session"> = db(), keep: string | null = null): Promise<number> {
  return (await client.session.deleteMany({ where: { userId, ...(keep ? { sessionToken: { not: keep } } : {}) } })).count;
}
