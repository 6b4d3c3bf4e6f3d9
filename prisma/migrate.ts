// `npm run db:migrate`: applies pending migrations to the configured database (DATABASE_URL, or the
// embedded PGlite folder — stop the app first, PGlite allows one process at a time).
import { closeDb, getDb, pgliteLocation } from "../lib/db/client";

const target = pgliteLocation() ?? "PostgreSQL (DATABASE_URL)";
try {
  await getDb();
  console.log(`Database is up to date: ${target}`);
} finally {
  await closeDb();
}
