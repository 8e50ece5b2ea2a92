-- AlterEnum
ALTER TYPE "WalletEntryKind" ADD VALUE 'CLAWBACK';
ALTER TYPE "WalletEntryKind" ADD VALUE 'CLAWBACK_REVERSAL';

-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "disputeId" TEXT,
ADD COLUMN     "disputeStatus" TEXT;

-- AlterTable
ALTER TABLE "Wallet" ADD COLUMN     "heldAt" TIMESTAMP(3),
ADD COLUMN     "heldReason" TEXT;

-- AlterTable
ALTER TABLE "WalletEntry" ADD COLUMN     "stripeRef" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "WalletEntry_stripeRef_key" ON "WalletEntry"("stripeRef");


-- A negative balance is possible only on a held wallet, and only a clawback makes one.
ALTER TABLE "Wallet" DROP CONSTRAINT "Wallet_balance_non_negative";
ALTER TABLE "Wallet" ADD CONSTRAINT "Wallet_balance_non_negative" CHECK ("balanceMinor" >= 0 OR "heldAt" IS NOT NULL);
ALTER TABLE "WalletEntry" DROP CONSTRAINT "WalletEntry_balance_after_non_negative";
-- Spending never leaves a negative balance (compared as text: an enum value added above cannot be used in this transaction).
ALTER TABLE "WalletEntry" ADD CONSTRAINT "WalletEntry_balance_after_non_negative" CHECK ("balanceAfterMinor" >= 0 OR "kind"::text <> 'ORDER_DEBIT');
