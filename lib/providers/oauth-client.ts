import { createHash, randomBytes } from "node:crypto";

/**
 * What every OAuth 2.0 authorization-code client here shares, whichever identity provider it talks
 * to: PKCE (S256), the single-use `state` (only its hash is stored), the token endpoint's form POST,
 * and reading an ID token received straight from the token endpoint.
 */

const TIMEOUT_MS = 10_000;

export function newPkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(48).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

export function newState(): string {
  return randomBytes(32).toString("base64url");
}

export function hashState(state: string): string {
  return createHash("sha256").update(state).digest("hex");
}

/**
 * A form POST to a token (or revocation) endpoint; the answer's JSON, {} when there is none. The
 * provider names itself and supplies its error for "cannot be reached now" (no answer, or a 5xx).
 */
export async function postForm(
  url: string,
  body: Record<string, string>,
  provider: { name: string; unreachable: (message: string, status?: number) => Error },
): Promise<{ status: number; json: Record<string, unknown> }> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: new URLSearchParams(body).toString(),
      signal: AbortSignal.timeout(TIMEOUT_MS),
      redirect: "error",
    });
  } catch {
    throw provider.unreachable(`${provider.name} could not be reached. Check the server's connection and try again.`);
  }
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    json = {};
  }
  if (response.status >= 500) throw provider.unreachable(`${provider.name} answered with a server error. Try again in a moment.`, response.status);
  return { status: response.status, json };
}

/**
 * The claims of an ID token received straight from the token endpoint over TLS: OpenID Connect
 * Core 3.1.3.7 lets the client take them from there without checking the signature.
 */
export function idTokenClaims(idToken: unknown): Record<string, unknown> | null {
  if (typeof idToken !== "string") return null;
  const payload = idToken.split(".")[1];
  if (!payload) return null;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    return claims !== null && typeof claims === "object" ? (claims as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
