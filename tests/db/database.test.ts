import { afterAll, describe, expect, inject, it } from "vitest";
import { db } from "@/lib/db/client";

describe(`database (${inject("engine")})`, () => {
  afterAll(() => db().$disconnect());

  it("runs on the engine this project is for", async () => {
    const [row] = await db().$queryRaw<{ version: string }[]>`SELECT version()`;
    expect(row?.version).toMatch(/PostgreSQL/);
  });

  it("has every committed migration applied", async () => {
    const rows = await db().$queryRaw<{ migration_name: string; finished_at: Date | null }[]>`
      SELECT migration_name, finished_at FROM _prisma_migrations`;
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.finished_at !== null)).toBe(true);
  });

  it("refuses a negative wallet balance at the database level", async () => {
    const user = await db().user.create({ data: { email: `neg-${Date.now()}@example.test` } });
    await expect(db().wallet.create({ data: { userId: user.id, balanceMinor: -1 } })).rejects.toThrow(
      /Wallet_balance_non_negative|check constraint/i,
    );
  });

  it("rolls an interactive transaction back when it throws", async () => {
    const email = `tx-${Date.now()}@example.test`;
    await expect(
      db().$transaction(async (tx) => {
        await tx.user.create({ data: { email } });
        throw new Error("abort");
      }),
    ).rejects.toThrow("abort");
    expect(await db().user.findUnique({ where: { email } })).toBeNull();
  });
});
