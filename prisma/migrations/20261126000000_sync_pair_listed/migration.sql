-- Pairs that exist already were synced by cursors saved after their items were reported, or were
-- created before the cursor that is saved: true keeps them out of the "missing from the listing" check.
-- AlterTable
ALTER TABLE "SyncPair" ADD COLUMN "listed" BOOLEAN NOT NULL DEFAULT true;

-- CreateIndex
CREATE INDEX "SyncPair_accountId_listed_idx" ON "SyncPair"("accountId", "listed");
