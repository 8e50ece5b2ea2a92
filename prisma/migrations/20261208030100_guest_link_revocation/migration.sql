-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "guestLinksRevokedAt" TIMESTAMP(3);

