import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * A "device cookie" (OWASP): after a successful sign-in the browser gets a token, signed with the
 * app's secret and bound to the account, that marks it as a device the account's owner used. An
 * attempt that shows it is counted on its own (see signInCounters), so failures from elsewhere —
 * an attacker guessing from many addresses — never hold up the owner's own browser.
 */

export const DEVICE_COOKIE_MAX_AGE_SECONDS = 365 * 24 * 60 * 60;

/** One cookie per account the browser signed in to, named without revealing the address. */
export function deviceCookieName(email: string): string {
  return `known-device-${createHash("sha256").update(email.trim().toLowerCase()).digest("hex").slice(0, 16)}`;
}

const signature = (secret: string, email: string, nonce: string) => createHmac("sha256", secret).update(`device\n${email.trim().toLowerCase()}\n${nonce}`).digest("base64url");

export function issueDeviceToken(email: string, secret: string): string {
  const nonce = randomBytes(16).toString("base64url");
  return `${nonce}.${signature(secret, email, nonce)}`;
}

/** The device's id when the token is one this app issued for this account, else null. */
export function knownDevice(email: string, token: string | undefined, secret: string): string | null {
  const [nonce, mac, extra] = (token ?? "").split(".");
  if (!nonce || !mac || extra !== undefined) return null;
  const expected = Buffer.from(signature(secret, email, nonce));
  const given = Buffer.from(mac);
  return given.length === expected.length && timingSafeEqual(given, expected) ? nonce : null;
}
