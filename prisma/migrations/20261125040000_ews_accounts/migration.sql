-- AlterEnum
ALTER TYPE "SyncAccountState" ADD VALUE 'PASSWORD_REJECTED';

-- AlterTable
ALTER TABLE "SyncAccount" ADD COLUMN "authScheme" TEXT,
ADD COLUMN "serverVersion" TEXT;
