import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { SecretUnreadableError, decryptSecret, encryptSecret, needsReencryption } from "@/lib/crypto/secrets";

const key = () => randomBytes(32).toString("base64");
const saved = { key: process.env.SECRETS_KEY, previous: process.env.SECRETS_PREVIOUS_KEYS };

afterEach(() => {
  process.env.SECRETS_KEY = saved.key;
  process.env.SECRETS_PREVIOUS_KEYS = saved.previous;
  if (saved.key === undefined) delete process.env.SECRETS_KEY;
  if (saved.previous === undefined) delete process.env.SECRETS_PREVIOUS_KEYS;
});

describe("secrets at rest", () => {
  it("encrypts with a fresh IV each time and decrypts what it encrypted", () => {
    process.env.SECRETS_KEY = key();
    const a = encryptSecret("1//refresh-token");
    const b = encryptSecret("1//refresh-token");
    expect(a).not.toBe(b);
    expect(a).not.toContain("refresh-token");
    expect(decryptSecret(a)).toBe("1//refresh-token");
  });

  it("rotates: values under a previous key still decrypt and are flagged for re-encryption", () => {
    const old = key();
    process.env.SECRETS_KEY = old;
    const stored = encryptSecret("secret");
    process.env.SECRETS_KEY = key();
    expect(() => decryptSecret(stored)).toThrow(SecretUnreadableError);
    process.env.SECRETS_PREVIOUS_KEYS = old;
    expect(decryptSecret(stored)).toBe("secret");
    expect(needsReencryption(stored)).toBe(true);
    expect(needsReencryption(encryptSecret("secret"))).toBe(false);
  });

  it("detects tampering and rejects a key of the wrong size", () => {
    process.env.SECRETS_KEY = key();
    const stored = encryptSecret("secret");
    const parts = stored.split(".");
    const sealed = Buffer.from(parts[3] ?? "", "base64url");
    sealed[0] = (sealed[0] ?? 0) ^ 1;
    expect(() => decryptSecret([...parts.slice(0, 3), sealed.toString("base64url")].join("."))).toThrow("integrity");
    process.env.SECRETS_KEY = randomBytes(16).toString("base64");
    expect(() => encryptSecret("x")).toThrow("32 bytes");
  });
});
