import "server-only";
import { forbidden, redirect } from "next/navigation";
import { db } from "../db/client";
import { Role, type User } from "../generated/prisma/client";
import { safeRedirectPath } from "../security/redirect-target";
import { auth } from "./auth";
import { readSession, type LiveSession } from "./session-store";

/** A signed-in user as the database has it now, with their session's row. */
export interface SignedIn {
  user: User;
  session: LiveSession;
  /** The account has a second factor and this session has not given it yet: not signed in for anything else. */
  secondFactorPending: boolean;
}

export const SECOND_FACTOR_PATH = "/sign-in/second-factor";
export const ADMIN_SECURITY_PATH = "/admin/security";

/** The session as its row says now (limits checked, see readSession), or null. */
export async function currentSignIn(): Promise<SignedIn | null> {
  const session = (await auth()) as { user?: { id?: string }; sessionToken?: string } | null;
  const id = session?.user?.id;
  if (!id || !session.sessionToken) return null;
  const row = await readSession(session.sessionToken, id);
  if (!row) return null;
  const user = await db().user.findUnique({ where: { id }, include: { totp: { select: { enabledAt: true } } } });
  // An account whose address was never confirmed is no one's yet (it may hold a guest's orders, and whoever
  // registered it may not own the mailbox), so a session for it counts as none, whichever way it was opened.
  if (!user || user.disabledAt || !user.emailVerified) return null;
  const { totp, ...plain } = user;
  return { user: plain, session: row, secondFactorPending: !!totp?.enabledAt && !row.secondFactorAt };
}

/**
 * The id of this request's session row, so that a password change can end
 * every session but this one. Auth.js gives it to server-side calls only,
 * never to the browser at /api/auth/session.
 */
export async function currentSessionId(): Promise<string | null> {
  const session = (await auth()) as { sessionToken?: string } | null;
  return session?.sessionToken ?? null;
}

/** The signed-in user as the database has it now, or null (also while a second factor is still owed). */
export async function currentUser(): Promise<User | null> {
  const signedIn = await currentSignIn();
  return signedIn && !signedIn.secondFactorPending ? signedIn.user : null;
}

/** A path on this site, safe to redirect to after sign-in (see safeRedirectPath); the account page otherwise. */
export function safeCallbackPath(value: unknown, fallback = "/account"): string {
  return safeRedirectPath(value, fallback);
}

const withCallback = (path: string, returnTo: string) => `${path}?callbackUrl=${encodeURIComponent(safeCallbackPath(returnTo))}`;

/** Signed-out visitors are sent to sign in, and half-signed-in ones to give their code; both come back to `returnTo`. */
export async function requireSignIn(returnTo: string): Promise<SignedIn> {
  const signedIn = await currentSignIn();
  if (!signedIn) redirect(withCallback("/sign-in", returnTo));
  if (signedIn.secondFactorPending) redirect(withCallback(SECOND_FACTOR_PATH, returnTo));
  return signedIn;
}

export async function requireUser(returnTo: string): Promise<User> {
  return (await requireSignIn(returnTo)).user;
}

/**
 * Customers get the 403 page; signed-out visitors are sent to sign in. While
 * the store requires a second factor, an admin without one is sent to enrol
 * before anything else.
 */
export async function requireAdminSession(returnTo: string): Promise<SignedIn> {
  const signedIn = await requireSignIn(returnTo);
  if (signedIn.user.role !== Role.ADMIN) forbidden();
  if (!returnTo.startsWith(ADMIN_SECURITY_PATH) && !signedIn.session.secondFactorAt && (await totpRequiredForAdmins()))
    redirect(`${ADMIN_SECURITY_PATH}?required=1`);
  return signedIn;
}

export async function requireAdmin(returnTo: string): Promise<User> {
  return (await requireAdminSession(returnTo)).user;
}

/** The store-wide setting (SecuritySettings.adminTotpRequired); off while nothing was saved. */
export async function totpRequiredForAdmins(): Promise<boolean> {
  return (await db().securitySettings.findUnique({ where: { id: 1 } }))?.adminTotpRequired ?? false;
}
