/** Admin corrections to a wallet: signed, with a required reason, recorded with their author in the ledger and the audit log. */
import { z } from "zod";
import { recordAudit, type RequestOrigin } from "../audit";
import { db } from "../db/client";
import { WalletEntryKind, type WalletEntry } from "../generated/prisma/client";
import { parseMoneyInput } from "../money";
import { LEDGER_TRANSACTION, postWalletEntry } from "./ledger";

/** A typo should not mint a fortune, and balances are 32-bit integers in the database. */
export const ADJUSTMENT_LIMIT_MINOR = 10_000_000;

/** "25", "-12.50", "+3": the sign says credit or debit; zero is refused. */
export function parseSignedMoneyInput(text: string, currency: string): number | null {
  const match = /^\s*([+\-−]?)\s*(.*)$/.exec(text)!;
  const magnitude = parseMoneyInput(match[2]!, currency);
  if (magnitude === null) return null;
  return match[1] === "-" || match[1] === "−" ? -magnitude : magnitude;
}

export const AdjustmentSchema = z.object({
  userId: z.string().trim().min(1, { error: "Choose a customer." }),
  amountMinor: z
    .number({ error: "Enter an amount such as 5, -12.50 or +3." })
    .int()
    .refine((n) => n !== 0, { error: "An adjustment cannot be zero." })
    .refine((n) => Math.abs(n) <= ADJUSTMENT_LIMIT_MINOR, { error: "That adjustment is larger than an admin may make at once." }),
  reason: z
    .string({ error: "Say why you are adjusting this wallet." })
    .trim()
    .min(5, { error: "Say why you are adjusting this wallet (at least 5 characters)." })
    .max(500, { error: "Keep the reason under 500 characters." }),
});

export type AdjustmentInput = z.infer<typeof AdjustmentSchema>;

/** Throws InsufficientFundsError, changing nothing, when a debit exceeds the balance. */
export async function adjustWallet(
  input: AdjustmentInput & { authorId: string; origin?: RequestOrigin | null },
): Promise<WalletEntry> {
  const adjustment = AdjustmentSchema.parse(input);
  return db().$transaction(async (tx) => {
    const entry = await postWalletEntry(tx, {
      userId: adjustment.userId,
      kind: WalletEntryKind.ADJUSTMENT,
      amountMinor: adjustment.amountMinor,
      description: adjustment.amountMinor > 0 ? "Credit from customer support" : "Debit by customer support",
      reason: adjustment.reason,
      authorId: input.authorId,
    });
    await recordAudit(
      {
        actorId: input.authorId,
        action: "wallet.adjust",
        entityType: "Wallet",
        entityId: adjustment.userId,
        details: { entryId: entry.id, amountMinor: entry.amountMinor, currency: entry.currency, balanceAfterMinor: entry.balanceAfterMinor, reason: adjustment.reason },
        origin: input.origin,
      },
      tx,
    );
    return entry;
  }, LEDGER_TRANSACTION);
}
