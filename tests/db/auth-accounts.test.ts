/**
 * Accounts in the database: sign-up, the first admin, and the fixed-window
 * counters that limit sign-in attempts.
 */
import { afterAll, describe, expect, it } from "vitest";
import { verifyPassword } from "@/lib/auth/password";
import { hitRateLimit, isRateLimited } from "@/lib/auth/rate-limit";
import { EmailSchema, EmailTakenError, ensureAdmin, registerCustomer, SignUpSchema } from "@/lib/auth/users";
import { db } from "@/lib/db/client";
import { Role } from "@/lib/generated/prisma/client";
import { unique } from "../support/providers";

afterAll(() => db().$disconnect());

const PASSWORD = "correct horse battery";
const ORIGIN = { ip: "198.51.100.4", userAgent: "vitest" };

/** Sign-up as the server action does it: the form is parsed by SignUpSchema first. */
const signUp = (email: string, password = PASSWORD) => registerCustomer(SignUpSchema.parse({ name: "Ada Lovelace", email, password }), ORIGIN);

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

  it("refuses an email already registered, in any letter case, leaving the first account as it was", async () => {
    const email = `taken.${unique()}@example.test`;
    const first = await signUp(email);

    await expect(signUp(email.toUpperCase(), "another password here")).rejects.toBeInstanceOf(EmailTakenError);

    expect(await db().user.findMany({ where: { email: { equals: email, mode: "insensitive" } }, select: { id: true } })).toEqual([{ id: first.id }]);
    const stored = await db().user.findUniqueOrThrow({ where: { id: first.id } });
    expect(await verifyPassword(PASSWORD, stored.passwordHash!)).toBe(true);
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

      expect(await ensureAdmin({ email: `second-admin.${unique()}@example.test`, password: "a chosen password" })).toEqual({ email, password: null });
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

  it("counts attempts within a window and refuses past the limit, saying when to retry", async () => {
    const key = `test:${unique()}`;
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await hitRateLimit(key, 3, WINDOW_MS, NOW + i));

    expect(results.map((r) => [r.allowed, r.remaining])).toEqual([
      [true, 2],
      [true, 1],
      [true, 0],
      [false, 0],
    ]);
    expect(results[0]!.retryAfterMs).toBe(30_000);
    expect(results[3]!.retryAfterMs).toBe(30_000 - 3);
  });

  it("checks without counting, and starts afresh in the next window", async () => {
    const key = `test:${unique()}`;
    expect(await isRateLimited(key, 2, WINDOW_MS, NOW)).toEqual({ allowed: true, remaining: 2, retryAfterMs: 30_000 });
    expect(await isRateLimited(key, 2, WINDOW_MS, NOW)).toMatchObject({ allowed: true, remaining: 2 });

    await hitRateLimit(key, 2, WINDOW_MS, NOW);
    expect(await isRateLimited(key, 2, WINDOW_MS, NOW)).toMatchObject({ allowed: true, remaining: 1 });
    await hitRateLimit(key, 2, WINDOW_MS, NOW);
    expect(await isRateLimited(key, 2, WINDOW_MS, NOW)).toMatchObject({ allowed: false, remaining: 0 });

    // The window ends 30 s after NOW.
    expect(await isRateLimited(key, 2, WINDOW_MS, NOW + 29_999)).toMatchObject({ allowed: false });
    expect(await isRateLimited(key, 2, WINDOW_MS, NOW + 30_000)).toEqual({ allowed: true, remaining: 2, retryAfterMs: WINDOW_MS });
    expect(await hitRateLimit(key, 2, WINDOW_MS, NOW + 30_000)).toMatchObject({ allowed: true, remaining: 1 });
  });

  it("keeps keys apart, and counts simultaneous attempts exactly", async () => {
    const key = `test:${unique()}`;
    const other = `test:${unique()}`;
    // Sign-in counts the email and the address at once; parallel requests must neither fail nor lose a count.
    await Promise.all(Array.from({ length: 8 }, () => hitRateLimit(key, 5, WINDOW_MS, NOW)));

    expect(await isRateLimited(key, 5, WINDOW_MS, NOW)).toMatchObject({ allowed: false, remaining: 0 });
    expect((await db().rateLimitWindow.findFirstOrThrow({ where: { key } })).count).toBe(8);
    expect(await isRateLimited(other, 5, WINDOW_MS, NOW)).toMatchObject({ allowed: true, remaining: 5 });
  });
});
