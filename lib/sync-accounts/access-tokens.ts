/**
 * Access tokens by account, in this process's memory only: a sync reuses one until shortly before
 * it expires instead of asking the provider's token endpoint on every run. Each entry remembers the
 * stored (encrypted) refresh token it came from, so a re-authorization elsewhere, which replaces
 * that secret, is noticed; a removed account's entry is forgotten with it.
 */

/** Renewed this long before the provider's expiry, so a sync never starts with a token about to die. */
const EXPIRY_MARGIN_MS = 5 * 60_000;

const cached = new Map<string, { secret: string; accessToken: string; expiresAt: number }>();

/** The cached token of this account, if it came from this refresh token and lives on for a while. */
export function cachedAccessToken(accountId: string, secret: string): string | null {
  const entry = cached.get(accountId);
  return entry?.secret === secret && entry.expiresAt - EXPIRY_MARGIN_MS > Date.now() ? entry.accessToken : null;
}

export function cacheAccessToken(accountId: string, secret: string, accessToken: string, expiresInSeconds: number): void {
  cached.set(accountId, { secret, accessToken, expiresAt: Date.now() + expiresInSeconds * 1000 });
}

export function forgetAccessToken(accountId: string): void {
  cached.delete(accountId);
}
