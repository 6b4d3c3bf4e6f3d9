import { appUrl } from "@/lib/config/env";
import type { MicrosoftOAuthConfig } from "@/lib/providers/graph/oauth-config";
import { idTokenClaims, postForm } from "@/lib/providers/oauth-client";

/**
 * The Microsoft identity platform's authorization-code flow with PKCE for a confidential web app
 * (v2.0 endpoints), over plain fetch. Not @azure/msal-node: it refuses any authority that is not
 * https (so it cannot be pointed at the local fake), fetches authority metadata over the network
 * unless that is pre-seeded, and keeps refresh tokens inside its own token cache rather than
 * handing them to the app — which must store them encrypted in its own database.
 */

/**
 * Least privilege, delegated: sign-in and the address (openid, email), a refresh token
 * (offline_access), and the user's own calendars. Graph scopes carry the resource URI on v2.0.
 */
export const MICROSOFT_SCOPES = ["offline_access", "openid", "email", "https://graph.microsoft.com/Calendars.ReadWrite"];

/**
 * Whether the token answer's `scope` (the permissions actually granted: an administrator's consent
 * may cover other ones than the app asks for) includes Calendars.ReadWrite. Microsoft writes Graph
 * scopes with or without the resource URI, in any case; an answer without `scope` is not judged here.
 */
function calendarGranted(scope: unknown): boolean {
  if (typeof scope !== "string") return true;
  return scope
    .split(/\s+/)
    .map((value) => value.toLowerCase().replace(/^https:\/\/graph\.microsoft\.com\//, ""))
    .some((value) => value === "calendars.readwrite" || value === "calendars.readwrite.shared");
}


export function microsoftRedirectUri(): string {
  return new URL("/api/microsoft/callback", appUrl()).toString();
}

export type MicrosoftFailure = "unreachable" | "exchange-failed" | "invalid-grant" | "no-account";

export class MicrosoftOAuthError extends Error {
  constructor(
    readonly kind: MicrosoftFailure,
    message: string,
    /** Microsoft's HTTP status and AADSTS code, for logs. */
    readonly status: number | null = null,
    readonly code: string | null = null,
  ) {
    super(message);
    this.name = "MicrosoftOAuthError";
  }
}

export function authorizationUrl(config: MicrosoftOAuthConfig, input: { state: string; challenge: string; loginHint: string }): string {
  const url = new URL(config.authorizeUrl);
  url.search = new URLSearchParams({
    client_id: config.clientId,
    response_type: "code",
    redirect_uri: microsoftRedirectUri(),
    response_mode: "query",
    scope: MICROSOFT_SCOPES.join(" "),
    state: input.state,
    code_challenge: input.challenge,
    code_challenge_method: "S256",
    // Pre-fills the account; the consenting account is still checked against it on return.
    login_hint: input.loginHint,
  }).toString();
  return url.toString();
}

interface TokenAnswer {
  status: number;
  json: Record<string, unknown>;
}

const post = (config: MicrosoftOAuthConfig, body: Record<string, string>): Promise<TokenAnswer> =>
  postForm(
    config.tokenUrl,
    { ...body, client_id: config.clientId, client_secret: config.clientSecret },
    { name: "Microsoft", unreachable: (message, status) => new MicrosoftOAuthError("unreachable", message, status ?? null) },
  );

/** "invalid_grant (AADSTS70000)": the error and its AADSTS number, never the description (it may echo request data). */
function errorCode(json: Record<string, unknown>, status: number): string {
  const codes = Array.isArray(json.error_codes) ? json.error_codes.filter((value) => typeof value === "number") : [];
  const error = typeof json.error === "string" ? json.error : String(status);
  return codes.length > 0 ? `${error} (AADSTS${codes.join(", AADSTS")})` : error;
}

/** The consenting account's sign-in names, from the ID token. */
function accountFromIdToken(idToken: unknown): { usernames: string[] } | null {
  const claims = idTokenClaims(idToken);
  // preferred_username is the sign-in name (UPN) people type; email, when present, may be another address of the same mailbox.
  const usernames = [
    ...new Set([claims?.preferred_username, claims?.email].filter((value): value is string => typeof value === "string" && value.includes("@")).map((value) => value.toLowerCase())),
  ];
  return usernames.length > 0 ? { usernames } : null;
}

export interface ExchangedTokens {
  /** The consenting account's sign-in names (preferred_username first), lower-cased. */
  usernames: string[];
  accessToken: string;
  expiresIn: number;
  /** null when Microsoft sent none (offline_access not granted). */
  refreshToken: string | null;
  /** Calendars.ReadWrite was granted. */
  calendarGranted: boolean;
}

export async function exchangeCode(config: MicrosoftOAuthConfig, code: string, verifier: string): Promise<ExchangedTokens> {
  const { status, json } = await post(config, {
    grant_type: "authorization_code",
    code,
    code_verifier: verifier,
    redirect_uri: microsoftRedirectUri(),
    scope: MICROSOFT_SCOPES.join(" "),
  });
  if (status !== 200 || typeof json.access_token !== "string") {
    throw new MicrosoftOAuthError("exchange-failed", `Microsoft refused the authorization code: ${errorCode(json, status)}.`, status, errorCode(json, status));
  }
  const account = accountFromIdToken(json.id_token);
  if (!account) throw new MicrosoftOAuthError("no-account", "Microsoft did not say which account gave consent.", status);
  return {
    usernames: account.usernames,
    accessToken: json.access_token,
    expiresIn: typeof json.expires_in === "number" ? json.expires_in : 3600,
    refreshToken: typeof json.refresh_token === "string" ? json.refresh_token : null,
    calendarGranted: calendarGranted(json.scope),
  };
}

export interface RefreshedTokens {
  accessToken: string;
  expiresIn: number;
  /** Microsoft rotates refresh tokens: the new one replaces the stored one. null when none came back. */
  refreshToken: string | null;
}

export async function refreshAccessToken(config: MicrosoftOAuthConfig, refreshToken: string): Promise<RefreshedTokens> {
  const { status, json } = await post(config, { grant_type: "refresh_token", refresh_token: refreshToken, scope: MICROSOFT_SCOPES.join(" ") });
  if (status === 400 && json.error === "invalid_grant") {
    throw new MicrosoftOAuthError(
      "invalid-grant",
      "Microsoft no longer accepts this authorization: it was revoked, the password changed, or it went unused too long.",
      status,
      errorCode(json, status),
    );
  }
  if (status !== 200 || typeof json.access_token !== "string") {
    throw new MicrosoftOAuthError("exchange-failed", `Microsoft refused to refresh the access token: ${errorCode(json, status)}.`, status, errorCode(json, status));
  }
  return {
    accessToken: json.access_token,
    expiresIn: typeof json.expires_in === "number" ? json.expires_in : 3600,
    refreshToken: typeof json.refresh_token === "string" ? json.refresh_token : null,
  };
}
