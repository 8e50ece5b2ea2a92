import "server-only";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { recordAudit, type RequestOrigin } from "../audit";
import { db } from "../db/client";
import { Role, type User } from "../generated/prisma/client";
import { sendEmailConfirmation } from "./email-verification";
import { hashPassword, PasswordSchema } from "./password";
import { RateLimitedError, reserveAuthAttempt } from "./rate-limit";

export const EmailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: "Enter a valid email address." }).max(254));

export const SignUpSchema = z.object({
  name: z.string().trim().min(1, { error: "Enter your name." }).max(100),
  email: EmailSchema,
  password: PasswordSchema,
});

export class EmailTakenError extends Error {
  constructor() {
    super("An account with this email already exists. Sign in instead.");
    this.name = "EmailTakenError";
  }
}

/**
 * A password sign-up. The account cannot sign in with its password until the
 * address is confirmed through the link emailed here (see email-verification.ts),
 * which comes back to `returnTo`. An address that so far only bought as a
 * guest already has an account (see accountForGuest): the sign-up takes it
 * over, so its orders are there once the address is confirmed.
 */
export async function registerCustomer(
  input: z.infer<typeof SignUpSchema>,
  origin: RequestOrigin | null,
  returnTo = "/account",
): Promise<User> {
  const attempt = await reserveAuthAttempt("signUp", input.email, origin?.ip ?? null);
  if (!attempt.allowed) throw new RateLimitedError(attempt.retryAfterMs);
  const passwordHash = await hashPassword(input.password);
  let user: User;
  try {
    user = await db().$transaction(async (tx) => {
      // A guest's account: no password and the address never confirmed (every other way in confirms it).
      const guest = await tx.user.updateMany({
        where: { email: input.email, passwordHash: null, emailVerified: null, disabledAt: null },
        data: { name: input.name, passwordHash },
      });
      const account =
        guest.count === 1
          ? await tx.user.findUniqueOrThrow({ where: { email: input.email } })
          : await tx.user.create({ data: { email: input.email, name: input.name, passwordHash, role: Role.CUSTOMER } });
      await recordAudit(
        {
          actorId: account.id,
          action: "user.sign_up",
          entityType: "User",
          entityId: account.id,
          details: guest.count === 1 ? { tookOverGuestAccount: true } : undefined,
          origin,
        },
        tx,
      );
      return account;
    });
  } catch (err) {
    if ((err as { code?: string }).code === "P2002") throw new EmailTakenError();
    throw err;
  }
  await sendEmailConfirmation(user.email, returnTo);
  return user;
}

/**
 * The account a guest checkout's orders belong to: the one with this email,
 * or a new one with no password whose address is unconfirmed. Nobody signs
 * in to a new one before proving the mailbox (an email link, or sign-up then
 * its confirmation link), so a guest's orders reach an account only through
 * a verified sign-in or sign-up. Null for a disabled account.
 */
export async function accountForGuest(email: string, origin: RequestOrigin | null): Promise<User | null> {
  const existing = await db().user.findUnique({ where: { email } });
  if (existing) return existing.disabledAt ? null : existing;
  try {
    return await db().$transaction(async (tx) => {
      const created = await tx.user.create({ data: { email, role: Role.CUSTOMER } });
      await recordAudit({ actorId: null, action: "user.guest_created", entityType: "User", entityId: created.id, origin }, tx);
      return created;
    });
  } catch (err) {
    // Two checkouts for a new address at once: the other one created it.
    if ((err as { code?: string }).code === "P2002") return accountForGuest(email, origin);
    throw err;
  }
}

export interface DemoAdminLogin {
  email: string;
  /** Present only when this call created the account. */
  password: string | null;
}

/**
 * Creates the first admin when there is none. The password is generated
 * (or taken from ADMIN_PASSWORD) and returned once so the launcher can print it.
 */
export async function ensureAdmin(options: { email: string; password?: string }): Promise<DemoAdminLogin> {
  const existing = await db().user.findFirst({ where: { role: Role.ADMIN }, orderBy: { createdAt: "asc" } });
  if (existing) return { email: existing.email, password: null };
  const password = options.password ?? randomBytes(12).toString("base64url");
  // Normalised as sign-in normalises what people type, or a capital letter would lock the admin out.
  const admin = await db().user.create({
    data: {
      email: EmailSchema.parse(options.email),
      name: "Admin",
      role: Role.ADMIN,
      passwordHash: await hashPassword(password),
      emailVerified: new Date(),
    },
  });
  await recordAudit({ actorId: null, action: "user.admin_bootstrap", entityType: "User", entityId: admin.id });
  return { email: admin.email, password };
}
