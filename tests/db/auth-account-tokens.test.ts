/**
 * The links that let someone into an account, and the password changes:
 * password-reset tokens (kept hashed, working once, for 30 minutes, and
 * none stored for a refused or unknown request), a sign-up over an address
 * that has an account (nothing changes), and setting or changing a password
 * from the account page (other sessions end, the address is told).
 */
import { createHash } from "node:crypto";
import { afterAll, describe, expect, it, vi } from "vitest";
import { confirmEmail } from "@/lib/auth/email-verification";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { changePassword, setFirstPassword } from "@/lib/auth/password-change";
import { requestPasswordReset, resetIdentifierFor, resetPassword } from "@/lib/auth/password-reset";
import { AUTH_LIMITS } from "@/lib/auth/rate-limit";
import { SIGN_IN_BACKOFF } from "@/lib/auth/sign-in-backoff";
import { openSession } from "@/lib/auth/session-store";
import { registerCustomer, SignUpSchema } from "@/lib/auth/users";
import { env } from "@/lib/config/env";
import { db } from "@/lib/db/client";
import { readOutbox } from "@/lib/email/outbox";
import { unique } from "../support/providers";

afterAll(() => db().$disconnect());
// Every password stored or checked is a bcrypt hash at cost 12.
vi.setConfig({ testTimeout: 60_000 });

const PASSWORD = "correct horse battery";
const NEW_PASSWORD = "a brand new passphrase";
let addressSerial = 0;
const newOrigin = () => ({ ip: `192.0.2.${++addressSerial}`, userAgent: "vitest" });
const newEmail = (tag: string) => `${tag}.${unique()}@example.test`;

async function confirmedCustomer(email = newEmail("customer")) {
  return db().user.create({ data: { email, name: "Ada Lovelace", passwordHash: await hashPassword(PASSWORD), emailVerified: new Date() } });
}

const mailsTo = async (to: string, subject?: string) =>
  (await readOutbox(env().DATA_DIR, 500)).filter((m) => m.to === to && (subject === undefined || m.subject === subject));

/** The reset links emailed to `to`, newest first, as their email and token. */
async function resetLinks(to: string) {
  return (await mailsTo(to, "Choose a new password")).map((m) => {
    const link = new URL(/https?:\/\/\S+/.exec(m.text)![0]);
    expect(link.origin + link.pathname).toBe(new URL("/reset-password", env().APP_URL).href);
    return { email: link.searchParams.get("email")!, token: link.searchParams.get("token")! };
  });
}

const resetTokens = (email: string) => db().verificationToken.findMany({ where: { identifier: resetIdentifierFor(email) } });

describe("password reset links", () => {
  it("are stored only as the SHA-256 of the emailed token, and expire 30 minutes after they are asked for", async () => {
    const user = await confirmedCustomer();
    const now = new Date();

    expect(await requestPasswordReset(user.email, newOrigin(), now)).toBe("sent");

    const [link] = await resetLinks(user.email);
    expect(link!.token).toMatch(/^[\w-]{43}$/);
    const stored = await resetTokens(user.email);
    expect(stored).toEqual([
      {
        identifier: resetIdentifierFor(user.email),
        token: createHash("sha256").update(link!.token).digest("hex"),
        expires: new Date(now.getTime() + 30 * 60_000),
      },
    ]);
    expect(JSON.stringify(stored)).not.toContain(link!.token);
  });

  it("create no token and send nothing for an unknown or disabled address, answering as for any other", async () => {
    const unknown = newEmail("unknown");
    const disabled = await db().user.create({ data: { email: newEmail("disabled"), emailVerified: new Date(), disabledAt: new Date() } });

    for (const email of [unknown, disabled.email]) {
      expect(await requestPasswordReset(email, newOrigin())).toBe("sent");
      expect(await resetTokens(email)).toEqual([]);
      expect(await mailsTo(email)).toEqual([]);
    }
  });

  it("create no token for a request refused by the limit", async () => {
    const user = await confirmedCustomer();
    const origin = newOrigin();
    for (let i = 0; i < AUTH_LIMITS.passwordReset.perEmail; i++) expect(await requestPasswordReset(user.email, origin)).toBe("sent");

    expect(await requestPasswordReset(user.email, newOrigin())).toBe("rate_limited");

    expect(await resetTokens(user.email)).toHaveLength(AUTH_LIMITS.passwordReset.perEmail);
    expect(await resetLinks(user.email)).toHaveLength(AUTH_LIMITS.passwordReset.perEmail);
  });

  it("work once: the password is set, every other link is voided, and every session but the one kept ends", async () => {
    const user = await confirmedCustomer();
    const kept = await openSession(user.id);
    for (let i = 0; i < 2; i++) await openSession(user.id);
    await requestPasswordReset(user.email, newOrigin());
    await requestPasswordReset(user.email, newOrigin());
    const [newest, older] = await resetLinks(user.email);

    // A wrong token uses nothing up.
    expect(
      await resetPassword({ ...newest!, token: older!.token.split("").reverse().join(""), password: "wrong token pass" }, null, null),
    ).toBe(false);
    expect(await resetTokens(user.email)).toHaveLength(2);

    expect(await resetPassword({ ...newest!, password: NEW_PASSWORD }, newOrigin(), kept)).toBe(true);

    const stored = await db().user.findUniqueOrThrow({ where: { id: user.id } });
    expect(await verifyPassword(NEW_PASSWORD, stored.passwordHash!)).toBe(true);
    expect((await db().session.findMany({ where: { userId: user.id } })).map((s) => s.sessionToken)).toEqual([kept]);
    expect(await resetTokens(user.email)).toEqual([]);
    for (const link of [newest!, older!])
      expect(await resetPassword({ ...link, password: "yet another passphrase" }, null, null)).toBe(false);
    expect(await verifyPassword(NEW_PASSWORD, (await db().user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash!)).toBe(true);
    expect(await mailsTo(user.email, "Your password was changed")).toHaveLength(1);
    expect(await db().auditLog.findMany({ where: { action: "user.password_reset", entityId: user.id } })).toEqual([
      expect.objectContaining({ details: { sessionsEnded: 2 } }),
    ]);
  });

  it("stop working 30 minutes after they were asked for", async () => {
    const user = await confirmedCustomer();
    const asked = new Date();
    await requestPasswordReset(user.email, newOrigin(), asked);
    const [link] = await resetLinks(user.email);

    expect(await resetPassword({ ...link!, password: NEW_PASSWORD }, null, null, new Date(asked.getTime() + 30 * 60_000 + 1))).toBe(false);
    expect(await verifyPassword(PASSWORD, (await db().user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash!)).toBe(true);
    // Just inside the 30 minutes it still works.
    expect(await resetPassword({ ...link!, password: NEW_PASSWORD }, null, null, new Date(asked.getTime() + 30 * 60_000 - 1000))).toBe(
      true,
    );
  });

  it("on an address never confirmed, take the account from whoever registered it: their password, name and confirmation link go", async () => {
    const email = newEmail("squatted");
    await registerCustomer(SignUpSchema.parse({ name: "Not The Owner", email, password: PASSWORD }), newOrigin());
    const [confirmation] = await mailsTo(email, "Confirm your email address");
    const confirmationToken = new URL(/https?:\/\/\S+/.exec(confirmation!.text)![0]).searchParams.get("token")!;

    await requestPasswordReset(email, newOrigin());
    const [link] = await resetLinks(email);
    expect(await resetPassword({ ...link!, password: NEW_PASSWORD }, newOrigin(), null)).toBe(true);

    const account = await db().user.findUniqueOrThrow({ where: { email } });
    expect(account.name).toBeNull();
    expect(account.emailVerified).not.toBeNull();
    expect(await verifyPassword(PASSWORD, account.passwordHash!)).toBe(false);
    expect(await verifyPassword(NEW_PASSWORD, account.passwordHash!)).toBe(true);
    expect(await confirmEmail(email, confirmationToken, null)).toBe(false);
    expect(await db().auditLog.count({ where: { action: "user.claimed_by_password_reset", entityId: account.id } })).toBe(1);
  });
});

describe("a sign-up over an address that has an account", () => {
  it("changes nothing, ends no session, and mails the address a notice with a sign-in link and no token", async () => {
    const user = await confirmedCustomer();
    const session = await openSession(user.id);

    await expect(
      registerCustomer(SignUpSchema.parse({ name: "Mallory", email: user.email, password: "mallory's own password" }), newOrigin()),
    ).resolves.toBeUndefined();

    expect(await db().user.findUniqueOrThrow({ where: { id: user.id } })).toEqual(user);
    expect(await db().session.findMany({ where: { userId: user.id }, select: { sessionToken: true } })).toEqual([
      { sessionToken: session },
    ]);
    const [notice, ...others] = await mailsTo(user.email);
    expect(others).toEqual([]);
    expect(notice!.subject).toBe("Someone tried to register with your address");
    expect(notice!.text).not.toContain("Mallory");
    expect(/https?:\/\/\S+/.exec(notice!.text)![0]).toBe(new URL("/sign-in", env().APP_URL).href);
    expect(await db().verificationToken.count({ where: { identifier: { endsWith: user.email } } })).toBe(0);
  });
});

describe("the account page's password", () => {
  it("is changed only with the current one, ending every other session and telling the address", async () => {
    const user = await confirmedCustomer();
    const kept = await openSession(user.id);
    await openSession(user.id);

    expect(await changePassword(user, { current: "not my password", password: NEW_PASSWORD }, newOrigin(), kept)).toBe("wrong_password");
    expect(await verifyPassword(PASSWORD, (await db().user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash!)).toBe(true);
    expect(await db().session.count({ where: { userId: user.id } })).toBe(2);

    expect(await changePassword(user, { current: PASSWORD, password: NEW_PASSWORD }, newOrigin(), kept)).toBe("changed");

    expect(await verifyPassword(NEW_PASSWORD, (await db().user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash!)).toBe(true);
    expect((await db().session.findMany({ where: { userId: user.id } })).map((s) => s.sessionToken)).toEqual([kept]);
    expect(await mailsTo(user.email, "Your password was changed")).toHaveLength(1);
  });

  it("is guessed at most as often as password sign-in allows", async () => {
    const user = await confirmedCustomer();
    const origin = newOrigin();
    // The guesses a client gets for free before its waits begin (sign-in-backoff.ts), as for sign-in.
    for (let i = 0; i < SIGN_IN_BACKOFF.freeFailures; i++)
      expect(await changePassword(user, { current: `guess ${i}`, password: NEW_PASSWORD }, origin, null)).toBe("wrong_password");
    expect(await changePassword(user, { current: PASSWORD, password: NEW_PASSWORD }, origin, null)).toBe("rate_limited");
    expect(await verifyPassword(PASSWORD, (await db().user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash!)).toBe(true);
  });

  it("can be set without a current one only on an account that has none", async () => {
    const linkOnly = await db().user.create({ data: { email: newEmail("link-only"), emailVerified: new Date() } });
    expect(await setFirstPassword(linkOnly, NEW_PASSWORD, newOrigin(), null)).toBe("changed");
    expect(await verifyPassword(NEW_PASSWORD, (await db().user.findUniqueOrThrow({ where: { id: linkOnly.id } })).passwordHash!)).toBe(
      true,
    );
    expect(await mailsTo(linkOnly.email, "Your password was changed")).toHaveLength(1);

    const withPassword = await confirmedCustomer();
    expect(await setFirstPassword(withPassword, NEW_PASSWORD, newOrigin(), null)).toBe("has_password");
    expect(await verifyPassword(PASSWORD, (await db().user.findUniqueOrThrow({ where: { id: withPassword.id } })).passwordHash!)).toBe(
      true,
    );
  });
});
