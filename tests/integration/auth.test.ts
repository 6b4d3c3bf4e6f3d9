import { describe, expect, it } from "vitest";
import { changePassword } from "@/lib/auth/change-password";
import { registerUser } from "@/lib/auth/register-user";
import { THROTTLE_LIMITS } from "@/lib/auth/throttle";
import { verifyCredentials, WRONG_CREDENTIALS } from "@/lib/auth/verify-credentials";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { createTestUser, TEST_PASSWORD } from "../helpers/users";

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

  it("locks an account after repeated failures, even for the right password, from any address", async () => {
    const user = await createTestUser();
    for (let attempt = 0; attempt < THROTTLE_LIMITS.perAccount; attempt += 1) {
      const error = await failureOf(verifyCredentials({ email: user.email, password: "guess " + attempt, ip: `10.1.0.${attempt}` }));
      expect(error.code).toBe("wrong_credentials");
    }
    const locked = await failureOf(verifyCredentials({ email: user.email, password: TEST_PASSWORD, ip: "10.1.1.1" }));
    expect(locked.code).toBe("rate_limited");
    expect(locked.message).toMatch(/Too many failed attempts\. Try again in 1[45] minutes\./);
  });

  it("limits one address guessing across many accounts", async () => {
    const victim = await createTestUser();
    for (let attempt = 0; attempt < THROTTLE_LIMITS.perIp; attempt += 1) {
      await failureOf(verifyCredentials({ email: `guess${attempt}@example.com`, password: "guess", ip: "10.2.0.1" }));
    }
    const blocked = await failureOf(verifyCredentials({ email: victim.email, password: TEST_PASSWORD, ip: "10.2.0.1" }));
    expect(blocked.code).toBe("rate_limited");
    await expect(verifyCredentials({ email: victim.email, password: TEST_PASSWORD, ip: "10.2.0.2" })).resolves.toMatchObject({
      id: victim.id,
    });
  });

  it("forgets earlier failures after a successful sign-in", async () => {
    const user = await createTestUser();
    for (let attempt = 0; attempt < THROTTLE_LIMITS.perAccount - 1; attempt += 1) {
      await failureOf(verifyCredentials({ email: user.email, password: "guess", ip: "10.3.0.1" }));
    }
    await verifyCredentials({ email: user.email, password: TEST_PASSWORD, ip: "10.3.0.1" });
    const next = await failureOf(verifyCredentials({ email: user.email, password: "guess", ip: "10.3.0.1" }));
    expect(next.code).toBe("wrong_credentials");
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
