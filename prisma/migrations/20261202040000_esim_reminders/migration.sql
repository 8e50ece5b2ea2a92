-- CreateEnum
CREATE TYPE "EsimReminderKind" AS ENUM ('DATA_80_PERCENT', 'EXPIRES_IN_3_DAYS');

-- CreateTable
CREATE TABLE "EsimReminder" (
    "id" TEXT NOT NULL,
    "iccid" TEXT NOT NULL,
    "kind" "EsimReminderKind" NOT NULL,
    "planOrderId" TEXT NOT NULL,
    "emailId" TEXT NOT NULL,
    "usedMb" INTEGER,
    "totalMb" INTEGER,
    "expiresAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EsimReminder_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "EsimReminder_iccid_kind_planOrderId_key" ON "EsimReminder"("iccid", "kind", "planOrderId");

-- AddForeignKey
ALTER TABLE "EsimReminder" ADD CONSTRAINT "EsimReminder_iccid_fkey" FOREIGN KEY ("iccid") REFERENCES "Esim"("iccid") ON DELETE RESTRICT ON UPDATE CASCADE;

-- CreateIndex
CREATE INDEX "Order_renewsIccid_idx" ON "Order"("renewsIccid");
