-- AlterEnum


ALTER TYPE "OrderStatus" ADD VALUE 'EXPIRED';
ALTER TYPE "OrderStatus" ADD VALUE 'PARTIALLY_REFUNDED';

-- AlterEnum
ALTER TYPE "RefundStatus" ADD VALUE 'SENT';

-- DropIndex
DROP INDEX "Refund_orderId_key";

-- AlterTable
ALTER TABLE "Refund" ADD COLUMN     "esimIccid" TEXT;

-- CreateIndex
CREATE INDEX "Refund_status_idx" ON "Refund"("status");

-- CreateIndex
CREATE UNIQUE INDEX "Refund_orderId_esimIccid_key" ON "Refund"("orderId", "esimIccid");

-- AddForeignKey
ALTER TABLE "Refund" ADD CONSTRAINT "Refund_esimIccid_fkey" FOREIGN KEY ("esimIccid") REFERENCES "Esim"("iccid") ON DELETE SET NULL ON UPDATE CASCADE;

