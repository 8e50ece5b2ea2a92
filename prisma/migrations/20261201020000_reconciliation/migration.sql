-- CreateEnum
CREATE TYPE "ReconciliationRunStatus" AS ENUM ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED');

-- CreateEnum
CREATE TYPE "ReconciliationFindingKind" AS ENUM ('PAID_NOT_ORDERED', 'ORDERED_NOT_RECORDED', 'CANCELLED_UPSTREAM_NOT_REFUNDED', 'REFUNDED_HERE_ACTIVE_UPSTREAM', 'DELIVERED_HERE_ABSENT_UPSTREAM');

-- CreateEnum
CREATE TYPE "ReconciliationFindingStatus" AS ENUM ('OPEN', 'FIXED', 'DISMISSED');

-- CreateEnum
CREATE TYPE "ReconciliationFix" AS ENUM ('DELIVER', 'PLACE', 'CANCEL_UPSTREAM_AND_REFUND', 'REFUND', 'CANCEL_UPSTREAM');

-- CreateTable
CREATE TABLE "ReconciliationRun" (
    "id" TEXT NOT NULL,
    "status" "ReconciliationRunStatus" NOT NULL DEFAULT 'QUEUED',
    "trigger" TEXT NOT NULL,
    "requestedById" TEXT,
    "providers" JSONB,
    "checked" INTEGER NOT NULL DEFAULT 0,
    "total" INTEGER NOT NULL DEFAULT 0,
    "autoFixed" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ReconciliationRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReconciliationFinding" (
    "id" TEXT NOT NULL,
    "kind" "ReconciliationFindingKind" NOT NULL,
    "status" "ReconciliationFindingStatus" NOT NULL DEFAULT 'OPEN',
    "provider" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "orderId" TEXT,
    "upstream" JSONB,
    "detail" TEXT NOT NULL,
    "fix" "ReconciliationFix",
    "runId" TEXT NOT NULL,
    "lastRunId" TEXT NOT NULL,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolvedById" TEXT,
    "resolvedAt" TIMESTAMP(3),
    "resolution" TEXT,

    CONSTRAINT "ReconciliationFinding_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ReconciliationRun_status_idx" ON "ReconciliationRun"("status");

-- CreateIndex
CREATE INDEX "ReconciliationRun_createdAt_idx" ON "ReconciliationRun"("createdAt");

-- CreateIndex
CREATE INDEX "ReconciliationFinding_status_provider_idx" ON "ReconciliationFinding"("status", "provider");

-- CreateIndex
CREATE INDEX "ReconciliationFinding_subject_idx" ON "ReconciliationFinding"("subject");

-- AddForeignKey
ALTER TABLE "ReconciliationFinding" ADD CONSTRAINT "ReconciliationFinding_runId_fkey" FOREIGN KEY ("runId") REFERENCES "ReconciliationRun"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

