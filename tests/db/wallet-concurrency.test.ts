import { afterAll, describe, expect, it } from "vitest";
import { BillingError } from "@/lib/billing/errors";
import { payOrderFromWallet } from "@/lib/billing/wallet-payment";
import { db } from "@/lib/db/client";
import { Role } from "@/lib/generated/prisma/client";
import { adjustWallet } from "@/lib/wallet/adjustments";
import { createPendingOrder, createUser, walletState } from "../support/fake-stripe";
import { providersPerFile } from "../support/providers";

afterAll(() => db().$disconnect());
// Each payment asks the provider for stock first.
providersPerFile();

describe("spending one wallet from many requests at once", () => {
  it("lets exactly the 20 spends the balance covers through out of 50, and the ledger sums to the balance", async () => {
    const [customer, admin] = await Promise.all([createUser(), createUser(Role.ADMIN)]);
    await adjustWallet({ userId: customer.id, amountMinor: 20 * 700, reason: "Opening balance for the test", authorId: admin.id });
    const orders = [];
    for (let i = 0; i < 50; i++) orders.push(await createPendingOrder(customer.id, 700, "WALLET"));

    const results = await Promise.allSettled(orders.map((order) => payOrderFromWallet(customer.id, order.otherOrderId)));

    const refused = results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(20);
    expect(refused).toHaveLength(30);
    expect(refused.every((err) => err instanceof BillingError && err.code === "insufficient_funds")).toBe(true);

    const wallet = await walletState(customer.id);
    expect(wallet.balanceMinor).toBe(0);
    expect(wallet.ledgerSumMinor).toBe(wallet.balanceMinor);
    expect(wallet.entries.filter((e) => e.kind === "ORDER_DEBIT")).toHaveLength(20);
    expect(wallet.entries.every((e) => e.balanceAfterMinor >= 0)).toBe(true);
    // Each entry's running balance follows from the one before: no two spends saw the same balance.
    const byBalance = [...wallet.entries].sort((a, b) => b.balanceAfterMinor - a.balanceAfterMinor);
    expect(byBalance.map((e) => e.balanceAfterMinor)).toEqual(Array.from({ length: 21 }, (_, i) => (20 - i) * 700));

    const statuses = await db().order.groupBy({
      by: ["status"],
      where: { otherOrderId: { in: orders.map((o) => o.otherOrderId) } },
      _count: true,
    });
    expect(Object.fromEntries(statuses.map((s) => [s.status, s._count]))).toEqual({ PAID: 20, PENDING_PAYMENT: 30 });
  });

  it("never lets the database hold a negative balance, whatever the code above it does", async () => {
    const customer = await createUser();
    await db().wallet.create({ data: { userId: customer.id, balanceMinor: 100 } });
    await expect(db().wallet.update({ where: { userId: customer.id }, data: { balanceMinor: { decrement: 101 } } })).rejects.toThrow(
      /Wallet_balance_non_negative|check constraint/i,
    );
    expect((await db().wallet.findUniqueOrThrow({ where: { userId: customer.id } })).balanceMinor).toBe(100);
  });
});
