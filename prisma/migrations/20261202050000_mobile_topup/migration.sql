-- CreateEnum
CREATE TYPE "MobileTopupStatus" AS ENUM ('AWAITING_PAYMENT', 'PAID', 'RECHARGING', 'RECHARGED', 'NEEDS_REVIEW', 'REFUND_PENDING', 'REFUNDED', 'EXPIRED');

-- CreateTable
CREATE TABLE "MobileTopup" (
    "id" TEXT NOT NULL,
    "userId" TEXT,
    "email" TEXT NOT NULL,
    "networkName" TEXT NOT NULL,
    "contactNumber" TEXT,
    "simSerialNumber" TEXT,
    "faceValueMinor" INTEGER NOT NULL,
    "faceCurrency" CHAR(3) NOT NULL,
    "costEstimateMinor" INTEGER NOT NULL,
    "amountMinor" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "paymentMethod" "PaymentMethod",
    "status" "MobileTopupStatus" NOT NULL DEFAULT 'AWAITING_PAYMENT',
    "confirmedAt" TIMESTAMP(3) NOT NULL,
    "quoteExpiresAt" TIMESTAMP(3) NOT NULL,
    "checkoutSessionId" TEXT,
    "paymentIntentId" TEXT,
    "walletDebitEntryId" TEXT,
    "paidAt" TIMESTAMP(3),
    "rechargeSentAt" TIMESTAMP(3),
    "leaseToken" TEXT,
    "leaseExpiresAt" TIMESTAMP(3),
    "rechargeRef" TEXT,
    "chargedMinor" INTEGER,
    "rechargedAt" TIMESTAMP(3),
    "failureReason" TEXT,
    "reviewReason" TEXT,
    "refundMethod" "RefundMethod",
    "refundStatus" "RefundStatus",
    "stripeRefundId" TEXT,
    "refundWalletEntryId" TEXT,
    "refundAttempts" INTEGER NOT NULL DEFAULT 0,
    "refundError" TEXT,
    "refundedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MobileTopup_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MobileTopupEvent" (
    "id" TEXT NOT NULL,
    "topupId" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "from" "MobileTopupStatus",
    "to" "MobileTopupStatus" NOT NULL,
    "actorId" TEXT,
    "details" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MobileTopupEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "MobileTopup_checkoutSessionId_key" ON "MobileTopup"("checkoutSessionId");

-- CreateIndex
CREATE UNIQUE INDEX "MobileTopup_walletDebitEntryId_key" ON "MobileTopup"("walletDebitEntryId");

-- CreateIndex
CREATE UNIQUE INDEX "MobileTopup_stripeRefundId_key" ON "MobileTopup"("stripeRefundId");

-- CreateIndex
CREATE UNIQUE INDEX "MobileTopup_refundWalletEntryId_key" ON "MobileTopup"("refundWalletEntryId");

-- CreateIndex
CREATE INDEX "MobileTopup_userId_createdAt_idx" ON "MobileTopup"("userId", "createdAt");

-- CreateIndex
CREATE INDEX "MobileTopup_status_idx" ON "MobileTopup"("status");

-- CreateIndex
CREATE INDEX "MobileTopupEvent_topupId_createdAt_idx" ON "MobileTopupEvent"("topupId", "createdAt");

-- AddForeignKey
ALTER TABLE "MobileTopupEvent" ADD CONSTRAINT "MobileTopupEvent_topupId_fkey" FOREIGN KEY ("topupId") REFERENCES "MobileTopup"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
