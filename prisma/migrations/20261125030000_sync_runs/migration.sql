-- CreateEnum
CREATE TYPE "ConflictPolicy" AS ENUM ('LATEST', 'LOCAL', 'REMOTE');

-- CreateEnum
CREATE TYPE "SyncRunOutcome" AS ENUM ('COMPLETE', 'PARTIAL', 'PAUSED', 'FAILED');

-- AlterTable
ALTER TABLE "SyncAccount" ADD COLUMN "conflictPolicy" "ConflictPolicy" NOT NULL DEFAULT 'LATEST',
ADD COLUMN "localSeq" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN "remoteCursor" TEXT,
ADD COLUMN "runLeaseUntil" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "SyncPair" (
    "accountId" UUID NOT NULL,
    "eventId" UUID NOT NULL,
    "remoteId" TEXT,
    "localVersion" INTEGER NOT NULL,
    "localHash" TEXT NOT NULL,
    "remoteVersion" TEXT,
    "remoteHash" TEXT,
    "sentHash" TEXT,

    CONSTRAINT "SyncPair_pkey" PRIMARY KEY ("accountId","eventId")
);

-- CreateTable
CREATE TABLE "SyncRun" (
    "id" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "trigger" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),
    "outcome" "SyncRunOutcome",
    "pulledCreated" INTEGER NOT NULL DEFAULT 0,
    "pulledUpdated" INTEGER NOT NULL DEFAULT 0,
    "pulledDeleted" INTEGER NOT NULL DEFAULT 0,
    "pushedCreated" INTEGER NOT NULL DEFAULT 0,
    "pushedUpdated" INTEGER NOT NULL DEFAULT 0,
    "pushedDeleted" INTEGER NOT NULL DEFAULT 0,
    "conflicts" INTEGER NOT NULL DEFAULT 0,
    "requests" INTEGER NOT NULL DEFAULT 0,
    "fullListing" BOOLEAN NOT NULL DEFAULT false,
    "error" TEXT,

    CONSTRAINT "SyncRun_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "SyncPair_accountId_remoteId_key" ON "SyncPair"("accountId", "remoteId");

-- CreateIndex
CREATE INDEX "SyncRun_accountId_startedAt_idx" ON "SyncRun"("accountId", "startedAt");

-- AddForeignKey
ALTER TABLE "SyncPair" ADD CONSTRAINT "SyncPair_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "SyncAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SyncPair" ADD CONSTRAINT "SyncPair_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "Event"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SyncRun" ADD CONSTRAINT "SyncRun_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "SyncAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;
