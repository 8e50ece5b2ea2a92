import "server-only";
import { env } from "../config/env";
import { db } from "../db/client";
import { CheckoutPurpose, CheckoutStatus, Role, type WalletEntry } from "../generated/prisma/client";

export interface WalletSummary {
  balanceMinor: number;
  currency: string;
  /** Set while a clawback keeps the wallet on hold (see ledger.postClawback). */
  heldAt: Date | null;
  heldReason: string | null;
  /** Top-ups paid by a method that settles later (bank debits): not in the balance yet. */
  pendingTopUps: { id: string; creditMinor: number; createdAt: Date }[];
}

export async function walletSummary(userId: string): Promise<WalletSummary> {
  const [wallet, pending] = await Promise.all([
    db().wallet.findUnique({ where: { userId } }),
    db().checkoutSession.findMany({
      where: { userId, purpose: CheckoutPurpose.WALLET_TOPUP, status: CheckoutStatus.OPEN, paymentIntentId: { not: null } },
      orderBy: { createdAt: "desc" },
    }),
  ]);
  return {
    balanceMinor: wallet?.balanceMinor ?? 0,
    currency: wallet?.currency ?? env().CURRENCY,
    heldAt: wallet?.heldAt ?? null,
    heldReason: wallet?.heldReason ?? null,
    pendingTopUps: pending.map((s) => ({ id: s.id, creditMinor: s.creditMinor ?? s.amountMinor, createdAt: s.createdAt })),
  };
}

export const HISTORY_PAGE_SIZE = 50;

export type WalletEntryWithAuthor = WalletEntry & { author: { email: string } | null };

/** The latest entries, newest first, with who made each adjustment. */
export function recentWalletEntries(userId: string, take = HISTORY_PAGE_SIZE): Promise<WalletEntryWithAuthor[]> {
  return db().walletEntry.findMany({
    where: { userId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take,
    include: { author: { select: { email: true } } },
  });
}

export interface WalletListRow {
  userId: string;
  email: string;
  name: string | null;
  balanceMinor: number;
  currency: string;
  updatedAt: Date | null;
}

/** Customers and their balances for the admin list, newest customer first; those who never used the wallet show zero. */
export async function listWallets({ search, take = 200 }: { search?: string; take?: number } = {}): Promise<WalletListRow[]> {
  const users = await db().user.findMany({
    where: {
      role: Role.CUSTOMER,
      ...(search
        ? { OR: [{ email: { contains: search, mode: "insensitive" } }, { name: { contains: search, mode: "insensitive" } }] }
        : {}),
    },
    include: { wallet: true },
    orderBy: { createdAt: "desc" },
    take,
  });
  return users.map((u) => ({
    userId: u.id,
    email: u.email,
    name: u.name,
    balanceMinor: u.wallet?.balanceMinor ?? 0,
    currency: u.wallet?.currency ?? env().CURRENCY,
    updatedAt: u.wallet?.updatedAt ?? null,
  }));
}
