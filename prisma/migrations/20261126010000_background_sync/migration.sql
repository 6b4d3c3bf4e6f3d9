-- AlterTable
ALTER TABLE "SyncAccount" ADD COLUMN "nextSyncAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN "nextSyncReason" TEXT;

-- CreateTable
CREATE TABLE "SchedulerTick" (
    "name" TEXT NOT NULL,
    "lastTickAt" TIMESTAMP(3) NOT NULL,
    "tickedBy" TEXT NOT NULL,
    "claimed" INTEGER NOT NULL,

    CONSTRAINT "SchedulerTick_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE INDEX "SyncAccount_state_nextSyncAt_idx" ON "SyncAccount"("state", "nextSyncAt");
