-- The event's sync trace: what each run did to it here or there, and what a remote calendar refused for good.
CREATE TABLE "SyncTraceEntry" (
    "id" BIGSERIAL NOT NULL,
    "accountId" UUID NOT NULL,
    "eventId" UUID NOT NULL,
    "runId" UUID,
    "action" TEXT NOT NULL,
    "side" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SyncTraceEntry_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "SyncTraceEntry_eventId_at_idx" ON "SyncTraceEntry"("eventId", "at");

CREATE INDEX "SyncTraceEntry_at_idx" ON "SyncTraceEntry"("at");

ALTER TABLE "SyncTraceEntry" ADD CONSTRAINT "SyncTraceEntry_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "SyncAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "SyncTraceEntry" ADD CONSTRAINT "SyncTraceEntry_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "Event"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "SyncTraceEntry" ADD CONSTRAINT "SyncTraceEntry_runId_fkey" FOREIGN KEY ("runId") REFERENCES "SyncRun"("id") ON DELETE SET NULL ON UPDATE CASCADE;

CREATE TABLE "SyncRejection" (
    "accountId" UUID NOT NULL,
    "eventId" UUID NOT NULL,
    "eventVersion" INTEGER NOT NULL,
    "message" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SyncRejection_pkey" PRIMARY KEY ("accountId","eventId")
);

ALTER TABLE "SyncRejection" ADD CONSTRAINT "SyncRejection_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "SyncAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "SyncRejection" ADD CONSTRAINT "SyncRejection_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "Event"("id") ON DELETE CASCADE ON UPDATE CASCADE;
