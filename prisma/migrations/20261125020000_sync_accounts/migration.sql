-- CreateEnum
CREATE TYPE "SyncProvider" AS ENUM ('ATOLLON', 'GOOGLE', 'OFFICE365', 'EXCHANGE');

-- CreateEnum
CREATE TYPE "SyncAccountState" AS ENUM ('ACTIVE', 'SYNCING', 'AUTHORIZATION_NEEDED', 'PASSWORD_OUTDATED', 'PAUSED', 'ERROR');

-- CreateTable
CREATE TABLE "SyncAccount" (
    "id" UUID NOT NULL,
    "ownerId" UUID NOT NULL,
    "provider" "SyncProvider" NOT NULL,
    "login" TEXT NOT NULL,
    "serverUrl" TEXT,
    "secret" TEXT,
    "grantedPasswordVersion" INTEGER,
    "state" "SyncAccountState" NOT NULL DEFAULT 'ACTIVE',
    "stateMessage" TEXT,
    "lastSuccessfulSyncAt" TIMESTAMP(3),
    "lastRunSummary" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SyncAccount_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OAuthFlow" (
    "id" UUID NOT NULL,
    "ownerId" UUID NOT NULL,
    "provider" "SyncProvider" NOT NULL,
    "stateHash" TEXT NOT NULL,
    "codeVerifier" TEXT NOT NULL,
    "login" TEXT NOT NULL,
    "accountId" UUID,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "receivedSecret" TEXT,
    "receivedLogin" TEXT,
    "failure" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OAuthFlow_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "SyncAccount_ownerId_provider_login_key" ON "SyncAccount"("ownerId", "provider", "login");

-- CreateIndex
CREATE UNIQUE INDEX "OAuthFlow_stateHash_key" ON "OAuthFlow"("stateHash");

-- CreateIndex
CREATE INDEX "OAuthFlow_ownerId_idx" ON "OAuthFlow"("ownerId");

-- AddForeignKey
ALTER TABLE "SyncAccount" ADD CONSTRAINT "SyncAccount_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OAuthFlow" ADD CONSTRAINT "OAuthFlow_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
