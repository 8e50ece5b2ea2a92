import "server-only";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { recordAudit, type RequestOrigin } from "../audit";
import { db } from "../db/client";
import { Role, type User } from "../generated/prisma/client";
import { signUpAttemptEmail } from "../email/auth-emails";
import { sendEmail } from "../email/send";
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

/**
 * A password sign-up. A new address gets an account that cannot sign in with
 * its password until the address is confirmed through the link emailed here
 * (see email-verification.ts), which comes back to `returnTo`.
 *
 * An address that already has an account (a customer's, one waiting for its
 * confirmation, or one that so far only bought as a guest) is left exactly as
 * it is: whoever signs up may not own the mailbox, so they must not set its
 * password or name, nor reach its orders. The address is told instead, with a
 * way to sign in. Both cases answer alike and do the same work (a password
 * hash, a row written, one email), so neither the answer nor its timing says
 * which addresses have accounts.
 */
export async function registerCustomer(
  input: z.infer<typeof SignUpSchema>,
  origin: RequestOrigin | null,
  returnTo = "/account",
): Promise<void> {
  const attempt = await reserveAuthAttempt("signUp", input.email, origin?.ip ?? null);
  if (!attempt.allowed) throw new RateLimitedError(attempt.retryAfterMs);
  const passwordHash = await hashPassword(input.password);
  let created: User | null;
  try {
    created = await db().$transaction(async (tx) => {
      const existing = await tx.user.findUnique({ where: { email: input.email }, select: { id: true } });
      if (existing) {
        await recordAudit({ actorId: null, action: "user.sign_up_over_existing", entityType: "User", entityId: existing.id, origin }, tx);
        return null;
      }
      const account = await tx.user.create({ data: { email: input.email, name: input.name, passwordHash, role: Role.CUSTOMER } });
      await recordAudit({ actorId: account.id, action: "user.sign_up", entityType: "User", entityId: account.id, origin }, tx);
      return account;
    });
  } catch (err) {
    // Another sign-up or checkout created the address's account meanwhile: it exists, so it is told.
    if ((err as { code?: string }).code !== "P2002") throw err;
    created = null;
  }
  if (created) await sendEmailConfirmation(created.email, returnTo);
  else await sendEmail({ to: input.email, ...(await signUpAttemptEmail()) });
}

/**
 * The account a guest checkout's orders belong to: the one with this email,
 * or a new one with no password whose address is unconfirmed. Nobody signs
 * in to a new one before proving the mailbox (an email link or a password
 * reset; a sign-up over it changes nothing), and a session counts only for a
 * confirmed address (see currentUser), so a guest's orders reach an account
 * only once its address is confirmed. Null for a disabled account.
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
