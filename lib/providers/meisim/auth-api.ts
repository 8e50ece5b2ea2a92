import { z } from "zod";
import { check, checkEmail, checkNonEmpty } from "./input";
import { isoDateTime } from "./response";
import { isRecord, looseNumber, looseString, pick } from "../loose";
import { instant, layers, optionalIn, requiredIn } from "./normalise";
import { describeEndpoint, type MeisimTransport, type Session } from "./transport";
import { MeisimNotConfiguredError } from "./errors";

const sendOtp = { method: "POST", path: "/dealer/send-otp", auth: "none", group: "otpSend", idempotent: false } as const;
const verifyOtp = { method: "POST", path: "/dealer/verify-otp", auth: "none", group: "otpVerify", idempotent: false } as const;
const setPassword = { method: "POST", path: "/dealer/auth/set-password", auth: "dealerKey", idempotent: false } as const;
const dealerLogin = { method: "POST", path: "/dealer/auth/login", auth: "none", group: "login", idempotent: true } as const;
const portalLogin = { method: "POST", path: "/api/portal/v1/auth/login", auth: "none", idempotent: true } as const;

const sentSchema = z.object({ sent: z.literal(true) });
const verifiedSchema = z.object({ verified: z.literal(true), apiKey: z.string().min(1) });
const okSchema = z.object({ ok: z.literal(true) });
const loginSchema = z.object({
  ok: z.literal(true),
  token: z.string().min(1),
  expiresAt: isoDateTime,
  dealer: z.object({ id: z.string(), email: z.string(), company: z.string().nullish() }).optional(),
});

export interface MeisimLogin extends Session {
  dealer: { id: string; email: string; company: string | null } | null;
}

function toLogin(body: z.output<typeof loginSchema>): MeisimLogin {
  const dealer = body.dealer ? { id: body.dealer.id, email: body.dealer.email, company: body.dealer.company ?? null } : null;
  return { token: body.token, expiresAt: Date.parse(body.expiresAt), dealer };
}

/** Lifetime assumed for a portal token whose answer and claims state none; a refused token is renewed anyway. */
const PORTAL_TOKEN_FALLBACK_MS = 60 * 60_000;

/** The `exp` claim of a JWT, as epoch ms; undefined when the token is not a readable JWT. */
function jwtExpiry(token: string): number | undefined {
  const payload = token.split(".")[1];
  if (!payload) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    const exp = isRecord(claims) ? looseNumber(claims.exp) : undefined;
    return exp === undefined ? undefined : exp * 1000;
  } catch {
    return undefined;
  }
}

/**
 * The portal login answer: the document says only that it returns "a
 * token". Read tolerantly: the token under natural names; its expiry from
 * an expiry instant, a lifetime in seconds, the JWT's own `exp` claim, or
 * else an hour.
 */
export function readPortalLogin(body: unknown, where: string): MeisimLogin {
  const ls = layers(body);
  const token = requiredIn(where, ls, "token", ["token", "accessToken", "jwt", "idToken", "authToken", "bearer"], looseString);
  const at = optionalIn(ls, ["expiresAt", "expiry", "expires", "expiration", "expiresOn", "validUntil"], instant);
  const inSeconds = optionalIn(ls, ["expiresIn", "ttl", "lifetime", "expiresInSeconds"], (v) => {
    const n = looseNumber(v);
    return n !== undefined && n > 0 ? n : undefined;
  });
  const expiresAt = at
    ? Date.parse(at)
    : inSeconds !== undefined
      ? Date.now() + inSeconds * 1000
      : (jwtExpiry(token) ?? Date.now() + PORTAL_TOKEN_FALLBACK_MS);
  const user = optionalIn(ls, ["user", "dealer", "account"], (v) => (isRecord(v) ? v : undefined));
  const id = user ? looseString(pick(user, ["id", "userId"])) : undefined;
  const email = user ? looseString(pick(user, ["email"])) : undefined;
  return {
    token,
    expiresAt,
    dealer: id && email ? { id, email, company: looseString(pick(user!, ["company", "companyName"])) ?? null } : null,
  };
}

function checkCredentials(email: string, password: string) {
  checkNonEmpty(email, "email");
  checkEmail(email, "email");
  checkNonEmpty(password, "password");
}

/**
 * Dealer onboarding (OTP → API key → password) for the admin set-up screen,
 * and the two JWT logins the transport uses on its own.
 */
export class MeisimAuthApi {
  constructor(
    private readonly http: MeisimTransport,
    private readonly credentials: { dealerEmail?: string; dealerPassword?: string; portalEmail?: string; portalPassword?: string },
  ) {}

  /** Emails a 6-digit code (valid 5 minutes, 5 tries). */
  async sendOtp(email: string): Promise<void> {
    checkEmail(email, "email");
    await this.http.json(sendOtp, sentSchema, { body: { email } });
  }

  /** Trades the emailed code for the dealer API key. */
  async verifyOtp(email: string, code: string): Promise<{ apiKey: string }> {
    checkEmail(email, "email");
    check(/^\d{6}$/.test(code), "code", "must be the 6-digit code from the email");
    const body = await this.http.json(verifyOtp, verifiedSchema, { body: { email, code } });
    return { apiKey: body.apiKey };
  }

  /** One-time password set-up; needs the API key (the configured one unless given). */
  async setPassword(input: { email: string; password: string; apiKey?: string }): Promise<void> {
    checkEmail(input.email, "email");
    check(input.password.length >= 8, "password", "must be at least 8 characters");
    await this.http.json(setPassword, okSchema, { body: { email: input.email, password: input.password }, dealerKey: input.apiKey });
  }

  /** Dealer password login; the JWT lasts 12 hours. Defaults to the configured dealer credentials. */
  async login(email = this.credentials.dealerEmail, password = this.credentials.dealerPassword): Promise<MeisimLogin> {
    if (!email || !password) throw new MeisimNotConfiguredError("dealer email and password");
    checkCredentials(email, password);
    return toLogin(await this.http.json(dealerLogin, loginSchema, { body: { email, password } }));
  }

  /** Portal API login (eSIM Supply, Validator) with the configured portal credentials; its answer is read tolerantly (undocumented shape). */
  async portalLogin(): Promise<MeisimLogin> {
    const { portalEmail: email, portalPassword: password } = this.credentials;
    if (!email || !password) throw new MeisimNotConfiguredError("portal email and password");
    checkCredentials(email, password);
    return readPortalLogin(await this.http.body(portalLogin, { body: { email, password } }), describeEndpoint(portalLogin));
  }
}
