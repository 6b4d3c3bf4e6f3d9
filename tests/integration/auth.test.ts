import { afterEach, describe, expect, it, vi } from "vitest";
import { changePassword } from "@/lib/auth/change-password";
import { registerUser } from "@/lib/auth/register-user";
import { clientIp } from "@/lib/auth/client-ip";
import { issueDeviceToken, knownDevice } from "@/lib/auth/device-cookie";
import { attemptFailed, beginAttempt, signInCounters, THROTTLE_POLICY } from "@/lib/auth/throttle";
import { verifyCredentials, WRONG_CREDENTIALS } from "@/lib/auth/verify-credentials";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { grantAtollonAccount } from "@/lib/sync-accounts/accounts";
import { createTestUser, TEST_PASSWORD } from "../helpers/users";

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

async function failureOf(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected the call to fail");
}

describe("sign-up", () => {
  it("stores a normalized email and a scrypt hash, never the password", async () => {
    const user = await createTestUser({ email: "  Mixed.Case@Example.COM " });
    expect(user.email).toBe("mixed.case@example.com");
    const stored = await (await getDb()).user.findUniqueOrThrow({ where: { id: user.id } });
    expect(stored.passwordHash).toMatch(/^scrypt\$/);
    expect(stored.passwordHash).not.toContain(TEST_PASSWORD);
    expect(stored.passwordVersion).toBe(1);
  });

  it("refuses an email that is already registered, whatever its case", async () => {
    await createTestUser({ email: "taken@example.com" });
    const error = await failureOf(
      registerUser({ name: "Other", email: "taken@example.com", password: "another password", timeZone: "UTC" }),
    );
    expect(error.code).toBe("conflict");
    expect(error.message).toBe("This email is already registered. Sign in instead.");
    expect(await (await getDb()).user.count({ where: { email: "taken@example.com" } })).toBe(1);
  });
});

describe("sign-in", () => {
  it("accepts the right password", async () => {
    const user = await createTestUser();
    const verified = await verifyCredentials({ email: user.email.toUpperCase(), password: TEST_PASSWORD, ip: "10.0.0.1" });
    expect(verified).toMatchObject({ id: user.id, email: user.email, passwordVersion: 1 });
  });

  it("gives the same answer for a wrong password and an unknown email", async () => {
    const user = await createTestUser();
    const wrongPassword = await failureOf(verifyCredentials({ email: user.email, password: "not the password", ip: "10.0.0.2" }));
    const unknownEmail = await failureOf(verifyCredentials({ email: "nobody@example.com", password: TEST_PASSWORD, ip: "10.0.0.2" }));
    expect(wrongPassword.message).toBe(WRONG_CREDENTIALS);
    expect(unknownEmail.message).toBe(WRONG_CREDENTIALS);
  });

  it("slows repeated guesses from one source with growing waits, and says how long to wait", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: new Date("2026-12-02T09:00:00Z") });
    const user = await createTestUser();
    const guess = () => failureOf(verifyCredentials({ email: user.email, password: "a wrong guess", ip: "198.51.100.4" }));
    for (let attempt = 0; attempt < THROTTLE_POLICY.pairFree; attempt += 1) expect((await guess()).code).toBe("wrong_credentials");
    expect(await guess()).toMatchObject({ code: "rate_limited", message: "Too many attempts. Try again in 1 second." });
    vi.advanceTimersByTime(1_000);
    expect((await guess()).code).toBe("wrong_credentials");
    expect(await guess()).toMatchObject({ code: "rate_limited", message: "Too many attempts. Try again in 2 seconds." });
    vi.advanceTimersByTime(2_000);
    // The wait is over: the right password gets in.
    await expect(verifyCredentials({ email: user.email, password: TEST_PASSWORD, ip: "198.51.100.4" })).resolves.toMatchObject({ id: user.id });
  });

  it("answers guesses at an account that does not exist exactly like guesses at one that does", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: new Date("2026-12-02T09:00:00Z") });
    const user = await createTestUser();
    const answers = async (email: string) => {
      const seen: string[] = [];
      for (let attempt = 0; attempt <= THROTTLE_POLICY.pairFree; attempt += 1) seen.push((await failureOf(verifyCredentials({ email, password: "a wrong guess", ip: "198.51.100.5" }))).message);
      return seen;
    };
    expect(await answers("nobody-here@example.com")).toEqual(await answers(user.email));
  });

  it("lockout attempts from many addresses leave the real user, on a browser they signed in from before, able to sign in", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: new Date("2026-12-02T09:00:00Z") });
    const user = await createTestUser();
    const secret = "a test secret that signs device cookies, 32+ chars";
    const token = issueDeviceToken(user.email, secret);
    const device = knownDevice(user.email, token, secret);
    for (let attacker = 0; attacker < 60; attacker += 1) {
      await failureOf(verifyCredentials({ email: user.email, password: `guess ${attacker}`, ip: `203.0.${attacker >> 8}.${attacker & 255}` }));
    }
    // The attack does slow the account for browsers it has never seen…
    expect((await failureOf(verifyCredentials({ email: user.email, password: TEST_PASSWORD, ip: "192.0.2.77" }))).code).toBe("rate_limited");
    // …never the owner's own browser, which counts only its own mistakes.
    await expect(verifyCredentials({ email: user.email, password: TEST_PASSWORD, ip: "192.0.2.77", device })).resolves.toMatchObject({ id: user.id });
    expect((await failureOf(verifyCredentials({ email: user.email, password: "owner typo", ip: "192.0.2.77", device }))).code).toBe("wrong_credentials");
    await expect(verifyCredentials({ email: user.email, password: TEST_PASSWORD, ip: "192.0.2.77", device })).resolves.toMatchObject({ id: user.id });
    // A forged or another account's cookie is no device of this account.
    expect(knownDevice(user.email, `${device}.forged`, secret)).toBeNull();
    expect(knownDevice("someone-else@example.com", token, secret)).toBeNull();
  }, 180_000);

  it("lets a colleague in behind an office address where many others mistyped", async () => {
    const colleague = await createTestUser();
    // More than the 20 failures per address that used to lock everyone behind it out, recorded as
    // failed sign-ins directly (hashing that many passwords would only slow the test).
    for (let other = 0; other < 60; other += 1) {
      await attemptFailed(await beginAttempt(signInCounters({ email: `colleague${other}@example.com`, ip: "198.51.100.200", device: null })));
    }
    await expect(verifyCredentials({ email: colleague.email, password: TEST_PASSWORD, ip: "198.51.100.200" })).resolves.toMatchObject({ id: colleague.id });
  });

  it("slows one address guessing across very many accounts", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: new Date("2026-12-02T09:00:00Z") });
    const victim = await createTestUser();
    // Recorded as failed sign-ins directly: a hundred password hashes would only slow the test.
    for (let attempt = 0; attempt < THROTTLE_POLICY.addressFree; attempt += 1) {
      await attemptFailed(await beginAttempt(signInCounters({ email: `stuffed${attempt}@example.com`, ip: "198.51.100.66", device: null })));
    }
    expect((await failureOf(verifyCredentials({ email: victim.email, password: TEST_PASSWORD, ip: "198.51.100.66" }))).code).toBe("rate_limited");
    await expect(verifyCredentials({ email: victim.email, password: TEST_PASSWORD, ip: "198.51.100.67" })).resolves.toMatchObject({ id: victim.id });
  });

  it("throttles 1,000 guesses with a rotated X-Forwarded-For when no proxy is trusted", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: new Date("2026-12-02T09:00:00Z") });
    vi.stubEnv("TRUST_PROXY", "");
    const user = await createTestUser();
    const outcomes = { wrong_credentials: 0, rate_limited: 0 };
    for (let guess = 0; guess < 1_000; guess += 1) {
      const headers = new Headers({ "x-forwarded-for": `${(guess * 7) % 223 + 1}.${guess % 250}.${guess >> 8}.9` });
      const error = await failureOf(verifyCredentials({ email: user.email, password: `guess ${guess}`, ip: clientIp(headers) }));
      outcomes[error.code as keyof typeof outcomes] += 1;
    }
    expect(outcomes).toEqual({ wrong_credentials: THROTTLE_POLICY.pairFree, rate_limited: 995 });
  }, 300_000);

  it("counts wrong passwords at the Atollon step apart from sign-in", async () => {
    // One instant for every attempt: on a slow machine the growing waits could otherwise run out
    // between the guesses, and the last attempt would rightly pass.
    vi.useFakeTimers({ toFake: ["Date"], now: new Date("2026-12-02T09:00:00Z") });
    const user = await createTestUser();
    for (let attempt = 0; attempt < 10; attempt += 1) await failureOf(grantAtollonAccount(user.id, `guess ${attempt}`));
    expect((await failureOf(grantAtollonAccount(user.id, user.password))).code).toBe("rate_limited");
    await expect(verifyCredentials({ email: user.email, password: TEST_PASSWORD, ip: "198.51.100.9" })).resolves.toMatchObject({ id: user.id });
  });

  it("forgets a source's failures after it signs in", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: new Date("2026-12-02T09:00:00Z") });
    const user = await createTestUser();
    for (let attempt = 0; attempt < THROTTLE_POLICY.pairFree - 1; attempt += 1) {
      await failureOf(verifyCredentials({ email: user.email, password: "guess", ip: "10.3.0.1" }));
    }
    await verifyCredentials({ email: user.email, password: TEST_PASSWORD, ip: "10.3.0.1" });
    for (let attempt = 0; attempt < THROTTLE_POLICY.pairFree; attempt += 1) {
      expect((await failureOf(verifyCredentials({ email: user.email, password: "guess", ip: "10.3.0.1" }))).code).toBe("wrong_credentials");
    }
  });
});

describe("change password", () => {
  it("refuses a wrong current password and changes nothing", async () => {
    const user = await createTestUser();
    const error = await failureOf(
      changePassword({ userId: user.id, currentPassword: "wrong one", newPassword: "brand new password", confirmPassword: "brand new password" }),
    );
    expect(error.code).toBe("wrong_credentials");
    expect(error.fieldErrors).toEqual({ currentPassword: "This is not your current password." });
    await expect(verifyCredentials({ email: user.email, password: TEST_PASSWORD })).resolves.toMatchObject({ passwordVersion: 1 });
  });

  it("replaces the password and bumps the password version", async () => {
    const user = await createTestUser();
    const version = await changePassword({
      userId: user.id,
      currentPassword: TEST_PASSWORD,
      newPassword: "brand new password",
      confirmPassword: "brand new password",
    });
    expect(version).toBe(2);
    await expect(failureOf(verifyCredentials({ email: user.email, password: TEST_PASSWORD }))).resolves.toMatchObject({
      code: "wrong_credentials",
    });
    await expect(verifyCredentials({ email: user.email, password: "brand new password" })).resolves.toMatchObject({
      passwordVersion: 2,
    });
  });
});
