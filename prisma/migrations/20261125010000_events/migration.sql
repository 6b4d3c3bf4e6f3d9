-- CreateEnum
CREATE TYPE "EventStatus" AS ENUM ('CONFIRMED', 'TENTATIVE', 'CANCELLED');

-- CreateEnum
CREATE TYPE "EventTransparency" AS ENUM ('OPAQUE', 'TRANSPARENT');

-- CreateEnum
CREATE TYPE "EventVisibility" AS ENUM ('DEFAULT', 'PUBLIC', 'PRIVATE', 'CONFIDENTIAL');

-- AlterTable
ALTER TABLE "User" ADD COLUMN "eventSeq" BIGINT NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "Event" (
    "id" UUID NOT NULL,
    "ownerId" UUID NOT NULL,
    "seriesId" UUID,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "location" TEXT NOT NULL DEFAULT '',
    "allDay" BOOLEAN NOT NULL DEFAULT false,
    "startAt" TIMESTAMPTZ(3) NOT NULL,
    "endAt" TIMESTAMPTZ(3) NOT NULL,
    "timeZone" TEXT,
    "rrule" TEXT,
    "exdates" TEXT[],
    "rdates" TEXT[],
    "originalStart" TEXT,
    "recurrenceEndsAt" TIMESTAMPTZ(3),
    "status" "EventStatus" NOT NULL DEFAULT 'CONFIRMED',
    "transparency" "EventTransparency" NOT NULL DEFAULT 'OPAQUE',
    "visibility" "EventVisibility" NOT NULL DEFAULT 'DEFAULT',
    "useDefaultReminders" BOOLEAN NOT NULL DEFAULT true,
    "reminders" INTEGER[],
    "attendees" JSONB NOT NULL DEFAULT '[]',
    "organizer" JSONB,
    "version" INTEGER NOT NULL DEFAULT 1,
    "changeSeq" BIGINT NOT NULL,
    "deletedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Event_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Event_ownerId_changeSeq_idx" ON "Event"("ownerId", "changeSeq");

-- CreateIndex
CREATE INDEX "Event_ownerId_startAt_idx" ON "Event"("ownerId", "startAt");

-- CreateIndex
CREATE INDEX "Event_seriesId_idx" ON "Event"("seriesId");

-- AddForeignKey
ALTER TABLE "Event" ADD CONSTRAINT "Event_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Event" ADD CONSTRAINT "Event_seriesId_fkey" FOREIGN KEY ("seriesId") REFERENCES "Event"("id") ON DELETE CASCADE ON UPDATE CASCADE;
