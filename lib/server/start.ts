import { authSecret } from "../auth/auth-secret";
import { getDb, pgliteLocation } from "../db/client";

export async function startServer(): Promise<void> {
  try {
    authSecret();
    await getDb();
    const location = pgliteLocation();
    console.info(location ? `[start] embedded database (PGlite) at ${location}` : "[start] PostgreSQL database");
  } catch (error) {
    console.error(`[start] refusing to start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
