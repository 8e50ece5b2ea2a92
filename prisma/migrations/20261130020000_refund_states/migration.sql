-- CreateEnum
CREATE TYPE "RefundStatus" AS ENUM ('REQUESTED', 'SUCCEEDED', 'FAILED');

-- AlterEnum
ALTER TYPE "OrderStatus" ADD VALUE 'REFUND_PENDING';

-- AlterTable
ALTER TABLE "Refund" ADD COLUMN     "attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "lastError" TEXT,
ADD COLUMN     "status" "RefundStatus" NOT NULL DEFAULT 'REQUESTED',
ADD COLUMN     "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;


-- Hand-written: refunds made before refunds had states had all completed.
UPDATE "Refund" SET "status" = 'SUCCEEDED';
