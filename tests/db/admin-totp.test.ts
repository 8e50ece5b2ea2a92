/**
 * The admin second factor with its database: enrolment (secret sealed,
 * recovery codes hashed), sign-in codes that cannot be replayed, even by two
 * requests at once, and recovery codes that work once.
 */
import * as OTPAuth from "otpauth";
import { afterAll, describe, expect, it } from "vitest";
import { openSession, readSession } from "@/lib/auth/session-store";
import { confirmTotpEnrolment, startTotpEnrolment, verifySecondFactor } from "@/lib/auth/totp";
import { TOTP_PERIOD_S } from "@/lib/auth/totp-code";
import { db } from "@/lib/db/client";
import { Role } from "@/lib/generated/prisma/client";
import { createUser } from "../support/fake-stripe";

afterAll(() => db().$disconnect());

const PERIOD_MS = TOTP_PERIOD_S * 1000;
const codeAt = (secret: string, timestamp: number) =>
  OTPAuth.TOTP.generate({ secret: OTPAuth.Secret.fromBase32(secret), algorithm: "SHA1", digits: 6, period: TOTP_PERIOD_S, timestamp });

async function enrolledAdmin() {
  const admin = await createUser(Role.ADMIN);
  const started = (await startTotpEnrolment(admin))!;
  // The middle of a step, so the steps either side are unambiguous.
  const t0 = Math.floor(Date.now() / PERIOD_MS) * PERIOD_MS + PERIOD_MS / 2;
  const enrolSession = await openSession(admin.id, { passwordEntered: true });
  const enrolled = await confirmTotpEnrolment(admin.id, codeAt(started.secret, t0), enrolSession, null, new Date(t0));
  if (!enrolled.ok) throw new Error(enrolled.error);
  return { admin, secret: started.secret, t0, recoveryCodes: enrolled.recoveryCodes, enrolSession };
}

describe("enrolling TOTP", () => {
  it("keeps the secret sealed and the recovery codes hashed, and counts the enrolling session as verified", async () => {
    const admin = await createUser(Role.ADMIN);
    const started = (await startTotpEnrolment(admin))!;
    expect(started.qrDataUrl).toMatch(/^data:image\/png;base64,/);
    const row = await db().totpCredential.findUniqueOrThrow({ where: { userId: admin.id } });
    expect(row.sealedSecret).not.toContain(started.secret);
    expect(row.enabledAt).toBeNull();

    const sid = await openSession(admin.id, { passwordEntered: true });
    const now = Date.now();
    const wrong = String((Number(codeAt(started.secret, now)) + 1) % 1_000_000).padStart(6, "0");
    expect(await confirmTotpEnrolment(admin.id, wrong, sid, null, new Date(now))).toMatchObject({ ok: false });
    const enrolled = await confirmTotpEnrolment(admin.id, codeAt(started.secret, now), sid, null, new Date(now));
    expect(enrolled).toMatchObject({ ok: true });
    if (!enrolled.ok) return;
    expect(enrolled.recoveryCodes).toHaveLength(10);
    const stored = await db().recoveryCode.findMany({ where: { userId: admin.id } });
    expect(stored.map((c) => c.codeHash).some((hash) => enrolled.recoveryCodes.some((code) => hash.includes(code)))).toBe(false);
    expect((await readSession(sid, admin.id))?.secondFactorAt).not.toBeNull();
    // Once on, it cannot be started over (that would swap the phone without a code).
    expect(await startTotpEnrolment(admin)).toBeNull();
    expect(await db().auditLog.count({ where: { actorId: admin.id, action: "auth.totp_enrolled" } })).toBe(1);
  });
});

describe("signing in with a code", () => {
  it("refuses the enrolment's code again and a code used once, takes the next step's code", async () => {
    const { admin, secret, t0 } = await enrolledAdmin();
    const sid = await openSession(admin.id, { passwordEntered: true });
    expect((await readSession(sid, admin.id))?.secondFactorAt).toBeNull();
    expect(await verifySecondFactor(admin.id, codeAt(secret, t0), sid, null, new Date(t0 + 1000))).toMatchObject({ ok: false });
    const next = codeAt(secret, t0 + PERIOD_MS);
    expect(await verifySecondFactor(admin.id, next, sid, null, new Date(t0 + PERIOD_MS))).toEqual({ ok: true, method: "totp" });
    expect((await readSession(sid, admin.id))?.secondFactorAt).not.toBeNull();

    const other = await openSession(admin.id, { passwordEntered: true });
    expect(await verifySecondFactor(admin.id, next, other, null, new Date(t0 + PERIOD_MS + 1000))).toMatchObject({ ok: false });
    const actions = await db().auditLog.findMany({ where: { actorId: admin.id, action: { startsWith: "auth.second_factor" } } });
    expect(actions.map((a) => a.action).sort()).toEqual(["auth.second_factor", "auth.second_factor_failed", "auth.second_factor_failed"]);
  });

  it("lets one of two requests with the same code through", async () => {
    const { admin, secret, t0 } = await enrolledAdmin();
    const [a, b] = [await openSession(admin.id), await openSession(admin.id)];
    const at = new Date(t0 + PERIOD_MS);
    const code = codeAt(secret, at.getTime());
    const results = await Promise.all([verifySecondFactor(admin.id, code, a, null, at), verifySecondFactor(admin.id, code, b, null, at)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it("takes each recovery code once, typed in any case and with or without its dash", async () => {
    const { admin, recoveryCodes } = await enrolledAdmin();
    const sid = await openSession(admin.id);
    const code = recoveryCodes[0]!;
    expect(await verifySecondFactor(admin.id, code.toUpperCase().replace("-", ""), sid, null)).toEqual({
      ok: true,
      method: "recovery_code",
    });
    const again = await openSession(admin.id);
    expect(await verifySecondFactor(admin.id, code, again, null)).toMatchObject({ ok: false });
    expect(await db().recoveryCode.count({ where: { userId: admin.id, usedAt: null } })).toBe(9);
  });

  it("stops after 5 wrong codes, even before a right one", async () => {
    const { admin, secret, t0 } = await enrolledAdmin();
    const sid = await openSession(admin.id);
    const at = new Date(t0 + PERIOD_MS);
    for (let i = 0; i < 5; i++) expect(await verifySecondFactor(admin.id, `wrong-${i}`, sid, null, at)).toMatchObject({ ok: false });
    expect(await verifySecondFactor(admin.id, codeAt(secret, at.getTime()), sid, null, at)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/too many/i),
    });
  });
});
