/**
 * Auth.js (next-auth v5): email + password, and email magic links. Sessions
 * are JWTs (the credentials provider requires it); the database stays the
 * source of truth for roles, re-read on every guarded request (see session.ts).
 */
import { PrismaAdapter } from "@auth/prisma-adapter";
import NextAuth, { CredentialsSignin, type NextAuthConfig } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { originFromHeaders, recordAudit } from "../audit";
import { env } from "../config/env";
import { db } from "../db/client";
import { sendEmail } from "../email/send";
import { burnPasswordCheck, verifyPassword } from "./password";
import { hitRateLimit, isRateLimited } from "./rate-limit";
import { EmailSchema } from "./users";

const SIGN_IN_WINDOW_MS = 15 * 60_000;
/** Failed attempts allowed per window for one email, and for one address across emails. */
const SIGN_IN_LIMIT_PER_EMAIL = 5;
const SIGN_IN_LIMIT_PER_IP = 30;

export class InvalidCredentials extends CredentialsSignin {
  code = "invalid_credentials";
}
export class TooManyAttempts extends CredentialsSignin {
  code = "rate_limited";
}

const CredentialsInput = z.object({ email: EmailSchema, password: z.string().min(1).max(200) });

async function authorizePassword(raw: unknown, request: Request) {
  const parsed = CredentialsInput.safeParse(raw);
  if (!parsed.success) throw new InvalidCredentials();
  const { email, password } = parsed.data;
  const origin = originFromHeaders(request.headers);

  const emailKey = `sign-in:email:${email}`;
  const ipKey = `sign-in:ip:${origin.ip ?? "unknown"}`;
  const [byEmail, byIp] = await Promise.all([
    isRateLimited(emailKey, SIGN_IN_LIMIT_PER_EMAIL, SIGN_IN_WINDOW_MS),
    isRateLimited(ipKey, SIGN_IN_LIMIT_PER_IP, SIGN_IN_WINDOW_MS),
  ]);
  if (!byEmail.allowed || !byIp.allowed) {
    await recordAudit({ actorId: null, action: "auth.sign_in_rate_limited", entityType: "User", details: { email }, origin });
    throw new TooManyAttempts();
  }

  const countFailure = () =>
    Promise.all([hitRateLimit(emailKey, SIGN_IN_LIMIT_PER_EMAIL, SIGN_IN_WINDOW_MS), hitRateLimit(ipKey, SIGN_IN_LIMIT_PER_IP, SIGN_IN_WINDOW_MS)]);

  const user = await db().user.findUnique({ where: { email } });
  if (!user?.passwordHash || user.disabledAt) {
    await burnPasswordCheck(password);
    await countFailure();
    throw new InvalidCredentials();
  }
  if (!(await verifyPassword(password, user.passwordHash))) {
    await countFailure();
    await recordAudit({ actorId: user.id, action: "auth.sign_in_failed", entityType: "User", entityId: user.id, origin });
    throw new InvalidCredentials();
  }
  await recordAudit({ actorId: user.id, action: "auth.sign_in", entityType: "User", entityId: user.id, details: { method: "password" }, origin });
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}

function buildConfig(): NextAuthConfig {
  return {
    secret: env().AUTH_SECRET,
    // The launcher and reverse proxies set Host; APP_URL is the canonical address.
    trustHost: true,
    adapter: PrismaAdapter(db() as never),
    session: { strategy: "jwt", maxAge: 30 * 24 * 3600 },
    pages: { signIn: "/sign-in", verifyRequest: "/sign-in/check-email", error: "/sign-in" },
    providers: [
      Credentials({
        id: "credentials",
        credentials: { email: { label: "Email" }, password: { label: "Password", type: "password" } },
        authorize: authorizePassword,
      }),
      {
        id: "email",
        type: "email",
        name: "Email link",
        maxAge: 15 * 60,
        from: env().EMAIL_FROM,
        normalizeIdentifier: (identifier: string) => EmailSchema.parse(identifier),
        async sendVerificationRequest({ identifier, url }) {
          await sendEmail({
            to: identifier,
            subject: "Your sign-in link",
            text: `Sign in to the eSIM store with this link (valid for 15 minutes):\n\n${url}\n\nIf you did not ask for it, ignore this email.`,
            html: `<p>Sign in to the eSIM store with this link (valid for 15 minutes):</p><p><a href="${url}">Sign in</a></p><p>If you did not ask for it, ignore this email.</p>`,
          });
        },
      },
    ],
    callbacks: {
      async signIn({ user }) {
        // Disabled accounts cannot come back in through a magic link either.
        if (user.email) {
          const existing = await db().user.findUnique({ where: { email: user.email }, select: { disabledAt: true } });
          if (existing?.disabledAt) return false;
        }
        return true;
      },
      jwt({ token, user }) {
        if (user?.id) token.uid = user.id;
        return token;
      },
      session({ session, token }) {
        if (typeof token.uid === "string") session.user.id = token.uid;
        return session;
      },
    },
  };
}

export const { handlers, auth, signIn, signOut } = NextAuth(() => buildConfig());
