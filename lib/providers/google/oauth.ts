import { appUrl, serverEnv } from "@/lib/config/env";
import { idTokenClaims, postForm } from "@/lib/providers/oauth-client";

/**
 * Google's OAuth 2.0 authorization-code flow with PKCE, for a web server app. Every endpoint comes
 * from configuration so tests (and Google-compatible deployments) can point it elsewhere.
 */

/** Least privilege: the events of the user's calendars, and who the user is. */
export const GOOGLE_SCOPES = ["openid", "email", "https://www.googleapis.com/auth/calendar.events"];

/** Either gives read and write access to events; `calendar` (everything) may have been granted to this app before. */
const CALENDAR_SCOPES = ["https://www.googleapis.com/auth/calendar.events", "https://www.googleapis.com/auth/calendar"];

/**
 * Whether the token answer's `scope` (what was granted) includes event read/write. Google's consent
 * screen lets the person untick the calendar permission (granular consent) and still sends a token.
 * Google always answers with `scope`; an answer without one is not judged here.
 */
function calendarGranted(scope: unknown): boolean {
  if (typeof scope !== "string") return true;
  const granted = scope.split(/\s+/);
  return CALENDAR_SCOPES.some((value) => granted.includes(value));
}

export interface GoogleConfig {
  clientId: string;
  clientSecret: string;
  authUrl: string;
  tokenUrl: string;
  revokeUrl: string;
  userinfoUrl: string;
  apiUrl: string;
  batchSize: number;
  writesPerMinute: number;
  waitLimits: { eachMs: number; totalMs: number };
  demo: boolean;
}

/** null when the server has not been configured for Google. */
export function googleConfig(): GoogleConfig | null {
  const env = serverEnv();
  if (!env.GOOGLE_CLIENT_ID || !env.GOOGLE_CLIENT_SECRET) return null;
  return {
    clientId: env.GOOGLE_CLIENT_ID,
    clientSecret: env.GOOGLE_CLIENT_SECRET,
    authUrl: env.GOOGLE_OAUTH_AUTH_URL,
    tokenUrl: env.GOOGLE_OAUTH_TOKEN_URL,
    revokeUrl: env.GOOGLE_OAUTH_REVOKE_URL,
    userinfoUrl: env.GOOGLE_USERINFO_URL,
    apiUrl: env.GOOGLE_API_URL,
    batchSize: env.GOOGLE_BATCH_SIZE,
    writesPerMinute: env.GOOGLE_WRITES_PER_MINUTE,
    waitLimits: { eachMs: env.GOOGLE_RETRY_MAX_WAIT_SECONDS * 1000, totalMs: env.GOOGLE_RETRY_BUDGET_SECONDS * 1000 },
    demo: env.GOOGLE_DEMO === "1",
  };
}

export function googleRedirectUri(): string {
  return new URL("/api/google/callback", appUrl()).toString();
}

export type GoogleFailure = "unreachable" | "exchange-failed" | "invalid-grant" | "no-email";

export class GoogleOAuthError extends Error {
  constructor(
    readonly kind: GoogleFailure,
    message: string,
    /** Google's HTTP status, for logs. */
    readonly status: number | null = null,
  ) {
    super(message);
    this.name = "GoogleOAuthError";
  }
}

export function authorizationUrl(config: GoogleConfig, input: { state: string; challenge: string; loginHint: string }): string {
  const url = new URL(config.authUrl);
  url.search = new URLSearchParams({
    client_id: config.clientId,
    redirect_uri: googleRedirectUri(),
    response_type: "code",
    scope: GOOGLE_SCOPES.join(" "),
    state: input.state,
    code_challenge: input.challenge,
    code_challenge_method: "S256",
    // A refresh token, and a consent screen every time so Google sends one again on re-authorization.
    access_type: "offline",
    prompt: "consent",
    include_granted_scopes: "true",
    login_hint: input.loginHint,
  }).toString();
  return url.toString();
}

const post = (url: string, body: Record<string, string>) =>
  postForm(url, body, { name: "Google", unreachable: (message, status) => new GoogleOAuthError("unreachable", message, status ?? null) });

/** The verified email of the consenting Google account, from the ID token. */
function emailFromIdToken(idToken: unknown): string | null {
  const claims = idTokenClaims(idToken);
  return typeof claims?.email === "string" && claims.email_verified !== false ? claims.email.toLowerCase() : null;
}

export interface ExchangedTokens {
  email: string;
  accessToken: string;
  /** null when Google did not send one (the app was already authorized without a fresh consent). */
  refreshToken: string | null;
  /** The person left the calendar permission ticked on the consent screen. */
  calendarGranted: boolean;
}

export async function exchangeCode(config: GoogleConfig, code: string, verifier: string): Promise<ExchangedTokens> {
  const { status, json } = await post(config.tokenUrl, {
    grant_type: "authorization_code",
    code,
    code_verifier: verifier,
    redirect_uri: googleRedirectUri(),
    client_id: config.clientId,
    client_secret: config.clientSecret,
  });
  if (status !== 200 || typeof json.access_token !== "string") {
    throw new GoogleOAuthError("exchange-failed", `Google refused the authorization code (${String(json.error ?? status)}).`, status);
  }
  const email = emailFromIdToken(json.id_token);
  if (!email) throw new GoogleOAuthError("no-email", "Google did not say which account gave consent.", status);
  return {
    email,
    accessToken: json.access_token,
    refreshToken: typeof json.refresh_token === "string" ? json.refresh_token : null,
    calendarGranted: calendarGranted(json.scope),
  };
}

export async function refreshAccessToken(config: GoogleConfig, refreshToken: string): Promise<{ accessToken: string; expiresIn: number }> {
  const { status, json } = await post(config.tokenUrl, {
    grant_type: "refresh_token",
    refresh_token: refreshToken,
    client_id: config.clientId,
    client_secret: config.clientSecret,
  });
  if (status === 400 && json.error === "invalid_grant") {
    throw new GoogleOAuthError("invalid-grant", "Google no longer accepts this authorization: it was removed in the Google account or has expired.", status);
  }
  if (status !== 200 || typeof json.access_token !== "string") {
    throw new GoogleOAuthError("exchange-failed", `Google refused to refresh the access token (${String(json.error ?? status)}).`, status);
  }
  return { accessToken: json.access_token, expiresIn: typeof json.expires_in === "number" ? json.expires_in : 3600 };
}

/** Revokes a token; false when Google could not be reached (the caller decides what that means). */
export async function revokeToken(config: GoogleConfig, token: string): Promise<boolean> {
  try {
    const { status } = await post(config.revokeUrl, { token });
    // 400 invalid_token: already revoked or expired — the goal is reached either way.
    return status === 200 || status === 400;
  } catch (error) {
    if (error instanceof GoogleOAuthError && error.kind === "unreachable") return false;
    throw error;
  }
}
