-- Conflicts a person can see and settle: the "Ask me" policy, held pairs, and the conflicts' records.
ALTER TYPE "ConflictPolicy" ADD VALUE 'ASK';

ALTER TABLE "SyncPair" ADD COLUMN "held" BOOLEAN NOT NULL DEFAULT false;

ALTER TABLE "SyncAccount" ADD COLUMN "settlementsWaiting" BOOLEAN NOT NULL DEFAULT false;

CREATE TYPE "SyncConflictStatus" AS ENUM ('OPEN', 'CHOSEN', 'SETTLED', 'UNDO', 'UNDONE');

CREATE TABLE "SyncConflict" (
    "id" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "eventId" UUID NOT NULL,
    "remoteId" TEXT NOT NULL,
    "remoteVersion" TEXT NOT NULL,
    "fields" TEXT[],
    "atollon" JSONB NOT NULL,
    "theirs" JSONB NOT NULL,
    "winner" TEXT,
    "reason" TEXT NOT NULL,
    "status" "SyncConflictStatus" NOT NULL,
    "choice" TEXT,
    "copyId" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "settledAt" TIMESTAMP(3),
    "undoneAt" TIMESTAMP(3),

    CONSTRAINT "SyncConflict_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "SyncConflict_accountId_status_idx" ON "SyncConflict"("accountId", "status");

CREATE INDEX "SyncConflict_eventId_createdAt_idx" ON "SyncConflict"("eventId", "createdAt");

ALTER TABLE "SyncConflict" ADD CONSTRAINT "SyncConflict_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "SyncAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "SyncConflict" ADD CONSTRAINT "SyncConflict_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "Event"("id") ON DELETE CASCADE ON UPDATE CASCADE;
