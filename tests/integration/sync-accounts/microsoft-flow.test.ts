import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { decryptSecret, encryptSecret } from "@/lib/crypto/secrets";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { grantAtollonAccount, listAccounts, removeAccount } from "@/lib/sync-accounts/accounts";
import { checkAccountConnection } from "@/lib/sync-accounts/check-connection";
import { createEwsAccount } from "@/lib/sync-accounts/ews";
import {
  checkMicrosoftConnection,
  completeMicrosoftAuthorization,
  createMicrosoftAccount,
  getMicrosoftAccessToken,
  getMicrosoftFlow,
  startMicrosoftAuthorization,
} from "@/lib/sync-accounts/microsoft";
import { AuthorizationError } from "@/lib/sync/provider";
import { FAKE_MICROSOFT_CLIENT, FakeMicrosoftIdentity, serveIdentity } from "../../fakes/graph/identity";
import { microsoftFlowFailureMessage } from "@/lib/sync-accounts/messages";
import { createTestUser } from "../../helpers/users";

const APP = "http://localhost:3998";
const ADELE = "adele.vance@contoso.onmicrosoft.com";
const ALEX = "alex.wilber@contoso.onmicrosoft.com";
const LEE = "lee.gu@fabrikam.onmicrosoft.com";

const identity = new FakeMicrosoftIdentity({
  redirectUris: [`${APP}/api/microsoft/callback`],
  accounts: [{ email: ADELE }, { email: ALEX }, { email: LEE, needsAdminConsent: true }],
});
/** Token-endpoint calls the app made, by grant type. */
const tokenCalls: string[] = [];
let authority: string;
let server: Awaited<ReturnType<typeof serveIdentity>>;
const logged: string[] = [];

beforeAll(async () => {
  server = await serveIdentity(identity, (req) => {
    if (req.url?.endsWith("/token")) tokenCalls.push(req.url);
  });
  authority = server.url;
  Object.assign(process.env, {
    APP_URL: APP,
    MICROSOFT_CLIENT_ID: FAKE_MICROSOFT_CLIENT.clientId,
    MICROSOFT_CLIENT_SECRET: FAKE_MICROSOFT_CLIENT.clientSecret,
    MICROSOFT_TENANT: "common",
    MICROSOFT_AUTHORITY_URL: authority,
  });
  for (const level of ["log", "info", "warn", "error"] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(" ")));
  }
});

afterAll(async () => {
  vi.restoreAllMocks();
  await server.close();
});

afterEach(() => {
  identity.omitRefreshToken = false;
  identity.withheldScopes = [];
  process.env.MICROSOFT_AUTHORITY_URL = authority;
});

/** Plays the user at Microsoft's consent page; returns the callback's query parameters. */
async function atMicrosoft(authorizeUrl: string, account: string, decision: "accept" | "cancel") {
  const page = await fetch(authorizeUrl);
  expect(page.status).toBe(200);
  const html = await page.text();
  const request = /name="request" value="([^"]+)"/.exec(html)?.[1] ?? "";
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1] ?? "";
  const answer = await fetch(new URL(action, authorizeUrl), { method: "POST", body: new URLSearchParams({ request, account, decision }), redirect: "manual" });
  const back = new URL(answer.headers.get("location") ?? "");
  expect(`${back.origin}${back.pathname}`).toBe(`${APP}/api/microsoft/callback`);
  const p = back.searchParams;
  return { state: p.get("state"), code: p.get("code"), error: p.get("error"), errorDescription: p.get("error_description") };
}

async function userWithAtollon() {
  const user = await createTestUser();
  await grantAtollonAccount(user.id, user.password);
  return user;
}

async function connect(userId: string, login = ADELE) {
  const outcome = await completeMicrosoftAuthorization(userId, await atMicrosoft(await startMicrosoftAuthorization(userId, login), login, "accept"));
  expect(outcome.failure).toBeNull();
  return createMicrosoftAccount(userId, outcome.flowId as string);
}

const dump = (value: unknown) => JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
const rejects = (promise: Promise<unknown>, code: AppError["code"], message?: RegExp) =>
  expect(promise).rejects.toSatisfy((error: unknown) => error instanceof AppError && error.code === code && (!message || message.test(error.message)));
const storedRefreshToken = async (accountId: string) => decryptSecret((await (await getDb()).syncAccount.findUniqueOrThrow({ where: { id: accountId } })).secret as string);
const providers = async (userId: string) => (await listAccounts(userId)).map((account) => account.provider);

describe("Sign in with Microsoft", () => {
  it("asks the v2.0 endpoint for a code with PKCE S256, a fresh state, the typed login and least-privilege delegated scopes", async () => {
    const user = await userWithAtollon();
    const url = new URL(await startMicrosoftAuthorization(user.id, ADELE));
    expect(`${url.origin}${url.pathname}`).toBe(`${authority}/common/oauth2/v2.0/authorize`);
    const p = url.searchParams;
    expect(Object.fromEntries(["client_id", "response_type", "response_mode", "code_challenge_method", "login_hint", "redirect_uri"].map((k) => [k, p.get(k)]))).toEqual({
      client_id: FAKE_MICROSOFT_CLIENT.clientId,
      response_type: "code",
      response_mode: "query",
      code_challenge_method: "S256",
      login_hint: ADELE,
      redirect_uri: `${APP}/api/microsoft/callback`,
    });
    expect(p.get("scope")?.split(" ")).toEqual(["offline_access", "openid", "email", "https://graph.microsoft.com/Calendars.ReadWrite"]);
    expect(p.get("code_challenge")).toMatch(/^[\w-]{43}$/);
    expect(p.get("state")?.length).toBeGreaterThanOrEqual(43);
    expect(new URL(await startMicrosoftAuthorization(user.id, ADELE)).searchParams.get("state")).not.toBe(p.get("state"));
  });

  it("creates an Office.com (Graph) account holding the refresh token encrypted, never stored or logged in the clear", async () => {
    const user = await userWithAtollon();
    const callback = await atMicrosoft(await startMicrosoftAuthorization(user.id, ADELE.toUpperCase()), ADELE, "accept");
    const outcome = await completeMicrosoftAuthorization(user.id, callback);
    expect(outcome.failure).toBeNull();
    expect(await getMicrosoftFlow(user.id, outcome.flowId as string)).toMatchObject({ tokenReceived: true, receivedLogin: ADELE, failure: null });
    const accountId = await createMicrosoftAccount(user.id, outcome.flowId as string);

    const db = await getDb();
    const refreshToken = await storedRefreshToken(accountId);
    expect(identity.activeGrants(ADELE)).toBeGreaterThan(0);
    expect(dump([await db.syncAccount.findMany(), await db.oAuthFlow.findMany()])).not.toContain(refreshToken);
    expect(logged.join("\n")).not.toContain(refreshToken);
    expect(await db.oAuthFlow.count({ where: { ownerId: user.id } })).toBe(0);
    expect((await listAccounts(user.id)).map((a) => [a.provider, a.login, a.state])).toEqual([
      ["ATOLLON", user.email, "ACTIVE"],
      ["OFFICE365_GRAPH", ADELE, "ACTIVE"],
    ]);
    expect(dump(await listAccounts(user.id))).not.toContain((await db.syncAccount.findUniqueOrThrow({ where: { id: accountId } })).secret as string);
  });

  it("uses a state once, and treats another user's state as unknown", async () => {
    const owner = await userWithAtollon();
    const other = await userWithAtollon();
    const callback = await atMicrosoft(await startMicrosoftAuthorization(owner.id, ADELE), ADELE, "accept");
    expect(await completeMicrosoftAuthorization(other.id, callback)).toMatchObject({ flowId: null, failure: "state" });
    const first = await completeMicrosoftAuthorization(owner.id, callback);
    expect(first.failure).toBeNull();
    expect((await completeMicrosoftAuthorization(owner.id, callback)).failure).toBe("state");
    expect(await completeMicrosoftAuthorization(owner.id, { state: "forged", code: "M.C5forged", error: null })).toMatchObject({ flowId: null, failure: "state" });
    expect(await getMicrosoftFlow(other.id, first.flowId as string)).toBeNull();
    await rejects(createMicrosoftAccount(other.id, first.flowId as string), "invalid_input");
    expect(await providers(other.id)).toEqual(["ATOLLON"]);
  });

  it("explains every failure and creates nothing", async () => {
    const user = await userWithAtollon();
    const outcome = async (login: string, account: string, decision: "accept" | "cancel" = "accept") =>
      completeMicrosoftAuthorization(user.id, await atMicrosoft(await startMicrosoftAuthorization(user.id, login), account, decision));

    const cancelled = await outcome(ADELE, ADELE, "cancel");
    expect(cancelled.failure).toBe("denied");
    expect(await getMicrosoftFlow(user.id, cancelled.flowId as string)).toMatchObject({ failure: "denied", tokenReceived: false });

    expect((await outcome(LEE, LEE)).failure).toBe("admin-consent");

    const mismatch = await outcome(ADELE, ALEX);
    expect(mismatch.failure).toBe("mismatch");
    expect(await getMicrosoftFlow(user.id, mismatch.flowId as string)).toMatchObject({ login: ADELE, receivedLogin: ALEX, tokenReceived: false });

    identity.omitRefreshToken = true;
    expect((await outcome(ADELE, ADELE)).failure).toBe("no-refresh-token");
    identity.omitRefreshToken = false;

    const tampered = await atMicrosoft(await startMicrosoftAuthorization(user.id, ADELE), ADELE, "accept");
    expect((await completeMicrosoftAuthorization(user.id, { ...tampered, code: "M.C5forged" })).failure).toBe("exchange");

    const late = await atMicrosoft(await startMicrosoftAuthorization(user.id, ADELE), ADELE, "accept");
    const db = await getDb();
    await db.oAuthFlow.updateMany({ where: { ownerId: user.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await completeMicrosoftAuthorization(user.id, late)).failure).toBe("expired");

    const url = await startMicrosoftAuthorization(user.id, ADELE);
    const callback = await atMicrosoft(url, ADELE, "accept");
    process.env.MICROSOFT_AUTHORITY_URL = "http://127.0.0.1:9";
    expect((await completeMicrosoftAuthorization(user.id, callback)).failure).toBe("unreachable");

    expect(await providers(user.id)).toEqual(["ATOLLON"]);
    // A failed flow holds no token, so Create has nothing to create from.
    await rejects(createMicrosoftAccount(user.id, mismatch.flowId as string), "invalid_input");
  });

  it("refuses a token without Calendars.ReadWrite: nothing created or kept, says which permission to accept", async () => {
    const user = await userWithAtollon();
    identity.withheldScopes = ["Calendars.ReadWrite"];
    const refused = await completeMicrosoftAuthorization(user.id, await atMicrosoft(await startMicrosoftAuthorization(user.id, ADELE), ADELE, "accept"));
    expect(refused.failure).toBe("scope");
    expect(await getMicrosoftFlow(user.id, refused.flowId as string)).toMatchObject({ failure: "scope", tokenReceived: false });
    await rejects(createMicrosoftAccount(user.id, refused.flowId as string), "invalid_input");
    expect(await providers(user.id)).toEqual(["ATOLLON"]);
    expect(microsoftFlowFailureMessage("scope")).toContain("Calendars.ReadWrite");

    identity.withheldScopes = [];
    const granted = await completeMicrosoftAuthorization(user.id, await atMicrosoft(await startMicrosoftAuthorization(user.id, ADELE), ADELE, "accept"));
    expect(granted.failure).toBeNull();
  });

  it("needs the Atollon account first, and says which variables to set when Microsoft is not configured", async () => {
    const user = await createTestUser();
    await rejects(startMicrosoftAuthorization(user.id, ADELE), "invalid_input", /Atollon account first/);
    const clientId = process.env.MICROSOFT_CLIENT_ID;
    delete process.env.MICROSOFT_CLIENT_ID;
    try {
      await rejects(startMicrosoftAuthorization((await userWithAtollon()).id, ADELE), "invalid_input", /MICROSOFT_CLIENT_ID and MICROSOFT_CLIENT_SECRET/);
    } finally {
      process.env.MICROSOFT_CLIENT_ID = clientId;
    }
  });
});

describe("one connection per mailbox", () => {
  it("refuses a second Graph account for the same login", async () => {
    const user = await userWithAtollon();
    await connect(user.id);
    await rejects(startMicrosoftAuthorization(user.id, ADELE.toUpperCase()), "conflict", /already connected with Sign in with Microsoft/);
    expect(await providers(user.id)).toEqual(["ATOLLON", "OFFICE365_GRAPH"]);
  });

  it("refuses Graph when the login is connected with a password (EWS), and EWS when it is connected over Graph", async () => {
    const user = await userWithAtollon();
    const db = await getDb();
    // The consent happens first; meanwhile the same mailbox gets connected with a password.
    const received = await completeMicrosoftAuthorization(user.id, await atMicrosoft(await startMicrosoftAuthorization(user.id, ADELE), ADELE, "accept"));
    const ews = await db.syncAccount.create({ data: { ownerId: user.id, provider: "OFFICE365", login: "Adele.Vance@contoso.onmicrosoft.com", serverUrl: "https://outlook.office365.com/EWS/Exchange.asmx", secret: encryptSecret("pw") } });
    await rejects(createMicrosoftAccount(user.id, received.flowId as string), "conflict", /already connected as an Office\.com account with a password.*remove that account/);
    await rejects(startMicrosoftAuthorization(user.id, ADELE), "conflict", /with a password/);
    expect(await providers(user.id)).toEqual(["ATOLLON", "OFFICE365"]);

    await removeAccount(user.id, ews.id);
    await connect(user.id);
    await rejects(
      createEwsAccount(user.id, "OFFICE365", { login: ADELE.toUpperCase(), serverUrl: "https://outlook.office365.com/EWS/Exchange.asmx", password: "pw" }),
      "conflict",
      /already connected with Sign in with Microsoft.*remove that account/,
    );
    expect(await providers(user.id)).toEqual(["ATOLLON", "OFFICE365_GRAPH"]);
  });

  it("lets another user connect the same mailbox: the rule is per user", async () => {
    const owner = await userWithAtollon();
    const other = await userWithAtollon();
    await connect(owner.id, ALEX);
    await connect(other.id, ALEX);
    expect(await providers(other.id)).toEqual(["ATOLLON", "OFFICE365_GRAPH"]);
  });
});

describe("an account's authorization over time", () => {
  it("refreshes with rotation: the new refresh token replaces the stored one; the access token is reused until near expiry", async () => {
    const user = await userWithAtollon();
    const accountId = await connect(user.id);
    const first = await storedRefreshToken(accountId);

    const before = tokenCalls.length;
    const accessToken = await getMicrosoftAccessToken(user.id, accountId);
    expect(identity.accessTokenOwner(accessToken)).toBe(ADELE);
    const second = await storedRefreshToken(accountId);
    expect(second).not.toBe(first);
    expect(await getMicrosoftAccessToken(user.id, accountId)).toBe(accessToken);
    expect(tokenCalls.length).toBe(before + 1);

    // Only the rotated token is in use now: the first one lapsing changes nothing.
    identity.expireRefreshToken(first);
    expect(identity.accessTokenOwner(await getMicrosoftAccessToken(user.id, accountId, { fresh: true }))).toBe(ADELE);
    expect(await storedRefreshToken(accountId)).not.toBe(second);
    expect(logged.join("\n")).not.toContain(second);
  });

  it("moves to Authorization needed on invalid_grant (revoked, or expired from disuse) and stops asking Microsoft", async () => {
    const user = await userWithAtollon();
    const accountId = await connect(user.id, ALEX);
    identity.revokeGrantsOf(ALEX);
    await rejects(checkAccountConnection(user.id, accountId), "invalid_input", /Sign in with Microsoft again/);
    expect((await listAccounts(user.id)).find((a) => a.id === accountId)).toMatchObject({ state: "AUTHORIZATION_NEEDED", stateMessage: expect.stringMatching(/^Authorization needed/) });
    const calls = tokenCalls.length;
    await expect(getMicrosoftAccessToken(user.id, accountId)).rejects.toBeInstanceOf(AuthorizationError);
    expect(tokenCalls.length).toBe(calls);

    const other = await userWithAtollon();
    const idle = await connect(other.id, ALEX);
    identity.expireRefreshToken(await storedRefreshToken(idle));
    await expect(getMicrosoftAccessToken(other.id, idle, { fresh: true })).rejects.toSatisfy((error: unknown) => error instanceof AuthorizationError && error.reason === "authorization-needed");
    expect((await listAccounts(other.id)).find((a) => a.id === idle)?.state).toBe("AUTHORIZATION_NEEDED");
    expect(logged.join("\n")).toMatch(/token refresh failed: invalid-grant \(status 400, invalid_grant \(AADSTS700082\)\)/);
  });

  it("comes back as the same account, sync state kept, by signing in with Microsoft again", async () => {
    const user = await userWithAtollon();
    const accountId = await connect(user.id);
    const db = await getDb();
    await db.syncAccount.update({ where: { id: accountId }, data: { remoteCursor: "delta-link-1", lastRunSummary: "From Office.com: 3 created" } });
    identity.revokeGrantsOf(ADELE);
    await rejects(checkMicrosoftConnection(user.id, accountId), "invalid_input");

    // Consent from another account does not re-authorize this one.
    const wrong = await completeMicrosoftAuthorization(user.id, await atMicrosoft(await startMicrosoftAuthorization(user.id, "", accountId), ALEX, "accept"));
    expect(wrong).toMatchObject({ failure: "mismatch", accountId, reauthorizedAccountId: null });
    expect((await listAccounts(user.id)).find((a) => a.id === accountId)?.state).toBe("AUTHORIZATION_NEEDED");

    const url = new URL(await startMicrosoftAuthorization(user.id, "", accountId));
    expect(url.searchParams.get("login_hint")).toBe(ADELE);
    const outcome = await completeMicrosoftAuthorization(user.id, await atMicrosoft(url.toString(), ADELE, "accept"));
    expect(outcome).toMatchObject({ failure: null, reauthorizedAccountId: accountId });
    expect((await listAccounts(user.id)).filter((a) => a.provider === "OFFICE365_GRAPH")).toMatchObject([{ id: accountId, state: "ACTIVE", stateMessage: null, lastRunSummary: "From Office.com: 3 created" }]);
    expect((await db.syncAccount.findUniqueOrThrow({ where: { id: accountId } })).remoteCursor).toBe("delta-link-1");
    await checkAccountConnection(user.id, accountId);
    expect(identity.accessTokenOwner(await getMicrosoftAccessToken(user.id, accountId))).toBe(ADELE);
  });

  it("forgets the tokens when the account is removed", async () => {
    const user = await userWithAtollon();
    const accountId = await connect(user.id);
    await getMicrosoftAccessToken(user.id, accountId);
    expect(await removeAccount(user.id, accountId)).toEqual({ revoked: true });
    expect(await (await getDb()).syncAccount.count({ where: { id: accountId } })).toBe(0);
    await rejects(getMicrosoftAccessToken(user.id, accountId), "not_found");
  });

  it("never lets another user see, use, check, re-authorize or remove an account", async () => {
    const owner = await userWithAtollon();
    const other = await userWithAtollon();
    const accountId = await connect(owner.id, ALEX);
    expect((await listAccounts(other.id)).map((a) => a.id)).not.toContain(accountId);
    await rejects(removeAccount(other.id, accountId), "not_found");
    await rejects(checkAccountConnection(other.id, accountId), "not_found");
    await rejects(getMicrosoftAccessToken(other.id, accountId), "not_found");
    await rejects(startMicrosoftAuthorization(other.id, "", accountId), "not_found");
    expect((await listAccounts(owner.id)).find((a) => a.id === accountId)).toMatchObject({ state: "ACTIVE" });
  });
});
