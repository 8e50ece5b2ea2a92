import "server-only";
import { forbidden, redirect } from "next/navigation";
import { db } from "../db/client";
import { Role, type User } from "../generated/prisma/client";
import { safeRedirectPath } from "../security/redirect-target";
import { auth } from "./auth";

/** The signed-in user as the database has it now, or null. */
export async function currentUser(): Promise<User | null> {
  const session = await auth();
  const id = session?.user?.id;
  if (!id) return null;
  const user = await db().user.findUnique({ where: { id } });
  return user && !user.disabledAt ? user : null;
}

/** A path on this site, safe to redirect to after sign-in (see safeRedirectPath); the account page otherwise. */
export function safeCallbackPath(value: unknown, fallback = "/account"): string {
  return safeRedirectPath(value, fallback);
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
