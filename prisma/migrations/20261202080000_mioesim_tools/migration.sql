-- CreateEnum
CREATE TYPE "IccidQueryStatus" AS ENUM ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED');

-- CreateTable
CREATE TABLE "IccidQueryRun" (
    "id" TEXT NOT NULL,
    "requestedById" TEXT,
    "status" "IccidQueryStatus" NOT NULL DEFAULT 'QUEUED',
    "iccids" TEXT[],
    "total" INTEGER NOT NULL,
    "done" INTEGER NOT NULL DEFAULT 0,
    "found" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "IccidQueryRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IccidQueryResult" (
    "runId" TEXT NOT NULL,
    "iccid" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "found" BOOLEAN NOT NULL,
    "dpStatus" TEXT,
    "orderNum" TEXT,
    "usedMb" DOUBLE PRECISION,
    "remainingMb" DOUBLE PRECISION,
    "totalMb" DOUBLE PRECISION,
    "startDate" TEXT,
    "endDate" TEXT,
    "eid" TEXT,
    "mobileNumber" TEXT,

    CONSTRAINT "IccidQueryResult_pkey" PRIMARY KEY ("runId","iccid")
);

-- CreateIndex
CREATE INDEX "IccidQueryRun_createdAt_idx" ON "IccidQueryRun"("createdAt");

-- CreateIndex
CREATE INDEX "IccidQueryResult_runId_position_idx" ON "IccidQueryResult"("runId", "position");

-- AddForeignKey
ALTER TABLE "IccidQueryResult" ADD CONSTRAINT "IccidQueryResult_runId_fkey" FOREIGN KEY ("runId") REFERENCES "IccidQueryRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;
