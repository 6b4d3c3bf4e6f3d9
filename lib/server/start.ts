import { authSecret } from "../auth/auth-secret";
import { parseTrustProxy } from "../auth/client-ip";
import { checkSecretsKey } from "../crypto/secrets";
import { getDb, pgliteLocation } from "../db/client";
import { serverEnv } from "../config/env";
import { inngestEnabled } from "../jobs/client";
import { startEmbeddedScheduler } from "../jobs/embedded-scheduler";

export async function startServer(): Promise<void> {
  try {
    authSecret();
    const env = serverEnv();
    // On a shared server, a key file beside the app is not key management: the key must come from outside.
    if (env.DATABASE_URL && env.NODE_ENV === "production" && !env.SECRETS_KEY) {
      throw new Error("SECRETS_KEY is required in production on PostgreSQL (32 bytes, base64: openssl rand -base64 32).");
    }
    checkSecretsKey();
    const trust = parseTrustProxy(process.env.TRUST_PROXY);
    await getDb();
    const location = pgliteLocation();
    console.info(location ? `[start] embedded database (PGlite) at ${location}` : "[start] PostgreSQL database");
    console.info(trust ? `[start] client addresses from X-Forwarded-For as TRUST_PROXY says (${process.env.TRUST_PROXY?.trim()})` : "[start] TRUST_PROXY unset: X-Forwarded-For is not trusted; sign-in throttling keys on accounts, not addresses");
    if (inngestEnabled()) console.info("[start] background syncs run as Inngest functions served at /api/inngest");
    else if (env.SYNC_SCHEDULER === "embedded") {
      startEmbeddedScheduler();
      console.info(`[start] background syncs: embedded scheduler, every ${env.SYNC_INTERVAL_MINUTES} min per account`);
    } else console.info("[start] background syncs are off in this process (SYNC_SCHEDULER=off)");
  } catch (error) {
    console.error(`[start] refusing to start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
