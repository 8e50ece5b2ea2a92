/** Admin corrections to a wallet: signed, with a required reason, recorded with their author in the ledger and the audit log. */
import "server-only";
import { z } from "zod";
import { recordAudit, type RequestOrigin } from "../audit";
import { db } from "../db/client";
import { WalletEntryKind, type WalletEntry } from "../generated/prisma/client";
import { parseMoneyInput } from "../money";
import { isCleanText } from "../validation";
import { LEDGER_TRANSACTION, lockWallet, postWalletEntry } from "./ledger";

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
    .max(500, { error: "Keep the reason under 500 characters." })
    .refine((reason) => isCleanText(reason, { multiline: true }), { error: "The reason contains characters we can’t accept." }),
});

export type AdjustmentInput = z.infer<typeof AdjustmentSchema>;

export class UnknownCustomerError extends Error {
  constructor(userId: string) {
    super(`There is no customer ${userId}.`);
    this.name = "UnknownCustomerError";
  }
}

/**
 * Throws InsufficientFundsError when a debit exceeds the balance, and
 * UnknownCustomerError for a user id that names no one, changing nothing.
 * With a `requestKey` (one per rendering of the admin's form), a second
 * submission with the same key posts nothing and returns the first entry,
 * marked `replayed`.
 */
export async function adjustWallet(
  input: AdjustmentInput & { authorId: string; origin?: RequestOrigin | null; requestKey?: string },
): Promise<WalletEntry & { replayed: boolean }> {
  const adjustment = AdjustmentSchema.parse(input);
  return db().$transaction(async (tx) => {
    if (!(await tx.user.findUnique({ where: { id: adjustment.userId }, select: { id: true } })))
      throw new UnknownCustomerError(adjustment.userId);
    if (input.requestKey) {
      // The wallet's row lock queues a double submit behind the first, which has committed its entry by the time this reads.
      await lockWallet(tx, adjustment.userId);
      const earlier = await tx.walletEntry.findUnique({ where: { requestKey: input.requestKey } });
      if (earlier) return { ...earlier, replayed: true };
    }
    const posted = await postWalletEntry(tx, {
      userId: adjustment.userId,
      kind: WalletEntryKind.ADJUSTMENT,
      amountMinor: adjustment.amountMinor,
      description: adjustment.amountMinor > 0 ? "Credit from customer support" : "Debit by customer support",
      reason: adjustment.reason,
      authorId: input.authorId,
    });
    // The key is unique in the database too: a submission that got past the check above cannot commit a second entry.
    const entry = input.requestKey
      ? await tx.walletEntry.update({ where: { id: posted.id }, data: { requestKey: input.requestKey } })
      : posted;
    await recordAudit(
      {
        actorId: input.authorId,
        action: "wallet.adjust",
        entityType: "Wallet",
        entityId: adjustment.userId,
        details: {
          entryId: entry.id,
          amountMinor: entry.amountMinor,
          currency: entry.currency,
          balanceAfterMinor: entry.balanceAfterMinor,
          reason: adjustment.reason,
        },
        origin: input.origin,
      },
      tx,
    );
    return { ...entry, replayed: false };
  }, LEDGER_TRANSACTION);
}

/**
 * Lifts the hold a clawback put on a wallet, once an admin has dealt with
 * the customer and the balance is back to zero or more (topped up, or
 * credited by support). False when the wallet is not held or still short.
 */
export async function releaseWalletHold(input: {
  userId: string;
  reason: string;
  authorId: string;
  origin?: RequestOrigin | null;
}): Promise<boolean> {
  const reason = input.reason.trim();
  if (reason.length < 5) throw new RangeError("Say why you are releasing this wallet (at least 5 characters).");
  return db().$transaction(async (tx) => {
    const { count } = await tx.wallet.updateMany({
      where: { userId: input.userId, heldAt: { not: null }, balanceMinor: { gte: 0 } },
      data: { heldAt: null, heldReason: null },
    });
    if (count === 0) return false;
    await recordAudit(
      {
        actorId: input.authorId,
        action: "wallet.release",
        entityType: "Wallet",
        entityId: input.userId,
        details: { reason },
        origin: input.origin,
      },
      tx,
    );
    return true;
  });
}
