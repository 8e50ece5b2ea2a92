-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "activationDetails" JSONB,
ADD COLUMN     "providerShortRef" TEXT;

-- CreateTable
CREATE TABLE "DealerProduct" (
    "productId" TEXT NOT NULL,
    "planId" TEXT NOT NULL,
    "usPrepaid" BOOLEAN NOT NULL,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DealerProduct_pkey" PRIMARY KEY ("productId")
);

-- CreateIndex
CREATE UNIQUE INDEX "DealerProduct_planId_key" ON "DealerProduct"("planId");

-- AddForeignKey
ALTER TABLE "DealerProduct" ADD CONSTRAINT "DealerProduct_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
