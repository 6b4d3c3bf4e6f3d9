import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashState, newPkce } from "@/lib/providers/oauth-client";
import { MicrosoftOAuthError, authorizationUrl, exchangeCode, refreshAccessToken } from "@/lib/providers/graph/oauth";
import { microsoftOAuthConfig, type MicrosoftOAuthConfig } from "@/lib/providers/graph/oauth-config";
import { FAKE_MICROSOFT_CLIENT, FakeMicrosoftIdentity, serveIdentity } from "../../../fakes/graph/identity";

// The app's OAuth client for the Microsoft identity platform against the fake, and the fake's own
// protocol checks (what a wrong client would run into at Microsoft).
const APP = "http://localhost:3997";
const ADELE = "adele.vance@contoso.onmicrosoft.com";
const identity = new FakeMicrosoftIdentity({ redirectUris: [`${APP}/api/microsoft/callback`] });
let server: Awaited<ReturnType<typeof serveIdentity>>;
let authority: string;
let config: MicrosoftOAuthConfig;

beforeAll(async () => {
  server = await serveIdentity(identity);
  authority = server.url;
  Object.assign(process.env, {
    APP_URL: APP,
    MICROSOFT_CLIENT_ID: FAKE_MICROSOFT_CLIENT.clientId,
    MICROSOFT_CLIENT_SECRET: FAKE_MICROSOFT_CLIENT.clientSecret,
    MICROSOFT_TENANT: "contoso.onmicrosoft.com",
    MICROSOFT_AUTHORITY_URL: `${authority}/`,
  });
  config = microsoftOAuthConfig() as MicrosoftOAuthConfig;
});

afterAll(async () => {
  await server.close();
});

/** A code for `account`, as the browser would bring it back. */
async function codeFor(account: string, challenge: string, state = "s1"): Promise<string> {
  const page = await (await fetch(authorizationUrl(config, { state: hashState(state), challenge, loginHint: account }))).text();
  const request = /name="request" value="([^"]+)"/.exec(page)?.[1] ?? "";
  const answer = await fetch(`${authority}/contoso.onmicrosoft.com/oauth2/v2.0/authorize`, { method: "POST", body: new URLSearchParams({ request, account, decision: "accept" }), redirect: "manual" });
  return new URL(answer.headers.get("location") ?? "").searchParams.get("code") ?? "";
}

const token = (body: Record<string, string>) =>
  fetch(`${authority}/contoso.onmicrosoft.com/oauth2/v2.0/token`, { method: "POST", body: new URLSearchParams({ client_id: FAKE_MICROSOFT_CLIENT.clientId, client_secret: FAKE_MICROSOFT_CLIENT.clientSecret, ...body }) });

describe("the configuration", () => {
  it("builds the tenant's v2.0 endpoints from the authority, and is absent without a client", () => {
    expect(config).toMatchObject({ authorizeUrl: `${authority}/contoso.onmicrosoft.com/oauth2/v2.0/authorize`, tokenUrl: `${authority}/contoso.onmicrosoft.com/oauth2/v2.0/token` });
    const secret = process.env.MICROSOFT_CLIENT_SECRET;
    delete process.env.MICROSOFT_CLIENT_SECRET;
    try {
      expect(microsoftOAuthConfig()).toBeNull();
    } finally {
      process.env.MICROSOFT_CLIENT_SECRET = secret;
    }
    process.env.MICROSOFT_TENANT = "../evil";
    try {
      expect(() => microsoftOAuthConfig()).toThrow(/MICROSOFT_TENANT/);
    } finally {
      process.env.MICROSOFT_TENANT = "contoso.onmicrosoft.com";
    }
  });
});

describe("code exchange and refresh", () => {
  it("exchanges a code with its PKCE verifier for tokens and the consenting account; the code works once", async () => {
    const pkce = newPkce();
    const code = await codeFor(ADELE, pkce.challenge);
    const tokens = await exchangeCode(config, code, pkce.verifier);
    expect(tokens).toMatchObject({ usernames: [ADELE], expiresIn: 3600, refreshToken: expect.any(String) });
    expect(identity.accessTokenOwner(tokens.accessToken)).toBe(ADELE);
    await expect(exchangeCode(config, code, pkce.verifier)).rejects.toMatchObject({ kind: "exchange-failed", code: "invalid_grant (AADSTS54005)" });
  });

  it("refuses a wrong verifier and a wrong client secret, as Microsoft does", async () => {
    const pkce = newPkce();
    await expect(exchangeCode(config, await codeFor(ADELE, pkce.challenge), newPkce().verifier)).rejects.toMatchObject({ kind: "exchange-failed", code: "invalid_grant (AADSTS501481)" });
    const wrongSecret = await token({ grant_type: "authorization_code", code: await codeFor(ADELE, pkce.challenge), code_verifier: pkce.verifier, redirect_uri: `${APP}/api/microsoft/callback`, client_secret: "nope" });
    expect(wrongSecret.status).toBe(401);
    expect(await wrongSecret.json()).toMatchObject({ error: "invalid_client", error_codes: [7000215], error_description: expect.stringMatching(/^AADSTS7000215: .* Trace ID: /) });
  });

  it("rotates the refresh token on every refresh and answers invalid_grant once the grant is revoked", async () => {
    const pkce = newPkce();
    const first = (await exchangeCode(config, await codeFor(ADELE, pkce.challenge), pkce.verifier)).refreshToken as string;
    const refreshed = await refreshAccessToken(config, first);
    expect(refreshed.refreshToken).toEqual(expect.any(String));
    expect(refreshed.refreshToken).not.toBe(first);
    expect(identity.accessTokenOwner(refreshed.accessToken)).toBe(ADELE);
    identity.revokeGrantsOf(ADELE);
    expect(identity.accessTokenOwner(refreshed.accessToken)).toBeNull();
    const refused = await refreshAccessToken(config, refreshed.refreshToken as string).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(MicrosoftOAuthError);
    expect(refused).toMatchObject({ kind: "invalid-grant", code: "invalid_grant (AADSTS70000)" });
  });

  it("says Microsoft is unreachable rather than refusing", async () => {
    await expect(refreshAccessToken({ ...config, tokenUrl: "http://127.0.0.1:9/token" }, "0.AAAAx")).rejects.toMatchObject({ kind: "unreachable" });
  });
});

describe("the fake's authorize endpoint", () => {
  it("shows an error page, never a redirect, for an unregistered redirect URI or a missing S256 challenge", async () => {
    const url = new URL(authorizationUrl(config, { state: "s", challenge: createHash("sha256").update("v").digest("base64url"), loginHint: ADELE }));
    url.searchParams.set("redirect_uri", "https://attacker.example/callback");
    const unregistered = await fetch(url, { redirect: "manual" });
    expect(unregistered.status).toBe(400);
    expect(await unregistered.text()).toContain("AADSTS50011");
    url.searchParams.set("redirect_uri", `${APP}/api/microsoft/callback`);
    url.searchParams.set("code_challenge_method", "plain");
    const plain = await fetch(url, { redirect: "manual" });
    expect(plain.status).toBe(400);
  });

  it("echoes the state on Cancel with AADSTS65004, and asks for an admin where the tenant requires it", async () => {
    const answer = async (account: string, decision: string) => {
      const page = await (await fetch(authorizationUrl(config, { state: "xyz", challenge: newPkce().challenge, loginHint: account }))).text();
      const request = /name="request" value="([^"]+)"/.exec(page)?.[1] ?? "";
      const back = await fetch(`${authority}/contoso.onmicrosoft.com/oauth2/v2.0/authorize`, { method: "POST", body: new URLSearchParams({ request, account, decision }), redirect: "manual" });
      return Object.fromEntries(new URL(back.headers.get("location") ?? "").searchParams);
    };
    expect(await answer(ADELE, "cancel")).toEqual({ state: "xyz", error: "access_denied", error_description: expect.stringMatching(/^AADSTS65004: User declined to consent/) });
    expect(await answer("lee.gu@fabrikam.onmicrosoft.com", "accept")).toEqual({ state: "xyz", error: "consent_required", error_description: expect.stringMatching(/^AADSTS65001: /) });
  });
});
