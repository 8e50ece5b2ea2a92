/**
 * Accounts in the database: sign-up (unconfirmed until its emailed link is
 * followed), the first admin, and the fixed-window counters that limit
 * sign-in, sign-up and emailed links.
 */
import { afterAll, describe, expect, it, vi } from "vitest";
import { verifyPassword } from "@/lib/auth/password";
import { resendEmailConfirmation } from "@/lib/auth/email-verification";
import { AUTH_LIMITS, RateLimitedError, reserveAttempt, reserveAuthAttempt } from "@/lib/auth/rate-limit";
import { EmailSchema, ensureAdmin, registerCustomer, SignUpSchema } from "@/lib/auth/users";
import { env } from "@/lib/config/env";
import { db } from "@/lib/db/client";
import { readOutbox } from "@/lib/email/outbox";
import { Role } from "@/lib/generated/prisma/client";
import { unique } from "../support/providers";

afterAll(() => db().$disconnect());
// Sign-ups hash passwords with bcrypt at cost 12.
vi.setConfig({ testTimeout: 30_000 });

const PASSWORD = "correct horse battery";
const ORIGIN = { ip: "198.51.100.4", userAgent: "vitest" };
let addressSerial = 0;
/** An address no other test uses, so each starts with its limits untouched. */
const newOrigin = () => ({ ip: `203.0.113.${++addressSerial}`, userAgent: "vitest" });

/** Sign-up as the server action does it (the form is parsed by SignUpSchema first); answers the account of the address. */
async function signUp(email: string, password = PASSWORD) {
  const input = SignUpSchema.parse({ name: "Ada Lovelace", email, password });
  await registerCustomer(input, ORIGIN);
  return db().user.findUniqueOrThrow({ where: { email: input.email } });
}

describe("registerCustomer", () => {
  it("stores a bcrypt hash, never the password, under the lower-cased email, and audits the sign-up", async () => {
    const id = unique();
    const user = await signUp(`  Ada.${id}@Example.TEST `);

    expect(user).toMatchObject({ email: `ada.${id}@example.test`, name: "Ada Lovelace", role: Role.CUSTOMER });
    const stored = await db().user.findUniqueOrThrow({ where: { id: user.id } });
    expect(stored.passwordHash).toMatch(/^\$2[aby]\$12\$/);
    expect(stored.passwordHash).not.toContain(PASSWORD);
    expect(await verifyPassword(PASSWORD, stored.passwordHash!)).toBe(true);
    expect(await verifyPassword("wrong horse battery", stored.passwordHash!)).toBe(false);
    expect(await db().auditLog.findMany({ where: { action: "user.sign_up", entityId: user.id } })).toEqual([
      expect.objectContaining({ actorId: user.id, entityType: "User", ip: ORIGIN.ip, userAgent: ORIGIN.userAgent }),
    ]);
  });

  it("leaves the address unconfirmed and emails a link to confirm it, naming nothing the registrant typed", async () => {
    const input = SignUpSchema.parse({ name: "Visit evil.example", email: `confirm.${unique()}@example.test`, password: PASSWORD });
    await registerCustomer(input, ORIGIN, "/wallet");
    const user = await db().user.findUniqueOrThrow({ where: { email: input.email } });

    expect(user.emailVerified).toBeNull();
    const [email, ...more] = (await readOutbox(env().DATA_DIR, 500)).filter((m) => m.to === user.email);
    expect(more).toEqual([]);
    expect(email).toMatchObject({ subject: "Confirm your email address" });
    expect(email!.text).not.toContain("evil.example");
    const link = new URL(/https?:\/\/\S+/.exec(email!.text)![0]);
    expect(link.origin + link.pathname).toBe(new URL("/verify-email", env().APP_URL).href);
    expect(link.searchParams.get("email")).toBe(user.email);
    expect(link.searchParams.get("callbackUrl")).toBe("/wallet");
    expect(link.searchParams.get("token")).toMatch(/^[\w-]{43}$/);
  });

  it("over an address already registered, in any letter case, changes nothing and tells the address instead", async () => {
    const email = `taken.${unique()}@example.test`;
    const first = await signUp(email);

    await expect(
      registerCustomer(SignUpSchema.parse({ name: "Mallory", email: email.toUpperCase(), password: "another password here" }), ORIGIN),
    ).resolves.toBeUndefined();

    expect(await db().user.findMany({ where: { email: { equals: email, mode: "insensitive" } } })).toEqual([first]);
    const mails = (await readOutbox(env().DATA_DIR, 500)).filter((m) => m.to === email).map((m) => m.subject);
    expect(mails.sort()).toEqual(["Confirm your email address", "Someone tried to register with your address"]);
  });
});

describe("ensureAdmin", () => {
  /**
   * ensureAdmin acts only when no admin exists, and other files in this
   * database create admins; they are demoted for the call and restored after.
   */
  async function withNoAdmins<T>(run: () => Promise<T>): Promise<T> {
    const admins = await db().user.findMany({ where: { role: Role.ADMIN }, select: { id: true } });
    await db().user.updateMany({ where: { id: { in: admins.map((a) => a.id) } }, data: { role: Role.CUSTOMER } });
    try {
      return await run();
    } finally {
      await db().user.updateMany({ where: { id: { in: admins.map((a) => a.id) } }, data: { role: Role.ADMIN } });
    }
  }

  it("creates the first admin once, handing out its generated password only then", async () => {
    const email = `first-admin.${unique()}@example.test`;
    await withNoAdmins(async () => {
      const created = await ensureAdmin({ email });
      expect(created.email).toBe(email);
      // 12 random bytes, base64url.
      expect(created.password).toMatch(/^[A-Za-z0-9_-]{16}$/);

      const admin = await db().user.findUniqueOrThrow({ where: { email } });
      expect(admin.role).toBe(Role.ADMIN);
      expect(admin.emailVerified).not.toBeNull();
      expect(await verifyPassword(created.password!, admin.passwordHash!)).toBe(true);
      expect(await db().auditLog.count({ where: { action: "user.admin_bootstrap", entityId: admin.id } })).toBe(1);

      expect(await ensureAdmin({ email: `second-admin.${unique()}@example.test`, password: "a chosen password" })).toEqual({
        email,
        password: null,
      });
      expect(await db().user.count({ where: { role: Role.ADMIN } })).toBe(1);
    });
  });

  it("uses ADMIN_PASSWORD when one is configured", async () => {
    const email = `configured-admin.${unique()}@example.test`;
    await withNoAdmins(async () => {
      expect(await ensureAdmin({ email, password: "configured password" })).toEqual({ email, password: "configured password" });
      const admin = await db().user.findUniqueOrThrow({ where: { email } });
      expect(await verifyPassword("configured password", admin.passwordHash!)).toBe(true);
    });
  });

  it("stores the admin's email as sign-in looks it up, even when ADMIN_EMAIL has capitals", async () => {
    const configured = `Owner.${unique()}@Example.TEST`;
    await withNoAdmins(async () => {
      await ensureAdmin({ email: configured, password: "configured password" });
      // Sign-in parses the typed email with EmailSchema (lower case) and looks the user up by it.
      const admin = await db().user.findUnique({ where: { email: EmailSchema.parse(configured) } });
      expect(admin?.role).toBe(Role.ADMIN);
    });
  });
});

describe("rate limits", () => {
  const WINDOW_MS = 60_000;
  // 30 s into a window, so the window's start and end are known.
  const NOW = Date.UTC(2030, 0, 1, 12, 0, 30);
  const countOf = async (key: string) => (await db().rateLimitWindow.findFirst({ where: { key } }))?.count ?? 0;

  it("counts attempts within a window and refuses past the limit, saying when to retry", async () => {
    const key = `test:${unique()}`;
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await reserveAttempt([{ key, limit: 3 }], WINDOW_MS, NOW + i));

    expect(results.map((r) => r.allowed)).toEqual([true, true, true, false]);
    expect(results[0]!.retryAfterMs).toBe(30_000);
    // The window ends in 30 s; its 3 attempts then weigh 3 × (share of it still within the last minute), which
    // rounds below 3 (leaving room for one) once that share is under 2.5 / 3, 10 s into the next window.
    expect(results[3]!.retryAfterMs).toBeGreaterThanOrEqual(40_000 - 3);
    expect(results[3]!.retryAfterMs).toBeLessThanOrEqual(40_000 - 3 + 1);
    // The refused attempt was given back.
    expect(await countOf(key)).toBe(3);
    const retryAt = NOW + 3 + results[3]!.retryAfterMs;
    expect((await reserveAttempt([{ key, limit: 3 }], WINDOW_MS, retryAt - 2)).allowed).toBe(false);
    expect((await reserveAttempt([{ key, limit: 3 }], WINDOW_MS, retryAt)).allowed).toBe(true);
  });

  it("remembers the attempts of the window before, so a burst across a boundary stays within the limit", async () => {
    const key = `test:${unique()}`;
    const windowEnd = NOW + 30_000;
    const attempt = (at: number) => reserveAttempt([{ key, limit: 5 }], WINDOW_MS, at);
    for (let i = 0; i < 5; i++) expect((await attempt(windowEnd - 100 + i)).allowed).toBe(true);
    // Just after the boundary, the previous window's 5 still count in full.
    expect((await attempt(windowEnd + 1)).allowed).toBe(false);
    // Just before half way through the next window, a little over half of them do (2.5…, rounded to 3): two more fit.
    const halfway = windowEnd + WINDOW_MS / 2 - 1;
    expect([(await attempt(halfway)).allowed, (await attempt(halfway)).allowed, (await attempt(halfway)).allowed]).toEqual([
      true,
      true,
      false,
    ]);
    // A window later, only the 2 of the window before count, at about half: 1.
    const later = halfway + WINDOW_MS;
    const tally = [];
    for (let i = 0; i < 5; i++) tally.push((await attempt(later)).allowed);
    expect(tally).toEqual([true, true, true, true, false]);
  });

  it("gives a released attempt back, and lets the window before weigh less as the next one goes on", async () => {
    const key = `test:${unique()}`;
    const first = await reserveAttempt([{ key, limit: 2 }], WINDOW_MS, NOW);
    await reserveAttempt([{ key, limit: 2 }], WINDOW_MS, NOW);
    expect((await reserveAttempt([{ key, limit: 2 }], WINDOW_MS, NOW)).allowed).toBe(false);

    // Released after the window ended: it still comes off the window it was counted in.
    await first.release();
    expect((await reserveAttempt([{ key, limit: 2 }], WINDOW_MS, NOW + 29_999)).allowed).toBe(true);
    expect((await reserveAttempt([{ key, limit: 2 }], WINDOW_MS, NOW + 29_999)).allowed).toBe(false);
    // The next window starts with the 2 of this one weighing in full, less as it goes: 1.5 rounds to 2, under it to 1.
    const nextStart = NOW + 30_000;
    expect(await reserveAttempt([{ key, limit: 2 }], WINDOW_MS, nextStart)).toMatchObject({ allowed: false, retryAfterMs: 15_001 });
    expect((await reserveAttempt([{ key, limit: 2 }], WINDOW_MS, nextStart + 15_000)).allowed).toBe(false);
    expect(await reserveAttempt([{ key, limit: 2 }], WINDOW_MS, nextStart + 15_001)).toMatchObject({ allowed: true, retryAfterMs: 44_999 });
  });

  it("counts every key in one attempt, and one key's refusal gives the others back", async () => {
    const email = `test:email:${unique()}`;
    const address = `test:address:${unique()}`;
    await reserveAttempt([{ key: address, limit: 1 }], WINDOW_MS, NOW);

    expect(
      (
        await reserveAttempt(
          [
            { key: email, limit: 5 },
            { key: address, limit: 1 },
          ],
          WINDOW_MS,
          NOW,
        )
      ).allowed,
    ).toBe(false);
    expect([await countOf(email), await countOf(address)]).toEqual([0, 1]);
  });

  it("lets exactly `limit` of many simultaneous attempts through", async () => {
    const key = `test:${unique()}`;
    const other = `test:${unique()}`;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        reserveAttempt(
          [
            { key, limit: 5 },
            { key: `${other}:${i}`, limit: 5 },
          ],
          WINDOW_MS,
          NOW,
        ),
      ),
    );

    expect(results.filter((r) => r.allowed)).toHaveLength(5);
    expect(await countOf(key)).toBe(5);
  });
});

describe("sign-up limits", () => {
  it("refuses a sixth sign-up for one email within the hour, even when the first ones changed nothing", async () => {
    const email = `limited.${unique()}@example.test`;
    const origin = newOrigin();
    const attempt = () => registerCustomer(SignUpSchema.parse({ name: "Ada Lovelace", email, password: PASSWORD }), origin);
    for (let i = 0; i < 5; i++) await attempt();
    await expect(attempt()).rejects.toBeInstanceOf(RateLimitedError);
  });

  it("refuses sign-ups from an address past its limit", async () => {
    const origin = newOrigin();
    for (let i = 0; i < AUTH_LIMITS.signUp.perAddress; i++) await reserveAuthAttempt("signUp", `other.${unique()}@example.test`, origin.ip);
    const email = `refused.${unique()}@example.test`;
    await expect(registerCustomer(SignUpSchema.parse({ name: "Ada Lovelace", email, password: PASSWORD }), origin)).rejects.toBeInstanceOf(
      RateLimitedError,
    );
    expect(await db().user.count({ where: { email } })).toBe(0);
    expect(await db().verificationToken.count({ where: { identifier: { endsWith: email } } })).toBe(0);
  });
});

describe("resending the confirmation link", () => {
  const confirmationsTo = async (to: string) =>
    (await readOutbox(env().DATA_DIR, 500)).filter((m) => m.to === to && m.subject === "Confirm your email address");

  it("sends a new link only to an unconfirmed password account, answering alike for any email, at most 3 times in 15 minutes", async () => {
    const origin = newOrigin();
    const unconfirmed = `resend.${unique()}@example.test`;
    await signUp(unconfirmed);
    const confirmed = `resend-confirmed.${unique()}@example.test`;
    await db().user.create({ data: { email: confirmed, passwordHash: "x", emailVerified: new Date() } });
    const unknown = `resend-unknown.${unique()}@example.test`;

    for (const email of [confirmed, unknown]) expect(await resendEmailConfirmation(email, origin, "/account")).toBe("sent");
    expect(await confirmationsTo(confirmed)).toHaveLength(0);
    expect(await confirmationsTo(unknown)).toHaveLength(0);

    for (let i = 0; i < 3; i++) expect(await resendEmailConfirmation(unconfirmed, origin, "/account")).toBe("sent");
    expect(await resendEmailConfirmation(unconfirmed, origin, "/account")).toBe("rate_limited");
    // The sign-up's link and three more.
    expect(await confirmationsTo(unconfirmed)).toHaveLength(4);
    // The refused request made no token either: the sign-up's and the three resent ones are all there are.
    expect(await db().verificationToken.count({ where: { identifier: `email-confirmation:${unconfirmed}` } })).toBe(4);
  });
});
