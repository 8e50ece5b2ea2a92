/**
 * Auth.js (next-auth v5): email + password, and email magic links (which
 * open a confirm page first: see email-link.ts). Sessions
 * are JWTs (the credentials provider requires it), each backed by a row that
 * ends it early (session-store.ts); the database stays the source of truth
 * for roles, re-read on every guarded request (see session.ts).
 */
import "server-only";
import { PrismaAdapter } from "@auth/prisma-adapter";
import NextAuth, { AuthError, CredentialsSignin, type NextAuthConfig } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { headers } from "next/headers";
import { z } from "zod";
import { originFromHeaders, type RequestOrigin } from "../audit";
import { env } from "../config/env";
import { db } from "../db/client";
import { signInLinkEmail } from "../email/auth-emails";
import { sendEmail } from "../email/send";
import { log } from "../log";
import { safeRedirectPath } from "../security/redirect-target";
import { confirmPageFor } from "./email-link";
import { claimUnconfirmedAccount } from "./email-verification";
import { signInWithPassword } from "./password-sign-in";
import { reserveAuthAttempt } from "./rate-limit";
import { endSession, openSession, SESSION_MAX_AGE_S, sessionIsLive } from "./session-store";
import { EmailSchema } from "./users";

export class InvalidCredentials extends CredentialsSignin {
  code = "invalid_credentials";
}
export class TooManyAttempts extends CredentialsSignin {
  code = "rate_limited";
}
export class EmailUnconfirmed extends CredentialsSignin {
  code = "email_unconfirmed";
}
/** Thrown when a magic link is asked for past AUTH_LIMITS.emailLink; Auth.js hands it on as the cause of an AccessDenied. */
export class TooManyEmailLinks extends AuthError {
  static type = "TooManyEmailLinks";
}

/** Whether `err` is a magic-link request refused by AUTH_LIMITS.emailLink. */
export function isTooManyEmailLinks(err: unknown): boolean {
  return err instanceof TooManyEmailLinks || (err instanceof AuthError && err.cause?.err instanceof TooManyEmailLinks);
}

const CredentialsInput = z.object({ email: EmailSchema, password: z.string().min(1).max(200) });

/** Auth.js reports these as errors, but they are answers to a visitor: a refused sign-in, a used link. */
const REFUSALS = new Set(["CredentialsSignin", "Verification", "AccessDenied", TooManyEmailLinks.type]);

async function authorizePassword(raw: unknown, request: Request) {
  const parsed = CredentialsInput.safeParse(raw);
  if (!parsed.success) throw new InvalidCredentials();
  const result = await signInWithPassword(parsed.data.email, parsed.data.password, originFromHeaders(request.headers));
  switch (result.outcome) {
    case "signed_in":
      return { id: result.user.id, email: result.user.email, name: result.user.name, role: result.user.role };
    case "rate_limited":
      throw new TooManyAttempts();
    case "email_unconfirmed":
      throw new EmailUnconfirmed();
    case "invalid_credentials":
      throw new InvalidCredentials();
  }
}

/** `request` is there for Auth.js's own routes (the magic-link callback among them), not for server actions. */
function buildConfig(request: Request | undefined): NextAuthConfig {
  const { AUTH_SECRET, APP_URL, EMAIL_FROM } = env();
  // Auth.js builds its links (the magic link in the email among them) from
  // AUTH_URL when set, and otherwise from the request's Host and
  // X-Forwarded-Host, which the client writes.
  process.env.AUTH_URL = new URL(APP_URL).origin;
  const origin: RequestOrigin | null = request ? originFromHeaders(request.headers) : null;
  return {
    secret: AUTH_SECRET,
    adapter: PrismaAdapter(db() as never),
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_S },
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
        from: EMAIL_FROM,
        normalizeIdentifier: (identifier: string) => EmailSchema.parse(identifier),
        // Counted by the signIn callback, before Auth.js makes the link's token.
        async sendVerificationRequest({ identifier, url }) {
          await sendEmail({ to: identifier, ...(await signInLinkEmail(confirmPageFor(url))) });
        },
      },
    ],
    callbacks: {
      // Every redirect Auth.js makes after sign-in or sign-out: a path on this site, checked as every other target is.
      redirect({ url, baseUrl }) {
        const absolute = URL.canParse(url) ? new URL(url) : null;
        const path = absolute?.origin === baseUrl ? absolute.pathname + absolute.search + absolute.hash : url;
        return `${baseUrl}${safeRedirectPath(path, "/account")}`;
      },
      async signIn({ user, account, email }) {
        if (!user.email) return true;
        // Asking for a magic link: Auth.js stores its token and sends it only after this, so a refused request leaves neither.
        if (email?.verificationRequest) {
          const address = (origin ?? originFromHeaders(await headers())).ip;
          if (!(await reserveAuthAttempt("emailLink", user.email, address)).allowed) throw new TooManyEmailLinks();
        }
        const existing = await db().user.findUnique({ where: { email: user.email }, select: { disabledAt: true } });
        // Disabled accounts cannot come back in through a magic link either.
        if (existing?.disabledAt) return false;
        // A magic link being followed (not asked for) proves the mailbox.
        if (existing && account?.provider === "email" && !email?.verificationRequest) await claimUnconfirmedAccount(user.email, origin);
        return true;
      },
      async jwt({ token, user, account }) {
        if (user?.id)
          return { ...token, uid: user.id, sid: await openSession(user.id, { passwordEntered: account?.provider === "credentials" }) };
        const live = typeof token.uid === "string" && typeof token.sid === "string" && (await sessionIsLive(token.sid, token.uid));
        // null makes Auth.js drop the cookie and answer "no session".
        return live ? token : null;
      },
      session({ session, token }) {
        if (typeof token.uid === "string") session.user.id = token.uid;
        // Server code (auth() without a request) reads the session's row by
        // this id; the browser's /api/auth/session never gets it.
        if (!request && typeof token.sid === "string") return { ...session, sessionToken: token.sid };
        return session;
      },
    },
    logger: {
      error(error) {
        const type = error instanceof AuthError ? error.type : null;
        if (type && REFUSALS.has(type))
          log.info("auth.refused", { type, code: error instanceof CredentialsSignin ? error.code : undefined });
        else log.error("auth.error", { error });
      },
      warn: (code) => log.warn("auth.warning", { code }),
    },
    events: {
      async signOut(message) {
        if ("token" in message && typeof message.token?.sid === "string") await endSession(message.token.sid);
      },
    },
  };
}

export const { handlers, auth, signIn, signOut } = NextAuth((request) => buildConfig(request));
