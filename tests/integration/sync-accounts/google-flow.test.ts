import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { changePassword } from "@/lib/auth/change-password";
import { decryptSecret } from "@/lib/crypto/secrets";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { grantAtollonAccount, listAccounts, removeAccount, syncsPausedReason } from "@/lib/sync-accounts/accounts";
import { checkGoogleConnection, completeGoogleAuthorization, createGoogleAccount, getFlow, getGoogleAccessToken, startGoogleAuthorization } from "@/lib/sync-accounts/google";
import { FAKE_CLIENT } from "../../fakes/google/accounts";
import { startFakeGoogle, type FakeGoogle } from "../../fakes/google/server";
import { flowFailureMessage } from "@/lib/sync-accounts/messages";
import { createTestUser } from "../../helpers/users";

const APP = "http://localhost:3999";
const ADA = "ada.lovelace@gmail.com";
const GRACE = "grace.hopper@gmail.com";
let google: FakeGoogle;
const logged: string[] = [];

beforeAll(async () => {
  google = await startFakeGoogle({ ...FAKE_CLIENT, redirectUris: [`${APP}/api/google/callback`], accounts: [ADA, GRACE] });
  Object.assign(process.env, google.env(), { APP_URL: APP });
  for (const level of ["log", "info", "warn", "error"] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(" ")));
  }
});

afterAll(async () => {
  vi.restoreAllMocks();
  await google.close();
});

afterEach(() => {
  google.oauth.omitRefreshToken = false;
  google.oauth.withheldScopes = [];
});

/** Plays the user at Google's consent page; returns the callback's query parameters. */
async function atGoogle(authorizeUrl: string, account: string, decision: "allow" | "deny") {
  const page = await fetch(authorizeUrl);
  expect(page.status).toBe(200);
  const request = /name="request" value="([^"]+)"/.exec(await page.text())?.[1] ?? "";
  const answer = await fetch(`${google.url}/o/oauth2/v2/auth/decision`, {
    method: "POST",
    body: new URLSearchParams({ request, account, decision }),
    redirect: "manual",
  });
  const back = new URL(answer.headers.get("location") ?? "");
  expect(`${back.origin}${back.pathname}`).toBe(`${APP}/api/google/callback`);
  return { state: back.searchParams.get("state"), code: back.searchParams.get("code"), error: back.searchParams.get("error") };
}

async function userWithAtollon() {
  const user = await createTestUser();
  await grantAtollonAccount(user.id, user.password);
  return user;
}

async function connectAda(userId: string) {
  const callback = await atGoogle(await startGoogleAuthorization(userId, ADA), ADA, "allow");
  const outcome = await completeGoogleAuthorization(userId, callback);
  expect(outcome.failure).toBeNull();
  return { accountId: await createGoogleAccount(userId, outcome.flowId as string), callback };
}

/** Rows as text, to search for secrets in every column. */
const dump = (value: unknown) => JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v));

const rejects = (promise: Promise<unknown>, code: AppError["code"]) => expect(promise).rejects.toSatisfy((error: unknown) => error instanceof AppError && error.code === code);

describe("Receive Google token", () => {
  it("asks Google for offline access with PKCE S256, a fresh state and the typed login", async () => {
    const user = await userWithAtollon();
    const url = new URL(await startGoogleAuthorization(user.id, ADA));
    const p = url.searchParams;
    expect(Object.fromEntries(["response_type", "code_challenge_method", "access_type", "prompt", "login_hint", "redirect_uri"].map((k) => [k, p.get(k)]))).toEqual({
      response_type: "code",
      code_challenge_method: "S256",
      access_type: "offline",
      prompt: "consent",
      login_hint: ADA,
      redirect_uri: `${APP}/api/google/callback`,
    });
    expect(p.get("scope")?.split(" ")).toEqual(["openid", "email", "https://www.googleapis.com/auth/calendar.events"]);
    expect(p.get("state")?.length).toBeGreaterThanOrEqual(43);
    expect(new URL(await startGoogleAuthorization(user.id, ADA)).searchParams.get("state")).not.toBe(p.get("state"));
  });

  it("creates the account with the refresh token encrypted, never stored or logged in the clear", async () => {
    const user = await userWithAtollon();
    const { accountId } = await connectAda(user.id);
    const db = await getDb();
    const row = await db.syncAccount.findUniqueOrThrow({ where: { id: accountId } });
    const refreshToken = decryptSecret(row.secret as string);
    expect(refreshToken).toMatch(/^1\/\//);
    const everything = dump([await db.syncAccount.findMany(), await db.oAuthFlow.findMany()]);
    expect(everything).not.toContain(refreshToken);
    expect(logged.join("\n")).not.toContain(refreshToken);
    expect((await listAccounts(user.id)).map((a) => [a.provider, a.login, a.state])).toEqual([
      ["ATOLLON", user.email, "ACTIVE"],
      ["GOOGLE", ADA, "ACTIVE"],
    ]);
    expect(JSON.stringify(await listAccounts(user.id))).not.toContain(row.secret as string);
  });

  it("uses a state once, and refuses another user's state", async () => {
    const owner = await userWithAtollon();
    const other = await userWithAtollon();
    const callback = await atGoogle(await startGoogleAuthorization(owner.id, ADA), ADA, "allow");
    expect(await completeGoogleAuthorization(other.id, callback)).toMatchObject({ flowId: null, failure: "state" });
    const first = await completeGoogleAuthorization(owner.id, callback);
    expect(first.failure).toBeNull();
    expect((await completeGoogleAuthorization(owner.id, callback)).failure).toBe("state");
    expect(await getFlow(other.id, first.flowId as string)).toBeNull();
    await rejects(createGoogleAccount(other.id, first.flowId as string), "invalid_input");
    expect(await listAccounts(other.id)).toHaveLength(1);
  });

  it("explains every failure and creates nothing", async () => {
    const user = await userWithAtollon();
    const denied = await completeGoogleAuthorization(user.id, await atGoogle(await startGoogleAuthorization(user.id, ADA), ADA, "deny"));
    expect(denied.failure).toBe("denied");

    const mismatch = await completeGoogleAuthorization(user.id, await atGoogle(await startGoogleAuthorization(user.id, ADA), GRACE, "allow"));
    expect(mismatch.failure).toBe("mismatch");
    expect(await getFlow(user.id, mismatch.flowId as string)).toMatchObject({ login: ADA, receivedLogin: GRACE, tokenReceived: false });
    expect(google.oauth.activeGrants(GRACE)).toBe(0);

    google.oauth.omitRefreshToken = true;
    const noRefresh = await completeGoogleAuthorization(user.id, await atGoogle(await startGoogleAuthorization(user.id, ADA), ADA, "allow"));
    expect(noRefresh.failure).toBe("no-refresh-token");

    const tampered = await atGoogle(await startGoogleAuthorization(user.id, ADA), ADA, "allow");
    expect((await completeGoogleAuthorization(user.id, { ...tampered, code: "4/forged" })).failure).toBe("exchange");

    const late = await atGoogle(await startGoogleAuthorization(user.id, ADA), ADA, "allow");
    const db = await getDb();
    await db.oAuthFlow.updateMany({ where: { ownerId: user.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await completeGoogleAuthorization(user.id, late)).failure).toBe("expired");

    const url = await startGoogleAuthorization(user.id, ADA);
    process.env.GOOGLE_OAUTH_TOKEN_URL = "http://127.0.0.1:9/token";
    try {
      expect((await completeGoogleAuthorization(user.id, await atGoogle(url, ADA, "allow"))).failure).toBe("unreachable");
    } finally {
      process.env.GOOGLE_OAUTH_TOKEN_URL = google.env().GOOGLE_OAUTH_TOKEN_URL;
    }
    expect((await listAccounts(user.id)).map((a) => a.provider)).toEqual(["ATOLLON"]);
  });

  it("refuses a token whose calendar permission was unticked at Google: revoked, nothing created, says what to leave ticked", async () => {
    const user = await userWithAtollon();
    const calendar = "https://www.googleapis.com/auth/calendar.events";
    // As a browser posts the consent form with the calendar box unticked (granular consent).
    const page = await fetch(await startGoogleAuthorization(user.id, ADA));
    const html = await page.text();
    expect(html).toContain(`name="granted" value="${calendar}" checked`);
    const request = /name="request" value="([^"]+)"/.exec(html)?.[1] ?? "";
    const answer = await fetch(`${google.url}/o/oauth2/v2/auth/decision`, {
      method: "POST",
      body: new URLSearchParams({ request, granular: "1", account: ADA, decision: "allow" }),
      redirect: "manual",
    });
    const back = new URL(answer.headers.get("location") ?? "").searchParams;
    expect(back.get("scope")).toBe("openid email");
    const revokedBefore = google.oauth.revocations.length;
    const grantsBefore = google.oauth.activeGrants(ADA);
    const refused = await completeGoogleAuthorization(user.id, { state: back.get("state"), code: back.get("code"), error: back.get("error") });
    expect(refused.failure).toBe("scope");
    expect(google.oauth.revocations.length).toBe(revokedBefore + 1);
    expect(google.oauth.activeGrants(ADA)).toBe(grantsBefore);
    expect(await getFlow(user.id, refused.flowId as string)).toMatchObject({ failure: "scope", tokenReceived: false });
    await rejects(createGoogleAccount(user.id, refused.flowId as string), "invalid_input");
    expect((await listAccounts(user.id)).map((a) => a.provider)).toEqual(["ATOLLON"]);
    expect(flowFailureMessage("scope")).toContain("leave “View and edit events on all your calendars” ticked");

    // The same when re-authorizing an account: it keeps its old state rather than a useless token.
    const { accountId } = await connectAda(user.id);
    google.oauth.revokeGrantsOf(ADA);
    await rejects(checkGoogleConnection(user.id, accountId), "invalid_input");
    google.oauth.withheldScopes = [calendar];
    const again = await completeGoogleAuthorization(user.id, await atGoogle(await startGoogleAuthorization(user.id, "", accountId), ADA, "allow"));
    expect(again).toMatchObject({ failure: "scope", reauthorizedAccountId: null, accountId });
    expect((await listAccounts(user.id)).find((a) => a.id === accountId)).toMatchObject({ state: "AUTHORIZATION_NEEDED" });
    expect(google.oauth.activeGrants(ADA)).toBe(0);
  });

  it("needs the Atollon account first", async () => {
    const user = await createTestUser();
    await rejects(startGoogleAuthorization(user.id, ADA), "invalid_input");
  });
});

describe("an account's authorization over time", () => {
  it("moves to Authorization needed on invalid_grant and comes back, as the same account, by re-authorizing", async () => {
    const user = await userWithAtollon();
    const { accountId } = await connectAda(user.id);
    expect(await getGoogleAccessToken(user.id, accountId)).toMatch(/^ya29\./);

    google.oauth.revokeGrantsOf(ADA);
    await rejects(checkGoogleConnection(user.id, accountId), "invalid_input");
    expect((await listAccounts(user.id)).find((a) => a.id === accountId)).toMatchObject({ state: "AUTHORIZATION_NEEDED" });
    await rejects(getGoogleAccessToken(user.id, accountId), "invalid_input");

    const outcome = await completeGoogleAuthorization(user.id, await atGoogle(await startGoogleAuthorization(user.id, "", accountId), ADA, "allow"));
    expect(outcome).toMatchObject({ failure: null, reauthorizedAccountId: accountId });
    expect((await listAccounts(user.id)).filter((a) => a.provider === "GOOGLE")).toMatchObject([{ id: accountId, state: "ACTIVE" }]);
    expect(await getGoogleAccessToken(user.id, accountId)).toMatch(/^ya29\./);
  });

  it("revokes the token when an account is removed, and still removes it when Google is unreachable", async () => {
    const user = await userWithAtollon();
    const { accountId } = await connectAda(user.id);
    expect(google.oauth.activeGrants(ADA)).toBeGreaterThan(0);
    const before = google.oauth.revocations.length;
    expect(await removeAccount(user.id, accountId)).toEqual({ revoked: true });
    expect(google.oauth.revocations.length).toBe(before + 1);

    const second = await connectAda(user.id);
    process.env.GOOGLE_OAUTH_REVOKE_URL = "http://127.0.0.1:9/revoke";
    try {
      expect(await removeAccount(user.id, second.accountId)).toEqual({ revoked: false });
    } finally {
      process.env.GOOGLE_OAUTH_REVOKE_URL = google.env().GOOGLE_OAUTH_REVOKE_URL;
    }
    expect((await listAccounts(user.id)).map((a) => a.provider)).toEqual(["ATOLLON"]);
  });

  it("never lets another user see, check, re-authorize or remove an account", async () => {
    const owner = await userWithAtollon();
    const other = await userWithAtollon();
    const { accountId } = await connectAda(owner.id);
    expect((await listAccounts(other.id)).map((a) => a.id)).not.toContain(accountId);
    await rejects(removeAccount(other.id, accountId), "not_found");
    await rejects(checkGoogleConnection(other.id, accountId), "not_found");
    await rejects(getGoogleAccessToken(other.id, accountId), "not_found");
    await rejects(startGoogleAuthorization(other.id, "", accountId), "not_found");
    expect((await listAccounts(owner.id)).map((a) => a.id)).toContain(accountId);
  });
});

describe("the Atollon account", () => {
  it("checks the login password, stores none of it, and goes outdated when the password changes", async () => {
    const user = await createTestUser();
    await rejects(grantAtollonAccount(user.id, "not the password"), "wrong_credentials");
    expect(await listAccounts(user.id)).toEqual([]);
    await grantAtollonAccount(user.id, user.password);
    const db = await getDb();
    expect(dump(await db.syncAccount.findMany({ where: { ownerId: user.id } }))).not.toContain(user.password);
    expect(await syncsPausedReason(user.id)).toBeNull();

    await changePassword({ userId: user.id, currentPassword: user.password, newPassword: "a brand new password", confirmPassword: "a brand new password" });
    expect(await listAccounts(user.id)).toMatchObject([{ provider: "ATOLLON", state: "PASSWORD_OUTDATED", stateMessage: "Password outdated — enter your new password." }]);
    expect(await syncsPausedReason(user.id)).toMatch(/password changed/);
    await rejects(grantAtollonAccount(user.id, user.password), "wrong_credentials");
    await grantAtollonAccount(user.id, "a brand new password");
    expect(await listAccounts(user.id)).toMatchObject([{ state: "ACTIVE" }]);
    expect(await syncsPausedReason(user.id)).toBeNull();
  });

  it("slows down guessing like sign-in does", async () => {
    const user = await createTestUser();
    // Time stands still, so the wait after the fifth failure has not passed however slow hashing is.
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      for (let i = 0; i < 5; i += 1) await rejects(grantAtollonAccount(user.id, `guess ${i}`), "wrong_credentials");
      await rejects(grantAtollonAccount(user.id, user.password), "rate_limited");
    } finally {
      vi.useRealTimers();
    }
  });
});
