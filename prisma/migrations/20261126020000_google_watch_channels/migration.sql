-- CreateTable
CREATE TABLE "GoogleWatchChannel" (
    "id" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "resourceId" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "GoogleWatchChannel_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "GoogleWatchChannel_accountId_key" ON "GoogleWatchChannel"("accountId");

-- CreateIndex
CREATE INDEX "GoogleWatchChannel_expiresAt_idx" ON "GoogleWatchChannel"("expiresAt");

-- AddForeignKey
ALTER TABLE "GoogleWatchChannel" ADD CONSTRAINT "GoogleWatchChannel_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "SyncAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;
