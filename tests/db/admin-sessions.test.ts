/**
 * Admin sessions end 12 hours after sign-in or after 30 idle minutes, checked
 * on the server whenever the session is read (so a copied cookie dies with
 * its row); customers keep their 30 days. Money actions need the password
 * entered within 10 minutes in the session (the step-up), recorded on the row
 * and in the audit log. The clock is moved through the functions' `now`.
 */
import { encode } from "next-auth/jwt";
import { NextRequest } from "next/server";
import { afterAll, describe, expect, it, vi } from "vitest";
import { handlers } from "@/lib/auth/auth";
import { hashPassword } from "@/lib/auth/password";
import type { SignedIn } from "@/lib/auth/session";
import { openSession, readSession } from "@/lib/auth/session-store";
import { requireRecentStepUp, STEP_UP_FIELD } from "@/lib/auth/step-up";
import { env } from "@/lib/config/env";
import { db } from "@/lib/db/client";
import { Role, type User } from "@/lib/generated/prisma/client";
import { createUser } from "../support/fake-stripe";

afterAll(() => db().$disconnect());
vi.setConfig({ testTimeout: 60_000 });

const MINUTE = 60_000;
const at = (start: Date, ms: number) => new Date(start.getTime() + ms);
const rowExists = async (sessionToken: string) => (await db().session.count({ where: { sessionToken } })) === 1;

describe("admin sessions", () => {
  it("end after 30 minutes without a request, and the row goes", async () => {
    const admin = await createUser(Role.ADMIN);
    const t0 = new Date();
    const sid = await openSession(admin.id, { now: t0 });
    expect(await readSession(sid, admin.id, at(t0, 29 * MINUTE))).not.toBeNull();
    // That read counts as activity: 29 minutes after it the session still stands, 30 minutes after it, not.
    expect(await readSession(sid, admin.id, at(t0, 58 * MINUTE))).not.toBeNull();
    expect(await readSession(sid, admin.id, at(t0, 88 * MINUTE))).toBeNull();
    expect(await rowExists(sid)).toBe(false);
  });

  it("end 12 hours after sign-in however active", async () => {
    const admin = await createUser(Role.ADMIN);
    const t0 = new Date();
    const sid = await openSession(admin.id, { now: t0 });
    for (let minutes = 20; minutes < 12 * 60; minutes += 20)
      expect(await readSession(sid, admin.id, at(t0, minutes * MINUTE))).not.toBeNull();
    expect(await readSession(sid, admin.id, at(t0, 12 * 60 * MINUTE))).toBeNull();
    expect(await rowExists(sid)).toBe(false);
  });

  it("written with back-dated times (a cookie copied long ago) do not stand", async () => {
    const admin = await createUser(Role.ADMIN);
    const now = new Date();
    const rows = [
      { sessionToken: `old-${admin.id}`, createdAt: at(now, -13 * 60 * MINUTE), lastSeenAt: at(now, -1 * MINUTE) },
      { sessionToken: `idle-${admin.id}`, createdAt: at(now, -60 * MINUTE), lastSeenAt: at(now, -31 * MINUTE) },
      { sessionToken: `fresh-${admin.id}`, createdAt: at(now, -60 * MINUTE), lastSeenAt: at(now, -5 * MINUTE) },
    ];
    for (const row of rows) await db().session.create({ data: { ...row, userId: admin.id, expires: at(now, 29 * 24 * 60 * MINUTE) } });
    expect(await readSession(rows[0]!.sessionToken, admin.id, now)).toBeNull();
    expect(await readSession(rows[1]!.sessionToken, admin.id, now)).toBeNull();
    expect(await readSession(rows[2]!.sessionToken, admin.id, now)).toMatchObject({ role: Role.ADMIN });
  });

  it("follow the role the account has now: a customer made admin keeps no day-old session", async () => {
    const user = await createUser(Role.CUSTOMER);
    const t0 = new Date();
    const sid = await openSession(user.id, { now: t0 });
    expect(await readSession(sid, user.id, at(t0, 24 * 60 * MINUTE))).not.toBeNull();
    await db().user.update({ where: { id: user.id }, data: { role: Role.ADMIN } });
    expect(await readSession(sid, user.id, at(t0, 24 * 60 * MINUTE + MINUTE))).toBeNull();
  });
});

/** What Auth.js's own session endpoint answers to a cookie naming `sid`, as a browser holding a copy of it would ask. */
async function sessionEndpointWith(sid: string, userId: string): Promise<Record<string, unknown> | null> {
  const cookie = await encode({
    token: { sub: userId, uid: userId, sid },
    secret: env().AUTH_SECRET,
    salt: "authjs.session-token",
    maxAge: 30 * 24 * 3600,
  });
  const request = new NextRequest(new URL("/api/auth/session", env().APP_URL), { headers: { cookie: `authjs.session-token=${cookie}` } });
  return (await (await handlers.GET(request)).json()) as Record<string, unknown> | null;
}

describe("a copied admin cookie", () => {
  it("stops working once its row is past the limits, though the cookie itself is good for 30 days", async () => {
    const admin = await createUser(Role.ADMIN);
    const sid = await openSession(admin.id);
    const live = await sessionEndpointWith(sid, admin.id);
    expect(live).toMatchObject({ user: { id: admin.id } });
    // The browser's copy of the session never carries the row's id.
    expect(JSON.stringify(live)).not.toContain(sid);
    await db().session.update({ where: { sessionToken: sid }, data: { lastSeenAt: new Date(Date.now() - 31 * MINUTE) } });
    expect(await sessionEndpointWith(sid, admin.id)).toBeNull();
    expect(await rowExists(sid)).toBe(false);
  });
});

describe("customer sessions", () => {
  it("keep their 30 days, idle or not", async () => {
    const customer = await createUser(Role.CUSTOMER);
    const t0 = new Date();
    const sid = await openSession(customer.id, { now: t0 });
    expect(await readSession(sid, customer.id, at(t0, 29 * 24 * 60 * MINUTE))).not.toBeNull();
    expect(await readSession(sid, customer.id, at(t0, 30 * 24 * 60 * MINUTE))).toBeNull();
  });
});

const PASSWORD = "admin password for step-up";

async function adminWithSession(options: {
  passwordEntered: boolean;
  now: Date;
}): Promise<{ admin: User; signedIn: () => Promise<SignedIn> }> {
  const admin = await db().user.update({
    where: { id: (await createUser(Role.ADMIN)).id },
    data: { passwordHash: await hashPassword(PASSWORD) },
  });
  const sid = await openSession(admin.id, options);
  return {
    admin,
    signedIn: async () => ({ user: admin, session: (await readSession(sid, admin.id, options.now))!, secondFactorPending: false }),
  };
}

const formWith = (password?: string) => {
  const form = new FormData();
  form.set("reason", "refund asked by the customer");
  if (password !== undefined) form.set(STEP_UP_FIELD, password);
  return form;
};
const auditActions = async (userId: string) =>
  (await db().auditLog.findMany({ where: { actorId: userId, action: { startsWith: "auth.step_up" } }, orderBy: { createdAt: "asc" } })).map(
    (a) => a.action,
  );

describe("step-up", () => {
  it("passes for 10 minutes after a password sign-in, then asks for the password again", async () => {
    const t0 = new Date();
    const { signedIn } = await adminWithSession({ passwordEntered: true, now: t0 });
    const session = await signedIn();
    expect(await requireRecentStepUp(session, formWith(), null, at(t0, 9 * MINUTE))).toEqual({ ok: true });
    expect(await requireRecentStepUp(session, formWith(), null, at(t0, 10 * MINUTE))).toEqual({
      ok: false,
      answer: { stepUp: true, error: expect.stringMatching(/confirm your password/i) },
    });
  });

  it("refuses a wrong password (audited), accepts the right one and records it on the session", async () => {
    const now = new Date();
    // Signed in by an email link: no password entered in this session yet.
    const { admin, signedIn } = await adminWithSession({ passwordEntered: false, now });
    expect(await requireRecentStepUp(await signedIn(), formWith(), null, now)).toMatchObject({ ok: false });
    expect(await requireRecentStepUp(await signedIn(), formWith("not the password"), null, now)).toMatchObject({
      ok: false,
      answer: { stepUp: true, error: expect.stringMatching(/not right/) },
    });
    expect((await signedIn()).session.stepUpAt).toBeNull();
    expect(await requireRecentStepUp(await signedIn(), formWith(PASSWORD), null, now)).toEqual({ ok: true });
    expect((await signedIn()).session.stepUpAt).toEqual(now);
    expect(await auditActions(admin.id)).toEqual(["auth.step_up_failed", "auth.step_up"]);
    // The next money action within 10 minutes needs no password.
    expect(await requireRecentStepUp(await signedIn(), formWith(), null, at(now, 5 * MINUTE))).toEqual({ ok: true });
  });

  it("stops guessing after 5 wrong passwords, even when the sixth is right", async () => {
    const now = new Date();
    const { signedIn } = await adminWithSession({ passwordEntered: false, now });
    for (let i = 0; i < 5; i++)
      expect(await requireRecentStepUp(await signedIn(), formWith(`guess ${i}`), null, now)).toMatchObject({ ok: false });
    expect(await requireRecentStepUp(await signedIn(), formWith(PASSWORD), null, now)).toMatchObject({
      ok: false,
      answer: { error: expect.stringMatching(/too many/i) },
    });
    expect((await signedIn()).session.stepUpAt).toBeNull();
  });
});
