-- How the calendar writes dates and times for a person. NULL in both, every existing user's value,
-- means "from the browser": the language it asks pages in, and the first day of week of that language.
ALTER TABLE "User" ADD COLUMN "locale" TEXT;
ALTER TABLE "User" ADD COLUMN "weekStart" INTEGER;
