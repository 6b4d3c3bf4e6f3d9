import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { serverEnv } from "./env";

export function dataDir(): string {
  return path.resolve(serverEnv().DATA_DIR);
}

/**
 * Reads a secret kept in the data folder, creating it (0600, random bytes, base64url) on first use.
 * Only the embedded default relies on this; deployments pass secrets through the environment.
 */
export function readOrCreateSecretFile(fileName: string, bytes = 32): string {
  const dir = dataDir();
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, fileName);
  try {
    fs.writeFileSync(file, randomBytes(bytes).toString("base64url"), { mode: 0o600, flag: "wx" });
  } catch (error) {
    // Another process (or an earlier start) created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const secret = fs.readFileSync(file, "utf8").trim();
  if (secret.length < 32) throw new Error(`The secret file ${file} is empty or truncated; delete it to regenerate.`);
  return secret;
}
