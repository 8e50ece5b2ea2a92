/** The admin's customer desk: search, an adjustment sent twice applied once, and disabling an account. */
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { customerDetail, searchCustomers, setAccountDisabled } from "@/lib/admin/customers";
import { openSession, sessionIsLive } from "@/lib/auth/session-store";
import { db } from "@/lib/db/client";
import { Role } from "@/lib/generated/prisma/client";
import { adjustWallet } from "@/lib/wallet/adjustments";
import { createUser, walletState } from "../support/fake-stripe";

afterAll(() => db().$disconnect());

describe("wallet adjustments with a request key", () => {
  it("applies a form sent twice once, one after the other and both at once", async () => {
    const [customer, admin] = await Promise.all([createUser(), createUser(Role.ADMIN)]);
    const adjustment = { userId: customer.id, amountMinor: 1250, reason: "Goodwill for a slow eSIM", authorId: admin.id };

    const key = randomUUID();
    const first = await adjustWallet({ ...adjustment, requestKey: key });
    const again = await adjustWallet({ ...adjustment, requestKey: key });
    expect(first).toMatchObject({ replayed: false, amountMinor: 1250, balanceAfterMinor: 1250, requestKey: key });
    expect(again).toMatchObject({ replayed: true, id: first.id, balanceAfterMinor: 1250 });

    const racing = randomUUID();
    const results = await Promise.all([1, 2, 3].map(() => adjustWallet({ ...adjustment, requestKey: racing })));
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(new Set(results.map((r) => r.id)).size).toBe(1);

    // A new rendering of the form has a new key: that is a second adjustment.
    await adjustWallet({ ...adjustment, requestKey: randomUUID() });
    const wallet = await walletState(customer.id);
    expect([wallet.balanceMinor, wallet.ledgerSumMinor, wallet.entries.length]).toEqual([3750, 3750, 3]);
    expect(await db().auditLog.count({ where: { action: "wallet.adjust", entityId: customer.id } })).toBe(3);
  });
});

describe("disabling an account", () => {
  it("ends every session at once, records the reason, and can be undone", async () => {
    const [customer, admin] = await Promise.all([createUser(), createUser(Role.ADMIN)]);
    const sessions = [await openSession(customer.id), await openSession(customer.id)];
    expect(await sessionIsLive(sessions[0]!, customer.id)).toBe(true);

    const disabled = await setAccountDisabled({ userId: customer.id, disabled: true, reason: "Card testing fraud", actorId: admin.id });
    expect(disabled).toEqual({ change: "disabled", sessionsEnded: 2 });
    for (const token of sessions) expect(await sessionIsLive(token, customer.id)).toBe(false);
    expect(await db().user.findUniqueOrThrow({ where: { id: customer.id } })).toMatchObject({ disabledReason: "Card testing fraud" });
    const audit = await db().auditLog.findFirstOrThrow({ where: { action: "user.disabled", entityId: customer.id } });
    expect(audit).toMatchObject({ actorId: admin.id, details: { reason: "Card testing fraud", sessionsEnded: 2 } });
    expect(await setAccountDisabled({ userId: customer.id, disabled: true, reason: "Again", actorId: admin.id })).toMatchObject({
      change: "unchanged",
    });

    expect(await setAccountDisabled({ userId: customer.id, disabled: false, reason: "Cleared by support", actorId: admin.id })).toEqual({
      change: "enabled",
      sessionsEnded: 0,
    });
    expect(await db().user.findUniqueOrThrow({ where: { id: customer.id } })).toMatchObject({ disabledAt: null, disabledReason: null });
    // The ended sessions stay ended: the customer signs in again.
    expect(await sessionIsLive(sessions[1]!, customer.id)).toBe(false);
  });

  it("does not let an admin disable their own account", async () => {
    const admin = await createUser(Role.ADMIN);
    expect(await setAccountDisabled({ userId: admin.id, disabled: true, reason: "Oops", actorId: admin.id })).toMatchObject({
      change: "self",
    });
    expect((await db().user.findUniqueOrThrow({ where: { id: admin.id } })).disabledAt).toBeNull();
  });
});

describe("finding a customer", () => {
  it("searches email and name, and the page holds the account's wallet balance and status", async () => {
    const customer = await createUser();
    await adjustWallet({ userId: customer.id, amountMinor: 500, reason: "Welcome credit", authorId: (await createUser(Role.ADMIN)).id });
    const [row] = await searchCustomers(customer.email.toUpperCase());
    expect(row).toMatchObject({ id: customer.id, balanceMinor: 500, orders: 0, disabledAt: null });
    expect(await customerDetail(customer.id)).toMatchObject({ email: customer.email, orders: [], esims: [], activeSessions: 0 });
    expect(await customerDetail("nobody")).toBeNull();
  });
});
