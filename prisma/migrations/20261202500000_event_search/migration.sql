-- The calendar's search matches substrings of titles, locations and descriptions, whatever their
-- case (ILIKE '%…%'): trigram GIN indexes serve exactly that. pg_trgm ships with PostgreSQL (contrib)
-- and with PGlite.
CREATE EXTENSION IF NOT EXISTS "pg_trgm";

CREATE INDEX "Event_title_location_description_idx" ON "Event" USING GIN ("title" gin_trgm_ops, "location" gin_trgm_ops, "description" gin_trgm_ops);
