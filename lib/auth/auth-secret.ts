import { readOrCreateSecretFile } from "../config/data-dir";
import { serverEnv } from "../config/env";

export const AUTH_SECRET_FILE = "auth-secret";

/**
 * The key that signs session cookies. A deployment (PostgreSQL in production) must pass AUTH_SECRET;
 * the embedded default keeps a generated one in the data folder so restarts keep users signed in.
 */
export function authSecret(): string {
  const env = serverEnv();
  const configured = env.AUTH_SECRET ?? process.env.NEXTAUTH_SECRET;
  if (configured) {
    if (configured.length < 32) throw new Error("AUTH_SECRET must be at least 32 characters long.");
    return configured;
  }
  if (env.NODE_ENV === "production" && env.DATABASE_URL) {
    throw new Error(
      "AUTH_SECRET is not set. A production deployment needs it: generate one with `openssl rand -base64 32`.",
    );
  }
  return readOrCreateSecretFile(AUTH_SECRET_FILE);
}
