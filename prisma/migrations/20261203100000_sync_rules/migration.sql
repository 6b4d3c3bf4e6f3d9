-- Sync rules: existing accounts keep syncing everything both ways (null rules), their default calendar (null id).
ALTER TABLE "SyncAccount" ADD COLUMN "rules" JSONB,
ADD COLUMN "rulesKey" TEXT,
ADD COLUMN "remoteCalendarId" TEXT,
ADD COLUMN "remoteCalendarName" TEXT;

-- Existing pairs: origin not known until a listing tells (the remote item's tag).
ALTER TABLE "SyncPair" ADD COLUMN "origin" TEXT;
