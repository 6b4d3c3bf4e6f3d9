import { describe, expect, it } from "vitest";
import { safeCallbackUrl } from "@/components/safe-callback-url";
import { clientIp } from "@/lib/auth/client-ip";
import { changePasswordSchema, signUpSchema } from "@/lib/validations/auth";

describe("sign-up validation", () => {
  it("names each problem", () => {
    const result = signUpSchema.safeParse({ name: " ", email: "not-an-email", password: "short", timeZone: "UTC" });
    expect(result.success).toBe(false);
    const messages = Object.fromEntries(result.error?.issues.map((issue) => [issue.path.join("."), issue.message]) ?? []);
    expect(messages).toEqual({
      name: "Enter your name.",
      email: "Enter a valid email address.",
      password: "Use at least 10 characters.",
    });
  });

  it("falls back to UTC for an unknown time zone", () => {
    const result = signUpSchema.parse({ name: "A", email: "a@example.com", password: "long enough!", timeZone: "Mars/Olympus" });
    expect(result.timeZone).toBe("UTC");
  });
});

describe("change-password validation", () => {
  it("requires the repeated password to match and differ from the current one", () => {
    const mismatch = changePasswordSchema.safeParse({ currentPassword: "old password!", newPassword: "new password!", confirmPassword: "other" });
    expect(mismatch.error?.issues.map((issue) => issue.path.join("."))).toEqual(["confirmPassword"]);
    const same = changePasswordSchema.safeParse({ currentPassword: "same password", newPassword: "same password", confirmPassword: "same password" });
    expect(same.error?.issues.map((issue) => issue.message)).toEqual(["Choose a password different from the current one."]);
  });
});

describe("callback URLs after sign-in", () => {
  it("keeps paths on this site and drops everything else", () => {
    expect(safeCallbackUrl("/settings/sync?x=1")).toBe("/settings/sync?x=1");
    expect(safeCallbackUrl("https://evil.example/")).toBe("/calendar");
    expect(safeCallbackUrl("//evil.example/")).toBe("/calendar");
    expect(safeCallbackUrl("/\\evil.example")).toBe("/calendar");
    expect(safeCallbackUrl(undefined)).toBe("/calendar");
  });
});

describe("client address", () => {
  it("trusts only the last X-Forwarded-For hop, the one the server itself added", () => {
    expect(clientIp({ "x-forwarded-for": "1.2.3.4, 10.0.0.9" })).toBe("10.0.0.9");
    expect(clientIp(new Headers({ "x-forwarded-for": "203.0.113.7" }))).toBe("203.0.113.7");
    expect(clientIp({ "x-real-ip": "198.51.100.1" })).toBe("198.51.100.1");
    expect(clientIp({})).toBeNull();
  });
});
