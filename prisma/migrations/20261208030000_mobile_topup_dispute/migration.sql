-- AlterTable
ALTER TABLE "MobileTopup" ADD COLUMN     "disputeId" TEXT,
ADD COLUMN     "disputeStatus" TEXT;
