import { afterAll, describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { db } from "@/lib/db/client";
import { Role } from "@/lib/generated/prisma/client";
import { adjustWallet } from "@/lib/wallet/adjustments";
import { InsufficientFundsError } from "@/lib/wallet/ledger";
import { createUser, walletState } from "../support/fake-stripe";

afterAll(() => db().$disconnect());

async function customerAndAdmin() {
  const [customer, admin] = await Promise.all([createUser(), createUser(Role.ADMIN)]);
  return { customer, admin };
}

describe("admin wallet adjustments", () => {
  it("credits and debits with the author and reason on the entry and in the audit log", async () => {
    const { customer, admin } = await customerAndAdmin();
    const credit = await adjustWallet({ userId: customer.id, amountMinor: 1500, reason: "Goodwill for the outage", authorId: admin.id });
    const debit = await adjustWallet({
      userId: customer.id,
      amountMinor: -500,
      reason: "Reversing a duplicate credit",
      authorId: admin.id,
    });

    expect(credit).toMatchObject({
      kind: "ADJUSTMENT",
      amountMinor: 1500,
      balanceAfterMinor: 1500,
      authorId: admin.id,
      reason: "Goodwill for the outage",
    });
    expect(debit).toMatchObject({ amountMinor: -500, balanceAfterMinor: 1000, authorId: admin.id });
    const wallet = await walletState(customer.id);
    expect([wallet.balanceMinor, wallet.ledgerSumMinor]).toEqual([1000, 1000]);
    const audits = await db().auditLog.findMany({
      where: { action: "wallet.adjust", entityId: customer.id },
      orderBy: { createdAt: "asc" },
    });
    expect(audits.map((a) => [a.actorId, (a.details as { amountMinor: number }).amountMinor])).toEqual([
      [admin.id, 1500],
      [admin.id, -500],
    ]);
  });

  it("requires a reason and refuses a zero amount, changing nothing", async () => {
    const { customer, admin } = await customerAndAdmin();
    for (const [amountMinor, reason] of [
      [1000, ""],
      [1000, "   "],
      [1000, "ok"],
      [0, "A perfectly good reason"],
    ] as const) {
      await expect(adjustWallet({ userId: customer.id, amountMinor, reason, authorId: admin.id })).rejects.toBeInstanceOf(ZodError);
    }
    expect((await walletState(customer.id)).entries).toEqual([]);
    expect(await db().auditLog.count({ where: { action: "wallet.adjust", entityId: customer.id } })).toBe(0);
  });

  it("cannot drive a balance below zero", async () => {
    const { customer, admin } = await customerAndAdmin();
    await adjustWallet({ userId: customer.id, amountMinor: 1000, reason: "Opening credit", authorId: admin.id });

    const refused = adjustWallet({ userId: customer.id, amountMinor: -1001, reason: "Too large a correction", authorId: admin.id });
    await expect(refused).rejects.toBeInstanceOf(InsufficientFundsError);
    await expect(refused).rejects.toThrow("The wallet holds $10.00, $0.01 short of $10.01.");

    const wallet = await walletState(customer.id);
    expect(wallet.balanceMinor).toBe(1000);
    expect(wallet.entries).toHaveLength(1);
    expect(await db().auditLog.count({ where: { action: "wallet.adjust", entityId: customer.id } })).toBe(1);

    await adjustWallet({ userId: customer.id, amountMinor: -1000, reason: "Closing the wallet", authorId: admin.id });
    expect((await walletState(customer.id)).balanceMinor).toBe(0);
  });
});
