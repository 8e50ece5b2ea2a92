-- CreateEnum
CREATE TYPE "MeisimCheckKind" AS ENUM ('VERIFICATION', 'VALIDATOR');

-- CreateTable
CREATE TABLE "MeisimCheckBatch" (
    "id" TEXT NOT NULL,
    "kind" "MeisimCheckKind" NOT NULL,
    "label" TEXT,
    "totalRows" INTEGER NOT NULL,
    "chargedMinor" INTEGER NOT NULL,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MeisimCheckBatch_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MeisimSupplyReplacement" (
    "checkId" TEXT NOT NULL,
    "iccid" TEXT NOT NULL,
    "decision" TEXT NOT NULL,
    "validatorStatus" TEXT,
    "message" TEXT,
    "replacementIccid" TEXT,
    "requestedById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MeisimSupplyReplacement_pkey" PRIMARY KEY ("checkId")
);

-- CreateTable
CREATE TABLE "MeisimCredential" (
    "name" TEXT NOT NULL,
    "sealed" TEXT NOT NULL,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MeisimCredential_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE INDEX "MeisimCheckBatch_kind_createdAt_idx" ON "MeisimCheckBatch"("kind", "createdAt");

-- CreateIndex
CREATE INDEX "MeisimSupplyReplacement_createdAt_idx" ON "MeisimSupplyReplacement"("createdAt");
