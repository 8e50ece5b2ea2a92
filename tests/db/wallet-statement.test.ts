import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { Role } from "@/lib/generated/prisma/client";
import { adjustWallet } from "@/lib/wallet/adjustments";
import { walletStatementCsv } from "@/lib/wallet/statement";
import { createUser } from "../support/fake-stripe";

afterAll(() => db().$disconnect());

/** Entries are appended "now"; the test moves them to the days it needs. */
async function entryOn(userId: string, authorId: string, amountMinor: number, reason: string, at: string) {
  const entry = await adjustWallet({ userId, amountMinor, reason, authorId });
  await db().walletEntry.update({ where: { id: entry.id }, data: { createdAt: new Date(at) } });
}

describe("the wallet statement", () => {
  it("lists the entries of the date range, both days inclusive, oldest first, as RFC 4180 CSV", async () => {
    const [customer, admin, other] = await Promise.all([createUser(), createUser(Role.ADMIN), createUser()]);
    await entryOn(customer.id, admin.id, 5000, "Before the range", "2026-02-28T23:59:59.999Z");
    await entryOn(customer.id, admin.id, 1250, 'Refund for "Japan, 5 GB"', "2026-03-01T00:00:00.000Z");
    await entryOn(customer.id, admin.id, -2075, '=HYPERLINK("http://evil")\nsecond line', "2026-03-31T23:59:59.999Z");
    await entryOn(customer.id, admin.id, 100, "After the range", "2026-04-01T00:00:00.000Z");
    await entryOn(other.id, admin.id, 700, "Someone else's money", "2026-03-15T12:00:00.000Z");

    const csv = await walletStatementCsv(customer.id, { from: "2026-03-01", to: "2026-03-31" });

    expect(csv).toBe(
      [
        "Date (UTC),Type,Description,Amount,Balance after,Currency,Order,Reason",
        '2026-03-01T00:00:00.000Z,ADJUSTMENT,Credit from customer support,12.50,62.50,USD,,"Refund for ""Japan, 5 GB"""',
        `2026-03-31T23:59:59.999Z,ADJUSTMENT,Debit by customer support,-20.75,41.75,USD,,"'=HYPERLINK(""http://evil"")\nsecond line"`,
        "",
      ].join("\r\n"),
    );
  });

  it("has only the header for a range without entries", async () => {
    const customer = await createUser();
    expect(await walletStatementCsv(customer.id, { from: "2025-01-01", to: "2025-01-31" })).toBe(
      "Date (UTC),Type,Description,Amount,Balance after,Currency,Order,Reason\r\n",
    );
  });
});
