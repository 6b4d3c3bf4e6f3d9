// Google's OAuth 2.0 endpoints as a web-server app sees them: the consent page (where a test or a
// person picks an account, may untick permissions — granular consent — and clicks Allow or Deny),
// the token endpoint (client authentication,
// redirect URI, PKCE, single-use codes, refresh, invalid_grant), revocation and userinfo.
import { createHash, randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

export interface FakeOAuthOptions {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  /** Google accounts a user can pick on the consent page. */
  accounts: string[];
}

interface AuthorizeRequest {
  clientId: string;
  redirectUri: string;
  state: string;
  challenge: string;
  scope: string;
  offline: boolean;
  loginHint: string;
}

interface CodeGrant {
  clientId: string;
  redirectUri: string;
  challenge: string;
  email: string;
  scope: string;
  offline: boolean;
  used: boolean;
  expiresAt: number;
}

interface RefreshGrant {
  email: string;
  clientId: string;
  scope: string;
  revoked: boolean;
}

/** Sign-in scopes are granted with the account; every other scope has its own checkbox (granular consent). */
const SIGN_IN_SCOPES = ["openid", "email", "profile", "https://www.googleapis.com/auth/userinfo.email", "https://www.googleapis.com/auth/userinfo.profile"];
const SCOPE_LABELS: Record<string, string> = {
  "https://www.googleapis.com/auth/calendar.events": "View and edit events on all your calendars",
  "https://www.googleapis.com/auth/calendar": "See, edit, share, and permanently delete all the calendars you can access using Google Calendar",
};

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
const token = (prefix: string) => `${prefix}${randomBytes(24).toString("base64url")}`;

function json(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export class FakeGoogleOAuth {
  readonly accounts: string[];
  /** Answer code exchanges without a refresh token (what Google does for an already-authorized app). */
  omitRefreshToken = false;
  /**
   * Scopes the person unticks on the consent screen when a caller posts the decision without the
   * page's checkboxes (tests that skip the HTML); a browser's form says for itself what stayed ticked.
   */
  withheldScopes: string[] = [];
  /** Every revoke call that named a known token, by the account it belonged to. */
  readonly revocations: string[] = [];
  /** Access tokens handed out for a refresh token (each is a request to Google's token endpoint). */
  tokenRefreshes = 0;
  private readonly pending = new Map<string, AuthorizeRequest>();
  private readonly codes = new Map<string, CodeGrant>();
  private readonly refreshTokens = new Map<string, RefreshGrant>();
  private readonly accessTokens = new Map<string, { email: string; refreshToken: string | null; expiresAt: number }>();

  constructor(private readonly options: FakeOAuthOptions) {
    this.accounts = [...options.accounts];
  }

  /** The Google account a live access token belongs to (the Calendar API fake authenticates with this). */
  accessTokenOwner(accessToken: string): string | null {
    const grant = this.accessTokens.get(accessToken);
    if (!grant || grant.expiresAt < Date.now()) return null;
    if (grant.refreshToken && this.refreshTokens.get(grant.refreshToken)?.revoked) return null;
    return grant.email;
  }

  /** As if the user removed the app's access in their Google account: every grant of `email` dies. */
  revokeGrantsOf(email: string): number {
    let count = 0;
    for (const grant of this.refreshTokens.values()) {
      if (grant.email === email && !grant.revoked) {
        grant.revoked = true;
        count += 1;
      }
    }
    return count;
  }

  /** A grant as if `email` had consented (tests that start after the OAuth flow). */
  grant(email: string): { refreshToken: string; accessToken: string } {
    const refreshToken = token("1//");
    this.refreshTokens.set(refreshToken, { email, clientId: this.options.clientId, scope: "openid email https://www.googleapis.com/auth/calendar.events", revoked: false });
    return { refreshToken, accessToken: this.issueAccess(email, refreshToken) };
  }

  activeGrants(email: string): number {
    return [...this.refreshTokens.values()].filter((grant) => grant.email === email && !grant.revoked).length;
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const url = new URL(req.url ?? "/", "http://fake");
    if (req.method === "GET" && url.pathname === "/o/oauth2/v2/auth") return this.authorize(url, res);
    if (req.method === "POST" && url.pathname === "/o/oauth2/v2/auth/decision") return this.decide(req, res);
    if (req.method === "POST" && url.pathname === "/token") return this.token(req, res);
    if (req.method === "POST" && url.pathname === "/revoke") return this.revoke(req, url, res);
    if (req.method === "GET" && url.pathname === "/v1/userinfo") return this.userinfo(req, res);
    return false;
  }

  private errorPage(res: ServerResponse, message: string): true {
    res.writeHead(400, { "content-type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><title>Error 400</title><h1>Error 400: invalid_request</h1><p>${escapeHtml(message)}</p>`);
    return true;
  }

  private authorize(url: URL, res: ServerResponse): true {
    const p = url.searchParams;
    const clientId = p.get("client_id") ?? "";
    const redirectUri = p.get("redirect_uri") ?? "";
    if (clientId !== this.options.clientId) return this.errorPage(res, "The OAuth client was not found. (invalid_client)");
    if (!this.options.redirectUris.includes(redirectUri)) return this.errorPage(res, "redirect_uri_mismatch: the redirect URI is not registered for this client.");
    if (p.get("response_type") !== "code") return this.errorPage(res, "Unsupported response_type.");
    if (p.get("code_challenge_method") !== "S256" || !p.get("code_challenge")) return this.errorPage(res, "PKCE with S256 is required by this client.");
    if (!p.get("scope")) return this.errorPage(res, "Missing required parameter: scope");
    const id = token("req-");
    const loginHint = (p.get("login_hint") ?? "").toLowerCase();
    this.pending.set(id, {
      clientId,
      redirectUri,
      state: p.get("state") ?? "",
      challenge: p.get("code_challenge") ?? "",
      scope: p.get("scope") ?? "",
      offline: p.get("access_type") === "offline",
      loginHint,
    });
    const accounts = this.accounts
      .map((email) => `<label class="account"><input type="radio" name="account" value="${escapeHtml(email)}"${email === loginHint ? " checked" : ""}> ${escapeHtml(email)}</label>`)
      .join("");
    const permissions = (p.get("scope") ?? "")
      .split(" ")
      .filter((scope) => scope && !SIGN_IN_SCOPES.includes(scope))
      .map((scope) => `<label class="scope"><input type="checkbox" name="granted" value="${escapeHtml(scope)}" checked> ${escapeHtml(SCOPE_LABELS[scope] ?? scope)}</label>`)
      .join("");
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in – Google Accounts (simulated)</title>
<style>body{font-family:system-ui,sans-serif;background:#f1f3f4;margin:0;display:grid;place-items:center;min-height:100vh}
main{background:#fff;border-radius:12px;padding:32px 40px;max-width:440px;box-shadow:0 1px 3px #0003}
h1{font-size:22px;margin:0 0 4px}.note{color:#5f6368;font-size:14px}.account{display:block;padding:10px;border:1px solid #dadce0;border-radius:8px;margin:8px 0}
.scope{display:block;font-size:14px;margin:6px 0}.actions{display:flex;justify-content:flex-end;gap:8px;margin-top:20px}button{padding:8px 20px;border-radius:18px;border:1px solid #dadce0;background:#fff;font-size:14px}
button[value=allow]{background:#1a73e8;color:#fff;border-color:#1a73e8}</style></head>
<body><main><h1>Choose an account</h1><p class="note">Simulated Google consent screen (test double). The app asks to see and edit events on your calendars, and your email address.</p>
<form method="post" action="/o/oauth2/v2/auth/decision"><input type="hidden" name="request" value="${id}"><input type="hidden" name="granular" value="1">${accounts}
<p class="note">Select what the app can access:</p>${permissions}
<div class="actions"><button name="decision" value="deny">Cancel</button><button name="decision" value="allow">Allow</button></div></form></main></body></html>`);
    return true;
  }

  private async decide(req: IncomingMessage, res: ServerResponse): Promise<true> {
    const form = new URLSearchParams(await readBody(req));
    const request = this.pending.get(form.get("request") ?? "");
    if (!request) return this.errorPage(res, "This sign-in request has expired. Start again from the app.");
    this.pending.delete(form.get("request") ?? "");
    const back = new URL(request.redirectUri);
    back.searchParams.set("state", request.state);
    const email = form.get("account") ?? "";
    if (form.get("decision") !== "allow" || !this.accounts.includes(email)) {
      back.searchParams.set("error", "access_denied");
    } else {
      const code = token("4/");
      const scope = this.grantedScope(request.scope, form);
      this.codes.set(code, { ...request, scope, email, used: false, expiresAt: Date.now() + 5 * 60_000 });
      back.searchParams.set("code", code);
      back.searchParams.set("scope", scope);
    }
    res.writeHead(302, { location: back.toString() });
    res.end();
    return true;
  }

  /** The requested scopes the person left ticked: the sign-in ones always. */
  private grantedScope(requested: string, form: URLSearchParams): string {
    const ticked = form.has("granular") ? form.getAll("granted") : requested.split(" ").filter((scope) => !this.withheldScopes.includes(scope));
    return requested
      .split(" ")
      .filter((scope) => SIGN_IN_SCOPES.includes(scope) || ticked.includes(scope))
      .join(" ");
  }

  private clientOk(req: IncomingMessage, form: URLSearchParams): boolean {
    let id = form.get("client_id");
    let secret = form.get("client_secret");
    const basic = req.headers.authorization?.match(/^Basic (.+)$/i)?.[1];
    if (basic) {
      const [basicId, basicSecret] = Buffer.from(basic, "base64").toString("utf8").split(":");
      id = basicId ?? null;
      secret = basicSecret ?? null;
    }
    return id === this.options.clientId && secret === this.options.clientSecret;
  }

  private issueAccess(email: string, refreshToken: string | null) {
    const accessToken = token("ya29.");
    this.accessTokens.set(accessToken, { email, refreshToken, expiresAt: Date.now() + 3599_000 });
    return accessToken;
  }

  private async token(req: IncomingMessage, res: ServerResponse): Promise<true> {
    const form = new URLSearchParams(await readBody(req));
    if (!this.clientOk(req, form)) {
      json(res, 401, { error: "invalid_client", error_description: "The OAuth client was not found." });
      return true;
    }
    const grantType = form.get("grant_type");
    if (grantType === "authorization_code") {
      const code = this.codes.get(form.get("code") ?? "");
      if (!code || code.used || code.expiresAt < Date.now()) {
        json(res, 400, { error: "invalid_grant", error_description: "Malformed auth code." });
        return true;
      }
      code.used = true;
      if (form.get("redirect_uri") !== code.redirectUri) {
        json(res, 400, { error: "redirect_uri_mismatch", error_description: "Bad Request" });
        return true;
      }
      const verifier = form.get("code_verifier") ?? "";
      if (!verifier || createHash("sha256").update(verifier).digest("base64url") !== code.challenge) {
        json(res, 400, { error: "invalid_grant", error_description: verifier ? "Invalid code verifier." : "Missing code verifier." });
        return true;
      }
      const refreshToken = code.offline && !this.omitRefreshToken ? token("1//") : null;
      if (refreshToken) this.refreshTokens.set(refreshToken, { email: code.email, clientId: code.clientId, scope: code.scope, revoked: false });
      const now = Math.floor(Date.now() / 1000);
      const idToken = [
        b64({ alg: "RS256", kid: "fake", typ: "JWT" }),
        b64({ iss: "https://accounts.google.com", aud: code.clientId, sub: createHash("sha256").update(code.email).digest("hex").slice(0, 21), email: code.email, email_verified: true, iat: now, exp: now + 3600 }),
        randomBytes(32).toString("base64url"),
      ].join(".");
      json(res, 200, {
        access_token: this.issueAccess(code.email, refreshToken),
        expires_in: 3599,
        scope: code.scope,
        token_type: "Bearer",
        id_token: idToken,
        ...(refreshToken ? { refresh_token: refreshToken } : {}),
      });
      return true;
    }
    if (grantType === "refresh_token") {
      const refreshToken = form.get("refresh_token") ?? "";
      const grant = this.refreshTokens.get(refreshToken);
      if (!grant || grant.revoked || grant.clientId !== form.get("client_id")) {
        json(res, 400, { error: "invalid_grant", error_description: "Token has been expired or revoked." });
        return true;
      }
      this.tokenRefreshes += 1;
      json(res, 200, { access_token: this.issueAccess(grant.email, refreshToken), expires_in: 3599, scope: grant.scope, token_type: "Bearer" });
      return true;
    }
    json(res, 400, { error: "unsupported_grant_type", error_description: `Invalid grant_type: ${grantType ?? ""}` });
    return true;
  }

  private async revoke(req: IncomingMessage, url: URL, res: ServerResponse): Promise<true> {
    const value = new URLSearchParams(await readBody(req)).get("token") ?? url.searchParams.get("token") ?? "";
    const refresh = this.refreshTokens.get(value);
    const access = this.accessTokens.get(value);
    const grant = refresh ?? (access?.refreshToken ? this.refreshTokens.get(access.refreshToken) : undefined);
    if (!grant && !access) {
      json(res, 400, { error: "invalid_token", error_description: "Token expired or revoked" });
      return true;
    }
    if (grant) grant.revoked = true;
    if (access) access.expiresAt = 0;
    this.revocations.push(grant?.email ?? access?.email ?? "");
    json(res, 200, {});
    return true;
  }

  private userinfo(req: IncomingMessage, res: ServerResponse): true {
    const bearer = req.headers.authorization?.match(/^Bearer (.+)$/i)?.[1] ?? "";
    const email = this.accessTokenOwner(bearer);
    if (!email) json(res, 401, { error: "invalid_token", error_description: "Invalid Credentials" });
    else json(res, 200, { sub: createHash("sha256").update(email).digest("hex").slice(0, 21), email, email_verified: true });
    return true;
  }
}
