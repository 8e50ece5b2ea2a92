-- AlterEnum
ALTER TYPE "PaymentMethod" ADD VALUE 'PARTNER_INVOICE';

-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "dpId" TEXT,
ADD COLUMN     "requestKey" TEXT;

-- AlterTable
ALTER TABLE "Esim" ADD COLUMN     "dpStatus" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Order_requestKey_key" ON "Order"("requestKey");
