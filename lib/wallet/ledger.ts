/**
 * The wallet ledger: every change to a balance is an appended WalletEntry,
 * written in the same transaction as the new balance, under a row lock on
 * the Wallet so concurrent changes to one wallet queue instead of racing.
 */
import "server-only";
import { env } from "../config/env";
import type { Prisma } from "../db/client";
import type { WalletEntry, WalletEntryKind } from "../generated/prisma/client";
import { formatMoney } from "../money";

type Tx = Prisma.TransactionClient;

/**
 * Ledger transactions wait on one wallet's row lock; under a burst of
 * spending the default 2 s wait for a connection and 5 s run time are too short.
 */
export const LEDGER_TRANSACTION = { maxWait: 20_000, timeout: 30_000 } as const;

export class InsufficientFundsError extends Error {
  constructor(
    readonly balanceMinor: number,
    readonly requiredMinor: number,
    readonly currency: string,
  ) {
    super(
      `The wallet holds ${formatMoney(balanceMinor, currency)}, ${formatMoney(requiredMinor - balanceMinor, currency)} short of ${formatMoney(requiredMinor, currency)}.`,
    );
    this.name = "InsufficientFundsError";
  }
}

export class WalletCurrencyError extends Error {
  constructor(walletCurrency: string, entryCurrency: string) {
    super(`This wallet holds ${walletCurrency}; it cannot take an entry in ${entryCurrency}.`);
    this.name = "WalletCurrencyError";
  }
}

/** A clawback left the wallet short: nothing can be spent from it until an admin releases it. */
export class WalletHeldError extends Error {
  constructor(readonly reason: string | null) {
    super("This wallet is on hold while a refunded or disputed top-up is settled. Please contact support.");
    this.name = "WalletHeldError";
  }
}

export interface LockedWallet {
  userId: string;
  balanceMinor: number;
  currency: string;
  heldAt: Date | null;
  heldReason: string | null;
}

/** Creates the wallet on first use, then locks it until the transaction ends. */
export async function lockWallet(tx: Tx, userId: string): Promise<LockedWallet> {
  await tx.$executeRaw`
    INSERT INTO "Wallet" ("userId", "balanceMinor", "currency", "updatedAt")
    VALUES (${userId}, 0, ${env().CURRENCY}, now())
    ON CONFLICT ("userId") DO NOTHING`;
  const [wallet] = await tx.$queryRaw<LockedWallet[]>`
    SELECT "userId", "balanceMinor", "currency", "heldAt", "heldReason" FROM "Wallet" WHERE "userId" = ${userId} FOR UPDATE`;
  return wallet!;
}

export interface WalletEntryInput {
  userId: string;
  kind: WalletEntryKind;
  /** Signed: credits positive, debits negative. */
  amountMinor: number;
  /** Omitted: the wallet's own currency. Given: must match it. */
  currency?: string;
  description: string;
  reason?: string | null;
  authorId?: string | null;
  orderId?: string | null;
  checkoutSessionId?: string | null;
  /** For clawbacks and their reversals: the Stripe fact the entry answers (unique). */
  stripeRef?: string | null;
}

/**
 * Appends one entry and moves the balance by its amount. Throws
 * InsufficientFundsError, changing nothing, when a debit would take the
 * balance below zero, and WalletHeldError for any debit from a held wallet.
 * Must run inside `db().$transaction`.
 */
export async function postWalletEntry(tx: Tx, input: WalletEntryInput): Promise<WalletEntry> {
  const wallet = await lockForEntry(tx, input);
  if (input.amountMinor < 0 && wallet.heldAt) throw new WalletHeldError(wallet.heldReason);
  const balanceAfterMinor = wallet.balanceMinor + input.amountMinor;
  if (balanceAfterMinor < 0) throw new InsufficientFundsError(wallet.balanceMinor, -input.amountMinor, wallet.currency);
  return appendEntry(tx, wallet, input, balanceAfterMinor);
}

/**
 * Takes back credit whose card payment was refunded or disputed in Stripe,
 * even when the balance cannot cover it: the balance goes below zero, on the
 * record, and the wallet is held (returned as `heldNow`) so nothing more can
 * be spent. `amountMinor` is the (positive) amount taken back.
 */
export async function postClawback(
  tx: Tx,
  input: Omit<WalletEntryInput, "kind" | "amountMinor"> & { amountMinor: number; stripeRef: string; holdReason: string },
): Promise<{ entry: WalletEntry; heldNow: boolean }> {
  const entryInput = { ...input, kind: "CLAWBACK" as const, amountMinor: -input.amountMinor };
  const wallet = await lockForEntry(tx, entryInput);
  const balanceAfterMinor = wallet.balanceMinor - input.amountMinor;
  const heldNow = balanceAfterMinor < 0 && !wallet.heldAt;
  if (heldNow) await tx.wallet.update({ where: { userId: input.userId }, data: { heldAt: new Date(), heldReason: input.holdReason } });
  return { entry: await appendEntry(tx, wallet, entryInput, balanceAfterMinor), heldNow };
}

async function lockForEntry(tx: Tx, input: WalletEntryInput): Promise<LockedWallet> {
  if (!Number.isSafeInteger(input.amountMinor) || input.amountMinor === 0) {
    throw new RangeError(`A wallet entry moves a non-zero whole number of minor units, not ${input.amountMinor}.`);
  }
  const wallet = await lockWallet(tx, input.userId);
  if (input.currency && wallet.currency !== input.currency) throw new WalletCurrencyError(wallet.currency, input.currency);
  return wallet;
}

async function appendEntry(tx: Tx, wallet: LockedWallet, input: WalletEntryInput, balanceAfterMinor: number): Promise<WalletEntry> {
  await tx.wallet.update({ where: { userId: wallet.userId }, data: { balanceMinor: balanceAfterMinor } });
  return tx.walletEntry.create({
    data: {
      userId: input.userId,
      kind: input.kind,
      amountMinor: input.amountMinor,
      currency: wallet.currency,
      balanceAfterMinor,
      description: input.description,
      reason: input.reason ?? null,
      authorId: input.authorId ?? null,
      orderId: input.orderId ?? null,
      checkoutSessionId: input.checkoutSessionId ?? null,
      stripeRef: input.stripeRef ?? null,
    },
  });
}
