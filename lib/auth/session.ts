import "server-only";
import { decode } from "next-auth/jwt";
import { cookies } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { env } from "../config/env";
import { db } from "../db/client";
import { Role, type User } from "../generated/prisma/client";
import { servedOverHttps } from "../security/headers";
import { auth } from "./auth";

/**
 * The signed-in user as the database has it now, or null. An account whose
 * address was never confirmed is no one's yet (it may hold a guest's orders,
 * and whoever registered it may not own the mailbox), so a session for it
 * counts as none, whichever way it was opened: every page that shows orders,
 * eSIMs or the wallet asks here.
 */
export async function currentUser(): Promise<User | null> {
  const session = await auth();
  const id = session?.user?.id;
  if (!id) return null;
  const user = await db().user.findUnique({ where: { id } });
  return user && !user.disabledAt && user.emailVerified ? user : null;
}

/**
 * The id of this request's session row (the `sid` in Auth.js's cookie), so
 * that a password change can end every session but this one. It is read
 * from the cookie here rather than put in the session object, which Auth.js
 * also hands to the browser at /api/auth/session.
 */
export async function currentSessionId(): Promise<string | null> {
  // Auth.js's cookie name, and the salt its JWT is encrypted with; __Secure- when AUTH_URL (APP_URL) is https.
  const name = `${servedOverHttps(env().APP_URL) ? "__Secure-" : ""}authjs.session-token`;
  const value = (await cookies()).get(name)?.value;
  if (!value) return null;
  const token = await decode({ token: value, secret: env().AUTH_SECRET, salt: name }).catch(() => null);
  return typeof token?.sid === "string" ? token.sid : null;
}

/** A path on this site, safe to redirect to after sign-in. */
export function safeCallbackPath(value: unknown, fallback = "/account"): string {
  return typeof value === "string" && value.startsWith("/") && !value.startsWith("//") && !value.includes("\\") ? value : fallback;
}

/** Signed-out visitors are sent to sign in and brought back to `returnTo`. */
export async function requireUser(returnTo: string): Promise<User> {
  const user = await currentUser();
  if (!user) redirect(`/sign-in?callbackUrl=${encodeURIComponent(safeCallbackPath(returnTo))}`);
  return user;
}

/** Customers get the 403 page; signed-out visitors are sent to sign in. */
export async function requireAdmin(returnTo: string): Promise<User> {
  const user = await requireUser(returnTo);
  if (user.role !== Role.ADMIN) forbidden();
  return user;
}
