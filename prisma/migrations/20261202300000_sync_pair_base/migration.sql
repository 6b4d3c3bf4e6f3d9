-- The content last synced per pair: updates send only the fields that differ from it.
ALTER TABLE "SyncPair" ADD COLUMN "base" JSONB;
