-- AlterTable
ALTER TABLE "Event" ADD COLUMN "deletedByRunId" UUID,
ADD COLUMN "deletedBySource" TEXT;

-- CreateIndex
CREATE INDEX "Event_ownerId_deletedAt_idx" ON "Event"("ownerId", "deletedAt");

-- CreateIndex
CREATE INDEX "Event_deletedAt_idx" ON "Event"("deletedAt");

-- AddForeignKey
ALTER TABLE "Event" ADD CONSTRAINT "Event_deletedByRunId_fkey" FOREIGN KEY ("deletedByRunId") REFERENCES "SyncRun"("id") ON DELETE SET NULL ON UPDATE CASCADE;
