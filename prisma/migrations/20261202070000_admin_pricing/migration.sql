-- AlterTable
ALTER TABLE "User" ADD COLUMN "disabledReason" TEXT;

-- AlterTable
ALTER TABLE "Plan" ADD COLUMN "notChosen" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "WalletEntry" ADD COLUMN "requestKey" TEXT;

-- AlterTable
ALTER TABLE "CatalogSyncRun" ADD COLUMN "changes" JSONB;

-- CreateTable
CREATE TABLE "StoreSettings" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "markupBasisPoints" INTEGER NOT NULL,
    "roundingStepMinor" INTEGER NOT NULL,
    "autoCheapest" BOOLEAN NOT NULL DEFAULT false,
    "updatedById" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "StoreSettings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PriceOverride" (
    "id" TEXT NOT NULL,
    "destinationSlug" TEXT,
    "planId" TEXT,
    "markupBasisPoints" INTEGER NOT NULL,
    "updatedById" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PriceOverride_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PlanShapeChoice" (
    "destinationSlug" TEXT NOT NULL,
    "shapeKey" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "updatedById" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PlanShapeChoice_pkey" PRIMARY KEY ("destinationSlug","shapeKey")
);

-- CreateIndex
CREATE UNIQUE INDEX "WalletEntry_requestKey_key" ON "WalletEntry"("requestKey");

-- CreateIndex
CREATE UNIQUE INDEX "PriceOverride_destinationSlug_key" ON "PriceOverride"("destinationSlug");

-- CreateIndex
CREATE UNIQUE INDEX "PriceOverride_planId_key" ON "PriceOverride"("planId");
