/** Inputs that name nothing or hold what PostgreSQL cannot store are refused with a domain answer, changing nothing. */
import { afterAll, describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { setPlanActive, setPlanPrice } from "@/lib/catalog/admin";
import { db } from "@/lib/db/client";
import { Role } from "@/lib/generated/prisma/client";
import { adjustWallet, UnknownCustomerError } from "@/lib/wallet/adjustments";
import { createUser } from "../support/fake-stripe";

afterAll(() => db().$disconnect());

describe("refused inputs", () => {
  it("a price or withdrawal for a plan that does not exist answers false and audits nothing", async () => {
    const admin = await createUser(Role.ADMIN);
    expect(await setPlanPrice("no-such-plan", 999, admin.id, null)).toBe(false);
    expect(await setPlanActive("no-such-plan", false, admin.id, null)).toBe(false);
    expect(await db().auditLog.count({ where: { entityId: "no-such-plan" } })).toBe(0);
  });

  it("an adjustment for a user id that names no one throws UnknownCustomerError and creates no wallet", async () => {
    const admin = await createUser(Role.ADMIN);
    await expect(
      adjustWallet({ userId: "no-such-customer", amountMinor: 500, reason: "Goodwill credit", authorId: admin.id }),
    ).rejects.toBeInstanceOf(UnknownCustomerError);
    expect(await db().wallet.count({ where: { userId: "no-such-customer" } })).toBe(0);
  });

  it("an adjustment reason with NUL is refused before the database sees it", async () => {
    const [customer, admin] = await Promise.all([createUser(), createUser(Role.ADMIN)]);
    await expect(
      adjustWallet({ userId: customer.id, amountMinor: 500, reason: "Goodwill\u0000credit", authorId: admin.id }),
    ).rejects.toBeInstanceOf(ZodError);
    expect(await db().walletEntry.count({ where: { userId: customer.id } })).toBe(0);
  });
});
