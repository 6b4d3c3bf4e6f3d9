// The Microsoft identity platform (v2.0 endpoints) as the Graph fake needs it: the access tokens that
// Graph requests carry and who they belong to, and the sign-in a web app does for them — the
// authorize page (consent, Accept / Cancel), the token endpoint (client secret, redirect URI, PKCE,
// single-use codes, rotating refresh tokens, invalid_grant) with Microsoft's error shapes.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { keepIdleConnections } from "../keep-alive";

interface AccessGrant {
  email: string;
  expiresAt: number;
}

const ACCESS_TOKEN_SECONDS = 3600;
/** Microsoft: "Authorization codes are short lived. Typically, they expire after about 10 minutes." */
const CODE_MS = 10 * 60_000;

export interface FakeMicrosoftAccount {
  /** The sign-in address (UPN): the id token's preferred_username and email. */
  email: string;
  /** The user's tenant does not let users consent to this app: only an administrator can. */
  needsAdminConsent?: boolean;
}

export interface FakeIdentityOptions {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  /** Microsoft accounts a user can pick on the consent page. */
  accounts: FakeMicrosoftAccount[];
}

/** The fake's app registration and the work accounts its consent page offers. */
export const FAKE_MICROSOFT_CLIENT = { clientId: "6731de76-14a6-49ae-97bc-6eba6914391e", clientSecret: "fake-microsoft-client-secret" };
export const FAKE_MICROSOFT_ACCOUNTS: FakeMicrosoftAccount[] = [
  { email: "adele.vance@contoso.onmicrosoft.com" },
  { email: "alex.wilber@contoso.onmicrosoft.com" },
  { email: "megan.bowen@contoso.onmicrosoft.com" },
  { email: "lee.gu@fabrikam.onmicrosoft.com", needsAdminConsent: true },
];

interface AuthorizeRequest {
  tenant: string;
  redirectUri: string;
  state: string;
  challenge: string;
  scope: string;
  loginHint: string;
}

interface CodeGrant extends AuthorizeRequest {
  email: string;
  used: boolean;
  expiresAt: number;
}

interface RefreshGrant {
  email: string;
  scope: string;
  revoked: boolean;
  expired: boolean;
}

export const TENANT_ID = "9188040d-6c67-4c5b-b112-36a304b66dad";
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
const opaque = (prefix: string) => `${prefix}${randomBytes(32).toString("base64url")}`;

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Microsoft's token-endpoint error body: error, "AADSTSnnnnn: …" description, error_codes, ids. */
function tokenError(res: ServerResponse, status: number, error: string, code: number, description: string, suberror?: string): true {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date().toISOString().replace("T", " ").slice(0, 19) + "Z";
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  res.end(
    JSON.stringify({
      error,
      error_description: `AADSTS${code}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      ...(suberror ? { suberror } : {}),
    }),
  );
  return true;
}

export class FakeMicrosoftIdentity {
  readonly accounts: FakeMicrosoftAccount[];
  /** Redeem codes without a refresh token, as when a tenant's policy withholds offline_access. */
  omitRefreshToken = false;
  /**
   * Requested scopes left out of what consent grants, as when an administrator consented for the
   * tenant to a smaller set of permissions than the app asks for (e.g. "Calendars.ReadWrite").
   */
  withheldScopes: string[] = [];
  private readonly options: FakeIdentityOptions;
  private readonly accessTokens = new Map<string, AccessGrant>();
  private readonly pending = new Map<string, AuthorizeRequest>();
  private readonly codes = new Map<string, CodeGrant>();
  private readonly refreshTokens = new Map<string, RefreshGrant>();

  /** Without options: the fake app registration, its accounts, and no redirect URI (tokens only via mintAccessToken). */
  constructor(options: Partial<FakeIdentityOptions> = {}) {
    this.options = { ...FAKE_MICROSOFT_CLIENT, redirectUris: [], accounts: FAKE_MICROSOFT_ACCOUNTS, ...options };
    this.accounts = this.options.accounts.map((account) => ({ ...account, email: account.email.toLowerCase() }));
  }

  /** The mailbox a live access token belongs to (the Graph API fake authenticates with this). */
  accessTokenOwner(accessToken: string): string | null {
    const grant = this.accessTokens.get(accessToken);
    if (!grant || grant.expiresAt < Date.now()) return null;
    return grant.email;
  }

  /** An access token for a mailbox without the sign-in (tests that drive Graph directly). */
  mintAccessToken(email: string, seconds = ACCESS_TOKEN_SECONDS): string {
    const token = `eyJ0eXAiOiJKV1Qi.${randomBytes(24).toString("base64url")}`;
    this.accessTokens.set(token, { email: email.toLowerCase(), expiresAt: Date.now() + seconds * 1000 });
    return token;
  }

  /** A refresh token for a mailbox as if its owner had consented (tests that create accounts without the browser flow). */
  grantRefreshToken(email: string): string {
    return this.issueRefresh(email.toLowerCase(), "openid email offline_access https://graph.microsoft.com/Calendars.ReadWrite");
  }

  /** Ends every access token of a mailbox at once. */
  revokeAccessTokensOf(email: string): number {
    let revoked = 0;
    for (const [token, grant] of this.accessTokens) {
      if (grant.email !== email.toLowerCase()) continue;
      this.accessTokens.delete(token);
      revoked += 1;
    }
    return revoked;
  }

  /**
   * As if the user (or an admin) revoked the app's sessions: every refresh token of `email` dies
   * (refreshing answers invalid_grant). Real access tokens outlive this by up to an hour; the fake
   * ends them too so a test need not wait. Returns how many refresh tokens were revoked.
   */
  revokeGrantsOf(email: string): number {
    let count = 0;
    for (const grant of this.refreshTokens.values()) {
      if (grant.email !== email.toLowerCase() || grant.revoked) continue;
      grant.revoked = true;
      count += 1;
    }
    this.revokeAccessTokensOf(email);
    return count;
  }

  /** As if a refresh token was left unused past its lifetime (AADSTS700082). */
  expireRefreshToken(refreshToken: string): boolean {
    const grant = this.refreshTokens.get(refreshToken);
    if (!grant) return false;
    grant.expired = true;
    return true;
  }

  /** Live (not revoked, not expired) refresh tokens of a mailbox. */
  activeGrants(email: string): number {
    return [...this.refreshTokens.values()].filter((grant) => grant.email === email.toLowerCase() && !grant.revoked && !grant.expired).length;
  }

  /** Serves /{tenant}/oauth2/v2.0/authorize and /{tenant}/oauth2/v2.0/token; false for any other path. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const url = new URL(req.url ?? "/", "http://fake");
    const match = /^\/([^/]+)\/oauth2\/v2\.0\/(authorize|token)$/.exec(url.pathname);
    if (!match) return false;
    const [, tenant = "", endpoint] = match;
    if (endpoint === "authorize" && req.method === "GET") return this.authorize(tenant, url, res);
    if (endpoint === "authorize" && req.method === "POST") return this.decide(req, res);
    if (endpoint === "token" && req.method === "POST") return this.token(req, res);
    res.writeHead(405, { allow: endpoint === "token" ? "POST" : "GET, POST" });
    res.end();
    return true;
  }

  private errorPage(res: ServerResponse, code: number, message: string): true {
    res.writeHead(400, { "content-type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><html lang="en"><title>Sign in to your account</title><h1>Sorry, but we’re having trouble signing you in.</h1><p>AADSTS${code}: ${escapeHtml(message)}</p></html>`);
    return true;
  }

  /** Problems with the request itself are shown on Microsoft's page; redirecting would trust an unchecked URI. */
  private authorize(tenant: string, url: URL, res: ServerResponse): true {
    const p = url.searchParams;
    const redirectUri = p.get("redirect_uri") ?? "";
    if (p.get("client_id") !== this.options.clientId) {
      return this.errorPage(res, 700016, `Application with identifier '${p.get("client_id") ?? ""}' was not found in the directory.`);
    }
    if (!this.options.redirectUris.includes(redirectUri)) {
      return this.errorPage(res, 50011, `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application.`);
    }
    if (p.get("response_type") !== "code") return this.errorPage(res, 900144, "The request body must contain the following parameter: 'response_type' with the value 'code'.");
    if (!p.get("code_challenge") || p.get("code_challenge_method") !== "S256") {
      return this.errorPage(res, 9002325, "Proof Key for Code Exchange is required for this application: send code_challenge with code_challenge_method S256.");
    }
    const scope = p.get("scope") ?? "";
    if (!scope.split(" ").includes("openid")) return this.errorPage(res, 900144, "The request body must contain the following parameter: 'scope' including 'openid'.");
    const id = opaque("req-");
    const loginHint = (p.get("login_hint") ?? "").toLowerCase();
    this.pending.set(id, { tenant, redirectUri, state: p.get("state") ?? "", challenge: p.get("code_challenge") ?? "", scope, loginHint });
    const permissions = scope
      .split(" ")
      .map((value) => (value.startsWith("https://graph.microsoft.com/") ? value.slice("https://graph.microsoft.com/".length) : value))
      .map((value) =>
        ({ offline_access: "Maintain access to data you have given it access to", openid: "Sign you in", email: "View your email address", "Calendars.ReadWrite": "Have full access to your calendars" })[value] ?? value,
      );
    const accounts = this.accounts
      .map(
        (account) =>
          `<label class="account"><input type="radio" name="account" value="${escapeHtml(account.email)}"${account.email === loginHint ? " checked" : ""}> ${escapeHtml(account.email)}</label>`,
      )
      .join("");
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in to your account (simulated Microsoft)</title>
<style>body{font-family:"Segoe UI",system-ui,sans-serif;background:#f2f2f2;margin:0;display:grid;place-items:center;min-height:100vh}
main{background:#fff;padding:40px 44px;max-width:440px;box-shadow:0 2px 6px #0003}.brand{font-weight:600;color:#737373;margin-bottom:16px}
h1{font-size:24px;font-weight:600;margin:0 0 8px}.note{color:#555;font-size:14px}ul{font-size:14px;padding-left:20px}
.account{display:block;padding:10px;border:1px solid #ccc;margin:8px 0;font-size:15px}
.actions{display:flex;justify-content:flex-end;gap:8px;margin-top:24px}button{padding:6px 24px;border:1px solid #ccc;background:#ccc;font-size:15px;min-width:108px}
button[value=accept]{background:#0067b8;color:#fff;border-color:#0067b8}</style></head>
<body><main><div class="brand">Microsoft (simulated)</div><h1>Permissions requested</h1>
<p class="note">Test double of the Microsoft identity platform. Pick the account, then accept. This app would like to:</p>
<ul>${permissions.map((permission) => `<li>${escapeHtml(permission)}</li>`).join("")}</ul>
<form method="post" action="/${encodeURIComponent(tenant)}/oauth2/v2.0/authorize"><input type="hidden" name="request" value="${id}">${accounts}
<div class="actions"><button name="decision" value="cancel">Cancel</button><button name="decision" value="accept">Accept</button></div></form></main></body></html>`);
    return true;
  }

  private async decide(req: IncomingMessage, res: ServerResponse): Promise<true> {
    const form = new URLSearchParams(await readBody(req));
    const requestId = form.get("request") ?? "";
    const request = this.pending.get(requestId);
    if (!request) return this.errorPage(res, 90014, "This sign-in request has expired or was already answered. Start again from the app.");
    this.pending.delete(requestId);
    const back = new URL(request.redirectUri);
    const account = this.accounts.find((candidate) => candidate.email === (form.get("account") ?? "").toLowerCase());
    if (form.get("decision") !== "accept" || !account) {
      back.searchParams.set("error", "access_denied");
      back.searchParams.set("error_description", "AADSTS65004: User declined to consent to access the app.");
    } else if (account.needsAdminConsent) {
      back.searchParams.set("error", "consent_required");
      back.searchParams.set(
        "error_description",
        `AADSTS65001: The user or administrator has not consented to use the application with ID '${this.options.clientId}'. An administrator of the organization must grant consent for it.`,
      );
    } else {
      const code = opaque("M.C5");
      const withheld = this.withheldScopes.map((scope) => scope.toLowerCase().replace(/^https:\/\/graph\.microsoft\.com\//, ""));
      const scope = request.scope
        .split(" ")
        .filter((value) => !withheld.includes(value.toLowerCase().replace(/^https:\/\/graph\.microsoft\.com\//, "")))
        .join(" ");
      this.codes.set(code, { ...request, scope, email: account.email, used: false, expiresAt: Date.now() + CODE_MS });
      back.searchParams.set("code", code);
    }
    back.searchParams.set("state", request.state);
    res.writeHead(302, { location: back.toString() });
    res.end();
    return true;
  }

  private issueAccess(email: string): string {
    return this.mintAccessToken(email, ACCESS_TOKEN_SECONDS);
  }

  /** An unsigned id token (alg "none"): the app takes it straight from this endpoint, as OIDC allows for the code flow. */
  private idToken(email: string, tenant: string): string {
    const now = Math.floor(Date.now() / 1000);
    const oid = createHash("sha256").update(email).digest("hex");
    const claims = {
      aud: this.options.clientId,
      iss: `https://login.microsoftonline.com/${TENANT_ID}/v2.0`,
      iat: now,
      nbf: now,
      exp: now + 3600,
      name: email.split("@")[0]?.replace(/\./g, " "),
      oid: `${oid.slice(0, 8)}-${oid.slice(8, 12)}-${oid.slice(12, 16)}-${oid.slice(16, 20)}-${oid.slice(20, 32)}`,
      preferred_username: email,
      email,
      sub: createHash("sha256").update(`${this.options.clientId}:${email}`).digest("base64url").slice(0, 43),
      tid: tenant === "common" || tenant === "organizations" ? TENANT_ID : tenant,
      ver: "2.0",
    };
    return `${b64({ typ: "JWT", alg: "none" })}.${b64(claims)}.`;
  }

  private async token(req: IncomingMessage, res: ServerResponse): Promise<true> {
    const form = new URLSearchParams(await readBody(req));
    if (form.get("client_id") !== this.options.clientId) {
      return tokenError(res, 400, "unauthorized_client", 700016, `Application with identifier '${form.get("client_id") ?? ""}' was not found in the directory.`);
    }
    if (form.get("client_secret") !== this.options.clientSecret) {
      return tokenError(res, 401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.");
    }
    const grantType = form.get("grant_type");
    if (grantType === "authorization_code") return this.redeemCode(form, res);
    if (grantType === "refresh_token") return this.redeemRefreshToken(form, res);
    return tokenError(res, 400, "unsupported_grant_type", 70003, `The app requested an unsupported grant type '${grantType ?? ""}'.`);
  }

  private redeemCode(form: URLSearchParams, res: ServerResponse): true {
    const code = this.codes.get(form.get("code") ?? "");
    if (!code) return tokenError(res, 400, "invalid_grant", 9002313, "Invalid request. Request is malformed or invalid.");
    if (code.used) return tokenError(res, 400, "invalid_grant", 54005, "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.");
    code.used = true;
    if (code.expiresAt < Date.now()) return tokenError(res, 400, "invalid_grant", 70008, "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.");
    if (form.get("redirect_uri") !== code.redirectUri) {
      return tokenError(res, 400, "invalid_grant", 50148, "The redirect_uri specified in the token request does not match the redirect_uri used in the authorization request.");
    }
    const verifier = form.get("code_verifier") ?? "";
    if (!verifier) return tokenError(res, 400, "invalid_request", 50148, "The code_verifier does not match the code_challenge supplied in the authorization request for PKCE.");
    if (createHash("sha256").update(verifier).digest("base64url") !== code.challenge) {
      return tokenError(res, 400, "invalid_grant", 501481, "The Code_Verifier does not match the code_challenge supplied in the authorization request.");
    }
    const offline = code.scope.split(" ").includes("offline_access") && !this.omitRefreshToken;
    const refreshToken = offline ? this.issueRefresh(code.email, code.scope) : null;
    this.reply(res, {
      token_type: "Bearer",
      scope: this.grantedScope(code.scope),
      expires_in: ACCESS_TOKEN_SECONDS,
      ext_expires_in: ACCESS_TOKEN_SECONDS,
      access_token: this.issueAccess(code.email),
      ...(refreshToken ? { refresh_token: refreshToken } : {}),
      id_token: this.idToken(code.email, code.tenant),
    });
    return true;
  }

  /** Every redemption returns a new refresh token, as Microsoft does; the old one stays valid until it expires or is revoked. */
  private redeemRefreshToken(form: URLSearchParams, res: ServerResponse): true {
    const grant = this.refreshTokens.get(form.get("refresh_token") ?? "");
    if (!grant) return tokenError(res, 400, "invalid_grant", 9002313, "Invalid request. Request is malformed or invalid.");
    if (grant.revoked) {
      return tokenError(res, 400, "invalid_grant", 70000, "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.");
    }
    if (grant.expired) {
      return tokenError(res, 400, "invalid_grant", 700082, "The refresh token has expired due to inactivity. The token was issued on a date and was inactive for 90.00:00:00.");
    }
    this.reply(res, {
      token_type: "Bearer",
      scope: this.grantedScope(grant.scope),
      expires_in: ACCESS_TOKEN_SECONDS,
      ext_expires_in: ACCESS_TOKEN_SECONDS,
      access_token: this.issueAccess(grant.email),
      refresh_token: this.issueRefresh(grant.email, grant.scope),
    });
    return true;
  }

  private issueRefresh(email: string, scope: string): string {
    const refreshToken = opaque("0.AAAA");
    this.refreshTokens.set(refreshToken, { email, scope, revoked: false, expired: false });
    return refreshToken;
  }

  /** Microsoft reports the resource scopes granted, not openid/email/offline_access. */
  private grantedScope(scope: string): string {
    return scope
      .split(" ")
      .filter((value) => value.startsWith("https://"))
      .join(" ");
  }

  private reply(res: ServerResponse, body: object): void {
    res.writeHead(200, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
    res.end(JSON.stringify(body));
  }
}

/** The identity platform alone on 127.0.0.1 (tests of the OAuth flow that need no Graph); `seen` hears every request first. */
export async function serveIdentity(identity: FakeMicrosoftIdentity, seen?: (req: IncomingMessage) => void): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    seen?.(req);
    void identity.handle(req, res).then((handled) => {
      if (!handled) res.writeHead(404).end();
    });
  });
  keepIdleConnections(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
