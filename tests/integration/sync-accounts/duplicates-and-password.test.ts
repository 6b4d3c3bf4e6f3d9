import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { changePassword } from "@/lib/auth/change-password";
import { getDb } from "@/lib/db/client";
import { uniqueViolationAsAppError } from "@/lib/db/errors";
import { AppError } from "@/lib/errors";
import { grantAtollonAccount, listAccounts, renewAtollonGrant, syncsPausedReason } from "@/lib/sync-accounts/accounts";
import { createEwsAccount } from "@/lib/sync-accounts/ews";
import { startFakeEws, type FakeEws } from "../../fakes/ews/server";
import { createTestUser, TEST_PASSWORD } from "../../helpers/users";

let exchange: FakeEws;

beforeAll(async () => {
  await getDb();
  exchange = await startFakeEws({ users: { "alice@contoso.test": "secret" } });
  vi.stubEnv("EWS_ALLOW_HTTP", "1");
  vi.stubEnv("EWS_ALLOWED_HOSTS", "127.0.0.1");
  vi.stubEnv("EWS_AUTODISCOVER_URL", exchange.autodiscoverUrl);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await exchange.close();
});

async function failureOf(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

describe("a mailbox that is already connected", () => {
  it("is refused before any connection test, naming the account that has it — even with a wrong password, a dead server or no server", async () => {
    const user = await createTestUser();
    await grantAtollonAccount(user.id, user.password);
    await createEwsAccount(user.id, "EXCHANGE", { login: "alice@contoso.test", serverUrl: exchange.ewsUrl, password: "secret" });
    const db = await getDb();

    for (const input of [
      { login: "ALICE@contoso.test", serverUrl: exchange.ewsUrl, password: "secret" },
      { login: "alice@contoso.test", serverUrl: exchange.ewsUrl, password: "wrong" },
      // Nothing listens here: a connection test would say the host is unreachable.
      { login: "alice@contoso.test", serverUrl: "http://127.0.0.1:9/EWS/Exchange.asmx", password: "secret" },
      { login: "alice@contoso.test", serverUrl: "", password: "secret" },
    ]) {
      const error = await failureOf(createEwsAccount(user.id, "EXCHANGE", input));
      expect(error.code).toBe("conflict");
      expect(error.message).toContain("your MS Exchange account alice@contoso.test");
      expect(error.fieldErrors).toEqual({ login: "Already connected as your MS Exchange account alice@contoso.test." });
    }
    expect(await db.syncAccount.count({ where: { ownerId: user.id, provider: "EXCHANGE" } })).toBe(1);
  });

  it("says once, above the form, that no server was found, and under the field only what to do", async () => {
    const user = await createTestUser();
    await grantAtollonAccount(user.id, user.password);
    vi.stubEnv("EWS_AUTODISCOVER_URL", "http://127.0.0.1:9/autodiscover/autodiscover.xml");
    try {
      const error = await failureOf(createEwsAccount(user.id, "EXCHANGE", { login: "bob@nowhere.test", serverUrl: "", password: "secret" }));
      expect(error.message).toMatch(/^No Exchange server was found for nowhere\.test/);
      expect(error.fieldErrors).toEqual({ serverUrl: "Enter the address your administrator gives you." });
    } finally {
      vi.stubEnv("EWS_AUTODISCOVER_URL", exchange.autodiscoverUrl);
    }
  });

  it("a unique constraint that a check did not catch (two tabs) becomes a conflict saying where the account is", async () => {
    const user = await createTestUser();
    const db = await getDb();
    await db.syncAccount.create({ data: { ownerId: user.id, provider: "EXCHANGE", login: "twice" } });
    const thrown = await db.syncAccount.create({ data: { ownerId: user.id, provider: "EXCHANGE", login: "twice" } }).catch((error: unknown) => error);
    const mapped = uniqueViolationAsAppError(thrown);
    expect(mapped).toBeInstanceOf(AppError);
    expect(mapped).toMatchObject({ code: "conflict", message: expect.stringContaining("already connected: it is listed under Settings → Synchronization") });

    const email = await db.user.create({ data: { email: user.email, name: "Again", passwordHash: "x" } }).catch((error: unknown) => error);
    expect(uniqueViolationAsAppError(email)).toMatchObject({ code: "conflict", message: "This email is already registered. Sign in instead." });
    const other = new Error("not a constraint");
    expect(uniqueViolationAsAppError(other)).toBe(other);
  });
});

describe("changing the login password in the app", () => {
  const change = (userId: string) => changePassword({ userId, currentPassword: TEST_PASSWORD, newPassword: "a new password 2", confirmPassword: "a new password 2" });

  it("with 'Also use the new password for calendar sync', keeps syncs running", async () => {
    const user = await createTestUser();
    await grantAtollonAccount(user.id, user.password);
    await renewAtollonGrant(user.id, await change(user.id));
    expect(await syncsPausedReason(user.id)).toBeNull();
    expect((await listAccounts(user.id))[0]).toMatchObject({ provider: "ATOLLON", state: "ACTIVE" });
  });

  it("without it, pauses syncs until the new password is confirmed, as a change made elsewhere does", async () => {
    const user = await createTestUser();
    await grantAtollonAccount(user.id, user.password);
    const version = await change(user.id);
    expect(await syncsPausedReason(user.id)).toMatch(/enter the new password/);
    // A renewal for a version that is no longer the password's (a second change meanwhile) grants nothing.
    await renewAtollonGrant(user.id, version - 1);
    expect((await listAccounts(user.id))[0]).toMatchObject({ state: "PASSWORD_OUTDATED" });
  });
});
