-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "replacedOnAbsenceAt" TIMESTAMP(3);
