-- AlterEnum
ALTER TYPE "SyncProvider" ADD VALUE 'CALDAV';
