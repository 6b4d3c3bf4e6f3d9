import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { readOrCreateSecretFile } from "../config/data-dir";
import { serverEnv } from "../config/env";

/**
 * Secrets at rest (refresh tokens, Exchange passwords): AES-256-GCM, a fresh 96-bit IV per value,
 * and the id of the key that encrypted it stored beside the ciphertext — so keys can be rotated:
 * set a new SECRETS_KEY, move the old one to SECRETS_PREVIOUS_KEYS, and old values still decrypt
 * (and are re-encrypted under the new key the next time they are written).
 *
 * Stored form: `v1.<keyId>.<iv>.<ciphertext><tag>` (base64url parts).
 */

interface Key {
  id: string;
  bytes: Buffer;
}

function toKey(encoded: string, source: string): Key {
  const bytes = Buffer.from(encoded, encoded.includes("+") || encoded.includes("/") ? "base64" : "base64url");
  if (bytes.length !== 32) throw new Error(`${source} must be 32 bytes, base64-encoded (openssl rand -base64 32).`);
  return { id: createHash("sha256").update(bytes).digest("hex").slice(0, 12), bytes };
}

function keys(): { current: Key; all: Map<string, Key> } {
  const env = serverEnv();
  const current = toKey(env.SECRETS_KEY ?? readOrCreateSecretFile("secrets-key"), env.SECRETS_KEY ? "SECRETS_KEY" : "The secrets-key file");
  const all = new Map([[current.id, current]]);
  for (const [index, encoded] of (env.SECRETS_PREVIOUS_KEYS ?? "").split(",").entries()) {
    if (!encoded.trim()) continue;
    const key = toKey(encoded.trim(), `SECRETS_PREVIOUS_KEYS entry ${index + 1}`);
    all.set(key.id, key);
  }
  return { current, all };
}

/** Fails fast at start when the configured keys are unusable. */
export function checkSecretsKey(): void {
  keys();
}

export function encryptSecret(plain: string): string {
  const { current } = keys();
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", current.bytes, iv);
  const sealed = Buffer.concat([cipher.update(plain, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return ["v1", current.id, iv.toString("base64url"), sealed.toString("base64url")].join(".");
}

export class SecretUnreadableError extends Error {}

export function decryptSecret(stored: string): string {
  const [version, keyId, iv, sealed] = stored.split(".");
  if (version !== "v1" || !keyId || !iv || !sealed) throw new SecretUnreadableError("A stored secret has an unknown format.");
  const key = keys().all.get(keyId);
  if (!key) throw new SecretUnreadableError(`A stored secret was encrypted with key ${keyId}, which is not configured (SECRETS_KEY / SECRETS_PREVIOUS_KEYS).`);
  const data = Buffer.from(sealed, "base64url");
  const decipher = createDecipheriv("aes-256-gcm", key.bytes, Buffer.from(iv, "base64url"));
  decipher.setAuthTag(data.subarray(data.length - 16));
  try {
    return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString("utf8");
  } catch {
    throw new SecretUnreadableError("A stored secret failed its integrity check.");
  }
}

/** Whether a stored secret is under an older key (and should be re-encrypted when next written). */
export function needsReencryption(stored: string): boolean {
  return stored.split(".")[1] !== keys().current.id;
}
