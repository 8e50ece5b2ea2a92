/**
 * Server-side records of signed-in sessions. Auth.js keeps the session in a
 * signed, encrypted cookie (the JWT strategy, which its credentials provider
 * requires); the cookie also carries the id of a row here, and a session
 * counts only while that row exists and its limits hold. Deleting rows is how
 * a session is ended before its cookie expires: on sign-out, or for every
 * session of an account that was claimed or disabled. The limits are checked
 * on every read, so a copied cookie dies with the row however long the
 * cookie itself would last.
 */
import "server-only";
import { randomBytes } from "node:crypto";
import type { Db } from "../db/client";
import { db } from "../db/client";
import { Role } from "../generated/prisma/client";

/** How long a customer's session lasts from sign-in, however active. */
export const SESSION_MAX_AGE_S = 30 * 24 * 3600;
/** An admin's session ends this long after sign-in, however active (ASVS 3.3.2, level 3). */
export const ADMIN_SESSION_MAX_AGE_MS = 12 * 3600_000;
/** An admin's session ends after this long without a request (ASVS 3.3.2, level 3). */
export const ADMIN_SESSION_IDLE_MS = 30 * 60_000;
/** lastSeenAt is written at most this often, so reading a session is not a write on every request. */
const LAST_SEEN_RESOLUTION_MS = 60_000;

/** What a live session's row says, for the guards in session.ts and step-up.ts. */
export interface LiveSession {
  sessionToken: string;
  userId: string;
  role: Role;
  /** When the password was last entered in this session (sign-in or step-up). */
  stepUpAt: Date | null;
  /** When a second factor was accepted in this session. */
  secondFactorAt: Date | null;
}

/**
 * Records a new session for `userId`; the returned id goes into its cookie.
 * `passwordEntered` says the sign-in was by password, which counts as a step-up.
 */
export async function openSession(userId: string, { now = new Date(), passwordEntered = false } = {}): Promise<string> {
  const sessionToken = randomBytes(32).toString("base64url");
  await db().$transaction([
    db().session.deleteMany({ where: { userId, expires: { lt: now } } }),
    db().session.create({
      data: {
        sessionToken,
        userId,
        createdAt: now,
        lastSeenAt: now,
        stepUpAt: passwordEntered ? now : null,
        expires: new Date(now.getTime() + SESSION_MAX_AGE_S * 1000),
      },
    }),
  ]);
  return sessionToken;
}

/**
 * The session if it still stands: not ended, not expired, its account not
 * disabled, and, for an admin (by the role the account has now), not older
 * than 12 hours nor idle for 30 minutes. A session found past its limits is
 * deleted; a live one has its last-seen time moved on.
 */
export async function readSession(sessionToken: string, userId: string, now = new Date()): Promise<LiveSession | null> {
  const session = await db().session.findUnique({
    where: { sessionToken },
    select: {
      userId: true,
      expires: true,
      createdAt: true,
      lastSeenAt: true,
      stepUpAt: true,
      secondFactorAt: true,
      user: { select: { disabledAt: true, role: true } },
    },
  });
  if (!session || session.userId !== userId || session.user.disabledAt) return null;
  const lastSeen = session.lastSeenAt ?? session.createdAt;
  const admin = session.user.role === Role.ADMIN;
  const expired =
    session.expires <= now ||
    (admin &&
      (now.getTime() - session.createdAt.getTime() >= ADMIN_SESSION_MAX_AGE_MS ||
        now.getTime() - lastSeen.getTime() >= ADMIN_SESSION_IDLE_MS));
  if (expired) {
    await endSession(sessionToken);
    return null;
  }
  if (now.getTime() - lastSeen.getTime() >= LAST_SEEN_RESOLUTION_MS)
    await db().session.updateMany({ where: { sessionToken }, data: { lastSeenAt: now } });
  return {
    sessionToken,
    userId,
    role: session.user.role,
    stepUpAt: session.stepUpAt,
    secondFactorAt: session.secondFactorAt,
  };
}

/** Whether the session still stands (see readSession). */
export async function sessionIsLive(sessionToken: string, userId: string, now = new Date()): Promise<boolean> {
  return (await readSession(sessionToken, userId, now)) !== null;
}

/** Marks that the password was entered again in this session. */
export async function recordStepUp(sessionToken: string, now = new Date()): Promise<void> {
  await db().session.updateMany({ where: { sessionToken }, data: { stepUpAt: now } });
}

/** Marks that a second factor was accepted in this session. */
export async function recordSecondFactor(sessionToken: string, now = new Date(), client: Pick<Db, "session"> = db()): Promise<void> {
  await client.session.updateMany({ where: { sessionToken }, data: { secondFactorAt: now } });
}

export async function endSession(sessionToken: string): Promise<void> {
  await db().session.deleteMany({ where: { sessionToken } });
}

/** Signs an account out everywhere, except in the session `keep` (when given); returns how many sessions ended. */
export async function endAllSessions(userId: string, client: Pick<Db, "session"> = db(), keep: string | null = null): Promise<number> {
  return (await client.session.deleteMany({ where: { userId, ...(keep ? { sessionToken: { not: keep } } : {}) } })).count;
}
