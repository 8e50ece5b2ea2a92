-- CreateTable
CREATE TABLE "SignInBackoff" (
    "key" TEXT NOT NULL,
    "failures" INTEGER NOT NULL,
    "lastFailureAt" TIMESTAMP(3) NOT NULL,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SignInBackoff_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "SignInBackoff_lastFailureAt_idx" ON "SignInBackoff"("lastFailureAt");

