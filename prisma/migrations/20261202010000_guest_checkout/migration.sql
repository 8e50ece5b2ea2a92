-- Guest checkout: orders placed by email alone, opened with a signed link.
ALTER TABLE "Order" ADD COLUMN "guestCheckout" BOOLEAN NOT NULL DEFAULT false;
